package storagetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idpool/idpool/storage"
)

// The Cognito Sync cases share one layout: pools p1 and p2, identities
// p1:a and p1:b of p1, and p2:c of p2.
func seedSync(t *testing.T, s storage.Store) {
	t.Helper()
	seed(t, s, []storage.Pool{pool("p1"), pool("p2")},
		identity("p1:a", "p1"), identity("p1:b", "p1"), identity("p2:c", "p2"))
}

// dataset returns a live dataset of identityID (whose pool is the part of
// its id before the colon) at syncCount.
func dataset(identityID, name string, syncCount int64) storage.Dataset {
	poolID, _, _ := strings.Cut(identityID, ":")
	return storage.Dataset{
		IdentityID:     identityID,
		Name:           name,
		PoolID:         poolID,
		SyncCount:      syncCount,
		LastModifiedBy: "device-" + name,
		CreatedAt:      at(20),
		ModifiedAt:     at(21 + int(syncCount)),
	}
}

func record(key, value string, syncCount int64) storage.Record {
	return storage.Record{
		Key:              key,
		Value:            &value,
		SyncCount:        syncCount,
		LastModifiedBy:   "device-1",
		ModifiedAt:       at(30 + int(syncCount)),
		DeviceModifiedAt: at(29 + int(syncCount)),
	}
}

// tombstone returns a removed record.
func tombstone(key string, syncCount int64) storage.Record {
	r := record(key, "", syncCount)
	r.Value = nil
	return r
}

// putDataset commits d at expect, failing the test if that fails.
func putDataset(t *testing.T, s storage.Store, d storage.Dataset, expect int64) {
	t.Helper()
	update(t, s, func(tx storage.Tx) error { return tx.PutDataset(t.Context(), d, expect) })
}

// putRecords commits records into a dataset, failing the test if that fails.
func putRecords(t *testing.T, s storage.Store, identityID, name string, records ...storage.Record) {
	t.Helper()
	update(t, s, func(tx storage.Tx) error { return tx.PutRecords(t.Context(), identityID, name, records) })
}

func normDataset(d storage.Dataset) storage.Dataset {
	d.CreatedAt, d.ModifiedAt = ms(d.CreatedAt), ms(d.ModifiedAt)
	return d
}

func normRecord(r storage.Record) storage.Record {
	r.ModifiedAt, r.DeviceModifiedAt = ms(r.ModifiedAt), ms(r.DeviceModifiedAt)
	return r
}

func normSyncConfig(c storage.SyncConfig) storage.SyncConfig {
	c.Events = nilIfEmptyMap(c.Events)
	c.PushApplicationARNs = nilIfEmpty(c.PushApplicationARNs)
	c.BulkPublishStart, c.BulkPublishComplete = ms(c.BulkPublishStart), ms(c.BulkPublishComplete)
	return c
}

func normDevice(d storage.Device) storage.Device {
	d.CreatedAt = ms(d.CreatedAt)
	return d
}

func checkDataset(t *testing.T, what string, got, want storage.Dataset) {
	t.Helper()
	if g, w := normDataset(got), normDataset(want); g != w {
		t.Errorf("%s: got %+v, want %+v", what, g, w)
	}
}

func checkDatasets(t *testing.T, what string, got, want []storage.Dataset) {
	t.Helper()
	if g, w := normAll(got, normDataset), normAll(want, normDataset); !reflect.DeepEqual(g, w) {
		t.Errorf("%s: got %+v, want %+v", what, g, w)
	}
}

func checkRecords(t *testing.T, what string, got, want []storage.Record) {
	t.Helper()
	if g, w := normAll(got, normRecord), normAll(want, normRecord); !reflect.DeepEqual(g, w) {
		t.Errorf("%s: got %s, want %s", what, fmtRecords(g), fmtRecords(w))
	}
}

func checkRecordMap(t *testing.T, what string, got map[string]storage.Record, want ...storage.Record) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: got a nil map, want an empty or filled one", what)
	}
	w := make(map[string]storage.Record, len(want))
	for _, r := range want {
		w[r.Key] = normRecord(r)
	}
	g := make(map[string]storage.Record, len(got))
	for k, r := range got {
		g[k] = normRecord(r)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s: got %s, want %s", what, fmtRecordMap(g), fmtRecordMap(w))
	}
}

func fmtRecord(r storage.Record) string {
	v := "<nil>"
	if r.Value != nil {
		v = fmt.Sprintf("%q", *r.Value)
	}
	return fmt.Sprintf("{%s=%s sync=%d by=%s at=%s device=%s}", r.Key, v, r.SyncCount, r.LastModifiedBy,
		r.ModifiedAt.Format(time.RFC3339Nano), r.DeviceModifiedAt.Format(time.RFC3339Nano))
}

func fmtRecords(rs []storage.Record) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmtRecord(r)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func fmtRecordMap(m map[string]storage.Record) string {
	var parts []string
	for _, r := range m {
		parts = append(parts, fmtRecord(r))
	}
	// Map order is random; sort for a stable message.
	slices.Sort(parts)
	return "map[" + strings.Join(parts, " ") + "]"
}

// checkStoredDataset reads a dataset that must exist, outside and inside a
// transaction, and checks both against want.
func checkStoredDataset(t *testing.T, s storage.Store, want storage.Dataset) {
	t.Helper()
	ctx := t.Context()
	what := "GetDataset " + want.IdentityID + "/" + want.Name
	got, err := s.GetDataset(ctx, want.IdentityID, want.Name)
	if wantErr(t, what, err, nil) {
		checkDataset(t, what, got, want)
	}
	update(t, s, func(tx storage.Tx) error {
		got, err := tx.GetDataset(ctx, want.IdentityID, want.Name)
		if wantErr(t, "tx."+what, err, nil) {
			checkDataset(t, "tx."+what, got, want)
		}
		return nil
	})
}

func testDatasetRoundTrip(t *testing.T, s storage.Store) {
	seedSync(t, s)
	full := dataset("p1:a", "settings.v2:x-y_z", 7)
	full.Deleted = true
	full.DeletedAtSyncCount = 5
	full.MergedFrom, full.MergedFromName = "p1:b", "settings"
	full.DataStorage = 1234
	full.NumRecords = 12
	plain := dataset("p1:a", "plain", 0)
	other := dataset("p2:c", "plain", 3)
	for _, d := range []storage.Dataset{full, plain, other} {
		putDataset(t, s, d, 0)
	}
	for _, d := range []storage.Dataset{full, plain, other} {
		checkStoredDataset(t, s, d)
	}

	// The dataset is recorded under its identity's pool, whatever the
	// caller said.
	wrong := dataset("p2:c", "wrong-pool", 1)
	wrong.PoolID = "p1"
	putDataset(t, s, wrong, 0)
	wrong.PoolID = "p2"
	checkStoredDataset(t, s, wrong)
}

func testDatasetGetMissing(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	putDataset(t, s, dataset("p1:a", "d1", 1), 0)
	tests := []struct {
		name, identity, dataset string
	}{
		{"other name", "p1:a", "d2"},
		{"other identity", "p1:b", "d1"},
		{"name prefix", "p1:a", "d"},
		{"missing identity", "p9:z", "d1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.GetDataset(ctx, tc.identity, tc.dataset)
			wantErr(t, "GetDataset", err, storage.ErrNotFound)
			update(t, s, func(tx storage.Tx) error {
				_, err := tx.GetDataset(ctx, tc.identity, tc.dataset)
				wantErr(t, "tx.GetDataset", err, storage.ErrNotFound)
				return nil
			})
		})
	}
}

// testDatasetCompareAndSwap: PutDataset stores only over the sync count
// expected, and a refused call writes nothing.
func testDatasetCompareAndSwap(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	at0 := dataset("p1:a", "d1", 0) // created but never written
	v3 := dataset("p1:a", "d1", 3)
	v4 := dataset("p1:a", "d1", 4)
	v4.NumRecords, v4.DataStorage = 2, 20

	tests := []struct {
		name   string
		put    storage.Dataset
		expect int64
		err    error
		want   storage.Dataset // stored afterwards; zero: none
	}{
		{"missing dataset, stale expectation", v3, 2, storage.ErrConflict, storage.Dataset{}},
		{"new dataset at 0", at0, 0, nil, at0},
		{"existing at 0, expecting 0", v3, 0, nil, v3},
		{"expecting 0 on an existing dataset", v4, 0, storage.ErrConflict, v3},
		{"stale expectation", v4, 2, storage.ErrConflict, v3},
		{"expectation ahead", v4, 4, storage.ErrConflict, v3},
		{"matching expectation", v4, 3, nil, v4},
		{"same count again", v4, 4, nil, v4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The Update goes on after a refused PutDataset and commits.
			update(t, s, func(tx storage.Tx) error {
				err := tx.PutDataset(ctx, tc.put, tc.expect)
				wantErr(t, "PutDataset", err, tc.err)
				return nil
			})
			got, err := s.GetDataset(ctx, "p1:a", "d1")
			if tc.want.IdentityID == "" {
				wantErr(t, "GetDataset", err, storage.ErrNotFound)
			} else if wantErr(t, "GetDataset", err, nil) {
				checkDataset(t, "GetDataset", got, tc.want)
			}
		})
	}

	t.Run("unknown identity", func(t *testing.T) {
		for _, expect := range []int64{0, 5} {
			err := s.Update(ctx, func(tx storage.Tx) error {
				return tx.PutDataset(ctx, dataset("p1:zz", "d1", 6), expect)
			})
			wantErr(t, fmt.Sprintf("PutDataset for an unknown identity, expecting %d", expect), err, storage.ErrNotFound)
		}
		_, err := s.GetDataset(ctx, "p1:zz", "d1")
		wantErr(t, "GetDataset of the unknown identity", err, storage.ErrNotFound)
	})
}

// testRecordsRoundTrip: PutRecords inserts and replaces, tombstones (nil
// Value) are kept and told apart from empty values, and a record without a
// device date keeps none.
func testRecordsRoundTrip(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	putDataset(t, s, dataset("p1:a", "d1", 1), 0)
	noDevice := record("no-device", "v", 1)
	noDevice.DeviceModifiedAt = time.Time{}
	first := []storage.Record{
		record("b", "bee", 1),
		record("a", "ay", 1),
		record("empty", "", 1),
		tombstone("gone", 1),
		noDevice,
		record("ünï", "ä€😀\x00 tail", 1),
	}
	putRecords(t, s, "p1:a", "d1", first...)
	want := []storage.Record{first[1], first[0], first[2], first[3], noDevice, first[5]}
	got, err := s.ListRecords(ctx, "p1:a", "d1", storage.ListRecordsOptions{})
	if wantErr(t, "ListRecords", err, nil) {
		checkRecords(t, "ListRecords after the first put", got, want)
	}

	// Replace some, remove one, revive the tombstone, add one.
	second := []storage.Record{
		record("b", "bee 2", 2),
		tombstone("a", 2),
		record("gone", "back", 2),
		record("c", "sea", 2),
	}
	update(t, s, func(tx storage.Tx) error {
		if err := tx.PutRecords(ctx, "p1:a", "d1", second); err != nil {
			return err
		}
		got, err := tx.ListRecords(ctx, "p1:a", "d1", storage.ListRecordsOptions{})
		if wantErr(t, "tx.ListRecords", err, nil) {
			checkRecords(t, "tx.ListRecords after the second put", got,
				[]storage.Record{second[1], second[0], second[3], first[2], second[2], noDevice, first[5]})
		}
		return nil
	})
	got, err = s.ListRecords(ctx, "p1:a", "d1", storage.ListRecordsOptions{})
	if wantErr(t, "ListRecords", err, nil) {
		checkRecords(t, "ListRecords after the second put", got,
			[]storage.Record{second[1], second[0], second[3], first[2], second[2], noDevice, first[5]})
	}

	// An empty put changes nothing and is no error.
	putRecords(t, s, "p1:a", "d1")
	n, err := s.ListRecords(ctx, "p1:a", "d1", storage.ListRecordsOptions{})
	if wantErr(t, "ListRecords", err, nil) && len(n) != 7 {
		t.Errorf("ListRecords after an empty put: got %d records, want 7", len(n))
	}
}

// testRecordsMissingDataset: records need their dataset; a refused put
// keeps none of its records.
func testRecordsMissingDataset(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	putDataset(t, s, dataset("p1:a", "d1", 1), 0)
	tests := []struct {
		name, identity, dataset string
		records                 []storage.Record
	}{
		{"one record", "p1:a", "d2", []storage.Record{record("k", "v", 1)}},
		{"several records", "p1:a", "d2", []storage.Record{record("k", "v", 1), record("l", "w", 1)}},
		{"dataset of another identity", "p1:b", "d1", []storage.Record{record("k", "v", 1), tombstone("l", 1)}},
		{"unknown identity", "p9:z", "d1", []storage.Record{record("k", "v", 1)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			update(t, s, func(tx storage.Tx) error {
				err := tx.PutRecords(ctx, tc.identity, tc.dataset, tc.records)
				wantErr(t, "PutRecords", err, storage.ErrNotFound)
				return nil
			})
			got, err := s.ListRecords(ctx, tc.identity, tc.dataset, storage.ListRecordsOptions{})
			if wantErr(t, "ListRecords", err, nil) {
				checkRecords(t, "ListRecords", got, nil)
			}
		})
	}
	got, err := s.ListRecords(ctx, "p1:a", "d1", storage.ListRecordsOptions{})
	if wantErr(t, "ListRecords of the existing dataset", err, nil) {
		checkRecords(t, "ListRecords of the existing dataset", got, nil)
	}
}

func testListRecords(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	putDataset(t, s, dataset("p1:a", "d1", 4), 0)
	putDataset(t, s, dataset("p1:a", "d10", 1), 0)
	putDataset(t, s, dataset("p1:b", "d1", 1), 0)
	byKey := map[string]storage.Record{}
	// Keys written out of order, over sync counts 1 to 4; b and e removed.
	for _, r := range []storage.Record{
		record("d", "4", 1), record("a", "1", 2), tombstone("e", 3), record("c", "3", 4),
		tombstone("b", 4), record("f", "6", 2), record("A", "upper", 1),
	} {
		byKey[r.Key] = r
	}
	for _, r := range byKey {
		putRecords(t, s, "p1:a", "d1", r)
	}
	// Neighbours that must never show up.
	putRecords(t, s, "p1:a", "d10", record("a", "other dataset", 1))
	putRecords(t, s, "p1:b", "d1", record("a", "other identity", 1))
	want := func(keys ...string) []storage.Record {
		var rs []storage.Record
		for _, k := range keys {
			rs = append(rs, byKey[k])
		}
		return rs
	}

	tests := []struct {
		name     string
		identity string
		dataset  string
		opts     storage.ListRecordsOptions
		want     []storage.Record
	}{
		{"all, in key order", "p1:a", "d1", storage.ListRecordsOptions{}, want("A", "a", "b", "c", "d", "e", "f")},
		{"since 0 is all", "p1:a", "d1", storage.ListRecordsOptions{SinceSyncCount: 0, Limit: 100}, want("A", "a", "b", "c", "d", "e", "f")},
		{"since 1", "p1:a", "d1", storage.ListRecordsOptions{SinceSyncCount: 1}, want("a", "b", "c", "e", "f")},
		{"since 2, tombstones included", "p1:a", "d1", storage.ListRecordsOptions{SinceSyncCount: 2}, want("b", "c", "e")},
		{"since 3", "p1:a", "d1", storage.ListRecordsOptions{SinceSyncCount: 3}, want("b", "c")},
		{"since the current count", "p1:a", "d1", storage.ListRecordsOptions{SinceSyncCount: 4}, nil},
		{"first page", "p1:a", "d1", storage.ListRecordsOptions{Limit: 3}, want("A", "a", "b")},
		{"second page", "p1:a", "d1", storage.ListRecordsOptions{After: "b", Limit: 3}, want("c", "d", "e")},
		{"last page", "p1:a", "d1", storage.ListRecordsOptions{After: "e", Limit: 3}, want("f")},
		{"past the end", "p1:a", "d1", storage.ListRecordsOptions{After: "f", Limit: 3}, nil},
		{"after an absent key", "p1:a", "d1", storage.ListRecordsOptions{After: "bb"}, want("c", "d", "e", "f")},
		{"since 1, paged", "p1:a", "d1", storage.ListRecordsOptions{SinceSyncCount: 1, Limit: 2}, want("a", "b")},
		{"since 1, second page", "p1:a", "d1", storage.ListRecordsOptions{SinceSyncCount: 1, After: "b", Limit: 2}, want("c", "e")},
		{"since 1, last page", "p1:a", "d1", storage.ListRecordsOptions{SinceSyncCount: 1, After: "e", Limit: 2}, want("f")},
		{"missing dataset", "p1:a", "d2", storage.ListRecordsOptions{}, nil},
		{"missing identity", "p9:z", "d1", storage.ListRecordsOptions{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ListRecords(ctx, tc.identity, tc.dataset, tc.opts)
			if wantErr(t, "ListRecords", err, nil) {
				checkRecords(t, "ListRecords", got, tc.want)
			}
			update(t, s, func(tx storage.Tx) error {
				got, err := tx.ListRecords(ctx, tc.identity, tc.dataset, tc.opts)
				if wantErr(t, "tx.ListRecords", err, nil) {
					checkRecords(t, "tx.ListRecords", got, tc.want)
				}
				return nil
			})
		})
	}
}

func testGetRecords(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	putDataset(t, s, dataset("p1:a", "d1", 2), 0)
	putDataset(t, s, dataset("p1:b", "d1", 1), 0)
	a, b, gone := record("a", "1", 1), record("b", "2", 2), tombstone("gone", 2)
	odd := record("quote\"back\\slash ü", "odd", 1)
	// Not valid UTF-8, nor is its neighbour once JSON replaced the byte.
	bad, replaced := record("\xff", "bad", 1), record("\ufffd", "replaced", 1)
	putRecords(t, s, "p1:a", "d1", a, b, gone, odd, bad, replaced)
	putRecords(t, s, "p1:b", "d1", record("c", "other identity", 1))

	tests := []struct {
		name     string
		identity string
		keys     []string
		want     []storage.Record
	}{
		{"one key", "p1:a", []string{"b"}, []storage.Record{b}},
		{"a subset", "p1:a", []string{"a", "gone"}, []storage.Record{a, gone}},
		{"missing keys left out", "p1:a", []string{"x", "a", "c", "y"}, []storage.Record{a}},
		{"only missing keys", "p1:a", []string{"x", "y"}, nil},
		{"one missing key", "p1:a", []string{"x"}, nil},
		{"duplicate keys", "p1:a", []string{"a", "a"}, []storage.Record{a}},
		{"no keys", "p1:a", nil, nil},
		{"characters JSON escapes", "p1:a", []string{odd.Key, "a"}, []storage.Record{odd, a}},
		{"a key not valid UTF-8", "p1:a", []string{"\xff", "b"}, []storage.Record{bad, b}},
		{"a missing key not valid UTF-8", "p1:a", []string{"\xfe", "b"}, []storage.Record{b}},
		{"other identity", "p1:b", []string{"a", "c"}, []storage.Record{record("c", "other identity", 1)}},
		{"missing identity", "p9:z", []string{"a", "b"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.GetRecords(ctx, tc.identity, "d1", tc.keys)
			if wantErr(t, "GetRecords", err, nil) {
				checkRecordMap(t, "GetRecords", got, tc.want...)
			}
			update(t, s, func(tx storage.Tx) error {
				got, err := tx.GetRecords(ctx, tc.identity, "d1", tc.keys)
				if wantErr(t, "tx.GetRecords", err, nil) {
					checkRecordMap(t, "tx.GetRecords", got, tc.want...)
				}
				return nil
			})
		})
	}
}

// testDeleteRecords: every record goes, tombstones too; the dataset and
// other datasets stay.
func testDeleteRecords(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	d1 := dataset("p1:a", "d1", 2)
	putDataset(t, s, d1, 0)
	putDataset(t, s, dataset("p1:a", "d2", 1), 0)
	putRecords(t, s, "p1:a", "d1", record("a", "1", 1), tombstone("b", 2))
	keep := record("a", "kept", 1)
	putRecords(t, s, "p1:a", "d2", keep)

	update(t, s, func(tx storage.Tx) error {
		if err := tx.DeleteRecords(ctx, "p1:a", "d1"); err != nil {
			return err
		}
		got, err := tx.ListRecords(ctx, "p1:a", "d1", storage.ListRecordsOptions{})
		if wantErr(t, "tx.ListRecords after DeleteRecords", err, nil) {
			checkRecords(t, "tx.ListRecords after DeleteRecords", got, nil)
		}
		return nil
	})
	got, err := s.ListRecords(ctx, "p1:a", "d1", storage.ListRecordsOptions{})
	if wantErr(t, "ListRecords after DeleteRecords", err, nil) {
		checkRecords(t, "ListRecords after DeleteRecords", got, nil)
	}
	m, err := s.GetRecords(ctx, "p1:a", "d1", []string{"a", "b"})
	if wantErr(t, "GetRecords after DeleteRecords", err, nil) {
		checkRecordMap(t, "GetRecords after DeleteRecords", m)
	}
	checkStoredDataset(t, s, d1)
	got, err = s.ListRecords(ctx, "p1:a", "d2", storage.ListRecordsOptions{})
	if wantErr(t, "ListRecords of the other dataset", err, nil) {
		checkRecords(t, "ListRecords of the other dataset", got, []storage.Record{keep})
	}
	// Again, and on a dataset that does not exist: nothing to do.
	update(t, s, func(tx storage.Tx) error { return tx.DeleteRecords(ctx, "p1:a", "d1") })
	update(t, s, func(tx storage.Tx) error { return tx.DeleteRecords(ctx, "p1:a", "none") })
}

func testListDatasets(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	byName := map[string]storage.Dataset{}
	// Written out of name order; c and e are deleted.
	for _, name := range []string{"d", "b", "e", "a", "c", "f"} {
		d := dataset("p1:a", name, 2)
		if name == "c" || name == "e" {
			d.Deleted, d.DeletedAtSyncCount = true, 2
		}
		byName[name] = d
		putDataset(t, s, d, 0)
	}
	putDataset(t, s, dataset("p1:b", "a", 1), 0)
	want := func(names ...string) []storage.Dataset {
		var ds []storage.Dataset
		for _, n := range names {
			ds = append(ds, byName[n])
		}
		return ds
	}

	tests := []struct {
		name     string
		identity string
		after    string
		limit    int
		want     []storage.Dataset
	}{
		{"all live, in name order", "p1:a", "", 100, want("a", "b", "d", "f")},
		{"no limit", "p1:a", "", 0, want("a", "b", "d", "f")},
		{"first page", "p1:a", "", 2, want("a", "b")},
		{"second page skips deleted", "p1:a", "b", 2, want("d", "f")},
		{"past the end", "p1:a", "f", 2, nil},
		{"after a deleted name", "p1:a", "c", 1, want("d")},
		{"other identity", "p1:b", "", 10, []storage.Dataset{dataset("p1:b", "a", 1)}},
		{"identity without datasets", "p2:c", "", 10, nil},
		{"missing identity", "p9:z", "", 10, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ListDatasets(ctx, tc.identity, tc.after, tc.limit)
			if wantErr(t, "ListDatasets", err, nil) {
				checkDatasets(t, "ListDatasets", got, tc.want)
			}
			update(t, s, func(tx storage.Tx) error {
				got, err := tx.ListDatasets(ctx, tc.identity, tc.after, tc.limit)
				if wantErr(t, "tx.ListDatasets", err, nil) {
					checkDatasets(t, "tx.ListDatasets", got, tc.want)
				}
				return nil
			})
		})
	}
}

// testListDatasetsSeesWrites: ListDatasets, read before and after every
// kind of write to an identity's datasets (so that a cache, if any, holds
// the list each time), answers the state last committed, and hands out
// datasets of its own.
func testListDatasetsSeesWrites(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	a, b := dataset("p1:a", "a", 1), dataset("p1:a", "b", 1)
	merged := a
	merged.SyncCount, merged.MergedFrom = 2, "p1:b"
	deleted := b
	deleted.SyncCount, deleted.Deleted, deleted.DeletedAtSyncCount = 2, true, 2
	moved := merged
	moved.IdentityID, moved.Name = "p1:b", "a.p1:a"
	recreated := dataset("p1:a", "b", 3)
	recreated.DeletedAtSyncCount = 2
	errStop := errors.New("stop")

	tests := []struct {
		name  string
		write func(tx storage.Tx) error
		fails error
		wantA []storage.Dataset
		wantB []storage.Dataset
	}{
		{"created", func(tx storage.Tx) error {
			if err := tx.PutDataset(ctx, b, 0); err != nil {
				return err
			}
			return tx.PutDataset(ctx, a, 0)
		}, nil, []storage.Dataset{a, b}, nil},
		{"updated", func(tx storage.Tx) error { return tx.PutDataset(ctx, merged, 1) }, nil, []storage.Dataset{merged, b}, nil},
		{"deleted", func(tx storage.Tx) error { return tx.PutDataset(ctx, deleted, 1) }, nil, []storage.Dataset{merged}, nil},
		{"moved to another identity", func(tx storage.Tx) error {
			return tx.RenameDataset(ctx, "p1:a", "a", "p1:b", "a.p1:a")
		}, nil, nil, []storage.Dataset{moved}},
		{"re-created", func(tx storage.Tx) error { return tx.PutDataset(ctx, recreated, 2) }, nil, []storage.Dataset{recreated}, []storage.Dataset{moved}},
		{"rolled back", func(tx storage.Tx) error {
			if err := tx.PutDataset(ctx, dataset("p1:a", "c", 1), 0); err != nil {
				return err
			}
			if err := tx.RenameDataset(ctx, "p1:b", "a.p1:a", "p1:a", "a"); err != nil {
				return err
			}
			return errStop
		}, errStop, []storage.Dataset{recreated}, []storage.Dataset{moved}},
		{"identity deleted", func(tx storage.Tx) error { return tx.DeleteIdentity(ctx, "p1:b") }, nil, []storage.Dataset{recreated}, nil},
	}
	list := func(t *testing.T, when, identity string, want []storage.Dataset) {
		t.Helper()
		what := fmt.Sprintf("ListDatasets %s %s", identity, when)
		got, err := s.ListDatasets(ctx, identity, "", 0)
		if wantErr(t, what, err, nil) {
			checkDatasets(t, what, got, want)
		}
		// What a caller does with its datasets is no one else's business.
		for i := range got {
			got[i].Name, got[i].SyncCount = "scribbled", -1
		}
	}
	var wantA, wantB []storage.Dataset
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			list(t, "before", "p1:a", wantA)
			list(t, "before", "p1:b", wantB)
			err := s.Update(ctx, tc.write)
			wantErr(t, "Update", err, tc.fails)
			list(t, "after", "p1:a", tc.wantA)
			list(t, "after", "p1:b", tc.wantB)
			list(t, "again", "p1:a", tc.wantA)
			list(t, "again", "p1:b", tc.wantB)
		})
		wantA, wantB = tc.wantA, tc.wantB
	}
}

func testRenameDataset(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	src := dataset("p1:b", "notes", 3)
	src.NumRecords, src.DataStorage = 2, 10
	recs := []storage.Record{record("x", "1", 2), tombstone("y", 3)}
	putDataset(t, s, src, 0)
	putRecords(t, s, "p1:b", "notes", recs...)
	taken := dataset("p1:a", "taken", 1)
	putDataset(t, s, taken, 0)
	takenRecs := []storage.Record{record("t", "mine", 1)}
	putRecords(t, s, "p1:a", "taken", takenRecs...)

	listed := func(t *testing.T, identity, name string, want []storage.Record) {
		t.Helper()
		got, err := s.ListRecords(ctx, identity, name, storage.ListRecordsOptions{})
		if wantErr(t, "ListRecords "+identity+"/"+name, err, nil) {
			checkRecords(t, "ListRecords "+identity+"/"+name, got, want)
		}
	}
	refused := []struct {
		name           string
		from, fromName string
		to, toName     string
		err            error
	}{
		{"target exists", "p1:b", "notes", "p1:a", "taken", storage.ErrAlreadyExists},
		{"missing source", "p1:b", "none", "p1:a", "new", storage.ErrNotFound},
		{"source of another identity", "p1:a", "notes", "p1:a", "new", storage.ErrNotFound},
		{"missing target identity", "p1:b", "notes", "p9:z", "notes", storage.ErrNotFound},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			update(t, s, func(tx storage.Tx) error {
				err := tx.RenameDataset(ctx, tc.from, tc.fromName, tc.to, tc.toName)
				wantErr(t, "RenameDataset", err, tc.err)
				return nil
			})
			checkStoredDataset(t, s, src)
			listed(t, "p1:b", "notes", recs)
			checkStoredDataset(t, s, taken)
			listed(t, "p1:a", "taken", takenRecs)
			_, err := s.GetDataset(ctx, tc.to, tc.toName)
			if tc.err == storage.ErrNotFound {
				wantErr(t, "GetDataset of the target", err, storage.ErrNotFound)
			}
		})
	}

	t.Run("to another identity and name", func(t *testing.T) {
		update(t, s, func(tx storage.Tx) error {
			if err := tx.RenameDataset(ctx, "p1:b", "notes", "p1:a", "notes.p1:b"); err != nil {
				return err
			}
			got, err := tx.ListRecords(ctx, "p1:a", "notes.p1:b", storage.ListRecordsOptions{})
			if wantErr(t, "tx.ListRecords of the moved dataset", err, nil) {
				checkRecords(t, "tx.ListRecords of the moved dataset", got, recs)
			}
			return nil
		})
		moved := src
		moved.IdentityID, moved.Name = "p1:a", "notes.p1:b"
		checkStoredDataset(t, s, moved)
		listed(t, "p1:a", "notes.p1:b", recs)
		_, err := s.GetDataset(ctx, "p1:b", "notes")
		wantErr(t, "GetDataset of the source", err, storage.ErrNotFound)
		listed(t, "p1:b", "notes", nil)
	})

	t.Run("to another pool's identity", func(t *testing.T) {
		update(t, s, func(tx storage.Tx) error { return tx.RenameDataset(ctx, "p1:a", "notes.p1:b", "p2:c", "notes") })
		moved := src
		moved.IdentityID, moved.PoolID = "p2:c", "p2"
		checkStoredDataset(t, s, moved)
		listed(t, "p2:c", "notes", recs)
		listed(t, "p1:a", "notes.p1:b", nil)
	})

	t.Run("rolled back", func(t *testing.T) {
		errStop := errors.New("stop")
		err := s.Update(ctx, func(tx storage.Tx) error {
			if err := tx.RenameDataset(ctx, "p2:c", "notes", "p1:b", "notes"); err != nil {
				return err
			}
			return errStop
		})
		wantErr(t, "Update", err, errStop)
		listed(t, "p2:c", "notes", recs)
		listed(t, "p1:b", "notes", nil)
	})
}

func testUsage(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	type usage struct {
		identity, name string
		storage        int64
		modified       time.Time
		deleted        bool
	}
	for _, u := range []usage{
		{"p1:a", "d1", 100, at(100), false},
		{"p1:a", "d2", 20, at(120), false},
		{"p1:a", "gone", 5000, at(500), true},
		{"p1:b", "d1", 3, at(90), false},
		{"p2:c", "d1", 7, at(700), false},
	} {
		d := dataset(u.identity, u.name, 1)
		d.DataStorage, d.NumRecords, d.ModifiedAt, d.Deleted = u.storage, 1, u.modified, u.deleted
		putDataset(t, s, d, 0)
	}
	tests := []struct {
		name  string
		usage func(r storage.Reader) (storage.Usage, error)
		want  storage.Usage
	}{
		// The deletion of "gone" is the last change.
		{"identity", func(r storage.Reader) (storage.Usage, error) { return r.IdentityUsage(ctx, "p1:a") },
			storage.Usage{DatasetCount: 2, DataStorage: 120, LastModifiedAt: at(500)}},
		{"other identity", func(r storage.Reader) (storage.Usage, error) { return r.IdentityUsage(ctx, "p1:b") },
			storage.Usage{DatasetCount: 1, DataStorage: 3, LastModifiedAt: at(90)}},
		{"identity without datasets", func(r storage.Reader) (storage.Usage, error) { return r.IdentityUsage(ctx, "p9:z") },
			storage.Usage{}},
		{"pool", func(r storage.Reader) (storage.Usage, error) { return r.PoolUsage(ctx, "p1") },
			storage.Usage{DatasetCount: 3, DataStorage: 123, LastModifiedAt: at(500)}},
		{"other pool", func(r storage.Reader) (storage.Usage, error) { return r.PoolUsage(ctx, "p2") },
			storage.Usage{DatasetCount: 1, DataStorage: 7, LastModifiedAt: at(700)}},
		{"pool without datasets", func(r storage.Reader) (storage.Usage, error) { return r.PoolUsage(ctx, "p9") },
			storage.Usage{}},
	}
	check := func(t *testing.T, what string, got, want storage.Usage) {
		t.Helper()
		got.LastModifiedAt, want.LastModifiedAt = ms(got.LastModifiedAt), ms(want.LastModifiedAt)
		if got != want {
			t.Errorf("%s: got %+v, want %+v", what, got, want)
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.usage(s)
			if wantErr(t, "usage", err, nil) {
				check(t, "usage", got, tc.want)
			}
			update(t, s, func(tx storage.Tx) error {
				got, err := tc.usage(tx)
				if wantErr(t, "tx usage", err, nil) {
					check(t, "tx usage", got, tc.want)
				}
				return nil
			})
		})
	}
}

func fullSyncConfig() storage.SyncConfig {
	return storage.SyncConfig{
		Events:              map[string]string{"SyncTrigger": "arn:aws:lambda:us-east-1:123456789012:function:sync"},
		PushApplicationARNs: []string{"arn:aws:sns:us-east-1:123456789012:app/GCM/a", "arn:aws:sns:us-east-1:123456789012:app/APNS/b"},
		PushRoleARN:         "arn:aws:iam::123456789012:role/push",
		HasPushSync:         true,
		StreamName:          "stream",
		StreamRoleARN:       "arn:aws:iam::123456789012:role/stream",
		StreamingStatus:     "ENABLED",
		HasStreams:          true,
		BulkPublishStatus:   "FAILED",
		BulkPublishStart:    at(1000),
		BulkPublishComplete: at(1001),
		BulkPublishFailure:  "stream disabled",
	}
}

func testSyncConfig(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	check := func(t *testing.T, poolID string, want storage.SyncConfig) {
		t.Helper()
		got, err := s.GetSyncConfig(ctx, poolID)
		if wantErr(t, "GetSyncConfig "+poolID, err, nil) && !reflect.DeepEqual(normSyncConfig(got), normSyncConfig(want)) {
			t.Errorf("GetSyncConfig %s: got %+v, want %+v", poolID, got, want)
		}
		update(t, s, func(tx storage.Tx) error {
			got, err := tx.GetSyncConfig(ctx, poolID)
			if wantErr(t, "tx.GetSyncConfig "+poolID, err, nil) && !reflect.DeepEqual(normSyncConfig(got), normSyncConfig(want)) {
				t.Errorf("tx.GetSyncConfig %s: got %+v, want %+v", poolID, got, want)
			}
			return nil
		})
	}
	epoch := storage.SyncConfig{BulkPublishStatus: "SUCCEEDED", BulkPublishStart: time.Unix(0, 0), BulkPublishComplete: time.Unix(0, 1e6)}
	steps := []struct {
		name string
		pool string
		put  *storage.SyncConfig // nil: none
		want storage.SyncConfig
	}{
		{"never configured", "p1", nil, storage.SyncConfig{}},
		{"every member", "p1", ptr(fullSyncConfig()), fullSyncConfig()},
		{"replaced whole", "p1", &storage.SyncConfig{Events: map[string]string{"SyncTrigger": "x"}}, storage.SyncConfig{Events: map[string]string{"SyncTrigger": "x"}}},
		{"the epoch is not the zero time", "p2", &epoch, epoch},
		{"back to zero", "p1", &storage.SyncConfig{}, storage.SyncConfig{}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.put != nil {
				update(t, s, func(tx storage.Tx) error { return tx.PutSyncConfig(ctx, st.pool, *st.put) })
			}
			check(t, st.pool, st.want)
		})
	}
	t.Run("unknown pool", func(t *testing.T) {
		err := s.Update(ctx, func(tx storage.Tx) error { return tx.PutSyncConfig(ctx, "p9", fullSyncConfig()) })
		wantErr(t, "PutSyncConfig of an unknown pool", err, storage.ErrNotFound)
		check(t, "p9", storage.SyncConfig{})
	})
	t.Run("copies", func(t *testing.T) {
		c := fullSyncConfig()
		update(t, s, func(tx storage.Tx) error { return tx.PutSyncConfig(ctx, "p1", c) })
		c.Events["SyncTrigger"] = "scribbled"
		c.PushApplicationARNs[0] = "scribbled"
		got, err := s.GetSyncConfig(ctx, "p1")
		if wantErr(t, "GetSyncConfig", err, nil) {
			got.Events["SyncTrigger"] = "scribbled"
			got.PushApplicationARNs[0] = "scribbled"
		}
		check(t, "p1", fullSyncConfig())
	})
}

func device(id, identityID, platform, token string) storage.Device {
	return storage.Device{ID: id, IdentityID: identityID, Platform: platform, Token: token, CreatedAt: at(50)}
}

func testDevices(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	d1 := device("dev-1", "p1:a", "GCM", "token-1")
	d2 := device("dev-2", "p1:a", "APNS", "token-1")
	d3 := device("dev-3", "p1:b", "GCM", "token-1")
	update(t, s, func(tx storage.Tx) error {
		for _, d := range []storage.Device{d1, d2, d3} {
			if err := tx.PutDevice(ctx, d); err != nil {
				return err
			}
		}
		got, err := tx.GetDevice(ctx, d2.ID)
		if wantErr(t, "tx.GetDevice", err, nil) && normDevice(got) != normDevice(d2) {
			t.Errorf("tx.GetDevice: got %+v, want %+v", got, d2)
		}
		return nil
	})

	lookups := []struct {
		name string
		get  func(r storage.Reader) (storage.Device, error)
		want storage.Device // zero: ErrNotFound
	}{
		{"by id", func(r storage.Reader) (storage.Device, error) { return r.GetDevice(ctx, "dev-1") }, d1},
		{"by unknown id", func(r storage.Reader) (storage.Device, error) { return r.GetDevice(ctx, "dev-9") }, storage.Device{}},
		{"by token", func(r storage.Reader) (storage.Device, error) { return r.DeviceByToken(ctx, "p1:a", "GCM", "token-1") }, d1},
		{"by token, other platform", func(r storage.Reader) (storage.Device, error) { return r.DeviceByToken(ctx, "p1:a", "APNS", "token-1") }, d2},
		{"by token, other identity", func(r storage.Reader) (storage.Device, error) { return r.DeviceByToken(ctx, "p1:b", "GCM", "token-1") }, d3},
		{"by unknown token", func(r storage.Reader) (storage.Device, error) { return r.DeviceByToken(ctx, "p1:a", "GCM", "token-2") }, storage.Device{}},
		{"by token of an identity without devices", func(r storage.Reader) (storage.Device, error) {
			return r.DeviceByToken(ctx, "p2:c", "GCM", "token-1")
		}, storage.Device{}},
	}
	for _, tc := range lookups {
		t.Run(tc.name, func(t *testing.T) {
			check := func(what string, got storage.Device, err error) {
				t.Helper()
				if tc.want.ID == "" {
					wantErr(t, what, err, storage.ErrNotFound)
				} else if wantErr(t, what, err, nil) && normDevice(got) != normDevice(tc.want) {
					t.Errorf("%s: got %+v, want %+v", what, got, tc.want)
				}
			}
			got, err := tc.get(s)
			check("lookup", got, err)
			update(t, s, func(tx storage.Tx) error {
				got, err := tc.get(tx)
				check("tx lookup", got, err)
				return nil
			})
		})
	}

	listings := []struct {
		identity string
		want     []storage.Device
	}{
		{"p1:a", []storage.Device{d2, d1}}, // APNS before GCM
		{"p1:b", []storage.Device{d3}},
		{"p2:c", nil},
		{"p9:z", nil},
	}
	for _, tc := range listings {
		t.Run("list of "+tc.identity, func(t *testing.T) {
			check := func(what string, got []storage.Device, err error) {
				t.Helper()
				if !wantErr(t, what, err, nil) {
					return
				}
				if len(got) != len(tc.want) {
					t.Fatalf("%s: got %+v, want %+v", what, got, tc.want)
				}
				for i := range got {
					if normDevice(got[i]) != normDevice(tc.want[i]) {
						t.Errorf("%s [%d]: got %+v, want %+v", what, i, got[i], tc.want[i])
					}
				}
			}
			got, err := s.ListDevices(ctx, tc.identity)
			check("ListDevices", got, err)
			update(t, s, func(tx storage.Tx) error {
				got, err := tx.ListDevices(ctx, tc.identity)
				check("tx.ListDevices", got, err)
				return nil
			})
		})
	}

	refused := []struct {
		name string
		d    storage.Device
		err  error
	}{
		{"taken id", device("dev-1", "p1:b", "ADM", "token-9"), storage.ErrAlreadyExists},
		{"same identity, platform and token", device("dev-4", "p1:a", "GCM", "token-1"), storage.ErrAlreadyExists},
		{"unknown identity", device("dev-5", "p9:z", "GCM", "token-1"), storage.ErrNotFound},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			update(t, s, func(tx storage.Tx) error {
				wantErr(t, "PutDevice", tx.PutDevice(ctx, tc.d), tc.err)
				return nil
			})
			got, err := s.GetDevice(ctx, tc.d.ID)
			if tc.d.ID == d1.ID {
				if wantErr(t, "GetDevice of the taken id", err, nil) && normDevice(got) != normDevice(d1) {
					t.Errorf("GetDevice of the taken id: got %+v, want %+v", got, d1)
				}
			} else {
				wantErr(t, "GetDevice of the refused device", err, storage.ErrNotFound)
			}
		})
	}
}

func testSubscriptions(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	update(t, s, func(tx storage.Tx) error {
		if err := tx.PutDevice(ctx, device("dev-1", "p1:a", "GCM", "t1")); err != nil {
			return err
		}
		return tx.PutDevice(ctx, device("dev-2", "p1:a", "GCM", "t2"))
	})
	subscribed := func(t *testing.T, device, dataset string, want bool) {
		t.Helper()
		got, err := s.Subscribed(ctx, device, dataset)
		if wantErr(t, "Subscribed", err, nil) && got != want {
			t.Errorf("Subscribed(%s, %s): got %v, want %v", device, dataset, got, want)
		}
		update(t, s, func(tx storage.Tx) error {
			got, err := tx.Subscribed(ctx, device, dataset)
			if wantErr(t, "tx.Subscribed", err, nil) && got != want {
				t.Errorf("tx.Subscribed(%s, %s): got %v, want %v", device, dataset, got, want)
			}
			return nil
		})
	}

	subscribed(t, "dev-1", "d1", false)
	for range 2 {
		update(t, s, func(tx storage.Tx) error { return tx.Subscribe(ctx, "dev-1", "d1") })
		subscribed(t, "dev-1", "d1", true)
	}
	subscribed(t, "dev-1", "d2", false)
	subscribed(t, "dev-2", "d1", false)
	subscribed(t, "dev-9", "d1", false)

	err := s.Update(ctx, func(tx storage.Tx) error { return tx.Subscribe(ctx, "dev-9", "d1") })
	wantErr(t, "Subscribe of an unknown device", err, storage.ErrNotFound)
	subscribed(t, "dev-9", "d1", false)

	update(t, s, func(tx storage.Tx) error { return tx.Subscribe(ctx, "dev-2", "d1") })
	for range 2 {
		update(t, s, func(tx storage.Tx) error { return tx.Unsubscribe(ctx, "dev-1", "d1") })
		subscribed(t, "dev-1", "d1", false)
	}
	subscribed(t, "dev-2", "d1", true)
	update(t, s, func(tx storage.Tx) error { return tx.Unsubscribe(ctx, "dev-9", "d1") })

	update(t, s, func(tx storage.Tx) error {
		for _, d := range []string{"d3", "a-first", "d1"} {
			if err := tx.Subscribe(ctx, "dev-1", d); err != nil {
				return err
			}
		}
		return nil
	})
	for _, tc := range []struct {
		device string
		want   []string
	}{
		{"dev-1", []string{"a-first", "d1", "d3"}},
		{"dev-2", []string{"d1"}},
		{"dev-9", nil},
	} {
		got, err := s.Subscriptions(ctx, tc.device)
		if wantErr(t, "Subscriptions", err, nil) && !slices.Equal(got, tc.want) {
			t.Errorf("Subscriptions(%s): got %v, want %v", tc.device, got, tc.want)
		}
		update(t, s, func(tx storage.Tx) error {
			got, err := tx.Subscriptions(ctx, tc.device)
			if wantErr(t, "tx.Subscriptions", err, nil) && !slices.Equal(got, tc.want) {
				t.Errorf("tx.Subscriptions(%s): got %v, want %v", tc.device, got, tc.want)
			}
			return nil
		})
	}
}

// syncState writes a dataset with records, a device subscribed to it and,
// for the identity's pool, a sync configuration.
func syncState(t *testing.T, s storage.Store, identityID, deviceID string) {
	t.Helper()
	ctx := t.Context()
	poolID, _, _ := strings.Cut(identityID, ":")
	update(t, s, func(tx storage.Tx) error {
		if err := tx.PutDataset(ctx, dataset(identityID, "d1", 1), 0); err != nil {
			return err
		}
		if err := tx.PutRecords(ctx, identityID, "d1", []storage.Record{record("k", "v", 1), tombstone("t", 1)}); err != nil {
			return err
		}
		if err := tx.PutDevice(ctx, device(deviceID, identityID, "GCM", "token")); err != nil {
			return err
		}
		if err := tx.Subscribe(ctx, deviceID, "d1"); err != nil {
			return err
		}
		return tx.PutSyncConfig(ctx, poolID, fullSyncConfig())
	})
}

// checkSyncGone fails unless nothing of syncState(identityID, deviceID)
// but the sync configuration is left.
func checkSyncGone(t *testing.T, s storage.Store, identityID, deviceID string) {
	t.Helper()
	ctx := t.Context()
	_, err := s.GetDataset(ctx, identityID, "d1")
	wantErr(t, "GetDataset "+identityID, err, storage.ErrNotFound)
	rs, err := s.ListRecords(ctx, identityID, "d1", storage.ListRecordsOptions{})
	if wantErr(t, "ListRecords "+identityID, err, nil) {
		checkRecords(t, "ListRecords "+identityID, rs, nil)
	}
	ds, err := s.ListDatasets(ctx, identityID, "", 0)
	if wantErr(t, "ListDatasets "+identityID, err, nil) {
		checkDatasets(t, "ListDatasets "+identityID, ds, nil)
	}
	_, err = s.GetDevice(ctx, deviceID)
	wantErr(t, "GetDevice "+deviceID, err, storage.ErrNotFound)
	_, err = s.DeviceByToken(ctx, identityID, "GCM", "token")
	wantErr(t, "DeviceByToken of "+identityID, err, storage.ErrNotFound)
	sub, err := s.Subscribed(ctx, deviceID, "d1")
	if wantErr(t, "Subscribed "+deviceID, err, nil) && sub {
		t.Errorf("Subscribed %s: got true, want false", deviceID)
	}
	u, err := s.IdentityUsage(ctx, identityID)
	if wantErr(t, "IdentityUsage "+identityID, err, nil) && u != (storage.Usage{}) {
		t.Errorf("IdentityUsage %s: got %+v, want zero", identityID, u)
	}
}

// checkSyncKept fails unless syncState(identityID, deviceID) is all there.
func checkSyncKept(t *testing.T, s storage.Store, identityID, deviceID string) {
	t.Helper()
	ctx := t.Context()
	poolID, _, _ := strings.Cut(identityID, ":")
	checkStoredDataset(t, s, dataset(identityID, "d1", 1))
	rs, err := s.ListRecords(ctx, identityID, "d1", storage.ListRecordsOptions{})
	if wantErr(t, "ListRecords "+identityID, err, nil) {
		checkRecords(t, "ListRecords "+identityID, rs, []storage.Record{record("k", "v", 1), tombstone("t", 1)})
	}
	_, err = s.GetDevice(ctx, deviceID)
	wantErr(t, "GetDevice "+deviceID, err, nil)
	sub, err := s.Subscribed(ctx, deviceID, "d1")
	if wantErr(t, "Subscribed "+deviceID, err, nil) && !sub {
		t.Errorf("Subscribed %s: got false, want true", deviceID)
	}
	c, err := s.GetSyncConfig(ctx, poolID)
	if wantErr(t, "GetSyncConfig "+poolID, err, nil) && !reflect.DeepEqual(normSyncConfig(c), normSyncConfig(fullSyncConfig())) {
		t.Errorf("GetSyncConfig %s: got %+v, want the full configuration", poolID, c)
	}
}

func testDeleteIdentitySync(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	syncState(t, s, "p1:a", "dev-a")
	syncState(t, s, "p1:b", "dev-b")
	// Read first, so that a cache, if any, holds it all.
	checkSyncKept(t, s, "p1:a", "dev-a")
	update(t, s, func(tx storage.Tx) error { return tx.DeleteIdentity(ctx, "p1:a") })
	checkSyncGone(t, s, "p1:a", "dev-a")
	checkSyncKept(t, s, "p1:b", "dev-b")
	u, err := s.PoolUsage(ctx, "p1")
	if wantErr(t, "PoolUsage p1", err, nil) && u.DatasetCount != 1 {
		t.Errorf("PoolUsage p1 after DeleteIdentity: got %d datasets, want 1", u.DatasetCount)
	}

	// An identity re-created with the same id starts with nothing.
	seed(t, s, nil, identity("p1:a", "p1"))
	checkSyncGone(t, s, "p1:a", "dev-a")
}

func testDeletePoolSync(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	syncState(t, s, "p1:a", "dev-a")
	syncState(t, s, "p1:b", "dev-b")
	syncState(t, s, "p2:c", "dev-c")
	checkSyncKept(t, s, "p1:a", "dev-a")
	checkSyncKept(t, s, "p1:b", "dev-b")
	update(t, s, func(tx storage.Tx) error { return tx.DeletePool(ctx, "p1") })
	checkSyncGone(t, s, "p1:a", "dev-a")
	checkSyncGone(t, s, "p1:b", "dev-b")
	checkSyncKept(t, s, "p2:c", "dev-c")
	u, err := s.PoolUsage(ctx, "p1")
	if wantErr(t, "PoolUsage p1", err, nil) && u != (storage.Usage{}) {
		t.Errorf("PoolUsage of the deleted pool: got %+v, want zero", u)
	}

	// A pool re-created with the same id starts unconfigured.
	seed(t, s, []storage.Pool{pool("p1")}, identity("p1:a", "p1"))
	c, err := s.GetSyncConfig(ctx, "p1")
	if wantErr(t, "GetSyncConfig of the re-created pool", err, nil) && !reflect.DeepEqual(normSyncConfig(c), storage.SyncConfig{}) {
		t.Errorf("GetSyncConfig of the re-created pool: got %+v, want zero", c)
	}
	checkSyncGone(t, s, "p1:a", "dev-a")
}

// testSyncRollback: nothing a failed Update wrote to Cognito Sync state is
// kept, and inside it every read sees the writes before it.
func testSyncRollback(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	syncState(t, s, "p1:b", "dev-b")
	errStop := errors.New("stop")
	err := s.Update(ctx, func(tx storage.Tx) error {
		d := dataset("p1:a", "d1", 1)
		writes := []struct {
			name string
			do   func() error
		}{
			{"PutDataset", func() error { return tx.PutDataset(ctx, d, 0) }},
			{"PutRecords", func() error {
				return tx.PutRecords(ctx, "p1:a", "d1", []storage.Record{record("k", "v", 1), record("l", "w", 1)})
			}},
			{"PutDataset of p1:b", func() error { return tx.PutDataset(ctx, dataset("p1:b", "d1", 2), 1) }},
			{"DeleteRecords of p1:b", func() error { return tx.DeleteRecords(ctx, "p1:b", "d1") }},
			{"PutSyncConfig", func() error { return tx.PutSyncConfig(ctx, "p1", storage.SyncConfig{}) }},
			{"PutDevice", func() error { return tx.PutDevice(ctx, device("dev-a", "p1:a", "GCM", "token")) }},
			{"Subscribe", func() error { return tx.Subscribe(ctx, "dev-a", "d1") }},
			{"Unsubscribe", func() error { return tx.Unsubscribe(ctx, "dev-b", "d1") }},
		}
		for _, w := range writes {
			if err := w.do(); err != nil {
				t.Errorf("%s inside the doomed Update: got error %v, want nil", w.name, err)
			}
		}
		got, err := tx.GetDataset(ctx, "p1:a", "d1")
		if wantErr(t, "tx.GetDataset", err, nil) {
			checkDataset(t, "tx.GetDataset", got, d)
		}
		m, err := tx.GetRecords(ctx, "p1:a", "d1", []string{"k"})
		if wantErr(t, "tx.GetRecords", err, nil) {
			checkRecordMap(t, "tx.GetRecords", m, record("k", "v", 1))
		}
		sub, err := tx.Subscribed(ctx, "dev-a", "d1")
		if wantErr(t, "tx.Subscribed", err, nil) && !sub {
			t.Errorf("tx.Subscribed: got false, want true")
		}
		return errStop
	})
	wantErr(t, "Update whose fn failed", err, errStop)
	checkSyncGone(t, s, "p1:a", "dev-a")
	checkSyncKept(t, s, "p1:b", "dev-b")
}

// testRecordCopies: record values handed to the store, and those
// ListRecords and GetRecords return, never share memory with it: changing
// them, or appending to a page, changes nothing the store holds.
func testRecordCopies(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	putDataset(t, s, dataset("p1:a", "d1", 1), 0)
	in := []storage.Record{record("a", "1", 1), record("b", "2", 1)}
	putRecords(t, s, "p1:a", "d1", in...)
	*in[0].Value = "scribbled"
	in[1].Value = nil
	want := []storage.Record{record("a", "1", 1), record("b", "2", 1)}

	for round := range 2 {
		got, err := s.ListRecords(ctx, "p1:a", "d1", storage.ListRecordsOptions{})
		if wantErr(t, "ListRecords", err, nil) {
			checkRecords(t, fmt.Sprintf("ListRecords, round %d", round), got, want)
			for _, r := range got {
				*r.Value = "scribbled"
			}
		}
		page, err := s.ListRecords(ctx, "p1:a", "d1", storage.ListRecordsOptions{Limit: 1})
		if wantErr(t, "ListRecords", err, nil) {
			checkRecords(t, fmt.Sprintf("ListRecords of one, round %d", round), page, want[:1])
			_ = append(page, record("b", "scribbled", 9))
		}
		m, err := s.GetRecords(ctx, "p1:a", "d1", []string{"a", "b"})
		if wantErr(t, "GetRecords", err, nil) {
			checkRecordMap(t, fmt.Sprintf("GetRecords, round %d", round), m, want...)
			for _, r := range m {
				*r.Value = "scribbled"
			}
		}
		update(t, s, func(tx storage.Tx) error {
			m, err := tx.GetRecords(ctx, "p1:a", "d1", []string{"a", "b"})
			if wantErr(t, "tx.GetRecords", err, nil) {
				checkRecordMap(t, fmt.Sprintf("tx.GetRecords, round %d", round), m, want...)
				for _, r := range m {
					*r.Value = "scribbled"
				}
			}
			return nil
		})
	}
}

// testConcurrentSyncCount: PutDataset's compare-and-swap loses no update.
// In each round every goroutine reads the same sync count before any
// writes, then tries to bump it: exactly one wins, the others get
// ErrConflict. Then goroutines that read inside their Update all win, one
// after the other.
func testConcurrentSyncCount(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	putDataset(t, s, dataset("p1:a", "d1", 0), 0)
	const (
		n      = 16
		rounds = 5
	)
	bump := func(tx storage.Tx, d storage.Dataset) error {
		next := d
		next.SyncCount++
		next.ModifiedAt = at(int(next.SyncCount))
		return tx.PutDataset(ctx, next, d.SyncCount)
	}

	var wins int64
	for round := range rounds {
		var (
			read, done sync.WaitGroup
			errs       [n]error
		)
		read.Add(n)
		for g := range n {
			done.Go(func() {
				d, err := s.GetDataset(ctx, "p1:a", "d1")
				read.Done()
				if err != nil {
					errs[g] = err
					return
				}
				read.Wait() // everyone has read before anyone writes
				errs[g] = s.Update(ctx, func(tx storage.Tx) error { return bump(tx, d) })
			})
		}
		done.Wait()
		won := 0
		for g := range n {
			switch {
			case errs[g] == nil:
				won++
			case !errors.Is(errs[g], storage.ErrConflict):
				t.Errorf("round %d, goroutine %d: got error %v, want nil or ErrConflict", round, g, errs[g])
			}
		}
		if won != 1 {
			t.Errorf("round %d: got %d winners, want exactly 1", round, won)
		}
		wins += int64(won)
	}

	var (
		wg   sync.WaitGroup
		errs [n]error
	)
	for g := range n {
		wg.Go(func() {
			errs[g] = s.Update(ctx, func(tx storage.Tx) error {
				d, err := tx.GetDataset(ctx, "p1:a", "d1")
				if err != nil {
					return err
				}
				return bump(tx, d)
			})
		})
	}
	wg.Wait()
	for g := range n {
		if wantErr(t, fmt.Sprintf("read-inside update %d", g), errs[g], nil) {
			wins++
		}
	}

	got, err := s.GetDataset(ctx, "p1:a", "d1")
	if wantErr(t, "GetDataset", err, nil) && got.SyncCount != wins {
		t.Errorf("final SyncCount: got %d, want %d (the successful updates)", got.SyncCount, wins)
	}
}
