package storagetest

import (
	"testing"

	"github.com/idpool/idpool/storage"
)

// testIAMGroups: groups round-trip with their users and policies, are
// found by name in any case and listed by name, keep a member renamed by
// ReplaceUser under its new name, and the errors are the sentinels.
func testIAMGroups(t *testing.T, s storage.Store) {
	ctx := t.Context()
	const prefix = "arn:aws:iam::123456789012:"
	u := storage.User{Name: "Dev", Path: "/", ID: "AIDADEV", ARN: prefix + "user/Dev", CreatedAt: at(1)}
	b := storage.Group{Name: "Builders", Path: "/ci/", ID: "AGPABUILDERS", ARN: prefix + "group/ci/Builders",
		Users: []string{"Dev"}, Policies: map[string]string{"p": `{"Version":"2012-10-17"}`},
		Attached: []string{prefix + "policy/a"}, CreatedAt: at(2)}
	a := storage.Group{Name: "admins", Path: "/", ID: "AGPAADMINS", ARN: prefix + "group/admins", CreatedAt: at(3)}
	update(t, s, func(tx storage.Tx) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.CreateGroup(ctx, b); err != nil {
			return err
		}
		return tx.CreateGroup(ctx, a)
	})
	tests := []struct {
		name string
		fn   func(tx storage.Tx) error
		want error
	}{
		{"create taken name in another case", func(tx storage.Tx) error {
			return tx.CreateGroup(ctx, storage.Group{Name: "BUILDERS", Path: "/"})
		}, storage.ErrAlreadyExists},
		{"update missing", func(tx storage.Tx) error { return tx.UpdateGroup(ctx, storage.Group{Name: "none"}) }, storage.ErrNotFound},
		{"delete missing", func(tx storage.Tx) error { return tx.DeleteGroup(ctx, "none") }, storage.ErrNotFound},
		{"get missing in tx", func(tx storage.Tx) error { _, err := tx.GetGroup(ctx, "none"); return err }, storage.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, tt.name, s.Update(ctx, tt.fn), tt.want)
		})
	}
	got, err := s.GetGroup(ctx, "builders")
	if wantErr(t, "GetGroup in another case", err, nil) {
		checkEqual(t, "GetGroup", got, b)
	}
	_, err = s.GetGroup(ctx, "none")
	wantErr(t, "GetGroup of a missing group", err, storage.ErrNotFound)

	// Dev renamed: the group names it by its new name.
	renamed := u
	renamed.Name, renamed.ARN = "Ops", prefix+"user/Ops"
	update(t, s, func(tx storage.Tx) error { return storage.ReplaceUser(ctx, tx, "dev", renamed, nil) })
	b.Users = []string{"Ops"}
	all, err := s.ListGroups(ctx)
	if wantErr(t, "ListGroups", err, nil) {
		checkEqual(t, "ListGroups after the rename, by name", all, []storage.Group{a, b})
	}
	update(t, s, func(tx storage.Tx) error {
		in, err := tx.GetGroup(ctx, "ADMINS")
		if err != nil {
			return err
		}
		in.Users = []string{"Ops"}
		return tx.UpdateGroup(ctx, in)
	})
	a.Users = []string{"Ops"}
	got, err = s.GetGroup(ctx, "admins")
	if wantErr(t, "GetGroup after UpdateGroup", err, nil) {
		checkEqual(t, "GetGroup after UpdateGroup", got, a)
	}
	update(t, s, func(tx storage.Tx) error { return tx.DeleteGroup(ctx, "Admins") })
	_, err = s.GetGroup(ctx, "admins")
	wantErr(t, "GetGroup after DeleteGroup", err, storage.ErrNotFound)
}
