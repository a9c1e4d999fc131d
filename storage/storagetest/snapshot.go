package storagetest

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/idpool/idpool/storage"
)

func testDatasetRecords(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	live := dataset("p1:a", "d1", 3)
	putDataset(t, s, live, 0)
	a, b, c := record("a", "1", 1), tombstone("b", 2), record("c", "3", 3)
	putRecords(t, s, "p1:a", "d1", a, b, c)
	gone := dataset("p1:a", "gone", 4)
	gone.Deleted, gone.DeletedAtSyncCount = true, 4
	putDataset(t, s, gone, 0)
	// A deletion removes the records too (DeleteRecords); these are left
	// to show that a deleted dataset comes with none, whatever it holds.
	putRecords(t, s, "p1:a", "gone", record("x", "left", 4))
	putDataset(t, s, dataset("p1:b", "d1", 1), 0)
	putRecords(t, s, "p1:b", "d1", record("a", "other identity", 1))

	tests := []struct {
		name, identity, dataset string
		opts                    storage.ListRecordsOptions
		want                    storage.Dataset
		records                 []storage.Record
		err                     error
	}{
		{"all, in key order", "p1:a", "d1", storage.ListRecordsOptions{}, live, []storage.Record{a, b, c}, nil},
		{"since 1, tombstones included", "p1:a", "d1", storage.ListRecordsOptions{SinceSyncCount: 1}, live, []storage.Record{b, c}, nil},
		{"since the current count", "p1:a", "d1", storage.ListRecordsOptions{SinceSyncCount: 3}, live, nil, nil},
		{"first page", "p1:a", "d1", storage.ListRecordsOptions{Limit: 2}, live, []storage.Record{a, b}, nil},
		{"second page", "p1:a", "d1", storage.ListRecordsOptions{After: "b", Limit: 2}, live, []storage.Record{c}, nil},
		{"deleted", "p1:a", "gone", storage.ListRecordsOptions{}, gone, nil, nil},
		{"missing dataset", "p1:a", "d2", storage.ListRecordsOptions{}, storage.Dataset{}, nil, storage.ErrNotFound},
		{"missing identity", "p9:z", "d1", storage.ListRecordsOptions{}, storage.Dataset{}, nil, storage.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			check := func(what string, d storage.Dataset, rs []storage.Record, err error) {
				t.Helper()
				if !wantErr(t, what, err, tc.err) || tc.err != nil {
					return
				}
				checkDataset(t, what, d, tc.want)
				checkRecords(t, what, rs, tc.records)
			}
			// Twice: the second read may come from a cache the first filled.
			for round := range 2 {
				d, rs, err := s.DatasetRecords(ctx, tc.identity, tc.dataset, tc.opts)
				check(fmt.Sprintf("DatasetRecords, round %d", round), d, rs, err)
			}
			update(t, s, func(tx storage.Tx) error {
				d, rs, err := tx.DatasetRecords(ctx, tc.identity, tc.dataset, tc.opts)
				check("tx.DatasetRecords", d, rs, err)
				return nil
			})
		})
	}

	// Values are the caller's own: scribbling on them changes no later read.
	for round := range 2 {
		d, rs, err := s.DatasetRecords(ctx, "p1:a", "d1", storage.ListRecordsOptions{})
		if !wantErr(t, "DatasetRecords", err, nil) {
			return
		}
		checkDataset(t, fmt.Sprintf("DatasetRecords after scribbling, round %d", round), d, live)
		checkRecords(t, fmt.Sprintf("DatasetRecords after scribbling, round %d", round), rs, []storage.Record{a, b, c})
		for i := range rs {
			if rs[i].Value != nil {
				*rs[i].Value = "scribbled"
			}
			rs[i].SyncCount = 99
		}
	}
}

// testDatasetRecordsSeesWrites reads a dataset with its records, small and
// too big for any cache, before and after each kind of write.
func testDatasetRecordsSeesWrites(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	for _, size := range []int{8, 16 << 10} {
		t.Run(fmt.Sprintf("values of %d bytes", size), func(t *testing.T) {
			name := fmt.Sprintf("d%d", size)
			value := strings.Repeat("v", size)
			d := dataset("p1:a", name, 1)
			putDataset(t, s, d, 0)
			putRecords(t, s, "p1:a", name, record("k", value, 1))
			read := func(what string, want storage.Dataset, records ...storage.Record) {
				t.Helper()
				got, rs, err := s.DatasetRecords(ctx, "p1:a", name, storage.ListRecordsOptions{})
				if wantErr(t, what, err, nil) {
					checkDataset(t, what, got, want)
					checkRecords(t, what, rs, records)
				}
			}
			read("DatasetRecords", d, record("k", value, 1))

			next := d
			next.SyncCount = 2
			update(t, s, func(tx storage.Tx) error {
				if err := tx.PutDataset(ctx, next, 1); err != nil {
					return err
				}
				return tx.PutRecords(ctx, "p1:a", name, []storage.Record{record("k", value+"2", 2), record("l", value, 2)})
			})
			read("DatasetRecords after an update", next, record("k", value+"2", 2), record("l", value, 2))

			deleted := next
			deleted.Deleted, deleted.DeletedAtSyncCount = true, 2
			update(t, s, func(tx storage.Tx) error {
				if err := tx.PutDataset(ctx, deleted, 2); err != nil {
					return err
				}
				return tx.DeleteRecords(ctx, "p1:a", name)
			})
			read("DatasetRecords after a deletion", deleted)

			again := dataset("p1:a", name, 3)
			again.DeletedAtSyncCount = 2
			update(t, s, func(tx storage.Tx) error {
				if err := tx.PutDataset(ctx, again, 2); err != nil {
					return err
				}
				return tx.PutRecords(ctx, "p1:a", name, []storage.Record{record("m", value, 3)})
			})
			read("DatasetRecords after a re-creation", again, record("m", value, 3))
		})
	}
}

// testDatasetRecordsConsistent reads datasets while a writer rewrites
// them as UpdateRecords does (every record stamped with the dataset's new
// count), and deletes and re-creates them as DeleteDataset and the next
// UpdateRecords do. Every read must be one state: a live dataset with all
// its records, each at the dataset's count; or a deleted one with none.
// The datasets are a small one and one too big for any cache; the other
// reads (GetDataset, ListRecords) fill a cache in every order.
func testDatasetRecordsConsistent(t *testing.T, s storage.Store) {
	seedSync(t, s)
	const (
		keys    = 10
		writes  = 50
		readers = 4
	)
	for _, size := range []int{8, 8 << 10} {
		t.Run(fmt.Sprintf("values of %d bytes", size), func(t *testing.T) {
			ctx := t.Context()
			name := fmt.Sprintf("d%d", size)
			value := strings.Repeat("v", size)
			write := func(tx storage.Tx, n int) error {
				d, err := tx.GetDataset(ctx, "p1:a", name)
				if err != nil && n > 0 {
					return err
				}
				expect := d.SyncCount
				if n%10 == 9 {
					// Delete, as DeleteDataset does.
					d.Deleted, d.DeletedAtSyncCount = true, d.SyncCount
					if err := tx.PutDataset(ctx, d, expect); err != nil {
						return err
					}
					return tx.DeleteRecords(ctx, "p1:a", name)
				}
				// Write every record, creating or re-creating the dataset
				// as UpdateRecords does.
				next := dataset("p1:a", name, expect+1)
				next.DeletedAtSyncCount = d.DeletedAtSyncCount
				if err := tx.PutDataset(ctx, next, expect); err != nil {
					return err
				}
				rs := make([]storage.Record, keys)
				for i := range rs {
					rs[i] = record(fmt.Sprintf("k%02d", i), value, next.SyncCount)
				}
				return tx.PutRecords(ctx, "p1:a", name, rs)
			}
			update(t, s, func(tx storage.Tx) error { return write(tx, 0) })

			var (
				wg    sync.WaitGroup
				done  atomic.Bool
				reads atomic.Int64
			)
			for r := range readers {
				wg.Go(func() {
					for i := 0; !done.Load() || i == 0; i++ {
						// Mix in the other reads, which may fill a cache
						// the next DatasetRecords answers from.
						switch (r + i) % 3 {
						case 1:
							s.GetDataset(ctx, "p1:a", name)
						case 2:
							s.ListRecords(ctx, "p1:a", name, storage.ListRecordsOptions{})
						}
						d, rs, err := s.DatasetRecords(ctx, "p1:a", name, storage.ListRecordsOptions{})
						if err != nil {
							t.Errorf("DatasetRecords: got error %v, want nil", err)
							return
						}
						reads.Add(1)
						if msg := tornSnapshot(d, rs, keys); msg != "" {
							t.Errorf("DatasetRecords: %s", msg)
							return
						}
					}
				})
			}
			for n := 1; n < writes; n++ {
				if err := s.Update(ctx, func(tx storage.Tx) error { return write(tx, n) }); err != nil {
					t.Errorf("write %d: got error %v, want nil", n, err)
					break
				}
			}
			done.Store(true)
			wg.Wait()
			if reads.Load() < readers {
				t.Errorf("got %d reads, want at least %d", reads.Load(), readers)
			}
		})
	}
}

// tornSnapshot describes how d and rs, read together, fail to be one
// state of a dataset whose every write stamps all its keys records: ""
// when they are one.
func tornSnapshot(d storage.Dataset, rs []storage.Record, keys int) string {
	if d.Deleted {
		if len(rs) > 0 {
			return fmt.Sprintf("deleted at sync count %d with %d records, want none", d.SyncCount, len(rs))
		}
		return ""
	}
	if len(rs) != keys {
		return fmt.Sprintf("live at sync count %d with %d records, want %d", d.SyncCount, len(rs), keys)
	}
	for _, r := range rs {
		if r.SyncCount != d.SyncCount {
			return fmt.Sprintf("record %s at sync count %d in a dataset at %d, want the same", r.Key, r.SyncCount, d.SyncCount)
		}
	}
	return ""
}
