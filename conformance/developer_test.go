package conformance

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// devServer is a server with one pool that has a developer provider, and
// helpers for the developer-identity calls.
type devServer struct {
	*server
	pool, dev string
}

func newDevServer(t *testing.T) *devServer {
	t.Helper()
	s := testServer(t)
	dev := uniqueDev()
	return &devServer{server: s, pool: s.createPool(t, s.fullPool(dev)), dev: dev}
}

// token calls GetOpenIdTokenForDeveloperIdentity for developer user user
// (plus extra logins), on identity id when id is not "".
func (d *devServer) token(id, user string, extra map[string]string) (*cognitoidentity.GetOpenIdTokenForDeveloperIdentityOutput, error) {
	logins := map[string]string{d.dev: user}
	for k, v := range extra {
		logins[k] = v
	}
	in := &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: aws.String(d.pool), Logins: logins}
	if id != "" {
		in.IdentityId = aws.String(id)
	}
	return d.signed.GetOpenIdTokenForDeveloperIdentity(context.Background(), in)
}

// devID returns the identity of developer user user.
func (d *devServer) devID(t *testing.T, user string) string {
	t.Helper()
	out, err := d.token("", user, nil)
	ok(t, err, "GetOpenIdTokenForDeveloperIdentity "+user)
	if out.Token == nil || *out.Token == "" {
		t.Fatal("GetOpenIdTokenForDeveloperIdentity: no token")
	}
	return aws.ToString(out.IdentityId)
}

func TestDeveloperIdentities(t *testing.T) {
	t.Parallel()
	d := newDevServer(t)
	ctx := context.Background()

	u1 := d.devID(t, "user-1")
	if !idPattern.MatchString(u1) {
		t.Fatalf("got identity id %q, want region:uuid", u1)
	}
	if again := d.devID(t, "user-1"); again != u1 {
		t.Errorf("same developer user: got %s, want %s", again, u1)
	}
	u2 := d.devID(t, "user-2")
	if u2 == u1 {
		t.Errorf("another developer user got the same identity %s", u1)
	}

	t.Run("guest becomes developer identity", func(t *testing.T) {
		guest := d.guestID(t, d.pool)
		out, err := d.token(guest, "user-3", nil)
		ok(t, err, "GetOpenIdTokenForDeveloperIdentity")
		if got := aws.ToString(out.IdentityId); got != guest {
			t.Errorf("got %s, want the guest's id %s", got, guest)
		}
		desc, err := d.signed.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: aws.String(guest)})
		ok(t, err, "DescribeIdentity")
		if !slices.Contains(desc.Logins, d.dev) {
			t.Errorf("got logins %v, want %s among them", desc.Logins, d.dev)
		}
	})

	t.Run("linking a public login", func(t *testing.T) {
		out, err := d.token("", "user-1", map[string]string{googleKey: googleToken(t, "dev-linked")})
		ok(t, err, "GetOpenIdTokenForDeveloperIdentity with google")
		if got := aws.ToString(out.IdentityId); got != u1 {
			t.Fatalf("got %s, want %s", got, u1)
		}
		if got := d.loginID(t, d.pool, map[string]string{googleKey: googleToken(t, "dev-linked")}); got != u1 {
			t.Errorf("GetId with the linked google login: got %s, want %s", got, u1)
		}
	})

	// A login-only identity, for the "Logins don't match" case.
	social := d.loginID(t, d.pool, map[string]string{googleKey: googleToken(t, "social-only")})
	noDev := d.createPool(t, d.fullPool(""))

	tests := []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"user registered to another identity", func() error {
			_, err := d.token(u1, "user-2", nil)
			return err
		}, codeDevRegistered, ""},
		{"second developer user for one identity", func() error {
			_, err := d.token(u1, "user-fresh", map[string]string{googleKey: googleToken(t, "dev-linked")})
			return err
		}, codeConflict, ""},
		{"authenticated identity without one of its logins", func() error {
			_, err := d.token(social, "user-new", nil)
			return err
		}, codeNotAuthorized, msgLoginsDontMatch},
		{"wrong developer provider", func() error {
			_, err := d.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
				IdentityPoolId: aws.String(d.pool), Logins: map[string]string{"other.developer.test": "u"},
			})
			return err
		}, codeNotAuthorized, ""},
		{"pool without developer provider", func() error {
			_, err := d.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
				IdentityPoolId: aws.String(noDev), Logins: map[string]string{d.dev: "u"},
			})
			return err
		}, codeInvalidParam, ""},
		{"unknown pool", func() error {
			_, err := d.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
				IdentityPoolId: aws.String("us-east-1:00000000-0000-4000-8000-000000000000"), Logins: map[string]string{d.dev: "u"},
			})
			return err
		}, codeNotFound, msgPoolNotFound("us-east-1:00000000-0000-4000-8000-000000000000")},
		{"developer key in GetId", func() error {
			_, err := d.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(d.pool), Logins: map[string]string{d.dev: "user-1"}})
			return err
		}, codeInvalidParam, msgPublicProvider},
		// aws-amplify/aws-sdk-ios#218: an app that puts the developer
		// provider's name in the Logins of the enhanced flow.
		{"developer key in GetCredentialsForIdentity", func() error {
			dt, err := d.token("", "user-public", nil)
			if err != nil {
				return err
			}
			_, err = d.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{
				IdentityId: dt.IdentityId, Logins: map[string]string{d.dev: "user-public", cognitoProvider: aws.ToString(dt.Token)},
			})
			return err
		}, codeInvalidParam, msgPublicProvider},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantAPIError(t, tt.call(), tt.code, tt.msg)
		})
	}
}

func TestLookupDeveloperIdentity(t *testing.T) {
	t.Parallel()
	d := newDevServer(t)
	ctx := context.Background()
	u1 := d.devID(t, "look-1")
	u2 := d.devID(t, "look-2")

	lookup := func(id, user string) (*cognitoidentity.LookupDeveloperIdentityOutput, error) {
		in := &cognitoidentity.LookupDeveloperIdentityInput{IdentityPoolId: aws.String(d.pool)}
		if id != "" {
			in.IdentityId = aws.String(id)
		}
		if user != "" {
			in.DeveloperUserIdentifier = aws.String(user)
		}
		return d.signed.LookupDeveloperIdentity(ctx, in)
	}
	tests := []struct {
		name     string
		id, user string
		wantID   string
		wantList []string
		code     string
	}{
		{name: "by identity", id: u1, wantID: u1, wantList: []string{"look-1"}},
		{name: "by developer user", user: "look-2", wantID: u2, wantList: []string{"look-2"}},
		{name: "both, matching", id: u1, user: "look-1", wantID: u1, wantList: []string{"look-1"}},
		{name: "both, not matching", id: u1, user: "look-2", code: codeConflict},
		{name: "neither", code: codeInvalidParam},
		{name: "unknown developer user", user: "nobody", code: codeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := lookup(tt.id, tt.user)
			if tt.code != "" {
				wantAPIError(t, err, tt.code, "")
				return
			}
			ok(t, err, "LookupDeveloperIdentity")
			if got := aws.ToString(out.IdentityId); got != tt.wantID {
				t.Errorf("got identity %s, want %s", got, tt.wantID)
			}
			if !slices.Equal(out.DeveloperUserIdentifierList, tt.wantList) {
				t.Errorf("got identifiers %v, want %v", out.DeveloperUserIdentifierList, tt.wantList)
			}
		})
	}
}

func TestMergeDeveloperIdentities(t *testing.T) {
	t.Parallel()
	d := newDevServer(t)
	ctx := context.Background()
	dst := d.devID(t, "dst")
	src := d.devID(t, "src")
	d.devID(t, "extra")

	merge := func(source, destination, provider string) (*cognitoidentity.MergeDeveloperIdentitiesOutput, error) {
		return d.signed.MergeDeveloperIdentities(ctx, &cognitoidentity.MergeDeveloperIdentitiesInput{
			IdentityPoolId: aws.String(d.pool), DeveloperProviderName: aws.String(provider),
			SourceUserIdentifier: aws.String(source), DestinationUserIdentifier: aws.String(destination),
		})
	}

	t.Run("errors", func(t *testing.T) {
		_, err := merge("src", "dst", "not."+d.dev)
		wantAPIError(t, err, codeInvalidParam, "")
		_, err = merge("nobody", "dst", d.dev)
		wantAPIError(t, err, codeNotFound, "")
	})
	t.Run("two users of one provider", func(t *testing.T) {
		a, err := d.token("", "g-a", map[string]string{googleKey: googleToken(t, "merge-ga")})
		ok(t, err, "GetOpenIdTokenForDeveloperIdentity")
		b, err := d.token("", "g-b", map[string]string{googleKey: googleToken(t, "merge-gb")})
		ok(t, err, "GetOpenIdTokenForDeveloperIdentity")
		_, err = merge("g-a", "g-b", d.dev)
		wantAPIError(t, err, codeConflict, "")
		if got := d.devID(t, "g-a"); got != aws.ToString(a.IdentityId) {
			t.Errorf("g-a after the refused merge: got %s, want %s", got, aws.ToString(a.IdentityId))
		}
		if got := d.devID(t, "g-b"); got != aws.ToString(b.IdentityId) {
			t.Errorf("g-b after the refused merge: got %s, want %s", got, aws.ToString(b.IdentityId))
		}
	})

	out, err := merge("src", "dst", d.dev)
	ok(t, err, "MergeDeveloperIdentities")
	if got := aws.ToString(out.IdentityId); got != dst {
		t.Fatalf("got %s, want the destination's identity %s", got, dst)
	}
	if got := d.devID(t, "src"); got != dst {
		t.Errorf("token for the source user after merge: got %s, want %s", got, dst)
	}
	_, err = d.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(src)})
	wantAPIError(t, err, codeNotAuthorized, msgForbidden(src))

	_, err = merge("extra", "dst", d.dev)
	ok(t, err, "second MergeDeveloperIdentities")

	// The destination now holds three developer users: page through them.
	var got []string
	var token *string
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("LookupDeveloperIdentity does not end")
		}
		out, err := d.signed.LookupDeveloperIdentity(ctx, &cognitoidentity.LookupDeveloperIdentityInput{
			IdentityPoolId: aws.String(d.pool), IdentityId: aws.String(dst), MaxResults: aws.Int32(1), NextToken: token,
		})
		ok(t, err, "LookupDeveloperIdentity")
		if len(out.DeveloperUserIdentifierList) > 1 {
			t.Errorf("got %d identifiers on a page, want at most 1", len(out.DeveloperUserIdentifierList))
		}
		got = append(got, out.DeveloperUserIdentifierList...)
		if out.NextToken == nil {
			break
		}
		token = out.NextToken
	}
	if slices.Sort(got); !slices.Equal(got, []string{"dst", "extra", "src"}) {
		t.Errorf("got identifiers %v, want [dst extra src]", got)
	}
}

func TestUnlinkDeveloperIdentity(t *testing.T) {
	t.Parallel()
	d := newDevServer(t)
	ctx := context.Background()
	id := d.devID(t, "unlink-me")
	withGoogle, err := d.token("", "keep-google", map[string]string{googleKey: googleToken(t, "kg")})
	ok(t, err, "GetOpenIdTokenForDeveloperIdentity")

	unlink := func(id, user string) error {
		_, err := d.signed.UnlinkDeveloperIdentity(ctx, &cognitoidentity.UnlinkDeveloperIdentityInput{
			IdentityId: aws.String(id), IdentityPoolId: aws.String(d.pool),
			DeveloperProviderName: aws.String(d.dev), DeveloperUserIdentifier: aws.String(user),
		})
		return err
	}

	t.Run("unknown identity", func(t *testing.T) {
		wantAPIError(t, unlink("us-east-1:00000000-0000-4000-8000-000000000000", "unlink-me"), codeNotFound, "")
	})

	// The only login gone, the identity is inaccessible; the developer user
	// is new again.
	ok(t, unlink(id, "unlink-me"), "UnlinkDeveloperIdentity")
	_, err = d.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(id)})
	wantAPIError(t, err, codeNotAuthorized, msgForbidden(id))
	if again := d.devID(t, "unlink-me"); again == id {
		t.Errorf("developer user after unlink: got the old identity %s, want a new one", id)
	}

	// With a login left, the identity stays usable through it.
	kept := aws.ToString(withGoogle.IdentityId)
	ok(t, unlink(kept, "keep-google"), "UnlinkDeveloperIdentity keeping google")
	out, err := d.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{
		IdentityId: aws.String(kept), Logins: map[string]string{googleKey: googleToken(t, "kg")},
	})
	ok(t, err, "GetOpenIdToken with the remaining login")
	if got := aws.ToString(out.IdentityId); got != kept {
		t.Errorf("got %s, want %s", got, kept)
	}
}
