package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// TestListIdentitiesHideDisabledPages: ListIdentities with HideDisabled
// over a pool whose live identities lie between long runs of disabled
// ones, paged with the SDK as callers page it (the SDK has no paginator
// for ListIdentities): following NextToken until it is absent gives every
// live identity exactly once, in id order, and no disabled one. A page
// passes over a bounded number of disabled identities, so some pages hold
// fewer than MaxResults identities, or none, and still carry a NextToken,
// as AWS documents for many List operations.
func TestListIdentitiesHideDisabledPages(t *testing.T) {
	const poolID = "us-east-1:4d1de000-0000-4000-8000-000000000001"
	// The pool in id order: runs of live or disabled identities, longer
	// and shorter than the bound on those a page passes over (1,000).
	runs := []struct {
		n        int
		disabled bool
	}{
		{1, false}, {2500, true}, {1, false}, {1000, true}, {1, false}, {999, true},
		{70, false}, {1500, true}, {1, false}, {1200, true},
	}
	var ids []any
	var want []string
	k := 0
	for _, r := range runs {
		for range r.n {
			id := fmt.Sprintf("us-east-1:00000000-0000-4000-8000-%012d", k)
			k++
			ids = append(ids, map[string]any{"IdentityId": id, "Disabled": r.disabled})
			if !r.disabled {
				want = append(want, id)
			}
		}
	}
	fixture := map[string]any{"IdentityPools": []any{map[string]any{
		"IdentityPoolId": poolID, "IdentityPoolName": "hide-disabled",
		"AllowUnauthenticatedIdentities": true, "Identities": ids,
	}}}
	b, err := json.Marshal(fixture)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "pools.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s, stop := mustOpenOn(t, "--db", ":memory:", "--fixtures", path)
	defer stop()

	ctx := context.Background()
	tests := []struct {
		name string
		max  int32
	}{{"pages of 60", 60}, {"pages of 7", 7}, {"pages of 1", 1}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			short := 0 // pages with a NextToken but fewer than MaxResults identities
			in := &cognitoidentity.ListIdentitiesInput{IdentityPoolId: awsv2.String(poolID), MaxResults: awsv2.Int32(tc.max), HideDisabled: true}
			for page := 0; ; page++ {
				if page > len(want)+k/1000+1 {
					t.Fatalf("got more than %d pages, want the listing to end", page)
				}
				out, err := s.signed.ListIdentities(ctx, in)
				ok(t, err, "ListIdentities")
				if len(out.Identities) > int(tc.max) {
					t.Errorf("page %d: got %d identities, want at most %d", page, len(out.Identities), tc.max)
				}
				for _, d := range out.Identities {
					got = append(got, awsv2.ToString(d.IdentityId))
				}
				if out.NextToken == nil {
					break
				}
				if len(out.Identities) < int(tc.max) {
					short++
				}
				if in.NextToken != nil && *in.NextToken == *out.NextToken {
					t.Fatalf("page %d: got the NextToken it was given, want the listing to move on", page)
				}
				in.NextToken = out.NextToken
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %d identities, want the %d live ones, each once, in id order", len(got), len(want))
			}
			if short == 0 {
				t.Errorf("got no page short of MaxResults with a NextToken, want some: the runs of disabled identities exceed the bound")
			}
		})
	}
}
