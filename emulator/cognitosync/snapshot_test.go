package cognitosync

import (
	"fmt"
	"strings"
	"testing"

	"github.com/idpool/idpool/storage/storagetest"
)

// syncState is what a device takes from a ListRecords answer.
func syncState(out *ListRecordsOutput) string {
	recs := make([]string, len(out.Records))
	for i, r := range out.Records {
		recs[i] = fmt.Sprintf("%s@%d", r.Key, r.SyncCount)
	}
	return fmt.Sprintf("exists=%v count=%d deletedAfter=%v records=[%s]", out.DatasetExists, out.DatasetSyncCount,
		out.DatasetDeletedAfterRequestedSyncCount, strings.Join(recs, " "))
}

// TestListRecordsIsOneState runs a write while ListRecords reads: right
// after its first read of the dataset. The answer must be the state
// before the write or the state after it, never a mix: a device stores
// DatasetSyncCount as the count it holds, so a count below that of its
// records makes it pull them again, a live dataset answered without its
// records looks emptied, and the count of a dataset from before its
// deletion with the records of its re-creation hides the deletion from a
// device that synced before it (DatasetDeletedAfterRequestedSyncCount).
func TestListRecordsIsOneState(t *testing.T) {
	const keys = 10
	all := func(value string, counts ...int64) []RecordPatch {
		ps := make([]RecordPatch, keys)
		for i := range ps {
			ps[i] = put(fmt.Sprintf("k%02d", i), value, counts[i%len(counts)])
		}
		return ps
	}
	// Values of 8 KiB make the dataset too big for the store's cache.
	big := strings.Repeat("v", 8<<10)
	tests := []struct {
		name  string
		value string
		since int64
		write func(t *testing.T, e *env)
	}{
		{"UpdateRecords", "v", 0, func(t *testing.T, e *env) { e.mustUpdate(t, e.a1, poolA, idA1, "d", all("v2", 1)...) }},
		{"UpdateRecords of a dataset too big to cache", big, 0, func(t *testing.T, e *env) {
			e.mustUpdate(t, e.a1, poolA, idA1, "d", all(big+"2", 1)...)
		}},
		{"UpdateRecords, incremental", "v", 1, func(t *testing.T, e *env) { e.mustUpdate(t, e.a1, poolA, idA1, "d", all("v2", 1)...) }},
		{"DeleteDataset", "v", 0, func(t *testing.T, e *env) { e.deleteDataset(t, "d") }},
		{"DeleteDataset of a dataset too big to cache", big, 0, func(t *testing.T, e *env) { e.deleteDataset(t, "d") }},
		{"DeleteDataset and a re-creation", "v", 1, func(t *testing.T, e *env) {
			e.deleteDataset(t, "d")
			e.mustUpdate(t, e.a1, poolA, idA1, "d", all("new", 0)...)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, Config{})
			e.mustUpdate(t, e.a1, poolA, idA1, "d", all(tc.value, 0)...)
			in := &ListRecordsInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d", LastSyncCount: &tc.since}
			before := e.list(t, e.a1, poolA, idA1, "d", tc.since)

			inner := e.store
			w := &storagetest.ReadRacing{Store: inner}
			e.svc.store = w
			w.Arm(func() { tc.write(t, e) })
			got, err := e.svc.ListRecords(e.a1, in)
			if err != nil {
				t.Fatalf("ListRecords: %v", err)
			}
			if !w.Fired() {
				t.Fatal("ListRecords never read the dataset: the write was not run")
			}
			after := e.list(t, e.a1, poolA, idA1, "d", tc.since)
			if g, b, a := syncState(got), syncState(before), syncState(after); g != b && g != a {
				t.Errorf("got %s, want the state before the write, %s, or after it, %s", g, b, a)
			}
			for _, r := range got.Records {
				if r.SyncCount > got.DatasetSyncCount {
					t.Errorf("got record %s at SyncCount %d, want at most DatasetSyncCount %d", r.Key, r.SyncCount, got.DatasetSyncCount)
					break
				}
			}
		})
	}
}

// deleteDataset deletes a dataset of identity A1, failing the test if that
// fails.
func (e *env) deleteDataset(t *testing.T, name string) {
	t.Helper()
	if _, err := e.svc.DeleteDataset(e.a1, &DeleteDatasetInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: name}); err != nil {
		t.Fatalf("DeleteDataset(%s): %v", name, err)
	}
}
