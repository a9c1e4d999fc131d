package console

import (
	"net/http"
	"net/url"
	"strconv"
)

// done redirects (303, so the browser GETs) to target with a message the
// next page shows.
func done(w http.ResponseWriter, r *http.Request, target, msg string) {
	sep := "?"
	if u, err := url.Parse(target); err == nil && u.RawQuery != "" {
		sep = "&"
	}
	http.Redirect(w, r, target+sep+"done="+url.QueryEscape(msg), http.StatusSeeOther)
}

// deleteIdentity deletes an identity with its logins and datasets, as
// DeleteIdentities does.
func (c *Console) deleteIdentity(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	i, err := c.cfg.Store.GetIdentity(ctx, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if err := c.cfg.DeleteIdentity(ctx, i.ID); err != nil {
		c.fail(w, r, err)
		return
	}
	done(w, r, Prefix+"/pools/"+url.PathEscape(i.PoolID), "Deleted identity "+i.ID)
}

// expireCredentials expires every set of credentials the console saw
// issued to the identity (see Issued) that has not expired yet, and says
// how many that was: none when a previous click expired them all.
func (c *Console) expireCredentials(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	n := 0
	for _, is := range c.Issued.For(id) {
		if is.Kind != kindCredentials || c.expired(is) {
			continue
		}
		if err := c.cfg.Expire(ctx, is.ID, is.Expires); err != nil {
			c.fail(w, r, err)
			return
		}
		n++
	}
	msg := "Expired " + strconv.Itoa(n) + " set(s) of credentials"
	if n == 0 {
		msg = "Nothing to expire: the credentials issued to it since idpool started have all expired"
	}
	done(w, r, Prefix+"/identities/"+url.PathEscape(id), msg)
}

// expired reports whether an issue is expired now: past its expiry, or,
// for credentials, expired early.
func (c *Console) expired(is Issue) bool {
	return !is.Expires.After(c.cfg.Now()) || is.Kind == kindCredentials && c.cfg.CredentialsExpired(is.ID)
}

// kindCredentials is the Kind of issued credentials.
const kindCredentials = "credentials"

func (c *Console) rotateKey(w http.ResponseWriter, r *http.Request) {
	kid, err := c.cfg.RotateKey(r.Context())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	done(w, r, Prefix+"/token", "Rotated the signing key; new tokens are signed with "+kid)
}

func (c *Console) resetPage(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, http.StatusOK, "reset", "Reset", nil)
}

// reset wipes every pool and applies the fixtures again, once the form's
// confirm box was ticked.
func (c *Console) reset(w http.ResponseWriter, r *http.Request) {
	if r.FormValue("confirm") != "yes" {
		done(w, r, Prefix+"/reset", "Not reset: tick the box to confirm")
		return
	}
	if err := c.cfg.Reset(r.Context()); err != nil {
		c.fail(w, r, err)
		return
	}
	done(w, r, Prefix+"/", "Reset: every pool and IAM entity replaced by the fixtures")
}
