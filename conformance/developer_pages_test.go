package conformance

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// TestLookupDeveloperIdentityChangingPages checks that LookupDeveloperIdentity
// pages by key: developer users unlinked or linked between pages neither hide
// one still linked nor void a NextToken the server issued.
func TestLookupDeveloperIdentityChangingPages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		unlink   []string // between the first page and the rest
		link     []string // likewise
		wantRest []string // the pages after the first, [a b]
	}{
		{"a listed user unlinked", []string{"a"}, nil, []string{"c", "d", "e"}},
		{"the last listed user unlinked", []string{"b"}, nil, []string{"c", "d", "e"}},
		{"list shrinks below the first page", []string{"b", "c", "d"}, nil, []string{"e"}},
		{"users linked on both sides", nil, []string{"a0", "f"}, []string{"c", "d", "e", "f"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDevServer(t)
			ctx := context.Background()
			id := d.devID(t, "a")
			link := func(user string) {
				t.Helper()
				d.devID(t, user)
				_, err := d.signed.MergeDeveloperIdentities(ctx, &cognitoidentity.MergeDeveloperIdentitiesInput{
					IdentityPoolId: aws.String(d.pool), DeveloperProviderName: aws.String(d.dev),
					SourceUserIdentifier: aws.String(user), DestinationUserIdentifier: aws.String("a"),
				})
				ok(t, err, "MergeDeveloperIdentities "+user)
			}
			for _, u := range []string{"b", "c", "d", "e"} {
				link(u)
			}
			page := func(token *string) *cognitoidentity.LookupDeveloperIdentityOutput {
				t.Helper()
				out, err := d.signed.LookupDeveloperIdentity(ctx, &cognitoidentity.LookupDeveloperIdentityInput{
					IdentityPoolId: aws.String(d.pool), IdentityId: aws.String(id), MaxResults: aws.Int32(2), NextToken: token,
				})
				ok(t, err, "LookupDeveloperIdentity")
				return out
			}
			first := page(nil)
			if !slices.Equal(first.DeveloperUserIdentifierList, []string{"a", "b"}) || first.NextToken == nil {
				t.Fatalf("first page: got %v, token %v, want [a b] and a token", first.DeveloperUserIdentifierList, first.NextToken)
			}
			for _, u := range tt.unlink {
				_, err := d.signed.UnlinkDeveloperIdentity(ctx, &cognitoidentity.UnlinkDeveloperIdentityInput{
					IdentityId: aws.String(id), IdentityPoolId: aws.String(d.pool),
					DeveloperProviderName: aws.String(d.dev), DeveloperUserIdentifier: aws.String(u),
				})
				ok(t, err, "UnlinkDeveloperIdentity "+u)
			}
			for _, u := range tt.link {
				link(u)
			}
			got := []string{}
			for token, pages := first.NextToken, 0; token != nil; pages++ {
				if pages > 5 {
					t.Fatal("LookupDeveloperIdentity does not end")
				}
				out := page(token)
				got, token = append(got, out.DeveloperUserIdentifierList...), out.NextToken
			}
			if !slices.Equal(got, tt.wantRest) {
				t.Errorf("got %v after the first page, want %v", got, tt.wantRest)
			}
		})
	}
}
