package console

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/idpool/idpool/storage"
)

// pageSize is how many identities a pool page lists, and how many of
// those merged into an identity its page lists.
const pageSize = 50

type poolRow struct {
	Pool storage.Pool
	// Identities is the store's count, kept as identities are written:
	// exact at any size, for the cost of one lookup.
	Identities storage.IdentityCount
	Datasets   int64
	Providers  []string
}

type region struct {
	Name  string
	Pools []poolRow
}

// poolsPage lists every pool, by region.
func (c *Console) poolsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var regions []region
	after := ""
	for {
		pools, err := c.cfg.Store.ListPools(ctx, after, 500)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		for _, p := range pools {
			row := poolRow{Pool: p, Providers: loginKeys(p)}
			var err error
			row.Identities, err = c.cfg.Store.CountIdentities(ctx, p.ID)
			if errors.Is(err, storage.ErrNotFound) {
				continue // deleted since it was listed
			}
			if err != nil {
				c.fail(w, r, err)
				return
			}
			u, err := c.cfg.Store.PoolUsage(ctx, p.ID)
			if err != nil {
				c.fail(w, r, err)
				return
			}
			row.Datasets = u.DatasetCount
			name, _, _ := strings.Cut(p.ID, ":")
			if len(regions) == 0 || regions[len(regions)-1].Name != name {
				regions = append(regions, region{Name: name})
			}
			regions[len(regions)-1].Pools = append(regions[len(regions)-1].Pools, row)
		}
		if len(pools) < 500 {
			break
		}
		after = pools[len(pools)-1].ID
	}
	c.render(w, r, http.StatusOK, "pools", "Pools", regions)
}

// loginKeys returns the Logins keys of every provider p accepts, its
// developer provider last.
func loginKeys(p storage.Pool) []string {
	keys := slices.Sorted(maps.Keys(p.SupportedLoginProviders))
	for _, arn := range p.OpenIDConnectProviderARNs {
		_, host, ok := strings.Cut(arn, ":oidc-provider/")
		if !ok {
			host = arn
		}
		keys = append(keys, host)
	}
	for _, cp := range p.CognitoIdentityProviders {
		keys = append(keys, cp.ProviderName)
	}
	keys = append(keys, p.SAMLProviderARNs...)
	if p.DeveloperProviderName != "" {
		keys = append(keys, p.DeveloperProviderName)
	}
	return keys
}

type poolData struct {
	Pool          storage.Pool
	Providers     []string
	Config        string
	Roles         string
	PrincipalTags string
	Query         string
	Identities    []storage.Identity
	Searched      bool
	Next          string
}

// poolPage shows a pool's configuration and a page of its identities, or
// the identities a search finds.
func (c *Console) poolPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, err := c.cfg.Store.GetPool(ctx, r.PathValue("pool"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := poolData{Pool: p, Providers: loginKeys(p), Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	desc, err := c.cfg.Describe(ctx, p.ID)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d.Config = pretty(desc)
	roles, err := c.cfg.Roles(ctx, p.ID)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d.Roles = pretty(roles)
	if len(p.PrincipalTags) > 0 {
		d.PrincipalTags = pretty(p.PrincipalTags)
	}
	after := r.URL.Query().Get("after")
	if d.Query != "" {
		d.Searched = true
		d.Identities, d.Next, err = c.search(r, p, d.Query, after)
	} else {
		d.Identities, err = c.cfg.Store.ListIdentities(ctx, p.ID, storage.ListIdentitiesOptions{After: after, Limit: pageSize + 1})
		if len(d.Identities) > pageSize {
			d.Identities = d.Identities[:pageSize]
			d.Next = d.Identities[pageSize-1].ID
		}
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	// The title names the region too: pools of one name may live in
	// several, and the title is what a browser's tabs and history show.
	region, _, _ := strings.Cut(p.ID, ":")
	c.render(w, r, http.StatusOK, "pool", "Pool "+p.Name+" ("+region+")", d)
}

// search finds identities of p by q, with indexed lookups only, so that it
// costs the same at a million identities as at ten: q as an identity id
// (or the start of one), as "<Logins key>=<user>", or as a user (or a
// developer user identifier) of any of the pool's providers. The ids that
// start with q come a page at a time, after the id after; next is the
// last one listed when more may follow.
func (c *Console) search(r *http.Request, p storage.Pool, q, after string) (found []storage.Identity, next string, err error) {
	ctx := r.Context()
	seen := map[string]bool{}
	add := func(i storage.Identity, err error) error {
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if i.PoolID == p.ID && !seen[i.ID] {
			seen[i.ID] = true
			found = append(found, i)
		}
		return nil
	}
	// The exact lookups are the first page's.
	if after == "" {
		if err := add(c.cfg.Store.GetIdentity(ctx, q)); err != nil {
			return nil, "", err
		}
		if key, user, ok := strings.Cut(q, "="); ok {
			if err := add(c.cfg.Store.IdentityByLogin(ctx, p.ID, storage.Login{Provider: strings.TrimSpace(key), UserID: strings.TrimSpace(user)})); err != nil {
				return nil, "", err
			}
		}
		for _, key := range loginKeys(p) {
			if err := add(c.cfg.Store.IdentityByLogin(ctx, p.ID, storage.Login{Provider: key, UserID: q})); err != nil {
				return nil, "", err
			}
		}
	}
	// The start of an id: the ids that start with q (q itself aside, found
	// above) are the ones right after q in id order, so the listing starts
	// there and stops at the first id that does not. A whole id found
	// above is the start of no other (ids have one length): no listing.
	if strings.HasPrefix(q, strings.SplitN(p.ID, ":", 2)[0]+":") && !seen[q] {
		if after < q {
			after = q
		}
		ids, err := c.cfg.Store.ListIdentities(ctx, p.ID, storage.ListIdentitiesOptions{After: after, Limit: pageSize + 1})
		if err != nil {
			return nil, "", err
		}
		for k, i := range ids {
			if !strings.HasPrefix(i.ID, q) {
				break
			}
			if k == pageSize {
				next = ids[k-1].ID
				break
			}
			_ = add(i, nil)
		}
	}
	return found, next, nil
}

type datasetView struct {
	Dataset storage.Dataset
	Records []recordView
}

// maxValueShown bounds the bytes of a record's value the identity page
// shows. Cognito Sync takes values of up to 1,048,575 characters, and a
// browser lays out a long run of characters without a space in a table in
// time that grows faster than its length: a value of a million letters
// kept Chromium's page from showing for minutes. Settings a client syncs
// are far shorter; ListRecords returns a value whole.
const maxValueShown = 4 << 10

// recordView is a record with the part of its value the page shows.
type recordView struct {
	storage.Record
	// Shown is the value's first maxValueShown bytes at most, cut at
	// the start of a character; LeftChars and LeftBytes say how much of
	// the value it leaves out, 0 when it is the whole value.
	Shown                string
	LeftChars, LeftBytes int
}

// newRecordView bounds the value of rec as recordView says.
func newRecordView(rec storage.Record) recordView {
	v := recordView{Record: rec}
	if rec.Value == nil {
		return v
	}
	v.Shown = *rec.Value
	if len(v.Shown) > maxValueShown {
		cut := maxValueShown
		for !utf8.RuneStart(v.Shown[cut]) {
			cut--
		}
		v.Shown = v.Shown[:cut]
		rest := (*rec.Value)[cut:]
		v.LeftChars, v.LeftBytes = utf8.RuneCountInString(rest), len(rest)
	}
	return v
}

// issueView is an issue with its state now: Expired, and Early when the
// console or the test controls expired it before its expiry.
type issueView struct {
	Issue
	Expired, Early bool
}

type identityData struct {
	Identity  storage.Identity
	Pool      storage.Pool
	Logins    []storage.Login
	Developer []string
	Datasets  []datasetView
	Issued    []issueView
	Kept      int // how many issues are remembered
	// Merged are the identities merged into this one, as the store
	// records them (the first pageSize); MoreMerged says there are more.
	Merged     []storage.Identity
	MoreMerged bool
	// MergedFrom are the identities whose datasets a merge brought here
	// and that are not among Merged: deleted since, or past the first
	// pageSize.
	MergedFrom []string
}

// identityPage shows an identity with its logins, the merges it took part
// in, its datasets and records, and what was issued to it recently.
func (c *Console) identityPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	i, err := c.cfg.Store.GetIdentity(ctx, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	p, err := c.cfg.Store.GetPool(ctx, i.PoolID)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := identityData{Identity: i, Pool: p, Kept: issuedSize}
	// Merges are read from the store below, which keeps them across
	// restarts and only once they have committed.
	for _, is := range c.Issued.For(i.ID) {
		v := issueView{Issue: is, Expired: c.expired(is)}
		v.Early = v.Expired && is.Expires.After(c.cfg.Now())
		d.Issued = append(d.Issued, v)
	}
	d.Merged, err = c.cfg.Store.ListIdentities(ctx, i.PoolID, storage.ListIdentitiesOptions{MergedInto: i.ID, Limit: pageSize + 1})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if len(d.Merged) > pageSize {
		d.Merged, d.MoreMerged = d.Merged[:pageSize], true
	}
	merged := map[string]bool{}
	for _, m := range d.Merged {
		merged[m.ID] = true
	}
	for _, l := range i.Logins {
		if p.DeveloperProviderName != "" && l.Provider == p.DeveloperProviderName {
			d.Developer = append(d.Developer, l.UserID)
		} else {
			d.Logins = append(d.Logins, l)
		}
	}
	after := ""
	for {
		ds, err := c.cfg.Store.ListDatasets(ctx, i.ID, after, 100)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		for _, ds := range ds {
			recs, err := c.cfg.Store.ListRecords(ctx, i.ID, ds.Name, storage.ListRecordsOptions{})
			if err != nil {
				c.fail(w, r, err)
				return
			}
			view := datasetView{Dataset: ds}
			for _, rec := range recs {
				view.Records = append(view.Records, newRecordView(rec))
			}
			d.Datasets = append(d.Datasets, view)
			if ds.MergedFrom != "" && !merged[ds.MergedFrom] {
				merged[ds.MergedFrom] = true
				d.MergedFrom = append(d.MergedFrom, ds.MergedFrom)
			}
		}
		if len(ds) < 100 {
			break
		}
		after = ds[len(ds)-1].Name
	}
	c.render(w, r, http.StatusOK, "identity", i.ID, d)
}
