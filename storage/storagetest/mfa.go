package storagetest

import (
	"testing"

	"github.com/idpool/idpool/storage"
)

// testIAMMFADevices: virtual MFA devices round-trip with their secret,
// are listed by serial number, are assigned and unassigned by an update,
// follow a user ReplaceUser renames, and the errors are the sentinels.
func testIAMMFADevices(t *testing.T, s storage.Store) {
	ctx := t.Context()
	const prefix = "arn:aws:iam::123456789012:mfa/"
	b := storage.MFADevice{SerialNumber: prefix + "b", Name: "b", Path: "/", Secret: []byte("0123456789abcdefghij"),
		Tags: []storage.Tag{{Key: "k", Value: "v"}}, CreatedAt: at(1)}
	a := storage.MFADevice{SerialNumber: prefix + "a", Name: "a", Path: "/", Secret: []byte("abcdefghij0123456789"), CreatedAt: at(2)}
	u := storage.User{Name: "Dev", Path: "/", ID: "AIDADEV", ARN: "arn:aws:iam::123456789012:user/Dev", CreatedAt: at(1)}
	update(t, s, func(tx storage.Tx) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.CreateMFADevice(ctx, b); err != nil {
			return err
		}
		return tx.CreateMFADevice(ctx, a)
	})
	tests := []struct {
		name string
		fn   func(tx storage.Tx) error
		want error
	}{
		{"create taken serial", func(tx storage.Tx) error { return tx.CreateMFADevice(ctx, a) }, storage.ErrAlreadyExists},
		{"update missing", func(tx storage.Tx) error {
			return tx.UpdateMFADevice(ctx, storage.MFADevice{SerialNumber: prefix + "none"})
		}, storage.ErrNotFound},
		{"delete missing", func(tx storage.Tx) error { return tx.DeleteMFADevice(ctx, prefix+"none") }, storage.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, tt.name, s.Update(ctx, tt.fn), tt.want)
		})
	}
	// Assigned to Dev, then Dev renamed: the device follows.
	b.UserName, b.EnableDate = "Dev", at(3)
	update(t, s, func(tx storage.Tx) error { return tx.UpdateMFADevice(ctx, b) })
	renamed := u
	renamed.Name, renamed.ARN = "Ops", "arn:aws:iam::123456789012:user/Ops"
	update(t, s, func(tx storage.Tx) error { return storage.ReplaceUser(ctx, tx, "dev", renamed, nil) })
	b.UserName = "Ops"
	got, err := s.GetMFADevice(ctx, b.SerialNumber)
	if wantErr(t, "GetMFADevice", err, nil) {
		checkEqual(t, "GetMFADevice after the rename", got, b)
	}
	all, err := s.ListMFADevices(ctx)
	if wantErr(t, "ListMFADevices", err, nil) {
		checkEqual(t, "ListMFADevices, by serial number", all, []storage.MFADevice{a, b})
	}
	update(t, s, func(tx storage.Tx) error { return tx.DeleteMFADevice(ctx, a.SerialNumber) })
	_, err = s.GetMFADevice(ctx, a.SerialNumber)
	wantErr(t, "GetMFADevice after DeleteMFADevice", err, storage.ErrNotFound)
}
