package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/idpool/idpool/cmd/idpool-bench/internal/load"
)

// The console scenario (-console-identities N) measures a search in the
// web console over a pool of N identities, each with a login, against one
// page of ListIdentities of the same pool: the call a tester would
// otherwise page through. The console's target is to answer a search in
// no more time than that page, so the search's rate must reach the page's.

const (
	// consolePrefix is where idpool serves its console.
	consolePrefix = "/_idpool/console"
	// listPage is the MaxResults of the ListIdentities baseline, the
	// largest AWS allows.
	listPage = 60
	// consoleNum distinguishes the console's pool from the scale
	// scenario's in ids and logins.
	consoleNum = 3
)

// consoleTarget: a search takes at most the time of a ListIdentities page.
var consoleTarget = target{kind: vsOwn, min: 1.0}

// consoleSearches are the searches measured, each by what it types into
// the console's search box for identity i of p.
var consoleSearches = []struct {
	name  string
	query func(p *scalePool, i int) string
}{
	{"login", (*scalePool).token},
	{"identity id", (*scalePool).identityID},
}

// newConsolePool describes the console scenario's pool of n identities.
func newConsolePool(region string, n int) *scalePool {
	return newScalePool(region, fmt.Sprintf("idpool-bench-console-%d", n), consoleNum, n, 0)
}

// searchRequest is the console's page of pool p searched for q.
func (c *identityClient) searchRequest(p *scalePool, q string) load.Request {
	return load.Request{
		Method: http.MethodGet,
		URL:    c.endpoint + consolePrefix + "/pools/" + url.PathEscape(p.id) + "?q=" + url.QueryEscape(q),
	}
}

// listRequest is the baseline: the first page of ListIdentities of p,
// signed as the developer.
func (c *identityClient) listRequest(p *scalePool) (load.Request, error) {
	return c.request(c.endpoint, "ListIdentities", map[string]any{"IdentityPoolId": p.id, "MaxResults": listPage, "HideDisabled": false}, true)
}

// identityLink is how the console's page links to identity id: a page that
// lists the identity holds it, one that only repeats the query does not.
func identityLink(id string) string {
	return consolePrefix + "/identities/" + url.PathEscape(id) + `"`
}

// checkConsole checks once what the console scenario measures: that the
// ListIdentities baseline answers a full page of p, and that each search
// for a few identities answers a page listing the identity searched for,
// so that neither side is measured answering without doing the work.
func checkConsole(ctx context.Context, c *identityClient, p *scalePool) error {
	var page struct{ Identities []struct{ IdentityId string } }
	if err := c.call(ctx, "ListIdentities", map[string]any{"IdentityPoolId": p.id, "MaxResults": listPage, "HideDisabled": false}, &page, true); err != nil {
		return err
	}
	if want := min(listPage, p.n); len(page.Identities) != want {
		return fmt.Errorf("ListIdentities of %s answered %d identities, want %d", p.id, len(page.Identities), want)
	}
	for _, s := range consoleSearches {
		for _, i := range []int{p.n / 2, p.n - 1} {
			id := p.identityID(i)
			b, err := c.do(ctx, "console search by "+s.name, c.searchRequest(p, s.query(p, i)))
			if err != nil {
				return err
			}
			if !bytes.Contains(b, []byte(identityLink(id))) {
				return fmt.Errorf("console search by %s for %q answered a page without identity %s:\n%.300s", s.name, s.query(p, i), id, b)
			}
		}
	}
	return nil
}

// runConsole measures each console search over p interleaved with the
// ListIdentities page and adds a row per search to rep. A failed check
// of what is measured is the rows' set-up error.
func runConsole(ctx context.Context, o options, c *identityClient, lopts load.Options, p *scalePool, rep *Report, progress func(string, ...any)) error {
	list, err := c.listRequest(p)
	if err != nil {
		return err
	}
	base := fmt.Sprintf("ListIdentities of %d", listPage)
	setup := checkConsole(ctx, c, p)
	for _, s := range consoleSearches {
		name := fmt.Sprintf("console search by %s, random of %d", s.name, p.n)
		if setup != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			rep.Scenarios = append(rep.Scenarios, Row{Name: name, SetupError: setup.Error(), target: consoleTarget})
			continue
		}
		progress("running %s interleaved with %s, %d rounds", name, base, o.rounds)
		search := randomStream(p, func(i int) load.Request { return c.searchRequest(p, s.query(p, i)) })
		rb, rs, err := interleave(ctx, o.rounds, o.duration, o.warmup, runner(lopts, list), streamRunner(lopts, search))
		if err != nil {
			return err
		}
		row := newRow(name, rs)
		row.withBaseline(base, rb)
		row.target = consoleTarget
		rep.Scenarios = append(rep.Scenarios, row)
	}
	return nil
}
