package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

func TestGetIdLogins(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	closed := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "closed"})
	now := e.clock.Now()
	exp := func(d time.Duration) map[string]any { return map[string]any{"exp": now.Add(d).Unix()} }

	tests := []struct {
		name     string
		pool     string
		logins   map[string]string
		wantCode string
		wantMsg  string
	}{
		{"google", pool, map[string]string{"accounts.google.com": e.googleToken("g1")}, "", ""},
		{"google issuer without scheme", pool, map[string]string{"accounts.google.com": e.idToken("accounts.google.com", testGoogleApp, "g2", map[string]any{"iss": "accounts.google.com"})}, "", ""},
		{"google audience in azp", pool, map[string]string{"accounts.google.com": e.idToken("accounts.google.com", "web-client", "g3", map[string]any{"azp": testGoogleApp})}, "", ""},
		{"apple", pool, map[string]string{"appleid.apple.com": e.idToken("appleid.apple.com", "com.example.app", "a1", nil)}, "", ""},
		{"user pool client 1", pool, map[string]string{testUserPool: e.userPoolToken("u1", nil)}, "", ""},
		{"user pool client 2", pool, map[string]string{testUserPool: e.idToken(testUserPool, testClient2, "u2", nil)}, "", ""},
		{"oidc without audience check", pool, map[string]string{testOIDC: e.idToken(testOIDC, "anything", "o1", nil)}, "", ""},
		{"facebook opaque token", pool, map[string]string{"graph.facebook.com": "EAAB-opaque-token"}, "", ""},
		{"amazon opaque token", pool, map[string]string{"www.amazon.com": "Atza|token"}, "", ""},
		{"saml", pool, map[string]string{testSAMLARN: samlResponse("alice@example.com", nil)}, "", ""},
		{"several providers", pool, map[string]string{"accounts.google.com": e.googleToken("g9"), "graph.facebook.com": "fb9"}, "", ""},
		{"within clock skew", pool, map[string]string{"accounts.google.com": e.idToken("accounts.google.com", testGoogleApp, "g4", exp(-4*time.Minute))}, "", ""},
		{"user pool token just expired: no skew", pool, map[string]string{testUserPool: e.userPoolToken("u4", exp(-time.Second))}, CodeNotAuthorized,
			fmt.Sprintf("Invalid login token. Token expired: %d >= %d", now.Unix(), now.Add(-time.Second).Unix())},

		{"unknown pool", "us-east-1:00000000-0000-0000-0000-000000000000", map[string]string{"graph.facebook.com": "x"}, CodeResourceNotFound, "IdentityPool 'us-east-1:00000000-0000-0000-0000-000000000000' not found."},
		{"guest on a closed pool", closed, nil, CodeNotAuthorized, msgUnauthenticated},
		{"pool without providers", closed, map[string]string{"graph.facebook.com": "x"}, CodeNotAuthorized, "Identity pool - " + closed + " does not have identity providers configured."},
		{"unconfigured provider", pool, map[string]string{"api.twitter.com": "x"}, CodeNotAuthorized, msgUnsupportedLogin},
		{"user pool not configured", pool, map[string]string{"cognito-idp.us-east-1.amazonaws.com/us-east-1_OTHER": "x"}, CodeNotAuthorized, msgUnsupportedLogin},
		{"cognito token", pool, map[string]string{CognitoProvider: "x"}, CodeNotAuthorized, msgCognitoToken},
		{"developer provider", pool, map[string]string{testDev: "dev-user"}, CodeInvalidParameter, msgPublicProvider},
		{"malformed token", pool, map[string]string{"accounts.google.com": "not-a-jwt"}, CodeNotAuthorized, msgMalformedToken},
		{"issuer mismatch", pool, map[string]string{"accounts.google.com": e.idToken("evil.example.com", testGoogleApp, "g", nil)}, CodeNotAuthorized, msgIssuerMismatch},
		{"wrong audience", pool, map[string]string{"accounts.google.com": e.idToken("accounts.google.com", "other-app", "g", nil)}, CodeNotAuthorized, msgAudience},
		{"wrong user pool client", pool, map[string]string{testUserPool: e.idToken(testUserPool, "client3", "u", nil)}, CodeNotAuthorized, msgUnsupportedLogin},
		{"access token without aud", pool, map[string]string{testUserPool: e.idToken(testUserPool, "", "u", map[string]any{"client_id": testClient})}, CodeNotAuthorized, "Invalid login token. Missing a required claim: aud"},
		{"expired", pool, map[string]string{"accounts.google.com": e.idToken("accounts.google.com", testGoogleApp, "g", exp(-6*time.Minute))}, CodeNotAuthorized,
			fmt.Sprintf("Invalid login token. Token expired: %d >= %d", now.Unix(), now.Add(-6*time.Minute).Unix())},
		{"no exp", pool, map[string]string{"accounts.google.com": e.idToken("accounts.google.com", testGoogleApp, "g", map[string]any{"exp": nil})}, CodeNotAuthorized, "Invalid login token. Missing a required claim: exp"},
		{"not yet valid", pool, map[string]string{"accounts.google.com": e.idToken("accounts.google.com", testGoogleApp, "g", map[string]any{"nbf": now.Add(10 * time.Minute).Unix()})}, CodeNotAuthorized, ""},
		{"no sub", pool, map[string]string{"accounts.google.com": e.idToken("accounts.google.com", testGoogleApp, "", nil)}, CodeNotAuthorized, "Invalid login token. Missing a required claim: sub"},
		{"one bad login fails all", pool, map[string]string{"accounts.google.com": e.googleToken("g5"), "api.twitter.com": "x"}, CodeNotAuthorized, msgUnsupportedLogin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.svc.GetId(e.ctx, &GetIdInput{IdentityPoolId: tt.pool, Logins: tt.logins})
			wantErr(t, err, tt.wantCode, tt.wantMsg)
			if err != nil {
				return
			}
			// The same logins map to the same identity, which holds them.
			again := e.getID(t, tt.pool, tt.logins)
			if again != out.IdentityId {
				t.Errorf("got %s the second time, want %s", again, out.IdentityId)
			}
			d, err := e.svc.DescribeIdentity(e.ctx, &DescribeIdentityInput{IdentityId: out.IdentityId})
			if err != nil {
				t.Fatal(err)
			}
			if want := slices.Sorted(maps.Keys(tt.logins)); !slices.Equal(d.Logins, want) {
				t.Errorf("got logins %v, want %v", d.Logins, want)
			}
		})
	}
}

func TestGetIdStableKeys(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	tests := []struct {
		name       string
		a, b       map[string]string
		wantSameID bool
	}{
		{"refreshed google token, same sub", map[string]string{"accounts.google.com": e.googleToken("s1")},
			map[string]string{"accounts.google.com": e.idToken("accounts.google.com", testGoogleApp, "s1", map[string]any{"iat": 1, "nonce": "n"})}, true},
		{"google, other sub", map[string]string{"accounts.google.com": e.googleToken("s2")},
			map[string]string{"accounts.google.com": e.googleToken("s3")}, false},
		{"facebook, other token", map[string]string{"graph.facebook.com": "tok-a"},
			map[string]string{"graph.facebook.com": "tok-b"}, false},
		{"saml, same NameID other attributes", map[string]string{testSAMLARN: samlResponse("bob", nil)},
			map[string]string{testSAMLARN: samlResponse("bob", map[string][]string{"dept": {"x"}})}, true},
		{"saml, not a SAML response", map[string]string{testSAMLARN: "opaque-assertion"},
			map[string]string{testSAMLARN: "opaque-assertion"}, true},
		{"same sub, other provider", map[string]string{"accounts.google.com": e.googleToken("s4")},
			map[string]string{testOIDC: e.idToken(testOIDC, "", "s4", nil)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := e.getID(t, pool, tt.a), e.getID(t, pool, tt.b)
			if (a == b) != tt.wantSameID {
				t.Errorf("got ids %s and %s, want same=%v", a, b, tt.wantSameID)
			}
		})
	}
}

func TestGetIdGuests(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "p", AllowUnauthenticatedIdentities: true})
	a, b := e.getID(t, pool, nil), e.getID(t, pool, map[string]string{})
	if a == b {
		t.Errorf("got %s twice, want a new guest identity per call", a)
	}
	if !strings.HasPrefix(a, testRegion+":") || len(a) != len(testRegion)+1+36 {
		t.Errorf("got id %q, want <region>:<uuid>", a)
	}
}

func TestGetIdFastPathDoesNotWrite(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	logins := map[string]string{"accounts.google.com": e.googleToken("fast"), "graph.facebook.com": "fb-fast"}
	id := e.getID(t, pool, logins)
	before := e.store.updates.Load()
	if got := e.getID(t, pool, logins); got != id {
		t.Fatalf("got %s, want %s", got, id)
	}
	if _, err := e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: id, Logins: logins}); err != nil {
		t.Fatal(err)
	}
	if n := e.store.updates.Load() - before; n != 0 {
		t.Errorf("got %d store updates for known logins, want 0", n)
	}
}

// TestNamedIdentityReadOnce: a request naming an identity with logins that
// identity already holds reads it once, and looks none of the logins up:
// a login belongs to one identity of a pool at a time.
func TestNamedIdentityReadOnce(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	e.setRoles(t, pool, nil)
	logins := map[string]string{"accounts.google.com": e.googleToken("once"), "graph.facebook.com": "fb-once"}
	id := e.getID(t, pool, logins)
	calls := []struct {
		name string
		call func() error
	}{
		{"GetCredentialsForIdentity", func() error {
			_, err := e.svc.GetCredentialsForIdentity(e.ctx, &GetCredentialsForIdentityInput{IdentityId: id, Logins: logins})
			return err
		}},
		{"GetOpenIdToken", func() error {
			_, err := e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: id, Logins: logins})
			return err
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			before := e.store.identityReads.Load()
			if err := c.call(); err != nil {
				t.Fatal(err)
			}
			if n := e.store.identityReads.Load() - before; n != 1 {
				t.Errorf("got %d identity reads, want 1", n)
			}
		})
	}
}

func TestGetIdConcurrentNewLogin(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	logins := map[string]string{"accounts.google.com": e.googleToken("racer")}
	const n = 16
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out, err := e.svc.GetId(e.ctx, &GetIdInput{IdentityPoolId: pool, Logins: logins})
			if err == nil {
				ids[i] = out.IdentityId
			}
			errs[i] = err
		}()
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("call %d: %v", i, errs[i])
		}
		if ids[i] != ids[0] {
			t.Fatalf("got ids %v, want one id", ids)
		}
	}
	l, err := e.svc.ListIdentities(e.ctx, &ListIdentitiesInput{IdentityPoolId: pool, MaxResults: 60})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Identities) != 1 {
		t.Errorf("got %d identities, want 1", len(l.Identities))
	}
}

func TestLinkAndMerge(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	fb := func(u string) map[string]string { return map[string]string{"graph.facebook.com": u} }
	gg := func(u string) map[string]string { return map[string]string{"accounts.google.com": e.googleToken(u)} }
	join := func(ms ...map[string]string) map[string]string {
		out := map[string]string{}
		for _, m := range ms {
			for k, v := range m {
				out[k] = v
			}
		}
		return out
	}

	t.Run("guest links a new login and keeps its id", func(t *testing.T) {
		u := e.getID(t, pool, nil)
		out, err := e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: u, Logins: fb("link-1")})
		if err != nil {
			t.Fatal(err)
		}
		if out.IdentityId != u {
			t.Errorf("got %s, want %s", out.IdentityId, u)
		}
		if got := e.getID(t, pool, fb("link-1")); got != u {
			t.Errorf("GetId got %s, want the linked %s", got, u)
		}
	})
	t.Run("(a) guest presenting an owned login merges into the owner", func(t *testing.T) {
		e.setRoles(t, pool, nil)
		a := e.getID(t, pool, fb("a-user"))
		u := e.getID(t, pool, nil)
		out, err := e.svc.GetCredentialsForIdentity(e.ctx, &GetCredentialsForIdentityInput{IdentityId: u, Logins: fb("a-user")})
		if err != nil {
			t.Fatal(err)
		}
		if out.IdentityId != a {
			t.Errorf("got %s, want the authenticated %s", out.IdentityId, a)
		}
		if g := e.identity(t, u); !g.Disabled || g.MergedInto != a {
			t.Errorf("got guest %+v, want disabled and merged into %s", g, a)
		}
	})
	t.Run("(b) named authenticated identity merges into the owner of the other login", func(t *testing.T) {
		x := e.getID(t, pool, fb("b-x"))
		e.clock.Advance(time.Second)
		y := e.getID(t, pool, gg("b-y"))
		out, err := e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: x, Logins: join(fb("b-x"), gg("b-y"))})
		if err != nil {
			t.Fatal(err)
		}
		if out.IdentityId != y {
			t.Errorf("got %s, want %s (the owner of the login X did not have)", out.IdentityId, y)
		}
		if got := e.identity(t, x); !got.Disabled || got.MergedInto != y || len(got.Logins) != 0 {
			t.Errorf("got loser %+v, want disabled, merged into %s, without logins", got, y)
		}
		if got := e.getID(t, pool, fb("b-x")); got != y {
			t.Errorf("GetId(X's old login) got %s, want %s", got, y)
		}
		if c := e.verify(t, out.Token); c.Subject != y {
			t.Errorf("got token sub %s, want the survivor %s", c.Subject, y)
		}
	})
	t.Run("(b) without proof for the named identity nothing merges", func(t *testing.T) {
		x := e.getID(t, pool, fb("np-x"))
		y := e.getID(t, pool, gg("np-y"))
		_, err := e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: x, Logins: gg("np-y")})
		wantErr(t, err, CodeNotAuthorized, msgLoginsDontMatch)
		if got := e.identity(t, x); got.Disabled {
			t.Error("X was disabled")
		}
		if got := e.getID(t, pool, gg("np-y")); got != y {
			t.Errorf("got %s, want %s unchanged", got, y)
		}
	})
	t.Run("(c) GetId with logins of two identities keeps the oldest", func(t *testing.T) {
		b := e.getID(t, pool, gg("c-b"))
		e.clock.Advance(-time.Hour) // a is created "earlier"
		a := e.getID(t, pool, fb("c-a"))
		e.clock.Advance(time.Hour)
		got := e.getID(t, pool, join(fb("c-a"), gg("c-b")))
		if got != a {
			t.Errorf("got %s, want the oldest %s", got, a)
		}
		if l := e.identity(t, b); !l.Disabled || l.MergedInto != a {
			t.Errorf("got %+v, want disabled and merged into %s", l, a)
		}
		if l := e.identity(t, a); len(l.Logins) != 2 {
			t.Errorf("got logins %v, want both", l.Logins)
		}
	})
	t.Run("(d) two users of one provider conflict and nothing changes", func(t *testing.T) {
		x := e.getID(t, pool, fb("d-1"))
		y := e.getID(t, pool, join(fb("d-2"), gg("d-y")))
		_, err := e.svc.GetId(e.ctx, &GetIdInput{IdentityPoolId: pool, Logins: join(fb("d-1"), gg("d-y"))})
		wantErr(t, err, CodeResourceConflict, "")
		for _, id := range []string{x, y} {
			if i := e.identity(t, id); i.Disabled {
				t.Errorf("%s was disabled", id)
			}
		}
		// A pure link of a second user of a provider conflicts too.
		_, err = e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: y, Logins: join(gg("d-y"), fb("d-3"))})
		wantErr(t, err, CodeResourceConflict, "")
	})
	t.Run("(e) more than 20 logins", func(t *testing.T) {
		in := &CreateIdentityPoolInput{IdentityPoolName: "many"}
		for i := range 21 {
			in.OpenIdConnectProviderARNs = append(in.OpenIdConnectProviderARNs, fmt.Sprintf("arn:aws:iam::123456789012:oidc-provider/op%d.example.com", i))
		}
		many := e.createPool(t, in)
		login := func(i int) (string, string) {
			h := fmt.Sprintf("op%d.example.com", i)
			return h, e.idToken(h, "", "user", nil)
		}
		first := map[string]string{}
		for i := range 10 {
			k, v := login(i)
			first[k] = v
		}
		x := e.getID(t, many, first)
		k0, v0 := login(0)
		for lo, hi := 10, 20; lo < hi; lo += 5 {
			m := map[string]string{k0: v0}
			for i := lo; i < lo+5; i++ {
				k, v := login(i)
				m[k] = v
			}
			if _, err := e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: x, Logins: m}); err != nil {
				t.Fatalf("linking logins %d-%d: %v", lo, lo+4, err)
			}
		}
		if n := len(e.identity(t, x).Logins); n != 20 {
			t.Fatalf("got %d logins, want 20", n)
		}
		// Only GetId's model lists LimitExceededException; the other
		// operations answer InvalidParameterException, which theirs list.
		k, v := login(20)
		more := map[string]string{k0: v0, k: v}
		_, err := e.svc.GetId(e.ctx, &GetIdInput{IdentityPoolId: many, Logins: more})
		wantErr(t, err, CodeLimitExceeded, "An identity cannot have more than 20 linked logins.")
		_, err = e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: x, Logins: more})
		wantErr(t, err, CodeInvalidParameter, "An identity cannot have more than 20 linked logins.")
		if n := len(e.identity(t, x).Logins); n != 20 {
			t.Errorf("after the refused links: got %d logins, want 20", n)
		}
	})
}

func TestGetOpenIdToken(t *testing.T) {
	e := newEnv(t)
	f, tr := false, true
	pool := e.createPool(t, fullPool())
	in := fullPool()
	in.IdentityPoolName, in.DeveloperProviderName, in.AllowClassicFlow = "noclassic", "", &f
	noClassic := e.createPool(t, in)
	in.IdentityPoolName, in.AllowClassicFlow = "classic", &tr
	classic := e.createPool(t, in)
	arn := "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/"

	guest := e.getID(t, pool, nil)
	up := e.getID(t, pool, map[string]string{testUserPool: e.userPoolToken("up-sub", nil)})
	disabled := e.getID(t, pool, map[string]string{"graph.facebook.com": "gone"})
	if _, err := e.svc.UnlinkIdentity(e.ctx, &UnlinkIdentityInput{IdentityId: disabled, Logins: map[string]string{"graph.facebook.com": "gone"}, LoginsToRemove: []string{"graph.facebook.com"}}); err != nil {
		t.Fatal(err)
	}
	ncGuest := e.getID(t, noClassic, nil)
	cGuest := e.getID(t, classic, nil)

	tests := []struct {
		name     string
		id       string
		logins   map[string]string
		wantAMR  []string
		wantARN  string
		wantCode string
		wantMsg  string
	}{
		{"guest", guest, nil, []string{"unauthenticated"}, "", "", ""},
		{"classic flow explicitly enabled", cGuest, nil, []string{"unauthenticated"}, "", "", ""},
		{"user pool login", up, map[string]string{testUserPool: e.userPoolToken("up-sub", nil)},
			[]string{"authenticated", testUserPool, testUserPool + ":CognitoSignIn:up-sub"}, arn + pool, "", ""},
		{"oidc login", "", map[string]string{testOIDC: e.idToken(testOIDC, "", "o-sub", nil)},
			[]string{"authenticated", testOIDC, testOIDCARN + ":OIDC:o-sub"}, arn + pool, "", ""},
		{"facebook login", "", map[string]string{"graph.facebook.com": "fbtok"},
			[]string{"authenticated", "graph.facebook.com", "graph.facebook.com:" + testFBApp + ":fbtok"}, arn + pool, "", ""},
		{"classic flow disabled", ncGuest, nil, nil, "", CodeInvalidParameter, msgClassicDisabled},
		{"authenticated identity without logins", up, nil, nil, "", CodeNotAuthorized, "Access to Identity '" + up + "' is forbidden."},
		{"authenticated identity with another user's login", up, map[string]string{testUserPool: e.userPoolToken("someone-else", nil)}, nil, "", CodeNotAuthorized, msgLoginsDontMatch},
		{"disabled identity", disabled, nil, nil, "", CodeNotAuthorized, "Access to Identity '" + disabled + "' is forbidden."},
		{"unknown identity", "us-east-1:00000000-0000-0000-0000-00000000000f", nil, nil, "", CodeResourceNotFound, "Identity 'us-east-1:00000000-0000-0000-0000-00000000000f' not found."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := tt.id
			if id == "" {
				id = e.getID(t, pool, tt.logins)
			}
			out, err := e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: id, Logins: tt.logins})
			wantErr(t, err, tt.wantCode, tt.wantMsg)
			if err != nil {
				return
			}
			c := e.verify(t, out.Token)
			if c.Subject != id || c.Audience == "" || !slices.Equal(c.AMR, tt.wantAMR) || c.PoolARN != tt.wantARN {
				t.Errorf("got sub %s aud %s amr %q arn %q, want %s, amr %q, arn %q", c.Subject, c.Audience, c.AMR, c.PoolARN, id, tt.wantAMR, tt.wantARN)
			}
			if d := c.Expiry.Sub(c.IssuedAt); d != 600*time.Second {
				t.Errorf("got lifetime %v, want 10m", d)
			}
		})
	}

	t.Run("guest access turned off later", func(t *testing.T) {
		g := e.getID(t, classic, nil)
		_, err := e.svc.UpdateIdentityPool(e.ctx, &UpdateIdentityPoolInput{IdentityPoolId: classic, IdentityPoolName: "classic"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: g})
		wantErr(t, err, CodeNotAuthorized, msgUnauthenticated)
	})
}

// TestClassicFlowRoleMappings checks that a pool with role mappings
// refuses the basic flow's GetOpenIdToken, whatever the logins, while the
// enhanced flows, the developer one included, still work.
func TestClassicFlowRoleMappings(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	guest := e.getID(t, pool, nil)
	upLogins := map[string]string{testUserPool: e.userPoolToken("rm-sub", nil)}
	up := e.getID(t, pool, upLogins)
	fbLogins := map[string]string{"graph.facebook.com": "rm-fb"}
	fb := e.getID(t, pool, fbLogins)
	e.setRoles(t, pool, map[string]RoleMapping{
		testUserPool + ":" + testClient: {Type: mappingToken, AmbiguousRoleResolution: resolveAuthenticated},
	})

	tests := []struct {
		name   string
		id     string
		logins map[string]string
	}{
		{"guest", guest, nil},
		{"login of a provider without a mapping", fb, fbLogins},
		{"login of the mapped provider", up, upLogins},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: tt.id, Logins: tt.logins})
			wantErr(t, err, CodeInvalidParameter, msgClassicRoleMappings)
			_, err = e.svc.GetCredentialsForIdentity(e.ctx, &GetCredentialsForIdentityInput{IdentityId: tt.id, Logins: tt.logins})
			wantErr(t, err, "", "")
		})
	}
	t.Run("developer flow", func(t *testing.T) {
		out, err := e.svc.GetOpenIdTokenForDeveloperIdentity(e.ctx, &GetOpenIdTokenForDeveloperIdentityInput{
			IdentityPoolId: pool, Logins: map[string]string{testDev: "rm-dev"}})
		wantErr(t, err, "", "")
		if err != nil {
			return
		}
		_, err = e.svc.GetCredentialsForIdentity(e.ctx, &GetCredentialsForIdentityInput{
			IdentityId: out.IdentityId, Logins: map[string]string{CognitoProvider: out.Token}})
		wantErr(t, err, "", "")
	})
}

func TestUnlinkIdentity(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	fb := map[string]string{"graph.facebook.com": "unlink-fb"}
	gg := map[string]string{"accounts.google.com": e.googleToken("unlink-g")}
	both := map[string]string{"graph.facebook.com": "unlink-fb", "accounts.google.com": gg["accounts.google.com"]}
	x := e.getID(t, pool, both)
	stranger := map[string]string{"graph.facebook.com": "stranger"}
	e.getID(t, pool, stranger)

	tests := []struct {
		name     string
		logins   map[string]string
		remove   []string
		wantCode string
	}{
		{"no proof", map[string]string{}, []string{"graph.facebook.com"}, CodeNotAuthorized},
		{"proof of another identity", stranger, []string{"graph.facebook.com"}, CodeNotAuthorized},
		{"invalid proof", map[string]string{"accounts.google.com": "bad"}, []string{"graph.facebook.com"}, CodeNotAuthorized},
		{"unlinked provider is ignored", gg, []string{"www.amazon.com"}, ""},
		{"developer provider is ignored", gg, []string{testDev}, ""},
		{"unlink facebook", gg, []string{"graph.facebook.com"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.UnlinkIdentity(e.ctx, &UnlinkIdentityInput{IdentityId: x, Logins: tt.logins, LoginsToRemove: tt.remove})
			wantErr(t, err, tt.wantCode, "")
		})
	}
	if d, _ := e.svc.DescribeIdentity(e.ctx, &DescribeIdentityInput{IdentityId: x}); !slices.Equal(d.Logins, []string{"accounts.google.com"}) {
		t.Errorf("got logins %v, want only google", d.Logins)
	}
	if got := e.getID(t, pool, fb); got == x {
		t.Error("the unlinked login still maps to the identity, want a new one")
	}
	if _, err := e.svc.UnlinkIdentity(e.ctx, &UnlinkIdentityInput{IdentityId: x, Logins: gg, LoginsToRemove: []string{"accounts.google.com"}}); err != nil {
		t.Fatal(err)
	}
	if i := e.identity(t, x); !i.Disabled || len(i.Logins) != 0 {
		t.Errorf("got %+v, want disabled without logins", i)
	}
	_, err := e.svc.GetCredentialsForIdentity(e.ctx, &GetCredentialsForIdentityInput{IdentityId: x, Logins: gg})
	wantErr(t, err, CodeNotAuthorized, "Access to Identity '"+x+"' is forbidden.")
	_, err = e.svc.UnlinkIdentity(e.ctx, &UnlinkIdentityInput{IdentityId: x, Logins: gg, LoginsToRemove: []string{"accounts.google.com"}})
	wantErr(t, err, CodeNotAuthorized, "")
	if got := e.getID(t, pool, gg); got == x {
		t.Error("a login of a disabled identity maps to it, want a new identity")
	}
}

// TestUnlinkIdentityCognitoProof: an idpool token proves an identity to
// UnlinkIdentity only if it was issued to the identity signed in. A guest
// token kept from before the identity signed in is refused, as
// GetCredentialsForIdentity refuses it, and leaves the identity as it was.
func TestUnlinkIdentityCognitoProof(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	e.setRoles(t, pool, nil)
	x := e.getID(t, pool, nil)
	guest, err := e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: x})
	if err != nil {
		t.Fatal(err)
	}
	gg := map[string]string{"accounts.google.com": e.googleToken("unlink-proof")}
	signed, err := e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: x, Logins: gg})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		token    string
		wantCode string
	}{
		{"guest token from before the sign-in", guest.Token, CodeNotAuthorized},
		{"token issued signed in", signed.Token, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.UnlinkIdentity(e.ctx, &UnlinkIdentityInput{IdentityId: x,
				Logins: map[string]string{CognitoProvider: tt.token}, LoginsToRemove: []string{"graph.facebook.com"}})
			wantErr(t, err, tt.wantCode, "")
			if i := e.identity(t, x); i.Disabled || len(i.Logins) != 1 || i.Logins[0].Provider != "accounts.google.com" {
				t.Errorf("identity after UnlinkIdentity: got %+v, want enabled with its Google login", i)
			}
		})
	}
	_, err = e.svc.UnlinkIdentity(e.ctx, &UnlinkIdentityInput{IdentityId: x,
		Logins: map[string]string{CognitoProvider: guest.Token}, LoginsToRemove: []string{"accounts.google.com"}})
	wantErr(t, err, CodeNotAuthorized, "")
	if i := e.identity(t, x); i.Disabled || len(i.Logins) != 1 || i.Logins[0].Provider != "accounts.google.com" {
		t.Errorf("identity after UnlinkIdentity with the guest token: got %+v, want enabled with its Google login", i)
	}
}

func TestDescribeListDeleteIdentities(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	guest := e.getID(t, pool, nil)
	auth := e.getID(t, pool, map[string]string{"graph.facebook.com": "d1", "accounts.google.com": e.googleToken("d1")})
	gone := e.getID(t, pool, map[string]string{"graph.facebook.com": "d2"})
	if _, err := e.svc.UnlinkIdentity(e.ctx, &UnlinkIdentityInput{IdentityId: gone, Logins: map[string]string{"graph.facebook.com": "d2"}, LoginsToRemove: []string{"graph.facebook.com"}}); err != nil {
		t.Fatal(err)
	}

	t.Run("describe", func(t *testing.T) {
		d, err := e.svc.DescribeIdentity(e.ctx, &DescribeIdentityInput{IdentityId: auth})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(d.Logins, []string{"accounts.google.com", "graph.facebook.com"}) || !d.CreationDate.Time().Equal(e.clock.Now()) {
			t.Errorf("got %+v, want both provider names and the creation time", d)
		}
		g, _ := e.svc.DescribeIdentity(e.ctx, &DescribeIdentityInput{IdentityId: guest})
		if b, _ := json.Marshal(g); strings.Contains(string(b), "Logins") {
			t.Errorf("got %s, want no Logins for a guest", b)
		}
		if _, err := e.svc.DescribeIdentity(e.ctx, &DescribeIdentityInput{IdentityId: gone}); err != nil {
			t.Errorf("describe disabled: got %v, want it described", err)
		}
	})
	t.Run("list", func(t *testing.T) {
		tests := []struct {
			name string
			hide bool
			want int
		}{{"all", false, 3}, {"hide disabled", true, 2}}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got []string
				token := ""
				for {
					out, err := e.svc.ListIdentities(e.ctx, &ListIdentitiesInput{IdentityPoolId: pool, MaxResults: 1, NextToken: token, HideDisabled: tt.hide})
					if err != nil {
						t.Fatal(err)
					}
					for _, i := range out.Identities {
						got = append(got, i.IdentityId)
					}
					if token = out.NextToken; token == "" {
						break
					}
				}
				if len(got) != tt.want || (tt.hide && slices.Contains(got, gone)) {
					t.Errorf("got %v, want %d identities", got, tt.want)
				}
			})
		}
		_, err := e.svc.ListIdentities(e.ctx, &ListIdentitiesInput{IdentityPoolId: pool, MaxResults: 1, NextToken: protocol.EncodePageToken(pageIdentities, "us-east-1:other", "x")})
		wantErr(t, err, CodeInvalidParameter, msgBadNextToken)
		_, err = e.svc.ListIdentities(e.ctx, &ListIdentitiesInput{IdentityPoolId: "us-east-1:0000", MaxResults: 1})
		wantErr(t, err, CodeResourceNotFound, "")
	})
	t.Run("delete", func(t *testing.T) {
		out, err := e.svc.DeleteIdentities(e.ctx, &DeleteIdentitiesInput{IdentityIdsToDelete: []string{auth, "us-east-1:00000000-0000-0000-0000-000000000001"}})
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := json.Marshal(out); string(b) != `{"UnprocessedIdentityIds":[]}` {
			t.Errorf("got %s, want an empty list", b)
		}
		_, err = e.svc.DescribeIdentity(e.ctx, &DescribeIdentityInput{IdentityId: auth})
		wantErr(t, err, CodeResourceNotFound, "Identity '"+auth+"' not found.")
		_, err = e.svc.GetCredentialsForIdentity(e.ctx, &GetCredentialsForIdentityInput{IdentityId: auth})
		wantErr(t, err, CodeResourceNotFound, "")
		if got := e.getID(t, pool, map[string]string{"graph.facebook.com": "d1"}); got == auth {
			t.Error("a login of a deleted identity maps to it, want a new identity")
		}
	})
}

// verifierFunc adapts a function to ProviderVerifier.
type verifierFunc func(ctx context.Context, provider, token string) (bool, error)

func (f verifierFunc) VerifyProviderToken(ctx context.Context, provider, token string) (bool, error) {
	return f(ctx, provider, token)
}

func TestProviderVerifier(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	var calls []string
	v := verifierFunc(func(ctx context.Context, provider, token string) (bool, error) {
		calls = append(calls, provider)
		switch token {
		case "forged":
			return false, notAuthorized(msgBadSignature)
		case "unreachable":
			return false, errors.New("dial tcp: connection refused")
		}
		return false, nil
	})
	svc := New(Config{Region: testRegion, AccountID: testAccount, Verifier: v}, e.store, e.issuer, e.creds, e.clock.Now, uuid.NewString, nil)
	tests := []struct {
		name     string
		logins   map[string]string
		wantCode string
		wantMsg  string
	}{
		{"accepted", map[string]string{"graph.facebook.com": "good"}, "", ""},
		{"rejected", map[string]string{"graph.facebook.com": "forged"}, CodeNotAuthorized, msgBadSignature},
		{"provider unreachable", map[string]string{"graph.facebook.com": "unreachable"}, CodeExternalService, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.GetId(e.ctx, &GetIdInput{IdentityPoolId: pool, Logins: tt.logins})
			wantErr(t, err, tt.wantCode, tt.wantMsg)
		})
	}
	// GetOpenIdTokenForDeveloperIdentity's model lists no
	// ExternalServiceException: an unreachable provider is a token idpool
	// could not verify there.
	_, err := svc.GetOpenIdTokenForDeveloperIdentity(e.ctx, &GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool,
		Logins: map[string]string{testDev: "v", "graph.facebook.com": "unreachable"}})
	wantErr(t, err, CodeNotAuthorized, "Invalid login token. Couldn't verify signed token.")
	// idpool's own tokens and developer users are not the verifier's.
	dev, err := svc.GetOpenIdTokenForDeveloperIdentity(e.ctx, &GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool, Logins: map[string]string{testDev: "v"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: dev.IdentityId, Logins: map[string]string{CognitoProvider: dev.Token}}); err != nil {
		t.Fatal(err)
	}
	if len(calls) != len(tests)+1 {
		t.Errorf("got verifier calls %v, want one per external login", calls)
	}
}

// TestListIdentitiesHideDisabledBounded: with HideDisabled a page passes
// over at most hiddenPerPage disabled identities, so that its cost does not
// grow with the disabled identities between two live ones: it may then
// hold fewer identities than MaxResults, or none, with a NextToken after
// the last identity it read. Paging on until NextToken is absent lists
// every live identity once, in id order.
func TestListIdentitiesHideDisabledBounded(t *testing.T) {
	// run is a stretch of a pool's identities in id order: n live or
	// disabled ones.
	type run struct {
		n        int
		disabled bool
	}
	live := func(n int) run { return run{n, false} }
	disabled := func(n int) run { return run{n, true} }
	// page is what one page holds: how many identities, and whether it
	// has a NextToken.
	type page struct {
		n    int
		more bool
	}
	const bound = hiddenPerPage
	tests := []struct {
		name  string
		runs  []run
		max   int
		hide  bool
		pages []page
	}{
		{"a run of disabled identities longer than the bound", []run{live(1), disabled(2*bound + 500), live(1)}, 60, true,
			[]page{{1, true}, {0, true}, {1, false}}},
		{"a run of exactly the bound before a live identity", []run{disabled(bound), live(1)}, 60, true,
			[]page{{0, true}, {1, false}}},
		{"a run one shorter than the bound", []run{disabled(bound - 1), live(1)}, 60, true,
			[]page{{1, false}}},
		{"a run of the bound ending the pool", []run{live(2), disabled(bound)}, 60, true,
			[]page{{2, false}}},
		{"a full page, then a run longer than the bound", []run{live(2), disabled(bound + 500)}, 2, true,
			[]page{{2, true}, {0, false}}},
		{"a full page ending inside a run", []run{live(3), disabled(bound + 1), live(1)}, 2, true,
			[]page{{2, true}, {1, true}, {1, false}}},
		{"no disabled identities", []run{live(130)}, 60, true,
			[]page{{60, true}, {60, true}, {10, false}}},
		{"disabled identities listed", []run{live(1), disabled(bound + 500), live(1)}, 60, false,
			nil}, // pages of 60 of every identity
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			pool := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "p", AllowUnauthenticatedIdentities: true})
			var want []string // the identities the listing must hold
			err := e.store.Update(e.ctx, func(tx storage.Tx) error {
				k := 0
				for _, r := range tc.runs {
					for range r.n {
						i := storage.Identity{ID: fmt.Sprintf("%s-%06d", pool, k), PoolID: pool, Disabled: r.disabled}
						if err := tx.CreateIdentity(e.ctx, i); err != nil {
							return err
						}
						if !r.disabled || !tc.hide {
							want = append(want, i.ID)
						}
						k++
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			pages := tc.pages
			if pages == nil {
				for n := len(want); n > 0; n -= tc.max {
					pages = append(pages, page{min(n, tc.max), n > tc.max})
				}
			}
			var got []string
			token := ""
			for k := 0; ; k++ {
				out, err := e.svc.ListIdentities(e.ctx, &ListIdentitiesInput{IdentityPoolId: pool, MaxResults: tc.max, NextToken: token, HideDisabled: tc.hide})
				if err != nil {
					t.Fatalf("page %d: got error %v, want nil", k, err)
				}
				if k < len(pages) {
					if p := (page{len(out.Identities), out.NextToken != ""}); p != pages[k] {
						t.Errorf("page %d: got %d identities, NextToken %v, want %d, %v", k, p.n, p.more, pages[k].n, pages[k].more)
					}
				}
				for _, i := range out.Identities {
					got = append(got, i.IdentityId)
				}
				if out.NextToken == "" {
					if k+1 != len(pages) {
						t.Errorf("got %d pages, want %d", k+1, len(pages))
					}
					break
				}
				if out.NextToken == token {
					t.Fatalf("page %d: got the NextToken it was given, want the listing to move on", k)
				}
				if k > len(pages) {
					t.Fatalf("got more than %d pages, want %d", k+1, len(pages))
				}
				token = out.NextToken
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %d identities, want %d, each once, in id order", len(got), len(want))
			}
		})
	}
}
