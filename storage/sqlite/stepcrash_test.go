package sqlite

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/storage"
)

// seedSyncPool creates pool id with identities identities, each with
// datasets datasets of records records (values of size bytes) and then
// tombstones tombstones, their counts as the service keeps them, and
// returns the identities' ids.
func seedSyncPool(t *testing.T, s *Store, id string, identities, datasets, records, tombstones, size int) []string {
	t.Helper()
	ctx := t.Context()
	ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	value := strings.Repeat("v", size)
	var ids []string
	err := s.Update(ctx, func(tx storage.Tx) error {
		if err := tx.CreatePool(ctx, testPool(id)); err != nil {
			return err
		}
		for i := range identities {
			iid := fmt.Sprintf("%s:%03d", id, i)
			ids = append(ids, iid)
			if err := tx.CreateIdentity(ctx, storage.Identity{ID: iid, PoolID: id, Logins: []storage.Login{{Provider: "x", UserID: iid}}}); err != nil {
				return err
			}
			for d := range datasets {
				ds := storage.Dataset{IdentityID: iid, Name: fmt.Sprint("d", d), SyncCount: 1, CreatedAt: ts, ModifiedAt: ts}
				var recs []storage.Record
				for r := range records + tombstones {
					rec := storage.Record{Key: fmt.Sprintf("k%04d", r), SyncCount: 1, ModifiedAt: ts}
					if r < records {
						rec.Value = &value
						ds.NumRecords++
						ds.DataStorage += int64(len(rec.Key) + size)
					}
					recs = append(recs, rec)
				}
				if err := tx.PutDataset(ctx, ds, 0); err != nil {
					return err
				}
				if err := tx.PutRecords(ctx, iid, ds.Name, recs); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("seed pool %s: %v", id, err)
	}
	return ids
}

// checkWhole fails t unless every dataset of the identities ids holds the
// records its NumRecords and DataStorage count, and the usage of pool
// adds them up; it returns how many datasets are left.
func checkWhole(t *testing.T, s storage.Reader, pool string, ids []string) int {
	t.Helper()
	ctx := t.Context()
	var sum storage.Usage
	for _, id := range ids {
		ds, err := s.ListDatasets(ctx, id, "", 10000)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			recs, err := s.ListRecords(ctx, id, d.Name, storage.ListRecordsOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var n, bytes int64
			for _, r := range recs {
				if r.Value != nil {
					n++
					bytes += int64(len(r.Key) + len(*r.Value))
				}
			}
			if d.NumRecords != n || d.DataStorage != bytes {
				t.Errorf("dataset %s/%s: got NumRecords %d, DataStorage %d; want %d, %d, what its records hold", id, d.Name, d.NumRecords, d.DataStorage, n, bytes)
			}
			sum.DatasetCount++
			sum.DataStorage += bytes
		}
	}
	u, err := s.PoolUsage(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if u.DatasetCount != sum.DatasetCount || u.DataStorage != sum.DataStorage {
		t.Errorf("PoolUsage %s: got %d datasets of %d bytes, want %d of %d, what its datasets hold", pool, u.DatasetCount, u.DataStorage, sum.DatasetCount, sum.DataStorage)
	}
	return int(sum.DatasetCount)
}

// TestDeleteIdentitiesStepCrash: a step of DeleteIdentitiesStep commits
// whole datasets, so that a crash between two steps (here the store
// closed after one, then opened again) leaves every dataset holding the
// records its counts say, and the pool's usage adding them up: a dataset
// then takes writes up to its real size. The steps then go on and
// remove everything. A step removed 1,000 records of whatever datasets,
// leaving one of 1,024 records reported with none left, which refused
// every write (LimitExceededException). Every step removes at most
// purgeRows rows, or one dataset with its live records: tombstones,
// which nothing bounds, go purgeRows at a time (a step removed a whole
// dataset of 200,000 of them, holding the writer for seconds).
func TestDeleteIdentitiesStepCrash(t *testing.T) {
	tests := []struct {
		name                                            string
		identities, datasets, records, tombstones, size int
	}{
		{"datasets of more records than a step", 3, 4, 600, 0, 8},
		{"datasets of 1,024 records", 2, 2, 1024, 0, 4},
		{"datasets of many tombstones", 2, 3, 10, 700, 4},
		{"many datasets of few records", 2, 700, 1, 0, 100},
		{"a dataset of many more tombstones than a step", 1, 2, 3, 5 * purgeRows, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			path := filepath.Join(t.TempDir(), "idpool.db")
			s := openFile(t, path)
			ids := seedSyncPool(t, s, "p1", tc.identities, tc.datasets, tc.records, tc.tombstones, tc.size)
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			// A step removes purgeRows rows, or one dataset with its
			// live records, and the identities with a login each.
			limit := max(purgeRows, 1+tc.records) + 2*tc.identities
			prev := poolRows(t, db, "p1")
			step := func(s *Store) bool {
				t.Helper()
				defer func() {
					now := poolRows(t, db, "p1")
					if removed := removedRows(prev, now); removed > limit {
						t.Errorf("a step removed %d rows, want at most %d (before %v, after %v)", removed, limit, prev, now)
					}
					prev = now
				}()
				var done bool
				err := s.Update(ctx, func(tx storage.Tx) error {
					var err error
					done, err = tx.DeleteIdentitiesStep(ctx, "p1", ids)
					return err
				})
				if err != nil {
					t.Fatalf("DeleteIdentitiesStep: %v", err)
				}
				return done
			}
			if step(s) {
				t.Fatal("DeleteIdentitiesStep: got done after one step, want more to do")
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s = openFile(t, path)
			defer s.Close()
			left := checkWhole(t, s, "p1", ids)
			total := tc.identities * tc.datasets
			if left == 0 || left == total && tc.tombstones < purgeRows {
				t.Errorf("datasets left after a step: got %d, want some of the %d gone and some left", left, total)
			}
			for steps := 1; !step(s); steps++ {
				checkWhole(t, s, "p1", ids)
				if steps > 100 {
					t.Fatalf("the identities are not gone after %d steps", steps)
				}
			}
			if n, err := s.CountIdentities(ctx, "p1"); err != nil || n != (storage.IdentityCount{}) {
				t.Errorf("CountIdentities p1 after the steps: got %+v, %v, want zero", n, err)
			}
			if u, err := s.PoolUsage(ctx, "p1"); err != nil || u.DatasetCount != 0 || u.DataStorage != 0 {
				t.Errorf("PoolUsage p1 after the steps: got %+v, %v, want zero", u, err)
			}
		})
	}
}

// TestResetPending: the record of a reset in progress survives a
// restart, and goes when a transaction forgets it; it is written with
// the transaction or not at all.
func TestResetPending(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "idpool.db")
	s := openFile(t, path)
	pending := func(want bool) {
		t.Helper()
		got, err := s.ResetPending(ctx)
		if err != nil || got != want {
			t.Errorf("ResetPending: got %v, %v, want %v", got, err, want)
		}
	}
	set := func(p bool, fail error) {
		t.Helper()
		err := s.Update(ctx, func(stx storage.Tx) error {
			if err := stx.(*tx).SetResetPending(ctx, p); err != nil {
				return err
			}
			return fail
		})
		if err != fail {
			t.Fatalf("Update: got %v, want %v", err, fail)
		}
	}
	pending(false)
	set(true, fmt.Errorf("rolled back"))
	pending(false)
	set(true, nil)
	set(true, nil) // again: no error
	pending(true)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openFile(t, path)
	defer s.Close()
	pending(true)
	set(false, nil)
	pending(false)
}
