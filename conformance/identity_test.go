package conformance

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
)

func TestGetIdGuest(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	open := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	closed := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: false})

	t.Run("new identity on every call", func(t *testing.T) {
		a, b := s.guestID(t, open), s.guestID(t, open)
		if a == b {
			t.Errorf("got the same guest id %s twice, want a new one per call", a)
		}
		for _, id := range []string{a, b} {
			if !idPattern.MatchString(id) {
				t.Errorf("got identity id %q, want region:uuid", id)
			}
		}
	})
	t.Run("AccountId is accepted", func(t *testing.T) {
		_, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(open), AccountId: aws.String(s.accountID)})
		ok(t, err, "GetId with AccountId")
	})
	t.Run("signed client works too", func(t *testing.T) {
		_, err := s.signed.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(open)})
		ok(t, err, "GetId signed")
	})
	t.Run("pool refuses guests", func(t *testing.T) {
		_, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(closed)})
		wantAPIError(t, err, codeNotAuthorized, msgGuestsRefused)
	})
	t.Run("unknown pool", func(t *testing.T) {
		unknown := "us-east-1:00000000-0000-4000-8000-000000000000"
		_, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(unknown)})
		wantAPIError(t, err, codeNotFound, msgPoolNotFound(unknown))
	})
}

func TestGetIdLoginIsStable(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	pool := s.createPool(t, s.fullPool(""))

	alice := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "alice")})
	tests := []struct {
		name   string
		logins map[string]string
		same   bool
	}{
		{"same user, fresh token", map[string]string{googleKey: providerJWT(t, map[string]any{
			"iss": "https://" + googleKey, "aud": googleClient, "sub": "alice", "iat": time.Now().Unix() - 5, "email": "a@example.com",
		})}, true},
		{"other user", map[string]string{googleKey: googleToken(t, "bob")}, false},
		{"same sub from another provider", map[string]string{oidcKey: oidcToken(t, "alice")}, false},
		{"user pool user", map[string]string{userPoolKey: userPoolToken(t, "alice")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.loginID(t, pool, tt.logins)
			if (got == alice) != tt.same {
				t.Errorf("got %s for alice's %s, same=%v, want same=%v", got, alice, got == alice, tt.same)
			}
			if again := s.loginID(t, pool, tt.logins); again != got {
				t.Errorf("second GetId: got %s, want %s", again, got)
			}
		})
	}
	t.Run("opaque facebook token", func(t *testing.T) {
		a := s.loginID(t, pool, map[string]string{facebookKey: "EAAB-user-one"})
		if b := s.loginID(t, pool, map[string]string{facebookKey: "EAAB-user-one"}); a != b {
			t.Errorf("got %s then %s for one facebook token, want one identity", a, b)
		}
	})
}

func TestGetIdStableAcrossRestart(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	s.needRestart(t)
	ctx := context.Background()
	pool := s.createPool(t, s.fullPool(""))
	logins := map[string]string{googleKey: googleToken(t, "carol")}
	before := s.loginID(t, pool, logins)

	s.restart(t)

	if after := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "carol")}); after != before {
		t.Errorf("GetId after restart: got %s, want %s", after, before)
	}
	d, err := s.signed.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: aws.String(before)})
	ok(t, err, "DescribeIdentity after restart")
	if !slices.Equal(d.Logins, []string{googleKey}) {
		t.Errorf("logins after restart: got %v, want [%s]", d.Logins, googleKey)
	}
}

func TestGetIdConcurrentNewLogin(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	pool := s.createPool(t, s.fullPool(""))
	token := googleToken(t, "dave")

	const n = 16
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			out, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(pool), Logins: map[string]string{googleKey: token}})
			errs[i] = err
			if err == nil {
				ids[i] = aws.ToString(out.IdentityId)
			}
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		ok(t, err, "concurrent GetId")
		if ids[i] != ids[0] {
			t.Errorf("call %d: got %s, want %s (one identity for one login)", i, ids[i], ids[0])
		}
	}
	list, err := s.signed.ListIdentities(ctx, &cognitoidentity.ListIdentitiesInput{IdentityPoolId: aws.String(pool), MaxResults: aws.Int32(60)})
	ok(t, err, "ListIdentities")
	if len(list.Identities) != 1 {
		t.Errorf("got %d identities in the pool, want 1", len(list.Identities))
	}
}

// TestLinking covers implicit linking: a guest that presents a login not
// linked anywhere keeps its id and becomes authenticated.
func TestLinking(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	pool := s.createPool(t, s.fullPool(""))
	guest := s.guestID(t, pool)

	out, err := s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{
		IdentityId: aws.String(guest),
		Logins:     map[string]string{googleKey: googleToken(t, "erin")},
	})
	ok(t, err, "GetOpenIdToken linking google")
	if got := aws.ToString(out.IdentityId); got != guest {
		t.Fatalf("linking: got id %s, want the guest's %s", got, guest)
	}
	if got := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "erin")}); got != guest {
		t.Errorf("GetId for the linked login: got %s, want %s", got, guest)
	}

	// A second login, proven together with a linked one, links as well.
	out, err = s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{
		IdentityId: aws.String(guest),
		Logins:     map[string]string{googleKey: googleToken(t, "erin"), oidcKey: oidcToken(t, "erin-oidc")},
	})
	ok(t, err, "GetOpenIdToken linking oidc")
	if got := aws.ToString(out.IdentityId); got != guest {
		t.Fatalf("second link: got id %s, want %s", got, guest)
	}
	d, err := s.signed.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: aws.String(guest)})
	ok(t, err, "DescribeIdentity")
	if got, want := slices.Sorted(slices.Values(d.Logins)), []string{googleKey, oidcKey}; !slices.Equal(got, want) {
		t.Errorf("logins: got %v, want %v", got, want)
	}

	tests := []struct {
		name   string
		logins map[string]string
		code   string
		msg    string
	}{
		// Once authenticated, an identity gets no guest token.
		{"no logins", nil, codeNotAuthorized, ""},
		// Only a login of another user is no proof of this identity.
		{"only an unrelated login", map[string]string{userPoolKey: userPoolToken(t, "stranger")}, codeNotAuthorized, ""},
		// A new login proven together with a linked one is linked too.
		{"extra login with proof", map[string]string{googleKey: googleToken(t, "erin"), facebookKey: "fb-erin"}, "", ""},
		// One user per provider key on an identity.
		{"second google user", map[string]string{oidcKey: oidcToken(t, "erin-oidc"), googleKey: googleToken(t, "not-erin")}, codeConflict, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(guest), Logins: tt.logins})
			if tt.code == "" {
				ok(t, err, "GetOpenIdToken")
				return
			}
			wantAPIError(t, err, tt.code, tt.msg)
		})
	}
}

func TestMerge(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	pool := s.createPool(t, s.fullPool(""))

	// disabled reports whether id can no longer get tokens, as a merged-away
	// identity cannot.
	disabled := func(t *testing.T, id string) {
		t.Helper()
		_, err := s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(id)})
		wantAPIError(t, err, codeNotAuthorized, msgForbidden(id))
		if _, err := s.signed.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: aws.String(id)}); err != nil {
			t.Errorf("DescribeIdentity of a disabled identity: %v", err)
		}
	}
	logins := func(t *testing.T, id string) []string {
		t.Helper()
		d, err := s.signed.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: aws.String(id)})
		ok(t, err, "DescribeIdentity")
		return slices.Sorted(slices.Values(d.Logins))
	}

	t.Run("guest into authenticated: authenticated survives", func(t *testing.T) {
		owner := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "m1")})
		guest := s.guestID(t, pool)
		out, err := s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{
			IdentityId: aws.String(guest), Logins: map[string]string{googleKey: googleToken(t, "m1")},
		})
		ok(t, err, "GetOpenIdToken")
		if got := aws.ToString(out.IdentityId); got != owner {
			t.Fatalf("got %s, want the login's owner %s", got, owner)
		}
		disabled(t, guest)
		list, err := s.signed.ListIdentities(ctx, &cognitoidentity.ListIdentitiesInput{IdentityPoolId: aws.String(pool), MaxResults: aws.Int32(60), HideDisabled: true})
		ok(t, err, "ListIdentities")
		for _, d := range list.Identities {
			if aws.ToString(d.IdentityId) == guest {
				t.Errorf("HideDisabled listed the merged guest %s", guest)
			}
		}
	})

	t.Run("authenticated with proof into another: the login's owner survives", func(t *testing.T) {
		x := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "m2")})
		y := s.loginID(t, pool, map[string]string{oidcKey: oidcToken(t, "m2-oidc")})
		out, err := s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{
			IdentityId: aws.String(x),
			Logins:     map[string]string{googleKey: googleToken(t, "m2"), oidcKey: oidcToken(t, "m2-oidc")},
		})
		ok(t, err, "GetOpenIdToken")
		if got := aws.ToString(out.IdentityId); got != y {
			t.Fatalf("got %s, want %s (owner of the presented login)", got, y)
		}
		disabled(t, x)
		if got, want := logins(t, y), []string{googleKey, oidcKey}; !slices.Equal(got, want) {
			t.Errorf("survivor logins: got %v, want %v", got, want)
		}
		if got := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "m2")}); got != y {
			t.Errorf("GetId for the moved login: got %s, want %s", got, y)
		}
	})

	t.Run("authenticated without proof: refused, nothing merged", func(t *testing.T) {
		x := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "m3")})
		y := s.loginID(t, pool, map[string]string{oidcKey: oidcToken(t, "m3-oidc")})
		_, err := s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{
			IdentityId: aws.String(x), Logins: map[string]string{oidcKey: oidcToken(t, "m3-oidc")},
		})
		wantAPIError(t, err, codeNotAuthorized, "")
		if got := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "m3")}); got != x {
			t.Errorf("x's login: got %s, want %s", got, x)
		}
		if got := s.loginID(t, pool, map[string]string{oidcKey: oidcToken(t, "m3-oidc")}); got != y {
			t.Errorf("y's login: got %s, want %s", got, y)
		}
	})

	t.Run("GetId over two identities: the oldest survives", func(t *testing.T) {
		older := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "m4")})
		// Creation dates may have one-second resolution: make the order plain.
		time.Sleep(1100 * time.Millisecond)
		newer := s.loginID(t, pool, map[string]string{oidcKey: oidcToken(t, "m4-oidc")})
		got := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "m4"), oidcKey: oidcToken(t, "m4-oidc")})
		if got != older {
			t.Fatalf("got %s, want the older identity %s (newer %s)", got, older, newer)
		}
		disabled(t, newer)
		if got, want := logins(t, older), []string{googleKey, oidcKey}; !slices.Equal(got, want) {
			t.Errorf("survivor logins: got %v, want %v", got, want)
		}
	})

	t.Run("two users of one provider: conflict, nothing changes", func(t *testing.T) {
		a := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "m5a")})
		b := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "m5b"), oidcKey: oidcToken(t, "m5-oidc")})
		_, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{
			IdentityPoolId: aws.String(pool),
			Logins:         map[string]string{googleKey: googleToken(t, "m5a"), oidcKey: oidcToken(t, "m5-oidc")},
		})
		wantAPIError(t, err, codeConflict, "")
		if got := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "m5a")}); got != a {
			t.Errorf("a's login: got %s, want %s", got, a)
		}
		if got := s.loginID(t, pool, map[string]string{oidcKey: oidcToken(t, "m5-oidc")}); got != b {
			t.Errorf("b's login: got %s, want %s", got, b)
		}
	})
}

func TestDescribeIdentity(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	pool := s.createPool(t, s.fullPool(""))
	guest := s.guestID(t, pool)
	user := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "fay"), userPoolKey: userPoolToken(t, "fay")})
	unknown := "us-east-1:00000000-0000-4000-8000-00000000abcd"

	tests := []struct {
		name   string
		id     string
		logins []string
		code   string
		msg    string
	}{
		{"guest", guest, nil, "", ""},
		{"two logins", user, []string{googleKey, userPoolKey}, "", ""},
		{"unknown", unknown, nil, codeNotFound, msgIdentityNotFound(unknown)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := time.Now().Add(-time.Minute)
			d, err := s.signed.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: aws.String(tt.id)})
			if tt.code != "" {
				wantAPIError(t, err, tt.code, tt.msg)
				return
			}
			ok(t, err, "DescribeIdentity")
			if aws.ToString(d.IdentityId) != tt.id {
				t.Errorf("got id %s, want %s", aws.ToString(d.IdentityId), tt.id)
			}
			if got := slices.Sorted(slices.Values(d.Logins)); !slices.Equal(got, tt.logins) {
				t.Errorf("got logins %v, want %v", got, tt.logins)
			}
			for name, ts := range map[string]*time.Time{"CreationDate": d.CreationDate, "LastModifiedDate": d.LastModifiedDate} {
				if ts == nil || ts.Before(before) || ts.After(time.Now().Add(time.Minute)) {
					t.Errorf("got %s %v, want about now", name, ts)
				}
			}
		})
	}
}

func TestListIdentities(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	pool := s.createPool(t, s.fullPool(""))
	want := map[string]bool{}
	for range 4 {
		want[s.guestID(t, pool)] = true
	}
	user := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "gus")})
	want[user] = true

	seen := map[string]int{}
	var token *string
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("ListIdentities does not end")
		}
		out, err := s.signed.ListIdentities(ctx, &cognitoidentity.ListIdentitiesInput{
			IdentityPoolId: aws.String(pool), MaxResults: aws.Int32(2), NextToken: token,
		})
		ok(t, err, "ListIdentities")
		if aws.ToString(out.IdentityPoolId) != pool {
			t.Errorf("got IdentityPoolId %q, want %q", aws.ToString(out.IdentityPoolId), pool)
		}
		if len(out.Identities) > 2 {
			t.Errorf("got %d identities on a page, want at most 2", len(out.Identities))
		}
		for _, d := range out.Identities {
			id := aws.ToString(d.IdentityId)
			seen[id]++
			if id == user && !slices.Equal(d.Logins, []string{googleKey}) {
				t.Errorf("user logins: got %v, want [%s]", d.Logins, googleKey)
			}
		}
		if out.NextToken == nil {
			break
		}
		token = out.NextToken
	}
	if len(seen) != len(want) {
		t.Errorf("got %d identities, want %d", len(seen), len(want))
	}
	for id := range want {
		if seen[id] != 1 {
			t.Errorf("identity %s listed %d times, want once", id, seen[id])
		}
	}

	unknown := "us-east-1:00000000-0000-4000-8000-000000000000"
	_, err := s.signed.ListIdentities(ctx, &cognitoidentity.ListIdentitiesInput{IdentityPoolId: aws.String(unknown), MaxResults: aws.Int32(2)})
	wantAPIError(t, err, codeNotFound, msgPoolNotFound(unknown))
	_, err = s.signed.ListIdentities(ctx, &cognitoidentity.ListIdentitiesInput{IdentityPoolId: aws.String(pool), MaxResults: aws.Int32(2), NextToken: aws.String("bogus")})
	wantAPIError(t, err, codeInvalidParam, "")
}

func TestDeleteIdentities(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	pool := s.createPool(t, s.fullPool(""))
	guest := s.guestID(t, pool)
	user := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "hal")})
	kept := s.guestID(t, pool)

	out, err := s.signed.DeleteIdentities(ctx, &cognitoidentity.DeleteIdentitiesInput{IdentityIdsToDelete: []string{guest, user}})
	ok(t, err, "DeleteIdentities")
	if len(out.UnprocessedIdentityIds) != 0 {
		t.Errorf("got UnprocessedIdentityIds %+v, want none", out.UnprocessedIdentityIds)
	}

	for _, id := range []string{guest, user} {
		t.Run(id, func(t *testing.T) {
			_, err := s.signed.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: aws.String(id)})
			wantAPIError(t, err, codeNotFound, msgIdentityNotFound(id))
			_, err = s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(id)})
			wantAPIError(t, err, codeNotFound, msgIdentityNotFound(id))
			_, err = s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: aws.String(id)})
			wantAPIError(t, err, codeNotFound, msgIdentityNotFound(id))
		})
	}
	t.Run("unknown and already deleted ids", func(t *testing.T) {
		out, err := s.signed.DeleteIdentities(ctx, &cognitoidentity.DeleteIdentitiesInput{
			IdentityIdsToDelete: []string{guest, "us-east-1:00000000-0000-4000-8000-000000000000"},
		})
		ok(t, err, "DeleteIdentities")
		if len(out.UnprocessedIdentityIds) != 0 {
			t.Errorf("got UnprocessedIdentityIds %+v, want none", out.UnprocessedIdentityIds)
		}
	})
	if got := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "hal")}); got == user {
		t.Errorf("GetId after delete: got the deleted %s, want a new identity", user)
	}
	if _, err := s.signed.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: aws.String(kept)}); err != nil {
		t.Errorf("DescribeIdentity of an identity not deleted: %v", err)
	}
}

func TestUnlinkIdentity(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	pool := s.createPool(t, s.fullPool(""))
	google := map[string]string{googleKey: googleToken(t, "ivy")}
	id := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "ivy"), oidcKey: oidcToken(t, "ivy-oidc")})
	s.loginID(t, pool, map[string]string{facebookKey: "fb-someone-else"}) // another identity's login

	unlink := func(logins map[string]string, remove ...string) error {
		_, err := s.anon.UnlinkIdentity(ctx, &cognitoidentity.UnlinkIdentityInput{
			IdentityId: aws.String(id), Logins: logins, LoginsToRemove: remove,
		})
		return err
	}

	t.Run("proof that is not this identity's", func(t *testing.T) {
		wantAPIError(t, unlink(map[string]string{facebookKey: "fb-someone-else"}, oidcKey), codeNotAuthorized, "")
	})
	t.Run("unknown identity", func(t *testing.T) {
		unknown := "us-east-1:00000000-0000-4000-8000-00000000dead"
		_, err := s.anon.UnlinkIdentity(ctx, &cognitoidentity.UnlinkIdentityInput{
			IdentityId: aws.String(unknown), Logins: google, LoginsToRemove: []string{googleKey},
		})
		wantAPIError(t, err, codeNotFound, msgIdentityNotFound(unknown))
	})

	ok(t, unlink(google, userPoolKey), "UnlinkIdentity of a provider not linked")
	ok(t, unlink(google, oidcKey), "UnlinkIdentity oidc")
	d, err := s.signed.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: aws.String(id)})
	ok(t, err, "DescribeIdentity")
	if !slices.Equal(d.Logins, []string{googleKey}) {
		t.Errorf("logins after unlink: got %v, want [%s]", d.Logins, googleKey)
	}
	if got := s.loginID(t, pool, map[string]string{oidcKey: oidcToken(t, "ivy-oidc")}); got == id {
		t.Errorf("GetId for the unlinked login: got %s again, want a new identity", id)
	}

	// Removing the last login disables the identity: it is still described
	// but gets no token or credentials.
	ok(t, unlink(google, googleKey), "UnlinkIdentity google (last login)")
	if _, err := s.signed.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: aws.String(id)}); err != nil {
		t.Errorf("DescribeIdentity of the disabled identity: %v", err)
	}
	t.Run("GetOpenIdToken after last unlink", func(t *testing.T) {
		_, err := s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(id)})
		wantAPIError(t, err, codeNotAuthorized, msgForbidden(id))
	})
	t.Run("GetCredentialsForIdentity after last unlink", func(t *testing.T) {
		_, err := s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: aws.String(id)})
		wantAPIError(t, err, codeNotAuthorized, msgForbidden(id))
	})
	t.Run("HideDisabled", func(t *testing.T) {
		for _, hide := range []bool{false, true} {
			out, err := s.signed.ListIdentities(ctx, &cognitoidentity.ListIdentitiesInput{IdentityPoolId: aws.String(pool), MaxResults: aws.Int32(60), HideDisabled: hide})
			ok(t, err, "ListIdentities")
			found := slices.ContainsFunc(out.Identities, func(d types.IdentityDescription) bool { return aws.ToString(d.IdentityId) == id })
			if found == hide {
				t.Errorf("HideDisabled=%v: disabled identity listed=%v, want %v", hide, found, !hide)
			}
		}
	})
}
