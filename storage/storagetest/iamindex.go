package storagetest

import (
	"context"
	"testing"

	"github.com/idpool/idpool/storage"
)

const policyARN = "arn:aws:iam::123456789012:policy/"

// usage is what PolicyUsage answers.
type usage struct{ attached, boundary int }

// checkUses checks what r answers of the uses of the policy named name:
// PolicyUsage's counts and PolicyEntities' entities.
func checkUses(t *testing.T, ctx context.Context, r storage.Reader, what, name string, want usage, entities []storage.PolicyEntity) {
	t.Helper()
	n, b, err := r.PolicyUsage(ctx, policyARN+name)
	if wantErr(t, what+": PolicyUsage "+name, err, nil) && (usage{n, b}) != want {
		t.Errorf("%s: PolicyUsage %s: got %+v, want %+v", what, name, usage{n, b}, want)
	}
	es, err := r.PolicyEntities(ctx, policyARN+name)
	if wantErr(t, what+": PolicyEntities "+name, err, nil) {
		checkEqual(t, what+": PolicyEntities "+name, es, entities)
	}
}

// testIAMPolicyUses: a managed policy's uses, attached to roles, users
// and groups or the boundary of roles and users, are counted and listed
// (by kind, then name byte by byte) as the entities are created, updated,
// renamed and deleted, inside the transaction that writes them and after
// it commits, and not after it rolls back.
func testIAMPolicyUses(t *testing.T, s storage.Store) {
	ctx := t.Context()
	a, b := policyARN+"a", policyARN+"b"
	zed := storage.Role{Name: "Zed", Path: "/z/", ID: "AROAZED", Attached: []string{a}, Boundary: b}
	alpha := storage.Role{Name: "alpha", Path: "/", ID: "AROAALPHA", Attached: []string{b, a}}
	dev := storage.User{Name: "dev", Path: "/u/", ID: "AIDADEV", Attached: []string{a}, Boundary: b}
	ops := storage.Group{Name: "Ops", Path: "/g/", ID: "AGPAOPS", Attached: []string{a}}
	// The uses of a, by kind then name byte by byte.
	usesA := []storage.PolicyEntity{
		{Kind: storage.KindGroup, Name: "Ops", Path: "/g/", ID: "AGPAOPS", Attached: true},
		{Kind: storage.KindRole, Name: "Zed", Path: "/z/", ID: "AROAZED", Attached: true},
		{Kind: storage.KindRole, Name: "alpha", Path: "/", ID: "AROAALPHA", Attached: true},
		{Kind: storage.KindUser, Name: "dev", Path: "/u/", ID: "AIDADEV", Attached: true},
	}
	update(t, s, func(tx storage.Tx) error {
		for _, err := range []error{tx.CreateRole(ctx, zed), tx.CreateRole(ctx, alpha), tx.CreateUser(ctx, dev), tx.CreateGroup(ctx, ops)} {
			if err != nil {
				return err
			}
		}
		checkUses(t, ctx, tx, "inside the creating tx", "a", usage{4, 0}, usesA)
		return nil
	})
	checkUses(t, ctx, s, "created", "a", usage{4, 0}, usesA)
	checkUses(t, ctx, s, "created", "b", usage{1, 2}, []storage.PolicyEntity{
		{Kind: storage.KindRole, Name: "Zed", Path: "/z/", ID: "AROAZED", Boundary: true},
		{Kind: storage.KindRole, Name: "alpha", Path: "/", ID: "AROAALPHA", Attached: true},
		{Kind: storage.KindUser, Name: "dev", Path: "/u/", ID: "AIDADEV", Boundary: true},
	})
	checkUses(t, ctx, s, "created", "none", usage{}, nil)

	err := s.Update(ctx, func(tx storage.Tx) error {
		if err := tx.DeleteGroup(ctx, "OPS"); err != nil {
			return err
		}
		return storage.ErrConflict // rolled back
	})
	wantErr(t, "a rolled back DeleteGroup", err, storage.ErrConflict)
	checkUses(t, ctx, s, "after a rollback", "a", usage{4, 0}, usesA)

	zed.Attached, zed.Boundary = nil, ""
	renamed := dev
	renamed.Name, renamed.Path = "Dev2", "/v/"
	update(t, s, func(tx storage.Tx) error {
		if err := tx.UpdateRole(ctx, zed); err != nil {
			return err
		}
		if err := storage.ReplaceUser(ctx, tx, "DEV", renamed, nil); err != nil {
			return err
		}
		return tx.DeleteGroup(ctx, "ops")
	})
	checkUses(t, ctx, s, "updated", "a", usage{2, 0}, []storage.PolicyEntity{
		{Kind: storage.KindRole, Name: "alpha", Path: "/", ID: "AROAALPHA", Attached: true},
		{Kind: storage.KindUser, Name: "Dev2", Path: "/v/", ID: "AIDADEV", Attached: true},
	})
	checkUses(t, ctx, s, "updated", "b", usage{1, 1}, []storage.PolicyEntity{
		{Kind: storage.KindRole, Name: "alpha", Path: "/", ID: "AROAALPHA", Attached: true},
		{Kind: storage.KindUser, Name: "Dev2", Path: "/v/", ID: "AIDADEV", Boundary: true},
	})
	update(t, s, func(tx storage.Tx) error {
		for _, err := range []error{tx.DeleteRole(ctx, "Zed"), tx.DeleteRole(ctx, "ALPHA"), tx.DeleteUser(ctx, "dev2")} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	checkUses(t, ctx, s, "deleted", "a", usage{}, nil)
	checkUses(t, ctx, s, "deleted", "b", usage{}, nil)
}

// names are the names of entities, in the order they came.
func names[T any](vs []T, name func(T) string) []string {
	out := []string{}
	for _, v := range vs {
		out = append(out, name(v))
	}
	return out
}

// testIAMPages: the listings by name page by name byte by byte (not in
// any case), after a name, within a path prefix, and at most a limit;
// managed policies by how they are used too; a policy is found by its
// name in any case.
func testIAMPages(t *testing.T, s storage.Store) {
	ctx := t.Context()
	policy := func(name, path string) storage.ManagedPolicy {
		return storage.ManagedPolicy{ARN: policyARN + name, Name: name, Path: path, ID: "ANPA" + name}
	}
	update(t, s, func(tx storage.Tx) error {
		for _, err := range []error{
			tx.CreateRole(ctx, storage.Role{Name: "alpha", Path: "/", Attached: []string{policyARN + "Mid"}}),
			tx.CreateRole(ctx, storage.Role{Name: "Zed", Path: "/a/"}),
			tx.CreateRole(ctx, storage.Role{Name: "Mid", Path: "/a/b/", Boundary: policyARN + "Zed"}),
			tx.CreateUser(ctx, storage.User{Name: "alpha", Path: "/"}),
			tx.CreateUser(ctx, storage.User{Name: "Zed", Path: "/a/"}),
			tx.CreateUser(ctx, storage.User{Name: "Mid", Path: "/a/b/"}),
			tx.CreateGroup(ctx, storage.Group{Name: "alpha", Path: "/"}),
			tx.CreateGroup(ctx, storage.Group{Name: "Zed", Path: "/a/"}),
			tx.CreateGroup(ctx, storage.Group{Name: "Mid", Path: "/a/b/"}),
			tx.CreateManagedPolicy(ctx, policy("alpha", "/")),
			tx.CreateManagedPolicy(ctx, policy("Zed", "/a/")),
			tx.CreateManagedPolicy(ctx, policy("Mid", "/a/b/")),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	pages := []struct {
		name string
		page storage.NamePage
		use  storage.PolicyUse
		want []string
	}{
		{"all", storage.NamePage{}, storage.AnyUse, []string{"Mid", "Zed", "alpha"}},
		{"first of two", storage.NamePage{Limit: 2, PathPrefix: "/"}, storage.AnyUse, []string{"Mid", "Zed"}},
		{"after a name", storage.NamePage{After: "Zed", Limit: 2}, storage.AnyUse, []string{"alpha"}},
		{"after a name in another case", storage.NamePage{After: "mid"}, storage.AnyUse, []string{}},
		{"path prefix", storage.NamePage{PathPrefix: "/a/"}, storage.AnyUse, []string{"Mid", "Zed"}},
		{"path prefix after a name", storage.NamePage{PathPrefix: "/a/", After: "Mid"}, storage.AnyUse, []string{"Zed"}},
		{"attached policies", storage.NamePage{}, storage.UsedAttached, []string{"Mid"}},
		{"boundary policies", storage.NamePage{}, storage.UsedBoundary, []string{"Zed"}},
	}
	for _, tc := range pages {
		t.Run(tc.name, func(t *testing.T) {
			lists := map[string]func(storage.Reader) ([]string, error){
				"PageManagedPolicies": func(r storage.Reader) ([]string, error) {
					ps, err := r.PageManagedPolicies(ctx, tc.page, tc.use)
					return names(ps, func(p storage.ManagedPolicy) string { return p.Name }), err
				},
			}
			if tc.use == storage.AnyUse {
				lists["PageRoles"] = func(r storage.Reader) ([]string, error) {
					rs, err := r.PageRoles(ctx, tc.page)
					return names(rs, func(r storage.Role) string { return r.Name }), err
				}
				lists["PageUsers"] = func(r storage.Reader) ([]string, error) {
					us, err := r.PageUsers(ctx, tc.page)
					return names(us, func(u storage.User) string { return u.Name }), err
				}
				lists["PageGroups"] = func(r storage.Reader) ([]string, error) {
					gs, err := r.PageGroups(ctx, tc.page)
					return names(gs, func(g storage.Group) string { return g.Name }), err
				}
			}
			for op, list := range lists {
				got, err := list(s)
				if wantErr(t, op, err, nil) {
					checkEqual(t, op, got, tc.want)
				}
				update(t, s, func(tx storage.Tx) error {
					got, err := list(tx)
					if wantErr(t, op+" in a tx", err, nil) {
						checkEqual(t, op+" in a tx", got, tc.want)
					}
					return nil
				})
			}
		})
	}
	for _, name := range []string{"ZED", "zed", "Zed"} {
		got, err := s.ManagedPolicyNamed(ctx, name)
		if wantErr(t, "ManagedPolicyNamed "+name, err, nil) && got.ARN != policyARN+"Zed" {
			t.Errorf("ManagedPolicyNamed %s: got %s, want %s", name, got.ARN, policyARN+"Zed")
		}
	}
	update(t, s, func(tx storage.Tx) error {
		_, err := tx.ManagedPolicyNamed(ctx, "MID")
		wantErr(t, "ManagedPolicyNamed in a tx", err, nil)
		return nil
	})
	_, err := s.ManagedPolicyNamed(ctx, "Zed2")
	wantErr(t, "ManagedPolicyNamed of no policy", err, storage.ErrNotFound)
}
