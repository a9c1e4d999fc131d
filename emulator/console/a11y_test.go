package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAccessibleMarkup: what assistive technology reads from the pages:
// the live status is a status region, every table header has words, an
// empty Activity says so, the pool page's title names its region, the
// deletion asks for a confirmation, link arrows are not read out, and
// every table's scroll box is a labelled region a keyboard can focus.
func TestAccessibleMarkup(t *testing.T) {
	f := newFixture(t)
	escaped := `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`
	pool := "/_idpool/console/pools/" + url.PathEscape(poolID)
	identity := "/_idpool/console/identities/" + url.PathEscape(idA)
	tests := []struct {
		name, path string
		want, not  []string
	}{
		{"live status is a status region", "/_idpool/console/activity", []string{`<p class="muted" id="live" role="status" data-events=`}, nil},
		{"empty activity", "/_idpool/console/activity", []string{`<tr class="empty"><td colspan="6" class="muted">No requests.</td></tr>`}, nil},
		{"empty filtered activity", "/_idpool/console/activity?op=GetId", []string{`<tr class="empty"><td colspan="6" class="muted">No requests match these filters.</td></tr>`}, nil},
		{"older page's newest link", "/_idpool/console/activity?before=1", []string{`<span aria-hidden="true">←</span> Newest requests</a>`}, nil},
		{"identities state header", pool, []string{`<th>Modified</th><th>State</th>`}, []string{"<th></th>"}},
		{"pool title names the region", pool, []string{"<title>Pool pool" + escaped + " (us-east-1) · idpool console</title>"}, nil},
		{"search's reset link", pool + "?q=google-user-1", []string{`<a href="?">Show all identities</a>`}, []string{`>all</a>`}},
		{"delete asks for a confirmation", identity, []string{`<input type="checkbox" name="confirm" value="yes" id="delete-confirm" required> Yes, delete it</label>`}, nil},
		{"labelled scroll boxes", identity, []string{`<div class="scroll" tabindex="0" role="region" aria-label="Records of dataset profile">`}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.check(t, tc.path, http.StatusOK, tc.want, tc.not)
		})
	}
	// A refused request, so that Activity has rows, and an issue, so that
	// the identity lists it.
	if err := f.call(`{"IdentityId": "` + idA + `", "IdentityPoolId":"` + poolID + `"}`); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/_idpool/console/", pool, identity, "/_idpool/console/activity"} {
		t.Run("every scroll box focusable "+p, func(t *testing.T) {
			_, page := f.get(t, p)
			all := strings.Count(page, `<div class="scroll"`)
			labelled := strings.Count(page, `<div class="scroll" tabindex="0" role="region" aria-label="`)
			if all == 0 || labelled != all {
				t.Errorf("got %d scroll boxes, %d of them focusable labelled regions, want some, all of them", all, labelled)
			}
		})
	}
}
