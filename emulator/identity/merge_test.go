package identity

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/idpool/idpool/storage"
)

// TestOnMerge: every merge tells Config.OnMerge, inside the merge's
// transaction and after the survivor is stored; a refusal undoes the merge.
func TestOnMerge(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	fb := func(user string) map[string]string { return map[string]string{"graph.facebook.com": user} }

	type call struct{ loser, survivor string }
	var (
		calls  []call
		refuse = errors.New("datasets refused the merge")
		failOn string
	)
	e.svc.cfg.OnMerge = func(ctx context.Context, tx storage.Tx, loser, survivor storage.Identity) error {
		if loser.ID == failOn {
			return refuse
		}
		if _, err := tx.GetIdentity(ctx, survivor.ID); err != nil {
			t.Errorf("survivor %s is not stored when OnMerge runs: %v", survivor.ID, err)
		}
		calls = append(calls, call{loser.ID, survivor.ID})
		return nil
	}

	t.Run("guest merged into the owner of its login", func(t *testing.T) {
		calls = nil
		owner := e.getID(t, pool, fb("owner"))
		guest := e.getID(t, pool, nil)
		if _, err := e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: guest, Logins: fb("owner")}); err != nil {
			t.Fatal(err)
		}
		if want := []call{{guest, owner}}; !slices.Equal(calls, want) {
			t.Errorf("got calls %v, want %v", calls, want)
		}
	})
	t.Run("developer identities merged", func(t *testing.T) {
		calls = nil
		src := e.developerID(t, pool, "src-user")
		dst := e.developerID(t, pool, "dst-user")
		_, err := e.svc.MergeDeveloperIdentities(e.ctx, &MergeDeveloperIdentitiesInput{
			IdentityPoolId: pool, DeveloperProviderName: testDev,
			SourceUserIdentifier: "src-user", DestinationUserIdentifier: "dst-user",
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := []call{{src, dst}}; !slices.Equal(calls, want) {
			t.Errorf("got calls %v, want %v", calls, want)
		}
	})
	t.Run("a refusal undoes the merge", func(t *testing.T) {
		e.getID(t, pool, fb("owner-2"))
		guest := e.getID(t, pool, nil)
		failOn = guest
		_, err := e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: guest, Logins: fb("owner-2")})
		if !errors.Is(err, refuse) {
			t.Fatalf("got %v, want the OnMerge error", err)
		}
		if g := e.identity(t, guest); g.Disabled || g.MergedInto != "" {
			t.Errorf("got guest %+v, want it untouched", g)
		}
	})
}

// developerID registers a developer user and returns its identity id.
func (e *env) developerID(t *testing.T, pool, user string) string {
	t.Helper()
	out, err := e.svc.GetOpenIdTokenForDeveloperIdentity(e.ctx, &GetOpenIdTokenForDeveloperIdentityInput{
		IdentityPoolId: pool, Logins: map[string]string{testDev: user},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.IdentityId
}
