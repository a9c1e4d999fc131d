package sqlite

import (
	"testing"

	"github.com/idpool/idpool/storage"
)

// TestSyncCachePairsSnapshots: between a commit and its invalidation,
// readers may put values of both states, all accepted by the generation
// check. The cache must keep a dataset with the records read with it: a
// dataset read alone never replaces one cached with its records, and a
// dataset read with its records replaces one read alone.
func TestSyncCachePairsSnapshots(t *testing.T) {
	k := dsKey{"p1:a", "d"}
	v := "v"
	before, after := &storage.Dataset{SyncCount: 1}, &storage.Dataset{SyncCount: 2}
	beforeRecs := []storage.Record{{Key: "k", Value: &v, SyncCount: 1}}
	afterRecs := []storage.Record{{Key: "k", Value: &v, SyncCount: 2}}
	tests := []struct {
		name     string
		put      func(c *syncCache, gen uint64)
		want     *storage.Dataset
		wantRecs []storage.Record
	}{
		{"a dataset read alone after its records", func(c *syncCache, gen uint64) {
			c.putSnapshot(k, before, beforeRecs, false, gen)
			c.putDataset(k, after, gen)
		}, before, beforeRecs},
		{"records read with their dataset after a dataset alone", func(c *syncCache, gen uint64) {
			c.putDataset(k, before, gen)
			c.putSnapshot(k, after, afterRecs, false, gen)
		}, after, afterRecs},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newSyncCache()
			_, _, _, gen, ok := c.snapshot(k)
			if ok {
				t.Fatal("snapshot of an empty cache: got a hit, want a miss")
			}
			tc.put(c, gen)
			d, rs, big, _, ok := c.snapshot(k)
			if !ok || big {
				t.Fatalf("snapshot: got ok %v, big %v, want a hit with records", ok, big)
			}
			if d != tc.want || len(rs) != len(tc.wantRecs) || rs[0].SyncCount != tc.wantRecs[0].SyncCount {
				t.Errorf("snapshot: got dataset at %d with a record at %d, want dataset at %d with a record at %d",
					d.SyncCount, rs[0].SyncCount, tc.want.SyncCount, tc.wantRecs[0].SyncCount)
			}
			if d, _, ok := c.dataset(k); !ok || d != tc.want {
				t.Errorf("dataset: got %+v (hit %v), want the dataset at %d", d, ok, tc.want.SyncCount)
			}
		})
	}
}
