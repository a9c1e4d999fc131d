package storagetest

import (
	"context"
	"errors"
	"testing"

	"github.com/idpool/idpool/storage"
)

// iamCounts is what CountIAM answers of each kind, in the order of
// countedKinds.
type iamCounts [5]int

var countedKinds = [5]string{storage.KindRole, storage.KindUser, storage.KindGroup, storage.KindPolicy, storage.KindOIDCProvider}

// checkCounts checks what r's CountIAM answers of each kind.
func checkCounts(t *testing.T, ctx context.Context, r storage.Reader, what string, want iamCounts) {
	t.Helper()
	var got iamCounts
	for i, kind := range countedKinds {
		n, err := r.CountIAM(ctx, kind)
		if !wantErr(t, what+": CountIAM "+kind, err, nil) {
			return
		}
		got[i] = n
	}
	if got != want {
		t.Errorf("%s: CountIAM of %v: got %v, want %v", what, countedKinds, got, want)
	}
}

// testIAMCounts: CountIAM counts the roles, users, groups, managed
// policies and OpenID Connect providers as they are created and deleted,
// inside the transaction that writes them and after it commits, not after
// it rolls back; an update or a user's rename changes no count, and a kind
// it does not count is an error.
func testIAMCounts(t *testing.T, s storage.Store) {
	ctx := t.Context()
	checkCounts(t, ctx, s, "a new store", iamCounts{})
	create := func(tx storage.Tx, n string) error {
		return errors.Join(tx.CreateRole(ctx, role("r"+n)), tx.CreateUser(ctx, storage.User{Name: "u" + n, ID: "AIDA" + n}),
			tx.CreateGroup(ctx, storage.Group{Name: "g" + n, ID: "AGPA" + n}),
			tx.CreateManagedPolicy(ctx, storage.ManagedPolicy{ARN: policyARN + n, Name: n}),
			tx.CreateOIDCProvider(ctx, storage.OIDCProvider{ARN: "arn:aws:iam::123456789012:oidc-provider/" + n, URL: "https://" + n}))
	}
	update(t, s, func(tx storage.Tx) error {
		for _, n := range []string{"a", "b", "c"} {
			if err := create(tx, n); err != nil {
				return err
			}
		}
		checkCounts(t, ctx, tx, "inside the creating tx", iamCounts{3, 3, 3, 3, 3})
		return nil
	})
	checkCounts(t, ctx, s, "created", iamCounts{3, 3, 3, 3, 3})
	update(t, s, func(tx storage.Tx) error {
		return errors.Join(tx.DeleteRole(ctx, "ra"), tx.DeleteUser(ctx, "ua"), tx.DeleteManagedPolicy(ctx, policyARN+"a"),
			tx.UpdateRole(ctx, role("rb")), storage.ReplaceUser(ctx, tx, "ub", storage.User{Name: "renamed", ID: "AIDAb"}, nil))
	})
	checkCounts(t, ctx, s, "deleted, updated and renamed", iamCounts{2, 2, 3, 2, 3})
	err := s.Update(ctx, func(tx storage.Tx) error {
		if err := errors.Join(create(tx, "d"), tx.DeleteGroup(ctx, "ga")); err != nil {
			return err
		}
		checkCounts(t, ctx, tx, "inside the rolled-back tx", iamCounts{3, 3, 3, 3, 4})
		return context.Canceled
	})
	wantErr(t, "Update", err, context.Canceled)
	checkCounts(t, ctx, s, "rolled back", iamCounts{2, 2, 3, 2, 3})
	if err := s.View(ctx, func(r storage.Reader) error {
		checkCounts(t, ctx, r, "in a view", iamCounts{2, 2, 3, 2, 3})
		return nil
	}); err != nil {
		t.Errorf("View: got error %v, want nil", err)
	}
	for _, kind := range []string{"", "instance-profile", "Role"} {
		if n, err := s.CountIAM(ctx, kind); err == nil {
			t.Errorf("CountIAM %q: got %d, nil, want an error", kind, n)
		}
	}
}
