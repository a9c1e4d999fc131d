package identity

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/idpool/idpool/protocol"
)

func TestGetOpenIdTokenForDeveloperIdentity(t *testing.T) {
	e := newEnv(t)
	f := false
	in := fullPool()
	in.AllowClassicFlow = &f // does not block the developer API
	pool := e.createPool(t, in)
	e.setRoles(t, pool, nil)
	noDev := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "nodev", SupportedLoginProviders: map[string]string{"graph.facebook.com": "1"}})
	dev := func(u string) map[string]string { return map[string]string{testDev: u} }

	a := e.getID(t, pool, map[string]string{"graph.facebook.com": "dev-fb"})
	if _, err := e.svc.GetOpenIdTokenForDeveloperIdentity(e.ctx, &GetOpenIdTokenForDeveloperIdentityInput{
		IdentityPoolId: pool, IdentityId: a, Logins: map[string]string{testDev: "owner", "graph.facebook.com": "dev-fb"}}); err != nil {
		t.Fatal(err)
	}
	guest := e.getID(t, pool, nil)
	guest2 := e.getID(t, pool, nil)

	tests := []struct {
		name      string
		in        GetOpenIdTokenForDeveloperIdentityInput
		wantID    string // "" = any; "new" = not an existing one
		wantTTL   time.Duration
		wantTags  map[string]string
		wantCode  string
		wantMsg   string
		wantAMRof string // developer user whose amr is expected
	}{
		{"new developer user", GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool, Logins: dev("new-user")}, "new", 900 * time.Second, nil, "", "", "new-user"},
		{"known developer user", GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool, Logins: dev("owner")}, a, 900 * time.Second, nil, "", "", "owner"},
		{"known user, its own identity named", GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool, IdentityId: a, Logins: dev("owner"), TokenDuration: 3600,
			PrincipalTags: map[string]string{"dept": "eng"}}, a, time.Hour, map[string]string{"dept": "eng"}, "", "", "owner"},
		{"guest made authenticated", GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool, IdentityId: guest, Logins: dev("from-guest")}, guest, 900 * time.Second, nil, "", "", "from-guest"},
		{"user registered elsewhere", GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool, IdentityId: guest2, Logins: dev("owner")}, "", 0, nil, CodeDeveloperUserAlreadyRegistered, "", ""},
		{"authenticated identity, new user only", GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool, IdentityId: a, Logins: dev("intruder")}, "", 0, nil, CodeNotAuthorized, msgLoginsDontMatch, ""},
		{"second developer user on one identity", GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool, IdentityId: a,
			Logins: map[string]string{testDev: "second", "graph.facebook.com": "dev-fb"}}, "", 0, nil, CodeResourceConflict, "", ""},
		{"wrong developer provider", GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool, Logins: map[string]string{"login.other.app": "u"}}, "", 0, nil, CodeNotAuthorized, msgWrongDeveloper, ""},
		{"no developer login", GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool, Logins: map[string]string{"graph.facebook.com": "x"}}, "", 0, nil, CodeInvalidParameter, "", ""},
		{"cognito token", GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool, Logins: map[string]string{testDev: "u", CognitoProvider: "x"}}, "", 0, nil, CodeNotAuthorized, msgCognitoToken, ""},
		{"pool without developer provider", GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: noDev, Logins: dev("u")}, "", 0, nil, CodeInvalidParameter, "", ""},
		{"unknown identity", GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool, IdentityId: "us-east-1:00000000-0000-0000-0000-000000000009", Logins: dev("u")}, "", 0, nil, CodeResourceNotFound, "", ""},
		{"unknown pool", GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: "us-east-1:0000", Logins: dev("u")}, "", 0, nil, CodeResourceNotFound, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.svc.GetOpenIdTokenForDeveloperIdentity(e.ctx, &tt.in)
			wantErr(t, err, tt.wantCode, tt.wantMsg)
			if err != nil {
				return
			}
			switch tt.wantID {
			case "":
			case "new":
				if out.IdentityId == a || out.IdentityId == guest {
					t.Errorf("got existing identity %s, want a new one", out.IdentityId)
				}
			default:
				if out.IdentityId != tt.wantID {
					t.Errorf("got %s, want %s", out.IdentityId, tt.wantID)
				}
			}
			c := e.verify(t, out.Token)
			wantAMR := []string{"authenticated", testDev, testDev + ":" + pool + ":" + tt.wantAMRof}
			if !slices.Equal(c.AMR[:3], wantAMR) || c.Subject != out.IdentityId || c.Audience != pool || c.PoolARN == "" {
				t.Errorf("got claims %+v, want amr starting %q", c, wantAMR)
			}
			if d := c.Expiry.Sub(c.IssuedAt); d != tt.wantTTL {
				t.Errorf("got lifetime %v, want %v", d, tt.wantTTL)
			}
			if !maps.Equal(c.PrincipalTags, tt.wantTags) {
				t.Errorf("got tags %v, want %v", c.PrincipalTags, tt.wantTags)
			}
		})
	}

	t.Run("enhanced flow with the developer token", func(t *testing.T) {
		out, err := e.svc.GetOpenIdTokenForDeveloperIdentity(e.ctx, &GetOpenIdTokenForDeveloperIdentityInput{
			IdentityPoolId: pool, Logins: dev("owner"), PrincipalTags: map[string]string{"team": "blue"}})
		if err != nil {
			t.Fatal(err)
		}
		cr, err := e.svc.GetCredentialsForIdentity(e.ctx, &GetCredentialsForIdentityInput{IdentityId: a, Logins: map[string]string{CognitoProvider: out.Token}})
		if err != nil {
			t.Fatal(err)
		}
		s := e.creds.last(t)
		if cr.IdentityId != a || s.RoleARN != authRole || s.IdentityID != a || s.PoolID != pool ||
			s.SessionName != "CognitoIdentityCredentials" || s.Duration != time.Hour ||
			!slices.Contains(s.AMR, testDev) || s.PrincipalTags["team"] != "blue" {
			t.Errorf("got %+v, session %+v, want the default authenticated role for %s with the token's amr and tags", cr, s, a)
		}
		if cr.Credentials.AccessKeyId == "" || !cr.Credentials.Expiration.Time().Equal(e.clock.Now().Add(time.Hour)) {
			t.Errorf("got credentials %+v, want keys expiring in an hour", cr.Credentials)
		}
		// The token is bound to its identity.
		_, err = e.svc.GetCredentialsForIdentity(e.ctx, &GetCredentialsForIdentityInput{IdentityId: guest2, Logins: map[string]string{CognitoProvider: out.Token}})
		wantErr(t, err, CodeNotAuthorized, "Access to Identity '"+guest2+"' is forbidden.")
		// And to its pool.
		other := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "other", DeveloperProviderName: "other.dev"})
		og := e.getIDDev(t, other, "other.dev", "x")
		_, err = e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: og, Logins: map[string]string{CognitoProvider: out.Token}})
		wantErr(t, err, CodeNotAuthorized, msgAudience)
		// An expired token is refused.
		e.clock.Advance(16 * time.Minute)
		_, err = e.svc.GetCredentialsForIdentity(e.ctx, &GetCredentialsForIdentityInput{IdentityId: a, Logins: map[string]string{CognitoProvider: out.Token}})
		wantErr(t, err, CodeNotAuthorized, "")
	})
}

// getIDDev returns the identity of a developer user, creating it.
func (e *env) getIDDev(t *testing.T, pool, provider, user string) string {
	t.Helper()
	out, err := e.svc.GetOpenIdTokenForDeveloperIdentity(e.ctx, &GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool, Logins: map[string]string{provider: user}})
	if err != nil {
		t.Fatalf("GetOpenIdTokenForDeveloperIdentity(%s): %v", user, err)
	}
	return out.IdentityId
}

func TestLookupAndMergeDeveloperIdentities(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	d1 := e.getIDDev(t, pool, testDev, "u1")
	d2 := e.getIDDev(t, pool, testDev, "u2")
	d3 := e.getIDDev(t, pool, testDev, "u3")
	guest := e.getID(t, pool, nil)

	merge := func(src, dst string) (*MergeDeveloperIdentitiesOutput, error) {
		return e.svc.MergeDeveloperIdentities(e.ctx, &MergeDeveloperIdentitiesInput{
			SourceUserIdentifier: src, DestinationUserIdentifier: dst, DeveloperProviderName: testDev, IdentityPoolId: pool})
	}
	for _, src := range []string{"u2", "u3"} {
		out, err := merge(src, "u1")
		if err != nil {
			t.Fatal(err)
		}
		if out.IdentityId != d1 {
			t.Fatalf("got %s, want the destination %s", out.IdentityId, d1)
		}
	}
	for _, id := range []string{d2, d3} {
		if i := e.identity(t, id); !i.Disabled || i.MergedInto != d1 {
			t.Errorf("got %+v, want disabled and merged into %s", i, d1)
		}
	}
	if got := e.getIDDev(t, pool, testDev, "u2"); got != d1 {
		t.Errorf("token for a merged user: got %s, want %s", got, d1)
	}

	t.Run("merge", func(t *testing.T) {
		fbA := e.getID(t, pool, map[string]string{"graph.facebook.com": "m-a"})
		fbB := e.getID(t, pool, map[string]string{"graph.facebook.com": "m-b"})
		for _, x := range []struct{ id, user string }{{fbA, "ma"}, {fbB, "mb"}} {
			if _, err := e.svc.GetOpenIdTokenForDeveloperIdentity(e.ctx, &GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool, IdentityId: x.id,
				Logins: map[string]string{testDev: x.user, "graph.facebook.com": map[string]string{fbA: "m-a", fbB: "m-b"}[x.id]}}); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			name     string
			in       MergeDeveloperIdentitiesInput
			wantCode string
		}{
			{"same identity is a no-op", MergeDeveloperIdentitiesInput{SourceUserIdentifier: "u2", DestinationUserIdentifier: "u1", DeveloperProviderName: testDev, IdentityPoolId: pool}, ""},
			{"two users of one public provider", MergeDeveloperIdentitiesInput{SourceUserIdentifier: "ma", DestinationUserIdentifier: "mb", DeveloperProviderName: testDev, IdentityPoolId: pool}, CodeResourceConflict},
			{"wrong provider name", MergeDeveloperIdentitiesInput{SourceUserIdentifier: "u2", DestinationUserIdentifier: "u1", DeveloperProviderName: "other", IdentityPoolId: pool}, CodeInvalidParameter},
			{"unknown source", MergeDeveloperIdentitiesInput{SourceUserIdentifier: "nobody", DestinationUserIdentifier: "u1", DeveloperProviderName: testDev, IdentityPoolId: pool}, CodeResourceNotFound},
			{"unknown pool", MergeDeveloperIdentitiesInput{SourceUserIdentifier: "u2", DestinationUserIdentifier: "u1", DeveloperProviderName: testDev, IdentityPoolId: "us-east-1:0000"}, CodeResourceNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := e.svc.MergeDeveloperIdentities(e.ctx, &tt.in)
				wantErr(t, err, tt.wantCode, "")
			})
		}
		if i := e.identity(t, fbA); i.Disabled {
			t.Error("a refused merge disabled the source")
		}
	})

	t.Run("lookup", func(t *testing.T) {
		tests := []struct {
			name     string
			in       LookupDeveloperIdentityInput
			wantID   string
			wantList []string
			wantCode string
		}{
			{"by user", LookupDeveloperIdentityInput{DeveloperUserIdentifier: "u3"}, d1, []string{"u1", "u2", "u3"}, ""},
			{"by identity", LookupDeveloperIdentityInput{IdentityId: d1}, d1, []string{"u1", "u2", "u3"}, ""},
			// "the response returns both values and is the same as the
			// request" (the model's documentation).
			{"both matching", LookupDeveloperIdentityInput{IdentityId: d1, DeveloperUserIdentifier: "u2"}, d1, []string{"u2"}, ""},
			{"both matching, bad token", LookupDeveloperIdentityInput{IdentityId: d1, DeveloperUserIdentifier: "u2", NextToken: "not-a-token"}, "", nil, CodeInvalidParameter},
			{"first page", LookupDeveloperIdentityInput{IdentityId: d1, MaxResults: 2}, d1, []string{"u1", "u2"}, ""},
			{"guest has none", LookupDeveloperIdentityInput{IdentityId: guest}, guest, []string{}, ""},
			{"both not matching", LookupDeveloperIdentityInput{IdentityId: guest, DeveloperUserIdentifier: "u1"}, "", nil, CodeResourceConflict},
			{"neither", LookupDeveloperIdentityInput{}, "", nil, CodeInvalidParameter},
			{"unknown user", LookupDeveloperIdentityInput{DeveloperUserIdentifier: "nobody"}, "", nil, CodeResourceNotFound},
			{"unknown identity", LookupDeveloperIdentityInput{IdentityId: "us-east-1:00000000-0000-0000-0000-000000000003"}, "", nil, CodeResourceNotFound},
			{"bad token", LookupDeveloperIdentityInput{IdentityId: d1, NextToken: "not-a-token"}, "", nil, CodeInvalidParameter},
			{"token of another listing", LookupDeveloperIdentityInput{IdentityId: d1, NextToken: protocol.EncodePageToken(pageIdentities, d1, "u1")}, "", nil, CodeInvalidParameter},
			{"token of another identity", LookupDeveloperIdentityInput{IdentityId: d1, NextToken: protocol.EncodePageToken(pageDeveloperIDs, guest, "u1")}, "", nil, CodeInvalidParameter},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tt.in.IdentityPoolId = pool
				out, err := e.svc.LookupDeveloperIdentity(e.ctx, &tt.in)
				wantErr(t, err, tt.wantCode, "")
				if err != nil {
					return
				}
				if out.IdentityId != tt.wantID || !slices.Equal(out.DeveloperUserIdentifierList, tt.wantList) {
					t.Errorf("got %s %v, want %s %v", out.IdentityId, out.DeveloperUserIdentifierList, tt.wantID, tt.wantList)
				}
			})
		}
		first, _ := e.svc.LookupDeveloperIdentity(e.ctx, &LookupDeveloperIdentityInput{IdentityPoolId: pool, IdentityId: d1, MaxResults: 2})
		next, err := e.svc.LookupDeveloperIdentity(e.ctx, &LookupDeveloperIdentityInput{IdentityPoolId: pool, IdentityId: d1, MaxResults: 2, NextToken: first.NextToken})
		if err != nil || !slices.Equal(next.DeveloperUserIdentifierList, []string{"u3"}) || next.NextToken != "" {
			t.Errorf("second page: got %+v, %v, want [u3] and no token", next, err)
		}
	})
}

// TestMergeLimits: an identity that holds two developer users after
// MergeDeveloperIdentities can be merged into an older identity as well as
// take one in, since its own pair is not judged again; and a merge past 20
// logins is refused with InvalidParameterException, which the operation's
// model lists, leaving both identities as they were.
func TestMergeLimits(t *testing.T) {
	t.Run("two developer users on either side of a merge", func(t *testing.T) {
		for _, devOlder := range []bool{true, false} {
			e := newEnv(t)
			pool := e.createPool(t, fullPool())
			google := map[string]string{"accounts.google.com": e.googleToken("merge-limits")}
			if !devOlder {
				e.getID(t, pool, google)
				e.clock.Advance(time.Second)
			}
			e.getIDDev(t, pool, testDev, "u1")
			e.getIDDev(t, pool, testDev, "u2")
			if _, err := e.svc.MergeDeveloperIdentities(e.ctx, &MergeDeveloperIdentitiesInput{SourceUserIdentifier: "u1",
				DestinationUserIdentifier: "u2", DeveloperProviderName: testDev, IdentityPoolId: pool}); err != nil {
				t.Fatal(err)
			}
			if devOlder {
				e.clock.Advance(time.Second)
				e.getID(t, pool, google)
			}
			out, err := e.svc.GetOpenIdTokenForDeveloperIdentity(e.ctx, &GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool,
				Logins: map[string]string{testDev: "u2", "accounts.google.com": google["accounts.google.com"]}})
			if err != nil {
				t.Fatalf("developer identity older %v: got %v, want the two identities merged", devOlder, err)
			}
			if got := e.identity(t, out.IdentityId).Logins; len(got) != 3 {
				t.Errorf("developer identity older %v: got logins %v, want u1, u2 and Google", devOlder, got)
			}
		}
	})
	t.Run("more than 20 logins", func(t *testing.T) {
		e := newEnv(t)
		pool := e.createPool(t, fullPool())
		for i := range 21 {
			e.getIDDev(t, pool, testDev, fmt.Sprint("m", i))
		}
		merge := func(src string) error {
			_, err := e.svc.MergeDeveloperIdentities(e.ctx, &MergeDeveloperIdentitiesInput{SourceUserIdentifier: src,
				DestinationUserIdentifier: "m0", DeveloperProviderName: testDev, IdentityPoolId: pool})
			return err
		}
		for i := 1; i < 20; i++ {
			if err := merge(fmt.Sprint("m", i)); err != nil {
				t.Fatalf("merge %d: %v", i, err)
			}
		}
		wantErr(t, merge("m20"), CodeInvalidParameter, "An identity cannot have more than 20 linked logins.")
		if got := e.getIDDev(t, pool, testDev, "m20"); got == e.getIDDev(t, pool, testDev, "m0") {
			t.Error("the refused merge moved m20 to the destination")
		}
	})
}

// TestLookupDeveloperIdentityPagesByKey checks that developer user ids
// unlinked or linked between pages neither hide an id still linked nor
// void a token the listing issued.
func TestLookupDeveloperIdentityPagesByKey(t *testing.T) {
	tests := []struct {
		name     string
		unlink   []string // between the first and the second page
		link     []string // likewise
		wantNext []string // the rest of the listing, after page [a b]
	}{
		{"nothing changes", nil, nil, []string{"c", "d", "e"}},
		{"a listed id unlinked", []string{"a"}, nil, []string{"c", "d", "e"}},
		{"the token's id unlinked", []string{"b"}, nil, []string{"c", "d", "e"}},
		{"list shrinks below the first page", []string{"b", "c", "d"}, nil, []string{"e"}},
		{"everything after the token unlinked", []string{"c", "d", "e"}, nil, []string{}},
		{"an id not yet listed unlinked", []string{"d"}, nil, []string{"c", "e"}},
		{"ids linked on both sides", nil, []string{"a0", "f"}, []string{"c", "d", "e", "f"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			pool := e.createPool(t, fullPool())
			id := e.getIDDev(t, pool, testDev, "a")
			link := func(u string) {
				t.Helper()
				e.getIDDev(t, pool, testDev, u)
				if _, err := e.svc.MergeDeveloperIdentities(e.ctx, &MergeDeveloperIdentitiesInput{
					SourceUserIdentifier: u, DestinationUserIdentifier: "a", DeveloperProviderName: testDev, IdentityPoolId: pool}); err != nil {
					t.Fatal(err)
				}
			}
			for _, u := range []string{"b", "c", "d", "e"} {
				link(u)
			}
			first, err := e.svc.LookupDeveloperIdentity(e.ctx, &LookupDeveloperIdentityInput{IdentityPoolId: pool, IdentityId: id, MaxResults: 2})
			if err != nil || !slices.Equal(first.DeveloperUserIdentifierList, []string{"a", "b"}) || first.NextToken == "" {
				t.Fatalf("first page: got %+v, %v, want [a b] and a token", first, err)
			}
			for _, u := range tt.unlink {
				if _, err := e.svc.UnlinkDeveloperIdentity(e.ctx, &UnlinkDeveloperIdentityInput{
					IdentityId: id, IdentityPoolId: pool, DeveloperProviderName: testDev, DeveloperUserIdentifier: u}); err != nil {
					t.Fatal(err)
				}
			}
			for _, u := range tt.link {
				link(u)
			}
			got := []string{}
			for token := first.NextToken; token != ""; {
				out, err := e.svc.LookupDeveloperIdentity(e.ctx, &LookupDeveloperIdentityInput{IdentityPoolId: pool, IdentityId: id, MaxResults: 2, NextToken: token})
				if err != nil {
					t.Fatalf("next page: got %v, want the page", err)
				}
				got, token = append(got, out.DeveloperUserIdentifierList...), out.NextToken
			}
			if !slices.Equal(got, tt.wantNext) {
				t.Errorf("got %v after the first page, want %v", got, tt.wantNext)
			}
		})
	}
}

func TestUnlinkDeveloperIdentity(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	e.setRoles(t, pool, nil)
	id := e.getIDDev(t, pool, testDev, "solo")
	tok, err := e.svc.GetOpenIdTokenForDeveloperIdentity(e.ctx, &GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool, Logins: map[string]string{testDev: "solo"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		in       UnlinkDeveloperIdentityInput
		wantCode string
	}{
		{"user not on the identity", UnlinkDeveloperIdentityInput{IdentityId: id, DeveloperProviderName: testDev, DeveloperUserIdentifier: "other"}, CodeResourceConflict},
		{"wrong provider", UnlinkDeveloperIdentityInput{IdentityId: id, DeveloperProviderName: "x.dev", DeveloperUserIdentifier: "solo"}, CodeInvalidParameter},
		{"unknown identity", UnlinkDeveloperIdentityInput{IdentityId: "us-east-1:00000000-0000-0000-0000-000000000004", DeveloperProviderName: testDev, DeveloperUserIdentifier: "solo"}, CodeResourceNotFound},
		{"last login", UnlinkDeveloperIdentityInput{IdentityId: id, DeveloperProviderName: testDev, DeveloperUserIdentifier: "solo"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.IdentityPoolId = pool
			_, err := e.svc.UnlinkDeveloperIdentity(e.ctx, &tt.in)
			wantErr(t, err, tt.wantCode, "")
		})
	}
	if i := e.identity(t, id); !i.Disabled || len(i.Logins) != 0 {
		t.Errorf("got %+v, want disabled without logins", i)
	}
	if _, err := e.svc.DescribeIdentity(e.ctx, &DescribeIdentityInput{IdentityId: id}); err != nil {
		t.Errorf("describe: got %v, want the disabled identity described", err)
	}
	_, err = e.svc.GetCredentialsForIdentity(e.ctx, &GetCredentialsForIdentityInput{IdentityId: id, Logins: map[string]string{CognitoProvider: tok.Token}})
	wantErr(t, err, CodeNotAuthorized, "Access to Identity '"+id+"' is forbidden.")
	if got := e.getIDDev(t, pool, testDev, "solo"); got == id {
		t.Error("the unlinked user still maps to the identity, want a new one")
	}
}

// TestDeveloperKeyInPublicLogins checks that the public APIs refuse the
// developer provider's name as a Logins key as a bad parameter, before
// looking at any token, while its token of cognito-identity.amazonaws.com
// is accepted.
func TestDeveloperKeyInPublicLogins(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	e.setRoles(t, pool, nil)
	dt, err := e.svc.GetOpenIdTokenForDeveloperIdentity(e.ctx, &GetOpenIdTokenForDeveloperIdentityInput{
		IdentityPoolId: pool, Logins: map[string]string{testDev: "public-dev"}})
	if err != nil {
		t.Fatal(err)
	}
	id := dt.IdentityId
	calls := []struct {
		name string
		call func(logins map[string]string) error
	}{
		{"GetId", func(m map[string]string) error {
			_, err := e.svc.GetId(e.ctx, &GetIdInput{IdentityPoolId: pool, Logins: m})
			return err
		}},
		{"GetOpenIdToken", func(m map[string]string) error {
			_, err := e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: id, Logins: m})
			return err
		}},
		{"GetCredentialsForIdentity", func(m map[string]string) error {
			_, err := e.svc.GetCredentialsForIdentity(e.ctx, &GetCredentialsForIdentityInput{IdentityId: id, Logins: m})
			return err
		}},
		{"UnlinkIdentity", func(m map[string]string) error {
			_, err := e.svc.UnlinkIdentity(e.ctx, &UnlinkIdentityInput{IdentityId: id, Logins: m, LoginsToRemove: []string{"graph.facebook.com"}})
			return err
		}},
	}
	logins := []struct {
		name   string
		logins map[string]string
	}{
		{"user identifier", map[string]string{testDev: "public-dev"}},
		{"developer token", map[string]string{testDev: dt.Token}},
		{"with the developer token", map[string]string{testDev: "public-dev", CognitoProvider: dt.Token}},
		{"with a bad token", map[string]string{testDev: "public-dev", "accounts.google.com": "not-a-jwt"}},
	}
	for _, c := range calls {
		for _, l := range logins {
			t.Run(c.name+"/"+l.name, func(t *testing.T) {
				wantErr(t, c.call(l.logins), CodeInvalidParameter, msgPublicProvider)
			})
		}
	}
	t.Run("developer token alone", func(t *testing.T) {
		_, err := e.svc.GetCredentialsForIdentity(e.ctx, &GetCredentialsForIdentityInput{IdentityId: id, Logins: map[string]string{CognitoProvider: dt.Token}})
		wantErr(t, err, "", "")
	})
}
