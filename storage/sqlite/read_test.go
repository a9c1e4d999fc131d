package sqlite

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/idpool/idpool/storage"
)

// TestListLiveIdentities: paging with HideDisabled over a pool whose
// identities are mostly disabled, in runs longer than a page and across
// page boundaries, lists every live identity once, in id order, and no
// other: identities disabled or enabled again after they were created
// leave and enter the listing, the neighbouring
// pools' identities stay out, and a pool marked deleted but not yet
// purged lists nothing.
func TestListLiveIdentities(t *testing.T) {
	ctx := t.Context()
	s, db := openPurging(t)
	const n = 400
	id := func(pool string, k int) string { return fmt.Sprintf("%s:%04d", pool, k) }
	// The first 300 identities are disabled, then every third one; 350
	// and 390 are disabled later, 100 and 200 enabled again.
	createdDisabled := func(k int) bool { return k < 300 || k%3 == 0 }
	live := func(k int) bool {
		switch k {
		case 350, 390:
			return false
		case 100, 200:
			return true
		}
		return !createdDisabled(k)
	}
	err := s.Update(ctx, func(tx storage.Tx) error {
		for _, p := range []string{"p0", "p1", "p2", "p3"} {
			if err := tx.CreatePool(ctx, testPool(p)); err != nil {
				return err
			}
		}
		for k := range n {
			if err := tx.CreateIdentity(ctx, storage.Identity{ID: id("p1", k), PoolID: "p1", Disabled: createdDisabled(k)}); err != nil {
				return err
			}
		}
		// Live identities on both sides of p1 in the index, and a pool
		// to be marked deleted, too large for the first purge step.
		for p, m := range map[string]int{"p0": 3, "p2": 3, "p3": purgeSpan + 50} {
			for k := range m {
				if err := tx.CreateIdentity(ctx, storage.Identity{ID: id(p, k), PoolID: p}); err != nil {
					return err
				}
			}
		}
		for k, disabled := range map[int]bool{350: true, 390: true, 100: false, 200: false} {
			if err := tx.UpdateIdentity(ctx, storage.Identity{ID: id("p1", k), PoolID: "p1", Disabled: disabled}); err != nil {
				return err
			}
		}
		return tx.DeletePool(ctx, "p3")
	})
	if err != nil {
		t.Fatal(err)
	}
	var left int
	if err := db.QueryRow(`SELECT count(*) FROM identities WHERE pool_id = 'p3'`).Scan(&left); err != nil || left == 0 {
		t.Fatalf("identities of the pool marked deleted: got %d, %v, want some not yet purged", left, err)
	}
	var want []string
	for k := range n {
		if live(k) {
			want = append(want, id("p1", k))
		}
	}

	tests := []struct {
		name, pool string
		limit      int
		want       []string
	}{
		{"pages of 7", "p1", 7, want},
		{"pages of 60", "p1", 60, want},
		{"one page", "p1", 0, want},
		{"pool marked deleted", "p3", 60, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			after := ""
			for page := 0; ; page++ {
				if page > n {
					t.Fatalf("got more than %d pages, want them to end", n)
				}
				ids, err := s.ListIdentities(ctx, tc.pool, storage.ListIdentitiesOptions{After: after, Limit: tc.limit, HideDisabled: true})
				if err != nil {
					t.Fatalf("ListIdentities after %q: got error %v, want nil", after, err)
				}
				for _, i := range ids {
					if i.Disabled || i.PoolID != tc.pool {
						t.Errorf("ListIdentities after %q: got %s of pool %s, disabled %v, want live identities of %s", after, i.ID, i.PoolID, i.Disabled, tc.pool)
					}
					got = append(got, i.ID)
				}
				if len(ids) == 0 || tc.limit == 0 || len(ids) < tc.limit {
					break
				}
				after = ids[len(ids)-1].ID
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("live identities of %s: got %d [%s], want %d [%s]", tc.pool, len(got), strings.Join(got, " "), len(tc.want), strings.Join(tc.want, " "))
			}
		})
	}
	// The pool marked deleted lists none without HideDisabled either.
	if ids, err := s.ListIdentities(ctx, "p3", storage.ListIdentitiesOptions{Limit: 60}); err != nil || len(ids) != 0 {
		t.Errorf("ListIdentities of the pool marked deleted: got %d identities, %v, want none", len(ids), err)
	}
}

// TestMigrateLiveIdentities: a database written before migrations 0015
// and 0017 (an index of live identities, made and dropped) lists its live
// identities after the upgrade, and holds no such index.
func TestMigrateLiveIdentities(t *testing.T) {
	path := oldDatabase(t, 14,
		`INSERT INTO pools (id, name, config, created, modified) VALUES ('p1', 'p1', '{}', 0, 0)`,
		`INSERT INTO identities (id, pool_id, disabled, merged_into, created, modified) VALUES
			('p1:a', 'p1', 1, '', 0, 0), ('p1:b', 'p1', 0, '', 0, 0), ('p1:c', 'p1', 1, 'p1:b', 0, 0), ('p1:d', 'p1', 0, '', 0, 0)`)
	s := openFile(t, path)
	defer s.Close()
	list, err := s.ListIdentities(t.Context(), "p1", storage.ListIdentitiesOptions{HideDisabled: true})
	var got []string
	for _, i := range list {
		got = append(got, i.ID)
	}
	if err != nil || strings.Join(got, ",") != "p1:b,p1:d" {
		t.Errorf("ListIdentities with HideDisabled after the upgrade: got %v, %v, want p1:b,p1:d", got, err)
	}
	var n int
	if err := s.rdb.QueryRowContext(t.Context(), `SELECT count(*) FROM sqlite_master WHERE name = 'identities_live'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("index identities_live after the upgrade: got %d, %v, want none", n, err)
	}
}
