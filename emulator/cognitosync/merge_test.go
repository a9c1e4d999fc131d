package cognitosync

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/idpool/idpool/storage"
)

func TestMergeDatasets(t *testing.T) {
	e := newEnv(t, Config{})
	// Loser A2: "only" (the survivor has none), "shared" (the survivor has
	// one), "revived" (the survivor deleted its own).
	e.mustUpdate(t, e.a2, poolA, idA2, "only", put("k", "loser", 0))
	e.mustUpdate(t, e.a2, poolA, idA2, "only", put("k", "loser2", 1))
	e.mustUpdate(t, e.a2, poolA, idA2, "shared", put("k", "loser", 0))
	e.mustUpdate(t, e.a2, poolA, idA2, "revived", put("k", "loser", 0))
	e.mustUpdate(t, e.a1, poolA, idA1, "shared", put("k", "survivor", 0))
	for range 3 {
		e.mustUpdate(t, e.a1, poolA, idA1, "revived", put("n", "x", e.syncCount(t, idA1, "revived")))
	}
	if _, err := e.svc.DeleteDataset(e.a1, &DeleteDatasetInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "revived"}); err != nil {
		t.Fatal(err)
	}
	merge(t, e, idA2, idA1)

	tests := []struct {
		name       string
		dataset    string
		since      int64
		want       []string
		wantMerged []string
		deleted    bool
	}{
		{"moved unchanged", "only", 0, []string{"k=loser2@2"}, nil, false},
		{"moved, from the loser's count", "only", 1, []string{"k=loser2@2"}, nil, false},
		{"survivor's own, reporting the merge", "shared", 0, []string{"k=survivor@1"}, []string{"shared." + idA2}, false},
		{"merged copy", "shared." + idA2, 0, []string{"k=loser@1"}, nil, false},
		{"revived over a deletion", "revived", 0, []string{"k=loser@5"}, nil, false},
		{"revived, for a survivor device from before the deletion", "revived", 3, []string{"k=loser@5"}, nil, true},
		{"revived, for a loser device", "revived", 1, []string{"k=loser@5"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := e.list(t, e.a1, poolA, idA1, tt.dataset, tt.since)
			if got := values(out.Records); !slices.Equal(got, tt.want) || !out.DatasetExists {
				t.Errorf("got %v (exists %v), want %v", got, out.DatasetExists, tt.want)
			}
			if !slices.Equal(out.MergedDatasetNames, tt.wantMerged) {
				t.Errorf("got MergedDatasetNames %v, want %v", out.MergedDatasetNames, tt.wantMerged)
			}
			if out.DatasetDeletedAfterRequestedSyncCount != tt.deleted {
				t.Errorf("got deleted-after %v, want %v", out.DatasetDeletedAfterRequestedSyncCount, tt.deleted)
			}
		})
	}
	if got := datasetNames(t, e, idA2); len(got) != 0 {
		t.Errorf("got loser datasets %v, want none", got)
	}
	if got, want := datasetNames(t, e, idA1), []string{"only", "revived", "shared", "shared." + idA2}; !slices.Equal(got, want) {
		t.Errorf("got survivor datasets %v, want %v", got, want)
	}
	if d := e.stored(t, idA1, "shared."+idA2); d.MergedFrom != idA2 || d.PoolID != poolA || d.NumRecords != 1 {
		t.Errorf("got %+v, want a merged dataset from %s", d, idA2)
	}
	if d := e.stored(t, idA1, "only"); d.MergedFrom != "" {
		t.Errorf("got MergedFrom %q for a moved dataset, want none", d.MergedFrom)
	}

	// Once the client deletes the merged copy, the merge is no longer reported.
	if _, err := e.svc.DeleteDataset(e.a1, &DeleteDatasetInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "shared." + idA2}); err != nil {
		t.Fatal(err)
	}
	if out := e.list(t, e.a1, poolA, idA1, "shared", 0); len(out.MergedDatasetNames) != 0 {
		t.Errorf("got MergedDatasetNames %v after deleting the merged copy, want none", out.MergedDatasetNames)
	}
}

func TestMergeDatasetsNameTaken(t *testing.T) {
	e := newEnv(t, Config{})
	e.mustUpdate(t, e.a2, poolA, idA2, "d", put("k", "loser", 0))
	e.mustUpdate(t, e.a1, poolA, idA1, "d", put("k", "survivor", 0))
	// A dataset the survivor wrote that happens to bear the merged name.
	e.mustUpdate(t, e.a1, poolA, idA1, "d."+idA2, put("k", "mine", 0))
	merge(t, e, idA2, idA1)
	out := e.list(t, e.a1, poolA, idA1, "d", 0)
	if want := []string{"d." + idA2 + ".2"}; !slices.Equal(out.MergedDatasetNames, want) {
		t.Errorf("got MergedDatasetNames %v, want %v", out.MergedDatasetNames, want)
	}
	if got := values(e.list(t, e.a1, poolA, idA1, "d."+idA2+".2", 0).Records); !slices.Equal(got, []string{"k=loser@1"}) {
		t.Errorf("got %v, want the loser's record", got)
	}
}

func TestMergedName(t *testing.T) {
	const from = "us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
	const uuid = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
	tests := []struct {
		name    string
		dataset string
		i       int
		want    string
	}{
		{"first", "d", 1, "d." + from},
		{"taken", "d", 2, "d." + from + ".2"},
		{"longest with the region", strings.Repeat("n", 81), 1, strings.Repeat("n", 81) + "." + from},
		{"too long for the region", strings.Repeat("n", 82), 1, strings.Repeat("n", 82) + "." + uuid},
		{"too long for the region, taken", strings.Repeat("n", 82), 3, strings.Repeat("n", 82) + "." + uuid + ".3"},
		{"too long for any suffix", strings.Repeat("n", 128), 1, strings.Repeat("n", 91) + "." + uuid},
		{"too long for any suffix, last try", strings.Repeat("n", 128), maxMergeNames - 1, strings.Repeat("n", 87) + "." + uuid + ".999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mergedName(tt.dataset, from, tt.i)
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if len(got) > maxDatasetName {
				t.Errorf("got %d characters, want at most %d", len(got), maxDatasetName)
			}
			if p := MergedPrefix(tt.dataset); !strings.HasPrefix(got, p) {
				t.Errorf("got %s, want it to start with %s, where ListRecords looks", got, p)
			}
		})
	}
}

// TestMergeDatasetsCutName: a dataset name too long for any suffix gets a
// cut merged copy name, which starts like another dataset's name. The copy
// is reported under the dataset it came from, and never under the other
// one, whichever names the merge had to try.
func TestMergeDatasetsCutName(t *testing.T) {
	long := "settings_" + strings.Repeat("x", 119) // 128 characters
	tests := []struct {
		name  string
		long  string
		other string // a dataset of the survivor that the copy's name starts with
	}{
		{"128 characters", long, long[:91]},
		{"100 characters", long[:100], long[:91]},
		{"88 characters", long[:88], long[:87]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Config{})
			e.mustUpdate(t, e.a1, poolA, idA1, tt.long, put("theme", "dark", 0))
			e.mustUpdate(t, e.a1, poolA, idA1, tt.other, put("other", "A", 0))
			e.mustUpdate(t, e.a2, poolA, idA2, tt.long, put("theme", "light", 0))
			merge(t, e, idA2, idA1)

			out := e.list(t, e.a1, poolA, idA1, tt.long, 0)
			if len(out.MergedDatasetNames) != 1 {
				t.Fatalf("ListRecords of the %d-character name: got MergedDatasetNames %v, want the merged copy", len(tt.long), out.MergedDatasetNames)
			}
			merged := out.MergedDatasetNames[0]
			if len(merged) > maxDatasetName || merged == tt.long {
				t.Errorf("got merged name %s (%d characters), want another name of at most %d", merged, len(merged), maxDatasetName)
			}
			if got := values(e.list(t, e.a1, poolA, idA1, merged, 0).Records); !slices.Equal(got, []string{"theme=light@1"}) {
				t.Errorf("ListRecords of %s: got %v, want the loser's record", merged, got)
			}
			if out := e.list(t, e.a1, poolA, idA1, tt.other, 0); len(out.MergedDatasetNames) != 0 {
				t.Errorf("ListRecords of the unrelated %s: got MergedDatasetNames %v, want none", tt.other, out.MergedDatasetNames)
			}
		})
	}
}

// TestMergeDatasetsLongName: the merged copy of a dataset whose name
// leaves no room for the loser's full id can be read, reported and
// deleted.
func TestMergeDatasetsLongName(t *testing.T) {
	e := newEnv(t, Config{})
	name := strings.Repeat("n", 90)
	e.mustUpdate(t, e.a2, poolA, idA2, name, put("k", "loser", 0))
	e.mustUpdate(t, e.a1, poolA, idA1, name, put("k", "survivor", 0))
	merge(t, e, idA2, idA1)
	out := e.list(t, e.a1, poolA, idA1, name, 0)
	if len(out.MergedDatasetNames) != 1 {
		t.Fatalf("got MergedDatasetNames %v, want one name", out.MergedDatasetNames)
	}
	merged := out.MergedDatasetNames[0]
	if len(merged) > maxDatasetName {
		t.Errorf("got merged name %s of %d characters, want at most %d", merged, len(merged), maxDatasetName)
	}
	if got := values(e.list(t, e.a1, poolA, idA1, merged, 0).Records); !slices.Equal(got, []string{"k=loser@1"}) {
		t.Errorf("ListRecords of %s: got %v, want the loser's record", merged, got)
	}
	if _, err := e.svc.DeleteDataset(e.a1, &DeleteDatasetInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: merged}); err != nil {
		t.Fatalf("DeleteDataset of %s: %v", merged, err)
	}
	if out := e.list(t, e.a1, poolA, idA1, name, 0); len(out.MergedDatasetNames) != 0 {
		t.Errorf("got MergedDatasetNames %v after deleting the merged copy, want none", out.MergedDatasetNames)
	}
}

func TestMergeDatasetsRefused(t *testing.T) {
	e := newEnv(t, Config{})
	e.mustUpdate(t, e.b1, poolB, idB1, "d", put("k", "v", 0))
	err := e.store.Update(context.Background(), func(tx storage.Tx) error {
		from, _ := tx.GetIdentity(context.Background(), idB1)
		to, _ := tx.GetIdentity(context.Background(), idA1)
		return MergeDatasets(context.Background(), tx, from, to)
	})
	if err == nil {
		t.Fatal("got a merge across pools, want an error")
	}
	if got := datasetNames(t, e, idB1); !slices.Equal(got, []string{"d"}) {
		t.Errorf("got %v, want the dataset left in place", got)
	}
}

// merge runs MergeDatasets from → to in one transaction.
func merge(t *testing.T, e *env, from, to string) {
	t.Helper()
	ctx := context.Background()
	err := e.store.Update(ctx, func(tx storage.Tx) error {
		f, err := tx.GetIdentity(ctx, from)
		if err != nil {
			return err
		}
		s, err := tx.GetIdentity(ctx, to)
		if err != nil {
			return err
		}
		return MergeDatasets(ctx, tx, f, s)
	})
	if err != nil {
		t.Fatalf("MergeDatasets: %v", err)
	}
}

func datasetNames(t *testing.T, e *env, id string) []string {
	t.Helper()
	ds, err := e.store.ListDatasets(context.Background(), id, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(ds))
	for i, d := range ds {
		names[i] = d.Name
	}
	return names
}
