package storagetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/idpool/idpool/storage"
)

func role(name string) storage.Role {
	return storage.Role{
		Name: name, Path: "/app/", ID: "AROA" + name, ARN: "arn:aws:iam::123456789012:role/app/" + name,
		AssumeRolePolicy:   `{"Version":"2012-10-17","Statement":[]}`,
		Description:        "d",
		MaxSessionDuration: 3600,
		Tags:               []storage.Tag{{Key: "b", Value: "2"}, {Key: "a", Value: "1"}},
		Policies:           map[string]string{"inline": `{"Statement":[]}`},
		Attached:           []string{"arn:aws:iam::123456789012:policy/p"},
		Boundary:           "arn:aws:iam::123456789012:policy/boundary",
		CreatedAt:          at(1),
	}
}

// normTimes truncates every time.Time field of the struct *v to
// milliseconds in UTC, recursing into slices of structs.
func normTimes(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		normTimes(v.Elem())
	case reflect.Slice:
		for i := range v.Len() {
			normTimes(v.Index(i))
		}
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			v.Set(reflect.ValueOf(ms(t)))
			return
		}
		for i := range v.NumField() {
			normTimes(v.Field(i))
		}
	}
}

// checkEqual compares two storage values, times at millisecond precision.
func checkEqual[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	normTimes(reflect.ValueOf(&got))
	normTimes(reflect.ValueOf(&want))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %+v, want %+v", what, got, want)
	}
}

// testIAMRoles: roles round-trip, names are unique in any case and found in
// any case, updates replace, deletes remove, errors are the sentinels.
func testIAMRoles(t *testing.T, s storage.Store) {
	ctx := t.Context()
	r := role("Reader")
	update(t, s, func(tx storage.Tx) error { return tx.CreateRole(ctx, r) })
	got, err := s.GetRole(ctx, "reader")
	if wantErr(t, "GetRole in another case", err, nil) {
		checkEqual(t, "GetRole", got, r)
	}
	dup := role("READER")
	err = s.Update(ctx, func(tx storage.Tx) error { return tx.CreateRole(ctx, dup) })
	wantErr(t, "CreateRole of a name taken in another case", err, storage.ErrAlreadyExists)

	r.AssumeRolePolicy = `{"Statement":[{"Effect":"Deny"}]}`
	r.Policies = nil
	r.Boundary = "" // a boundary deleted is gone
	update(t, s, func(tx storage.Tx) error {
		if err := tx.UpdateRole(ctx, r); err != nil {
			return err
		}
		got, err := tx.GetRole(ctx, r.Name)
		if err != nil {
			return err
		}
		checkEqual(t, "GetRole inside the update", got, r)
		return tx.CreateRole(ctx, role("Admin"))
	})
	roles, err := s.ListRoles(ctx)
	if wantErr(t, "ListRoles", err, nil) {
		checkEqual(t, "ListRoles", roles, []storage.Role{role("Admin"), r})
	}
	tests := []struct {
		name string
		fn   func(tx storage.Tx) error
		want error
	}{
		{"update missing", func(tx storage.Tx) error { return tx.UpdateRole(ctx, role("Nobody")) }, storage.ErrNotFound},
		{"delete missing", func(tx storage.Tx) error { return tx.DeleteRole(ctx, "Nobody") }, storage.ErrNotFound},
		{"delete", func(tx storage.Tx) error { return tx.DeleteRole(ctx, "ADMIN") }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, tt.name, s.Update(ctx, tt.fn), tt.want)
		})
	}
	_, err = s.GetRole(ctx, "Admin")
	wantErr(t, "GetRole after DeleteRole", err, storage.ErrNotFound)
}

// testIAMPolicies: managed policies with their versions.
func testIAMPolicies(t *testing.T, s storage.Store) {
	ctx := t.Context()
	p := storage.ManagedPolicy{
		ARN: "arn:aws:iam::123456789012:policy/p", Name: "p", Path: "/", ID: "ANPAP", DefaultVersion: "v1",
		Versions:  []storage.PolicyVersion{{ID: "v1", Document: `{"Statement":[]}`, CreatedAt: at(1)}},
		CreatedAt: at(1), UpdatedAt: at(1),
	}
	update(t, s, func(tx storage.Tx) error { return tx.CreateManagedPolicy(ctx, p) })
	err := s.Update(ctx, func(tx storage.Tx) error { return tx.CreateManagedPolicy(ctx, p) })
	wantErr(t, "CreateManagedPolicy twice", err, storage.ErrAlreadyExists)
	p.Versions = append(p.Versions, storage.PolicyVersion{ID: "v2", Document: `{}`, CreatedAt: at(2)})
	p.DefaultVersion, p.UpdatedAt = "v2", at(2)
	update(t, s, func(tx storage.Tx) error { return tx.UpdateManagedPolicy(ctx, p) })
	got, err := s.GetManagedPolicy(ctx, p.ARN)
	if wantErr(t, "GetManagedPolicy", err, nil) {
		checkEqual(t, "GetManagedPolicy", got, p)
	}
	list, err := s.ListManagedPolicies(ctx)
	if wantErr(t, "ListManagedPolicies", err, nil) {
		checkEqual(t, "ListManagedPolicies", list, []storage.ManagedPolicy{p})
	}
	update(t, s, func(tx storage.Tx) error { return tx.DeleteManagedPolicy(ctx, p.ARN) })
	_, err = s.GetManagedPolicy(ctx, p.ARN)
	wantErr(t, "GetManagedPolicy after delete", err, storage.ErrNotFound)
	err = s.Update(ctx, func(tx storage.Tx) error { return tx.UpdateManagedPolicy(ctx, p) })
	wantErr(t, "UpdateManagedPolicy of a deleted policy", err, storage.ErrNotFound)
	err = s.Update(ctx, func(tx storage.Tx) error { return tx.DeleteManagedPolicy(ctx, p.ARN) })
	wantErr(t, "DeleteManagedPolicy twice", err, storage.ErrNotFound)
}

// testIAMProviders: OpenID Connect providers.
func testIAMProviders(t *testing.T, s storage.Store) {
	ctx := t.Context()
	p := storage.OIDCProvider{
		ARN: "arn:aws:iam::123456789012:oidc-provider/idp.example.com", URL: "https://idp.example.com",
		ClientIDs: []string{"a", "b"}, Thumbprints: []string{"0123456789012345678901234567890123456789"},
		Tags: []storage.Tag{{Key: "k", Value: "v"}}, CreatedAt: at(3),
	}
	update(t, s, func(tx storage.Tx) error { return tx.CreateOIDCProvider(ctx, p) })
	err := s.Update(ctx, func(tx storage.Tx) error { return tx.CreateOIDCProvider(ctx, p) })
	wantErr(t, "CreateOIDCProvider twice", err, storage.ErrAlreadyExists)
	p.ClientIDs = []string{"b"}
	update(t, s, func(tx storage.Tx) error { return tx.UpdateOIDCProvider(ctx, p) })
	list, err := s.ListOIDCProviders(ctx)
	if wantErr(t, "ListOIDCProviders", err, nil) {
		checkEqual(t, "ListOIDCProviders", list, []storage.OIDCProvider{p})
	}
	update(t, s, func(tx storage.Tx) error { return tx.DeleteOIDCProvider(ctx, p.ARN) })
	_, err = s.GetOIDCProvider(ctx, p.ARN)
	wantErr(t, "GetOIDCProvider after delete", err, storage.ErrNotFound)
	err = s.Update(ctx, func(tx storage.Tx) error { return tx.UpdateOIDCProvider(ctx, p) })
	wantErr(t, "UpdateOIDCProvider of a deleted provider", err, storage.ErrNotFound)
}

// testIAMUsers: users and access keys; a key needs its user, and deleting
// the user deletes its keys.
func testIAMUsers(t *testing.T, s storage.Store) {
	ctx := t.Context()
	u := storage.User{Name: "Dev", Path: "/", ID: "AIDADEV", ARN: "arn:aws:iam::123456789012:user/Dev", CreatedAt: at(1)}
	k1 := storage.AccessKey{ID: "AKIA1", Secret: "s1", UserName: "Dev", Status: "Active", CreatedAt: at(2)}
	k2 := storage.AccessKey{ID: "AKIA2", Secret: "s2", UserName: "Dev", Status: "Active", CreatedAt: at(1)}
	update(t, s, func(tx storage.Tx) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.CreateAccessKey(ctx, k1); err != nil {
			return err
		}
		return tx.CreateAccessKey(ctx, k2)
	})
	tests := []struct {
		name string
		fn   func(tx storage.Tx) error
		want error
	}{
		{"user taken in another case", func(tx storage.Tx) error {
			v := u
			v.Name = "dev"
			return tx.CreateUser(ctx, v)
		}, storage.ErrAlreadyExists},
		{"key id taken", func(tx storage.Tx) error { return tx.CreateAccessKey(ctx, k1) }, storage.ErrAlreadyExists},
		{"key of a missing user", func(tx storage.Tx) error {
			k := k1
			k.ID, k.UserName = "AKIA3", "nobody"
			return tx.CreateAccessKey(ctx, k)
		}, storage.ErrNotFound},
		{"delete missing key", func(tx storage.Tx) error { return tx.DeleteAccessKey(ctx, "AKIA9") }, storage.ErrNotFound},
		{"update missing key", func(tx storage.Tx) error {
			k := k1
			k.ID = "AKIA9"
			return tx.UpdateAccessKey(ctx, k)
		}, storage.ErrNotFound},
		{"delete missing user", func(tx storage.Tx) error { return tx.DeleteUser(ctx, "nobody") }, storage.ErrNotFound},
		{"update missing user", func(tx storage.Tx) error {
			v := u
			v.Name = "nobody"
			return tx.UpdateUser(ctx, v)
		}, storage.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, tt.name, s.Update(ctx, tt.fn), tt.want)
		})
	}
	// A user's policies are replaced in place: its keys stay.
	u.Policies = map[string]string{"inline": `{"Statement":[]}`}
	u.Attached = []string{"arn:aws:iam::123456789012:policy/p", "arn:aws:iam::aws:policy/ReadOnlyAccess"}
	update(t, s, func(tx storage.Tx) error { return tx.UpdateUser(ctx, u) })
	got, err := s.GetUser(ctx, "DEV")
	if wantErr(t, "GetUser", err, nil) {
		checkEqual(t, "GetUser", got, u)
	}
	users, err := s.ListUsers(ctx)
	if wantErr(t, "ListUsers", err, nil) {
		checkEqual(t, "ListUsers", users, []storage.User{u})
	}
	// A key's status changes in place.
	k1.Status = "Inactive"
	update(t, s, func(tx storage.Tx) error { return tx.UpdateAccessKey(ctx, k1) })
	key, err := s.GetAccessKey(ctx, "AKIA1")
	if wantErr(t, "GetAccessKey", err, nil) {
		checkEqual(t, "GetAccessKey", key, k1)
	}
	keys, err := s.ListAccessKeys(ctx, "dev")
	if wantErr(t, "ListAccessKeys", err, nil) {
		checkEqual(t, "ListAccessKeys, oldest first", keys, []storage.AccessKey{k2, k1})
	}
	update(t, s, func(tx storage.Tx) error { return tx.DeleteAccessKey(ctx, "AKIA2") })
	update(t, s, func(tx storage.Tx) error { return tx.DeleteUser(ctx, "Dev") })
	for _, id := range []string{"AKIA1", "AKIA2"} {
		_, err := s.GetAccessKey(ctx, id)
		wantErr(t, "GetAccessKey "+id+" after DeleteUser", err, storage.ErrNotFound)
	}
	_, err = s.GetUser(ctx, "Dev")
	wantErr(t, "GetUser after DeleteUser", err, storage.ErrNotFound)
}

// testIAMRollback: IAM writes of a failed update are not kept.
func testIAMRollback(t *testing.T, s storage.Store) {
	ctx := t.Context()
	err := s.Update(ctx, func(tx storage.Tx) error {
		if err := tx.CreateRole(ctx, role("Temp")); err != nil {
			return err
		}
		return context.Canceled
	})
	wantErr(t, "Update", err, context.Canceled)
	_, err = s.GetRole(ctx, "Temp")
	wantErr(t, "GetRole after rollback", err, storage.ErrNotFound)
}

// testIAMAccountAlias: the account has no alias until one is set; setting
// another replaces it, in a transaction's own reads too; "" removes it,
// also when there is none; a rolled-back set leaves the alias it had.
func testIAMAccountAlias(t *testing.T, s storage.Store) {
	ctx := t.Context()
	wantAlias := func(t *testing.T, what string, r storage.Reader, want string) {
		t.Helper()
		got, err := r.AccountAlias(ctx)
		if err != nil || got != want {
			t.Fatalf("%s: got %q, %v, want %q, nil", what, got, err, want)
		}
	}
	wantAlias(t, "AccountAlias of a new store", s, "")
	steps := []struct{ name, set, want string }{
		{"set", "first", "first"},
		{"replace", "second", "second"},
		{"the same again", "second", "second"},
		{"remove", "", ""},
		{"remove when none", "", ""},
		{"set after removal", "third", "third"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			update(t, s, func(tx storage.Tx) error {
				if err := tx.SetAccountAlias(ctx, st.set); err != nil {
					return err
				}
				wantAlias(t, "AccountAlias in the transaction", tx, st.want)
				return nil
			})
			wantAlias(t, "AccountAlias after", s, st.want)
		})
	}
	err := s.Update(ctx, func(tx storage.Tx) error {
		if err := tx.SetAccountAlias(ctx, "rolled-back"); err != nil {
			return err
		}
		return context.Canceled
	})
	wantErr(t, "Update", err, context.Canceled)
	wantAlias(t, "AccountAlias after a rollback", s, "third")
}
