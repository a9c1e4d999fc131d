package console

import (
	"net/http"
	"net/url"
)

// done redirects (303, so the browser GETs) to target with the code of a
// message of flashes, which the next page shows. The link carries the code,
// not the words: any page may link to the console, and a message it chose
// ("idpool is out of date: run curl … | sh") would show as the console's.
func done(w http.ResponseWriter, r *http.Request, target, code string) {
	sep := "?"
	if u, err := url.Parse(target); err == nil && u.RawQuery != "" {
		sep = "&"
	}
	http.Redirect(w, r, target+sep+"done="+url.QueryEscape(code), http.StatusSeeOther)
}

// flashes are the messages an action's ?done= code shows, by code; a page
// shows none for a code not here.
var flashes = map[string]string{
	"deleted":         "Deleted the identity, with its logins and datasets.",
	"not-deleted":     "Not deleted: tick the box to confirm.",
	"expired":         "Expired its credentials that had not expired yet.",
	"nothing-expired": "Nothing to expire: the credentials issued to it since idpool started have all expired.",
	"rotated":         "Rotated the signing key: new tokens are signed with the new key.",
	"not-reset":       "Not reset: tick the box to confirm.",
	"reset":           "Reset: every pool and IAM entity replaced by the fixtures.",
}

// deleteIdentity deletes an identity with its logins and datasets, as
// DeleteIdentities does, once the form's confirm box was ticked: a
// deletion cannot be undone, so one keypress on the button must not do it
// (WCAG 3.3.4). Unconfirmed, it deletes nothing and the identity's page
// says why.
func (c *Console) deleteIdentity(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	i, err := c.cfg.Store.GetIdentity(ctx, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if r.FormValue("confirm") != "yes" {
		done(w, r, Prefix+"/identities/"+url.PathEscape(i.ID), "not-deleted")
		return
	}
	if err := c.cfg.DeleteIdentity(ctx, i.ID); err != nil {
		c.fail(w, r, err)
		return
	}
	done(w, r, Prefix+"/pools/"+url.PathEscape(i.PoolID), "deleted")
}

// expireCredentials expires every set of credentials the console saw
// issued to the identity (see Issued) that has not expired yet, and says
// whether there was any: none when a previous click expired them all.
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
	code := "expired"
	if n == 0 {
		code = "nothing-expired"
	}
	done(w, r, Prefix+"/identities/"+url.PathEscape(id), code)
}

// expired reports whether an issue is expired now: past its expiry, or,
// for credentials, expired early.
func (c *Console) expired(is Issue) bool {
	return !is.Expires.After(c.cfg.Now()) || is.Kind == kindCredentials && c.cfg.CredentialsExpired(is.ID)
}

// kindCredentials is the Kind of issued credentials.
const kindCredentials = "credentials"

func (c *Console) rotateKey(w http.ResponseWriter, r *http.Request) {
	if _, err := c.cfg.RotateKey(r.Context()); err != nil {
		c.fail(w, r, err)
		return
	}
	done(w, r, Prefix+"/token", "rotated")
}

func (c *Console) resetPage(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, http.StatusOK, "reset", "Reset", nil)
}

// reset wipes every pool and applies the fixtures again, once the form's
// confirm box was ticked.
func (c *Console) reset(w http.ResponseWriter, r *http.Request) {
	if r.FormValue("confirm") != "yes" {
		done(w, r, Prefix+"/reset", "not-reset")
		return
	}
	if err := c.cfg.Reset(r.Context()); err != nil {
		c.fail(w, r, err)
		return
	}
	done(w, r, Prefix+"/", "reset")
}
