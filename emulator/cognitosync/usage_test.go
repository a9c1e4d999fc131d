package cognitosync

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

func TestDescribeIdentityUsage(t *testing.T) {
	e := newEnv(t, Config{})
	e.mustUpdate(t, e.a1, poolA, idA1, "x", put("key", "value", 0)) // 8 bytes
	e.clock.Advance(time.Minute)
	e.mustUpdate(t, e.a1, poolA, idA1, "y", put("k", "v", 0)) // 2 bytes
	tests := []struct {
		name      string
		pool      string
		id        string
		code      string
		count     int32
		bytes     int64
		wantMtime bool
	}{
		{"identity with data", poolA, idA1, "", 2, 10, true},
		{"identity without data", poolA, idA2, "", 0, 0, false},
		{"unknown identity", poolA, unknownID, CodeResourceNotFound, 0, 0, false},
		{"identity of another pool", poolB, idA1, CodeResourceNotFound, 0, 0, false},
		{"unknown pool", unknownPool, idA1, CodeResourceNotFound, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.svc.DescribeIdentityUsage(e.dev, &DescribeIdentityUsageInput{IdentityPoolId: tt.pool, IdentityId: tt.id})
			wantErr(t, err, tt.code, "")
			if err != nil {
				return
			}
			u := out.IdentityUsage
			if u.IdentityId != tt.id || u.IdentityPoolId != tt.pool || u.DatasetCount != tt.count || u.DataStorage != tt.bytes {
				t.Errorf("got %+v, want %d datasets of %d bytes", u, tt.count, tt.bytes)
			}
			if (u.LastModifiedDate != nil) != tt.wantMtime || tt.wantMtime && !u.LastModifiedDate.Time().Equal(e.clock.Now()) {
				t.Errorf("got LastModifiedDate %v, want the last write: %v", u.LastModifiedDate, tt.wantMtime)
			}
		})
	}
}

func TestPoolUsage(t *testing.T) {
	e := newEnv(t, Config{})
	e.mustUpdate(t, e.a1, poolA, idA1, "x", put("key", "value", 0)) // 2 sessions: the token, the list
	e.mustUpdate(t, e.a2, poolA, idA2, "x", put("k", "v", 0))
	e.list(t, e.b1, poolB, idB1, "x", 0)
	// Listings that continue a session, or name an unknown identity, start none.
	tok := e.token(t, e.a1, poolA, idA1, "x")
	if _, err := e.svc.ListRecords(e.a1, &ListRecordsInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "x", SyncSessionToken: tok}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ListRecords(e.dev, &ListRecordsInput{IdentityPoolId: poolA, IdentityId: unknownID, DatasetName: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ListRecords(e.dev, &ListRecordsInput{IdentityPoolId: unknownPool, IdentityId: unknownID, DatasetName: "x"}); err != nil {
		t.Fatal(err)
	}
	want := map[string]IdentityPoolUsage{
		poolA: {IdentityPoolId: poolA, SyncSessionsCount: 3, DataStorage: 10},
		poolB: {IdentityPoolId: poolB, SyncSessionsCount: 1, DataStorage: 0},
	}
	for _, pool := range []string{poolA, poolB} {
		t.Run("describe "+pool, func(t *testing.T) {
			out, err := e.svc.DescribeIdentityPoolUsage(e.dev, &DescribeIdentityPoolUsageInput{IdentityPoolId: pool})
			if err != nil {
				t.Fatal(err)
			}
			checkPoolUsage(t, out.IdentityPoolUsage, want[pool])
		})
	}
	t.Run("describe unknown pool", func(t *testing.T) {
		_, err := e.svc.DescribeIdentityPoolUsage(e.dev, &DescribeIdentityPoolUsageInput{IdentityPoolId: unknownPool})
		wantErr(t, err, CodeResourceNotFound, fmt.Sprintf(msgPoolNotFound, unknownPool))
	})

	// Three more pools for paging.
	err := e.store.Update(context.Background(), func(tx storage.Tx) error {
		for i := range 3 {
			if err := tx.CreatePool(context.Background(), storage.Pool{ID: fmt.Sprintf("us-east-1:cccccccc-0000-0000-0000-00000000000%d", i), Name: "p"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int32{0, 1, 2, 5, 100} {
		t.Run(fmt.Sprint("list by ", size), func(t *testing.T) {
			in := &ListIdentityPoolUsageInput{MaxResults: &size}
			var got []string
			for {
				out, err := e.svc.ListIdentityPoolUsage(e.dev, in)
				if err != nil {
					t.Fatal(err)
				}
				if int(out.Count) != len(out.IdentityPoolUsages) || out.MaxResults != int32(pageSize(&size, maxPoolsPage)) {
					t.Errorf("got Count %d for %d pools, MaxResults %d", out.Count, len(out.IdentityPoolUsages), out.MaxResults)
				}
				for _, u := range out.IdentityPoolUsages {
					got = append(got, u.IdentityPoolId)
					if w, ok := want[u.IdentityPoolId]; ok {
						checkPoolUsage(t, u, w)
					}
				}
				if out.NextToken == "" {
					break
				}
				in.NextToken = out.NextToken
			}
			if len(got) != 5 || !slices.IsSorted(got) {
				t.Errorf("got %v, want the 5 pools in order", got)
			}
		})
	}
	_, err = e.svc.ListIdentityPoolUsage(e.dev, &ListIdentityPoolUsageInput{NextToken: "bm9wZQ"})
	wantErr(t, err, CodeInvalidParameter, msgBadNextToken)
	// A token of Cognito Identity's ListIdentityPools, which lists the
	// same pools in the same order, is not this listing's.
	identityToken := protocol.EncodePageToken("pools", testRegion, "us-east-1:00000000-0000-0000-0000-000000000000")
	_, err = e.svc.ListIdentityPoolUsage(e.dev, &ListIdentityPoolUsageInput{NextToken: identityToken})
	wantErr(t, err, CodeInvalidParameter, msgBadNextToken)
}

func checkPoolUsage(t *testing.T, got, want IdentityPoolUsage) {
	t.Helper()
	if got.IdentityPoolId != want.IdentityPoolId || got.SyncSessionsCount != want.SyncSessionsCount || got.DataStorage != want.DataStorage {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if (got.LastModifiedDate != nil) != (want.DataStorage > 0) {
		t.Errorf("got LastModifiedDate %v, want one only for a pool with data", got.LastModifiedDate)
	}
}

// TestUsageAfterDeletion: deleting the newest dataset is the last change
// of the identity's and the pool's usage, which never go back in time.
func TestUsageAfterDeletion(t *testing.T) {
	e := newEnv(t, Config{})
	e.mustUpdate(t, e.a1, poolA, idA1, "old", put("k", "v", 0))
	e.clock.Advance(time.Minute)
	e.mustUpdate(t, e.a1, poolA, idA1, "new", put("k", "v", 0))
	e.clock.Advance(time.Minute)
	if _, err := e.svc.DeleteDataset(e.a1, &DeleteDatasetInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "new"}); err != nil {
		t.Fatal(err)
	}
	deleted := e.clock.Now()
	e.clock.Advance(time.Minute)

	id, err := e.svc.DescribeIdentityUsage(e.dev, &DescribeIdentityUsageInput{IdentityPoolId: poolA, IdentityId: idA1})
	if err != nil {
		t.Fatal(err)
	}
	pool, err := e.svc.DescribeIdentityPoolUsage(e.dev, &DescribeIdentityPoolUsageInput{IdentityPoolId: poolA})
	if err != nil {
		t.Fatal(err)
	}
	list, err := e.svc.ListIdentityPoolUsage(e.dev, &ListIdentityPoolUsageInput{})
	if err != nil {
		t.Fatal(err)
	}
	var listed *protocol.Time
	for _, u := range list.IdentityPoolUsages {
		if u.IdentityPoolId == poolA {
			listed = u.LastModifiedDate
		}
	}
	for _, tc := range []struct {
		name  string
		date  *protocol.Time
		count int64
	}{
		{"DescribeIdentityUsage", id.IdentityUsage.LastModifiedDate, int64(id.IdentityUsage.DatasetCount)},
		{"DescribeIdentityPoolUsage", pool.IdentityPoolUsage.LastModifiedDate, -1},
		{"ListIdentityPoolUsage", listed, -1},
	} {
		if tc.date == nil || !tc.date.Time().Equal(deleted) {
			t.Errorf("%s: got LastModifiedDate %v, want the deletion's %v", tc.name, tc.date, deleted)
		}
		if tc.count >= 0 && tc.count != 1 {
			t.Errorf("%s: got %d datasets, want 1", tc.name, tc.count)
		}
	}
}

// TestForgetPool: the count of sync sessions of a deleted pool goes, and
// only that pool's.
func TestForgetPool(t *testing.T) {
	e := newEnv(t, Config{})
	e.svc.countSession(poolA)
	e.svc.countSession(poolB)
	e.svc.ForgetPool(poolA)
	if _, ok := e.svc.sessions.Load(poolA); ok {
		t.Errorf("sessions of %s after ForgetPool: got an entry, want none", poolA)
	}
	if got := e.svc.sessionCount(poolB); got != 1 {
		t.Errorf("sessions of %s: got %d, want 1", poolB, got)
	}
}
