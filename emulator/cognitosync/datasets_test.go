package cognitosync

import (
	"fmt"
	"slices"
	"testing"
)

func TestListDatasets(t *testing.T) {
	e := newEnv(t, Config{})
	for _, n := range []string{"c", "a", "e", "b", "d"} {
		e.mustUpdate(t, e.a1, poolA, idA1, n, put("k", "v", 0))
	}
	if _, err := e.svc.DeleteDataset(e.a1, &DeleteDatasetInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		pool string
		id   string
		size int32
		want []string
	}{
		{"one page", poolA, idA1, 0, []string{"a", "b", "c", "e"}},
		{"pages of 3", poolA, idA1, 3, []string{"a", "b", "c", "e"}},
		{"pages of 1", poolA, idA1, 1, []string{"a", "b", "c", "e"}},
		{"identity without datasets", poolA, idA2, 0, nil},
		{"unknown identity", poolA, unknownID, 0, nil},
		{"identity of another pool", poolB, idA1, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &ListDatasetsInput{IdentityPoolId: tt.pool, IdentityId: tt.id, MaxResults: &tt.size}
			var got []string
			for {
				out, err := e.svc.ListDatasets(e.dev, in)
				if err != nil {
					t.Fatal(err)
				}
				if int(out.Count) != len(out.Datasets) || out.Datasets == nil {
					t.Errorf("got Count %d for %d datasets (nil: %v), want equal and a list", out.Count, len(out.Datasets), out.Datasets == nil)
				}
				for _, d := range out.Datasets {
					if d.IdentityId != tt.id || d.NumRecords != 1 || d.DataStorage != 2 || d.CreationDate == nil {
						t.Errorf("got %+v, want the dataset of %s with one record of 2 bytes", d, tt.id)
					}
					got = append(got, d.DatasetName)
				}
				if out.NextToken == "" {
					break
				}
				in.NextToken = out.NextToken
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("token of another identity", func(t *testing.T) {
		out, err := e.svc.ListDatasets(e.a1, &ListDatasetsInput{IdentityPoolId: poolA, IdentityId: idA1, MaxResults: ptr[int32](1)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.ListDatasets(e.a2, &ListDatasetsInput{IdentityPoolId: poolA, IdentityId: idA2, NextToken: out.NextToken})
		wantErr(t, err, CodeInvalidParameter, msgBadNextToken)
	})
}

func TestDescribeDataset(t *testing.T) {
	e := newEnv(t, Config{})
	e.mustUpdate(t, e.a1, poolA, idA1, "live", put("k", "v", 0))
	e.mustUpdate(t, e.a1, poolA, idA1, "deleted", put("k", "v", 0))
	if _, err := e.svc.DeleteDataset(e.a1, &DeleteDatasetInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "deleted"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		pool    string
		id      string
		dataset string
		code    string
		msg     string
	}{
		{"live", poolA, idA1, "live", "", ""},
		{"deleted", poolA, idA1, "deleted", CodeResourceNotFound, fmt.Sprintf(msgDatasetNotFound, "deleted")},
		{"never written", poolA, idA1, "none", CodeResourceNotFound, fmt.Sprintf(msgDatasetNotFound, "none")},
		{"unknown identity", poolA, unknownID, "live", CodeResourceNotFound, fmt.Sprintf(msgIdentityNotFound, unknownID)},
		{"identity of another pool", poolB, idA1, "live", CodeResourceNotFound, fmt.Sprintf(msgIdentityNotFound, idA1)},
		{"unknown pool", unknownPool, idA1, "live", CodeResourceNotFound, fmt.Sprintf(msgPoolNotFound, unknownPool)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.svc.DescribeDataset(e.dev, &DescribeDatasetInput{IdentityPoolId: tt.pool, IdentityId: tt.id, DatasetName: tt.dataset})
			wantErr(t, err, tt.code, tt.msg)
			if err == nil && (out.Dataset.DatasetName != tt.dataset || out.Dataset.NumRecords != 1) {
				t.Errorf("got %+v, want dataset %s with one record", out.Dataset, tt.dataset)
			}
		})
	}
}

func TestDeleteDataset(t *testing.T) {
	e := newEnv(t, Config{})
	in := &DeleteDatasetInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d"}
	_, err := e.svc.DeleteDataset(e.a1, in)
	wantErr(t, err, CodeResourceNotFound, fmt.Sprintf(msgDatasetNotFound, "d"))

	e.mustUpdate(t, e.a1, poolA, idA1, "d", put("a", "1", 0), put("b", "2", 0))
	e.mustUpdate(t, e.a1, poolA, idA1, "d", put("a", "3", 1))
	out, err := e.svc.DeleteDataset(e.a1, in)
	if err != nil {
		t.Fatal(err)
	}
	if out.Dataset.DatasetName != "d" || out.Dataset.NumRecords != 2 || out.Dataset.DataStorage != 4 {
		t.Errorf("got %+v, want the dataset as it was: 2 records of 4 bytes", out.Dataset)
	}
	_, err = e.svc.DeleteDataset(e.a1, in)
	wantErr(t, err, CodeResourceNotFound, fmt.Sprintf(msgDatasetNotFound, "d"))
	_, err = e.svc.DescribeDataset(e.a1, in)
	wantErr(t, err, CodeResourceNotFound, "")

	// What devices holding the dataset at various counts learn.
	tests := []struct {
		name        string
		since       int64
		wantDeleted bool
	}{
		{"never synced", 0, false},
		{"synced at 1", 1, true},
		{"synced at 2", 2, true},
		{"listed after the deletion", 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := e.list(t, e.a1, poolA, idA1, "d", tt.since)
			if l.DatasetExists || l.DatasetDeletedAfterRequestedSyncCount != tt.wantDeleted || len(l.Records) != 0 || l.DatasetSyncCount != 3 {
				t.Errorf("got exists %v, deleted-after %v, %d records at %d; want false, %v, 0 at 3",
					l.DatasetExists, l.DatasetDeletedAfterRequestedSyncCount, len(l.Records), l.DatasetSyncCount, tt.wantDeleted)
			}
		})
	}
	if u, err := e.store.IdentityUsage(e.dev, idA1); err != nil || u.DatasetCount != 0 || u.DataStorage != 0 {
		t.Errorf("got usage %+v, %v, want nothing stored", u, err)
	}

	// Re-creation continues the sequence; old records do not come back,
	// and a device from before the deletion is still told to wipe.
	up := e.mustUpdate(t, e.a1, poolA, idA1, "d", put("b", "new", 0))
	if got := values(up.Records); !slices.Equal(got, []string{"b=new@4"}) {
		t.Errorf("got %v, want [b=new@4]", got)
	}
	l := e.list(t, e.a1, poolA, idA1, "d", 2)
	if got := values(l.Records); !l.DatasetExists || !l.DatasetDeletedAfterRequestedSyncCount || !slices.Equal(got, []string{"b=new@4"}) {
		t.Errorf("got exists %v, deleted-after %v, %v; want true, true, [b=new@4]", l.DatasetExists, l.DatasetDeletedAfterRequestedSyncCount, got)
	}
	l = e.list(t, e.a1, poolA, idA1, "d", 4)
	if !l.DatasetExists || l.DatasetDeletedAfterRequestedSyncCount || len(l.Records) != 0 {
		t.Errorf("got exists %v, deleted-after %v, %d records; want true, false, 0", l.DatasetExists, l.DatasetDeletedAfterRequestedSyncCount, len(l.Records))
	}
	d, err := e.svc.DescribeDataset(e.a1, in)
	if err != nil || d.Dataset.NumRecords != 1 {
		t.Errorf("got %+v, %v, want the re-created dataset with one record", d, err)
	}
}

// TestStaleWriterAfterDelete: a device that still holds records of a
// dataset another client deleted cannot write them back blindly, and
// learns of the deletion when it lists.
func TestStaleWriterAfterDelete(t *testing.T) {
	e := newEnv(t, Config{})
	e.mustUpdate(t, e.a1, poolA, idA1, "d", put("a", "1", 0))
	tok := e.token(t, e.a1, poolA, idA1, "d")
	if _, err := e.svc.DeleteDataset(e.dev, &DeleteDatasetInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d"}); err != nil {
		t.Fatal(err)
	}
	write := func(p RecordPatch) error {
		_, err := e.svc.UpdateRecords(e.a1, &UpdateRecordsInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d",
			SyncSessionToken: tok, RecordPatches: []RecordPatch{p}})
		return err
	}
	wantErr(t, write(put("a", "2", 1)), CodeResourceConflict, "Current SyncCount for: a is: 0 not: 1")
	if l := e.list(t, e.a1, poolA, idA1, "d", 1); !l.DatasetDeletedAfterRequestedSyncCount || l.DatasetExists {
		t.Errorf("got deleted-after %v, exists %v, want true, false", l.DatasetDeletedAfterRequestedSyncCount, l.DatasetExists)
	}
	if err := write(put("n", "x", 0)); err != nil {
		t.Fatalf("write of a new key: %v", err)
	}
	if got := values(e.list(t, e.a1, poolA, idA1, "d", 0).Records); !slices.Equal(got, []string{"n=x@3"}) {
		t.Errorf("got %v, want [n=x@3]", got)
	}
}
