package cognitosync

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

func TestListRecordsNewDataset(t *testing.T) {
	e := newEnv(t, Config{})
	tests := []struct {
		name string
		ctx  context.Context
		pool string
		id   string
	}{
		{"own identity", e.a1, poolA, idA1},
		{"developer", e.dev, poolA, idA1},
		{"developer, unknown identity", e.dev, poolA, unknownID},
		{"developer, unknown pool", e.dev, unknownPool, unknownID},
		{"developer, identity of another pool", e.dev, poolB, idA1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.svc.ListRecords(tt.ctx, &ListRecordsInput{IdentityPoolId: tt.pool, IdentityId: tt.id, DatasetName: "settings"})
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			b, _ := json.Marshal(out)
			got := strings.Replace(string(b), out.SyncSessionToken, "T", 1)
			want := `{"Records":[],"Count":0,"DatasetSyncCount":0,"DatasetExists":false,"DatasetDeletedAfterRequestedSyncCount":false,"SyncSessionToken":"T"}`
			if got != want {
				t.Errorf("got %s, want %s", got, want)
			}
			if !e.svc.validSession(out.SyncSessionToken, tt.id, "settings", e.clock.Now()) {
				t.Errorf("got token %q, want one valid for %s/settings", out.SyncSessionToken, tt.id)
			}
		})
	}
}

func TestListRecordsErrors(t *testing.T) {
	e := newEnv(t, Config{})
	e.mustUpdate(t, e.a1, poolA, idA1, "d", put("a", "1", 0), put("b", "2", 0), put("c", "3", 0))
	first, err := e.svc.ListRecords(e.a1, &ListRecordsInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d", MaxResults: ptr[int32](1)})
	if err != nil || first.NextToken == "" {
		t.Fatalf("got %+v, %v, want a first page with a NextToken", first, err)
	}
	tests := []struct {
		name string
		in   ListRecordsInput
		code string
	}{
		{"negative lastSyncCount", ListRecordsInput{LastSyncCount: ptr[int64](-1)}, CodeInvalidParameter},
		{"garbage NextToken", ListRecordsInput{NextToken: "%%%"}, CodeInvalidParameter},
		{"NextToken of another listing", ListRecordsInput{NextToken: protocol.EncodePageToken(pageDatasets, idA1, "d")}, CodeInvalidParameter},
		{"NextToken for another lastSyncCount", ListRecordsInput{NextToken: first.NextToken, LastSyncCount: ptr[int64](1)}, CodeInvalidParameter},
		{"NextToken with a bad position", ListRecordsInput{NextToken: protocol.EncodePageToken(pageRecords, recordsScope(idA1, "d", 0), "x\x00a")}, CodeInvalidParameter},
		{"NextToken of the listing", ListRecordsInput{NextToken: first.NextToken}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.IdentityPoolId, in.IdentityId, in.DatasetName = poolA, idA1, "d"
			_, err := e.svc.ListRecords(e.a1, &in)
			wantErr(t, err, tt.code, "")
		})
	}
}

// TestListRecordsBeyondCount checks that a lastSyncCount above a live
// dataset's count is refused in AWS's words (aws-sdk-unity#94; the iOS
// SDK's syncPull steps its count back on that message), while a dataset
// that does not exist or was deleted still answers, as the clients need.
func TestListRecordsBeyondCount(t *testing.T) {
	e := newEnv(t, Config{})
	e.mustUpdate(t, e.a1, poolA, idA1, "live", put("a", "1", 0))
	e.mustUpdate(t, e.a1, poolA, idA1, "gone", put("a", "1", 0))
	if _, err := e.svc.DeleteDataset(e.a1, &DeleteDatasetInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "gone"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dataset string
		since         int64
		code, msg     string
	}{
		{"the dataset's own count", "live", 1, "", ""},
		{"one beyond the dataset's count", "live", 2, CodeInvalidParameter, "No such SyncCount: 2 exists for this Dataset"},
		{"far beyond the dataset's count", "live", 37, CodeInvalidParameter, "No such SyncCount: 37 exists for this Dataset"},
		{"a dataset that never existed", "never", 5, "", ""},
		{"a deleted dataset", "gone", 5, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.ListRecords(e.a1, &ListRecordsInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: tt.dataset, LastSyncCount: &tt.since})
			wantErr(t, err, tt.code, tt.msg)
		})
	}
}

func TestListRecordsPaging(t *testing.T) {
	e := newEnv(t, Config{})
	e.mustUpdate(t, e.a1, poolA, idA1, "d", put("e", "1", 0), put("a", "1", 0), put("c", "1", 0))
	e.mustUpdate(t, e.a1, poolA, idA1, "d", put("b", "2", 0), put("d", "2", 0))
	tests := []struct {
		name  string
		since int64
		size  int32
		want  []string
	}{
		{"everything, pages of 2", 0, 2, []string{"a=1@1", "b=2@2", "c=1@1", "d=2@2", "e=1@1"}},
		{"everything, one page", 0, 0, []string{"a=1@1", "b=2@2", "c=1@1", "d=2@2", "e=1@1"}},
		{"since 1, pages of 1", 1, 1, []string{"b=2@2", "d=2@2"}},
		{"since 2", 2, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &ListRecordsInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d", LastSyncCount: &tt.since, MaxResults: &tt.size}
			var got []string
			for pages := 0; ; pages++ {
				if pages > 10 {
					t.Fatal("NextToken never ends")
				}
				out, err := e.svc.ListRecords(e.a1, in)
				if err != nil {
					t.Fatal(err)
				}
				if tt.size > 0 && len(out.Records) > int(tt.size) {
					t.Errorf("got %d records in a page, want at most %d", len(out.Records), tt.size)
				}
				if int(out.Count) != len(out.Records) || out.DatasetSyncCount != 2 || !out.DatasetExists {
					t.Errorf("got Count %d for %d records, sync count %d, exists %v; want equal counts, 2, true",
						out.Count, len(out.Records), out.DatasetSyncCount, out.DatasetExists)
				}
				got = append(got, values(out.Records)...)
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
}

// TestListRecordsSnapshot checks that later pages report the sync count of
// the first: a write between pages must not let a device skip it.
func TestListRecordsSnapshot(t *testing.T) {
	e := newEnv(t, Config{})
	e.mustUpdate(t, e.a1, poolA, idA1, "d", put("a", "1", 0), put("b", "1", 0))
	first, err := e.svc.ListRecords(e.a1, &ListRecordsInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d", MaxResults: ptr[int32](1)})
	if err != nil {
		t.Fatal(err)
	}
	// Another device changes a, which the first page already returned.
	if _, err := e.svc.UpdateRecords(e.a1, &UpdateRecordsInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d",
		SyncSessionToken: first.SyncSessionToken, RecordPatches: []RecordPatch{put("a", "2", 1)}}); err != nil {
		t.Fatal(err)
	}
	second, err := e.svc.ListRecords(e.a1, &ListRecordsInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d", MaxResults: ptr[int32](1), NextToken: first.NextToken})
	if err != nil {
		t.Fatal(err)
	}
	if first.DatasetSyncCount != 1 || second.DatasetSyncCount != 1 {
		t.Errorf("got sync counts %d, %d, want 1, 1", first.DatasetSyncCount, second.DatasetSyncCount)
	}
	// The device stores 1 and finds the change of a on its next sync.
	next := e.list(t, e.a1, poolA, idA1, "d", second.DatasetSyncCount)
	if got := values(next.Records); !slices.Equal(got, []string{"a=2@2"}) {
		t.Errorf("got %v, want [a=2@2]", got)
	}
}

// TestListRecordsAnswers checks that each answer holds its own records,
// and [] when there are none.
func TestListRecordsAnswers(t *testing.T) {
	e := newEnv(t, Config{})
	e.mustUpdate(t, e.a1, poolA, idA1, "d", put("a", "1", 0), put("b", "1", 0), put("c", "1", 0))
	e.mustUpdate(t, e.a1, poolA, idA1, "e", put("x", "2", 0))
	tests := []struct {
		name    string
		dataset string
		since   int64
		want    []string
	}{
		{"three records", "d", 0, []string{"a=1@1", "b=1@1", "c=1@1"}},
		{"none since the last write", "d", 1, []string{}},
		{"one record", "e", 0, []string{"x=2@1"}},
		{"three records again", "d", 0, []string{"a=1@1", "b=1@1", "c=1@1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := e.list(t, e.a1, poolA, idA1, tt.dataset, tt.since)
			if got := values(out.Records); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			b, err := json.Marshal(out)
			if err != nil {
				t.Fatal(err)
			}
			if len(tt.want) == 0 && !strings.Contains(string(b), `"Records":[]`) {
				t.Errorf("got %s, want \"Records\":[]", b)
			}
		})
	}
}

// TestToRecords checks the wire shape of stored records: their keys, their
// own timestamps, no device time when none was stored, and never nil.
func TestToRecords(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	stored := func(key string, n int) []storage.Record {
		rs := make([]storage.Record, n)
		for i := range rs {
			v := fmt.Sprintf("%s%d", key, i)
			rs[i] = storage.Record{Key: v, Value: &v, SyncCount: int64(i + 1), ModifiedAt: at.Add(time.Duration(i) * time.Second)}
		}
		return rs
	}
	tests := []struct {
		name string
		rs   []storage.Record
	}{
		{"three", stored("a", 3)},
		{"none", nil},
		{"five", stored("c", 5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := toRecords(tt.rs)
			if got == nil || len(got) != len(tt.rs) {
				t.Fatalf("got %d records (nil %v), want %d", len(got), got == nil, len(tt.rs))
			}
			for i, r := range got {
				want := protocol.At(tt.rs[i].ModifiedAt)
				if r.Key != tt.rs[i].Key || r.LastModifiedDate == nil || *r.LastModifiedDate != want || r.DeviceLastModifiedDate != nil {
					t.Errorf("record %d: got %s at %v (device %v), want %s at %v (no device time)",
						i, r.Key, r.LastModifiedDate, r.DeviceLastModifiedDate, tt.rs[i].Key, want)
				}
			}
		})
	}
}

func TestUpdateRecordsValidation(t *testing.T) {
	e := newEnv(t, Config{SessionTTL: time.Hour})
	tok := e.token(t, e.a1, poolA, idA1, "d")
	otherDataset := e.token(t, e.a1, poolA, idA1, "other")
	otherIdentity := e.token(t, e.a2, poolA, idA2, "d")
	e.clock.Advance(-2 * time.Hour)
	old := e.token(t, e.a1, poolA, idA1, "d")
	e.clock.Advance(2 * time.Hour)
	forged := tok[:strings.IndexByte(tok, '.')] + ".AAAA"
	tests := []struct {
		name    string
		token   string
		patches []RecordPatch
		code    string
		msg     string
	}{
		{"valid", tok, []RecordPatch{put("k", "v", 0)}, "", ""},
		{"no patches", tok, nil, "", ""},
		{"missing token", "", []RecordPatch{put("k", "v", 0)}, CodeInvalidParameter, msgBadSession},
		{"garbage token", "abc", []RecordPatch{put("k", "v", 0)}, CodeInvalidParameter, msgBadSession},
		{"forged signature", forged, []RecordPatch{put("k", "v", 0)}, CodeInvalidParameter, msgBadSession},
		{"token of another dataset", otherDataset, []RecordPatch{put("k", "v", 0)}, CodeInvalidParameter, msgBadSession},
		{"token of another identity", otherIdentity, []RecordPatch{put("k", "v", 0)}, CodeInvalidParameter, msgBadSession},
		{"expired token", old, []RecordPatch{put("k", "v", 0)}, CodeInvalidParameter, msgBadSession},
		{"unknown op", tok, []RecordPatch{{Op: "add", Key: "k", SyncCount: 0}}, CodeInvalidParameter, ""},
		{"replace without value", tok, []RecordPatch{{Op: OpReplace, Key: "k"}}, CodeInvalidParameter, ""},
		{"empty key", tok, []RecordPatch{put("", "v", 0)}, CodeInvalidParameter, ""},
		{"key too long", tok, []RecordPatch{put(strings.Repeat("k", MaxKeyLen+1), "v", 0)}, CodeInvalidParameter, ""},
		{"negative sync count", tok, []RecordPatch{put("k", "v", -1)}, CodeInvalidParameter, ""},
		{"duplicate key", tok, []RecordPatch{put("x", "v", 0), remove("x", 0)}, CodeInvalidParameter, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.syncCount(t, idA1, "d")
			_, err := e.svc.UpdateRecords(e.a1, &UpdateRecordsInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d",
				SyncSessionToken: tt.token, RecordPatches: tt.patches})
			wantErr(t, err, tt.code, tt.msg)
			after := e.syncCount(t, idA1, "d")
			if wantBump := tt.code == "" && len(tt.patches) > 0; (after == before+1) != wantBump || after < before {
				t.Errorf("got sync count %d → %d, want a bump: %v", before, after, wantBump)
			}
		})
	}
}

func TestUpdateRecordsNotFound(t *testing.T) {
	e := newEnv(t, Config{})
	tests := []struct {
		name string
		pool string
		id   string
		msg  string
	}{
		{"unknown identity", poolA, unknownID, fmt.Sprintf(msgIdentityNotFound, unknownID)},
		{"identity of another pool", poolA, idB1, fmt.Sprintf(msgIdentityNotFound, idB1)},
		{"unknown pool", unknownPool, unknownID, fmt.Sprintf(msgPoolNotFound, unknownPool)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, patches := range [][]RecordPatch{{put("k", "v", 0)}, nil} {
				_, err := e.update(t, e.dev, tt.pool, tt.id, "d", patches...)
				wantErr(t, err, CodeResourceNotFound, tt.msg)
			}
		})
	}
}

func TestUpdateRecords(t *testing.T) {
	e := newEnv(t, Config{})
	e.clock.Advance(time.Second)
	when := protocol.At(time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC))
	p := put("k", "v", 0)
	p.DeviceLastModifiedDate = &when
	out, err := e.svc.UpdateRecords(e.a1, &UpdateRecordsInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d",
		DeviceId: "device-1", SyncSessionToken: e.token(t, e.a1, poolA, idA1, "d"),
		RecordPatches: []RecordPatch{p, remove("gone", 0)}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(out)
	now := e.clock.Now().Unix()
	want := fmt.Sprintf(`{"Records":[{"Key":"k","Value":"v","SyncCount":1,"LastModifiedDate":%d,"LastModifiedBy":"device-1","DeviceLastModifiedDate":%d},`+
		`{"Key":"gone","SyncCount":1,"LastModifiedDate":%d,"LastModifiedBy":"device-1"}]}`, now, when.Time().Unix(), now)
	if string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
	d, err := e.svc.DescribeDataset(e.a1, &DescribeDatasetInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(d)
	want = fmt.Sprintf(`{"Dataset":{"IdentityId":"%s","DatasetName":"d","CreationDate":%d,"LastModifiedDate":%d,"LastModifiedBy":"device-1","DataStorage":2,"NumRecords":1}}`, idA1, now, now)
	if string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}

	// LastModifiedBy without a device: the identity, or the account.
	tests := []struct {
		name string
		ctx  context.Context
		want string
	}{
		{"Cognito credentials", e.a1, idA1},
		{"developer credentials", e.dev, testAccount},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := e.mustUpdate(t, tt.ctx, poolA, idA1, "d", put("k", "v", int64(i+1)))
			if got := out.Records[0].LastModifiedBy; got != tt.want {
				t.Errorf("got LastModifiedBy %q, want %q", got, tt.want)
			}
			if got := e.stored(t, idA1, "d").LastModifiedBy; got != tt.want {
				t.Errorf("got dataset LastModifiedBy %q, want %q", got, tt.want)
			}
		})
	}
}

// TestConflicts checks the per-record sync-count rule of UpdateRecords.
func TestConflicts(t *testing.T) {
	tests := []struct {
		name    string
		patches []RecordPatch
		msg     string // "" for success
		want    []string
	}{
		{"current counts", []RecordPatch{put("a", "A2", 1), put("b", "B2", 2)}, "", []string{"a=A2@3", "b=B2@3", "c=C@1"}},
		{"stale count, new value", []RecordPatch{put("a", "A2", 0)}, "Current SyncCount for: a is: 1 not: 0", nil},
		{"count from the future", []RecordPatch{put("a", "A2", 7)}, "Current SyncCount for: a is: 1 not: 7", nil},
		{"one stale patch fails all", []RecordPatch{put("c", "C2", 1), put("b", "B2", 1)}, "Current SyncCount for: b is: 2 not: 1", nil},
		{"stale count, same value", []RecordPatch{put("b", "B", 0)}, "Current SyncCount for: b is: 2 not: 0", nil},
		{"new key with a count", []RecordPatch{put("n", "N", 2)}, "Current SyncCount for: n is: 0 not: 2", nil},
		{"remove with the current count", []RecordPatch{remove("c", 1)}, "", []string{"a=A@1", "b=B@2", "c@3"}},
		{"remove with a stale count", []RecordPatch{remove("c", 0)}, "Current SyncCount for: c is: 1 not: 0", nil},
		{"remove of an absent key", []RecordPatch{remove("n", 0)}, "", []string{"a=A@1", "b=B@2", "c=C@1", "n@3"}},
		{"remove of an absent key with a count", []RecordPatch{remove("n", 5)}, "Current SyncCount for: n is: 0 not: 5", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Config{})
			e.mustUpdate(t, e.a1, poolA, idA1, "d", put("a", "A", 0), put("b", "x", 0), put("c", "C", 0))
			e.mustUpdate(t, e.a1, poolA, idA1, "d", put("b", "B", 1))
			_, err := e.update(t, e.a1, poolA, idA1, "d", tt.patches...)
			if tt.msg != "" {
				wantErr(t, err, CodeResourceConflict, tt.msg)
				tt.want = []string{"a=A@1", "b=B@2", "c=C@1"}
			} else if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if got := values(e.list(t, e.a1, poolA, idA1, "d", 0).Records); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestTwoDevices plays the sync sequence of two devices of one identity:
// A writes, B catches up from its last count, both write the same key, one
// gets the conflict, resolves it and writes again.
func TestTwoDevices(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := e.a1
	sync := func(t *testing.T, since int64) (*ListRecordsOutput, string) {
		t.Helper()
		out := e.list(t, ctx, poolA, idA1, "prefs", since)
		return out, out.SyncSessionToken
	}
	write := func(device, token string, patches ...RecordPatch) (*UpdateRecordsOutput, error) {
		return e.svc.UpdateRecords(ctx, &UpdateRecordsInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "prefs",
			DeviceId: device, SyncSessionToken: token, RecordPatches: patches})
	}

	// Device A: first sync of a new dataset, then writes two keys.
	la, tokA := sync(t, 0)
	if la.DatasetExists || la.DatasetSyncCount != 0 {
		t.Fatalf("got exists %v, count %d, want a new dataset", la.DatasetExists, la.DatasetSyncCount)
	}
	out, err := write("A", tokA, put("theme", "dark", 0), put("lang", "en", 0))
	if err != nil {
		t.Fatal(err)
	}
	if out.Records[0].SyncCount != la.DatasetSyncCount+1 {
		t.Fatalf("got record count %d, want the dataset count +1 = %d", out.Records[0].SyncCount, la.DatasetSyncCount+1)
	}
	lastA := out.Records[0].SyncCount

	// Device B: never synced, gets everything.
	lb, tokB := sync(t, 0)
	if got := values(lb.Records); !slices.Equal(got, []string{"lang=en@1", "theme=dark@1"}) || lb.DatasetSyncCount != 1 || !lb.DatasetExists {
		t.Fatalf("B got %v at %d, want both keys at 1", got, lb.DatasetSyncCount)
	}
	lastB := lb.DatasetSyncCount

	// Both change theme from sync count 1. B is first.
	if _, err := write("B", tokB, put("theme", "light", 1)); err != nil {
		t.Fatalf("B's write: %v", err)
	}
	_, err = write("A", tokA, put("theme", "blue", 1))
	wantErr(t, err, CodeResourceConflict, "Current SyncCount for: theme is: 2 not: 1")

	// A resolves: lowers its count to the patch's, lists, sees B's value,
	// and writes its choice with the server's count.
	la, tokA = sync(t, min(lastA, 1))
	if got := values(la.Records); !slices.Equal(got, []string{"theme=light@2"}) || la.DatasetSyncCount != 2 {
		t.Fatalf("A got %v at %d, want [theme=light@2] at 2", got, la.DatasetSyncCount)
	}
	out, err = write("A", tokA, put("theme", "blue", la.Records[0].SyncCount))
	if err != nil {
		t.Fatalf("A's resolved write: %v", err)
	}
	if out.Records[0].SyncCount != la.DatasetSyncCount+1 {
		t.Errorf("got %d, want exactly one more than %d", out.Records[0].SyncCount, la.DatasetSyncCount)
	}

	// B catches up from its last count and sees A's resolution only.
	lb, _ = sync(t, lastB+1)
	if got := values(lb.Records); !slices.Equal(got, []string{"theme=blue@3"}) || lb.DatasetSyncCount != 3 {
		t.Errorf("B got %v at %d, want [theme=blue@3] at 3", got, lb.DatasetSyncCount)
	}
	if lb.LastModifiedBy != "A" {
		t.Errorf("got LastModifiedBy %q, want A", lb.LastModifiedBy)
	}
}

// TestRacingWriters has writers holding the same sync count race on one
// key: exactly one wins, the others get the conflict, and the dataset is
// bumped once.
func TestRacingWriters(t *testing.T) {
	e := newEnv(t, Config{})
	e.mustUpdate(t, e.a1, poolA, idA1, "d", put("k", "start", 0))
	tok := e.token(t, e.a1, poolA, idA1, "d")
	const writers = 8
	errs := make([]error, writers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = e.svc.UpdateRecords(e.a1, &UpdateRecordsInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d",
				SyncSessionToken: tok, RecordPatches: []RecordPatch{put("k", fmt.Sprint("w", i), 1)}})
		}()
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		if err == nil {
			if winner >= 0 {
				t.Fatalf("writers %d and %d both won", winner, i)
			}
			winner = i
			continue
		}
		wantErr(t, err, CodeResourceConflict, "Current SyncCount for: k is: 2 not: 1")
	}
	if winner < 0 {
		t.Fatal("no writer won")
	}
	got := values(e.list(t, e.a1, poolA, idA1, "d", 0).Records)
	if want := []string{fmt.Sprintf("k=w%d@2", winner)}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if d := e.stored(t, idA1, "d"); d.SyncCount != 2 {
		t.Errorf("got dataset sync count %d, want 2", d.SyncCount)
	}
}

// TestRacingKeys has writers of different keys race: none conflicts, and
// each write bumps the dataset once.
func TestRacingKeys(t *testing.T) {
	e := newEnv(t, Config{})
	tok := e.token(t, e.a1, poolA, idA1, "d")
	const writers = 8
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.svc.UpdateRecords(e.a1, &UpdateRecordsInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d",
				SyncSessionToken: tok, RecordPatches: []RecordPatch{put(fmt.Sprint("k", i), "v", 0)}})
			if err != nil {
				t.Errorf("writer %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	recs := e.list(t, e.a1, poolA, idA1, "d", 0).Records
	counts := map[int64]bool{}
	for _, r := range recs {
		counts[r.SyncCount] = true
	}
	if d := e.stored(t, idA1, "d"); len(recs) != writers || len(counts) != writers || d.SyncCount != writers || d.NumRecords != writers {
		t.Errorf("got %d records with %d distinct counts, dataset at %d with %d records; want %d of each",
			len(recs), len(counts), d.SyncCount, d.NumRecords, writers)
	}
}

func TestTombstones(t *testing.T) {
	e := newEnv(t, Config{})
	e.mustUpdate(t, e.a1, poolA, idA1, "d", put("a", "12345", 0), put("b", "x", 0))
	e.mustUpdate(t, e.a1, poolA, idA1, "d", remove("a", 1))
	tests := []struct {
		name  string
		since int64
		want  []string
	}{
		{"full listing", 0, []string{"a@2", "b=x@1"}},
		{"incremental", 1, []string{"a@2"}},
		{"up to date", 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := e.list(t, e.a1, poolA, idA1, "d", tt.since)
			if got := values(out.Records); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	d := e.stored(t, idA1, "d")
	if d.NumRecords != 1 || d.DataStorage != 2 {
		t.Errorf("got %d records of %d bytes, want 1 of 2 (tombstones do not count)", d.NumRecords, d.DataStorage)
	}
	out := e.list(t, e.a1, poolA, idA1, "d", 1)
	b, _ := json.Marshal(out.Records[0])
	if strings.Contains(string(b), "Value") {
		t.Errorf("got tombstone %s, want no Value member", b)
	}
	// A tombstone's count is the current count of the key.
	e.mustUpdate(t, e.a1, poolA, idA1, "d", put("a", "back", 2))
	if got := values(e.list(t, e.a1, poolA, idA1, "d", 2).Records); !slices.Equal(got, []string{"a=back@3"}) {
		t.Errorf("got %v, want [a=back@3]", got)
	}
}

func TestLimits(t *testing.T) {
	big := strings.Repeat("x", 60)
	tests := []struct {
		name    string
		prepare [][]RecordPatch // applied to dataset d in order
		dataset string
		patches []RecordPatch
		code    string
	}{
		{"records at the limit", nil, "d", []RecordPatch{put("a", "", 0), put("b", "", 0), put("c", "", 0)}, ""},
		{"records over the limit", nil, "d", []RecordPatch{put("a", "", 0), put("b", "", 0), put("c", "", 0), put("e", "", 0)}, CodeLimitExceeded},
		{"tombstones do not count", [][]RecordPatch{{put("a", "", 0), put("b", "", 0), put("c", "", 0)}, {remove("a", 1)}},
			"d", []RecordPatch{put("z", "", 0)}, ""},
		{"replace and remove in one call", [][]RecordPatch{{put("a", "", 0), put("b", "", 0), put("c", "", 0)}},
			"d", []RecordPatch{remove("a", 1), put("z", "", 0)}, ""},
		{"bytes at the limit", nil, "d", []RecordPatch{put("k", strings.Repeat("x", 99), 0)}, ""},
		{"bytes over the limit", nil, "d", []RecordPatch{put("k", big+big, 0)}, CodeLimitExceeded},
		{"bytes over the limit in total", [][]RecordPatch{{put("a", big, 0)}}, "d", []RecordPatch{put("b", big, 0)}, CodeLimitExceeded},
		{"replacing shrinks", [][]RecordPatch{{put("a", big, 0)}}, "d", []RecordPatch{put("a", big[:10], 1), put("b", big[:20], 0)}, ""},
		{"datasets at the limit", [][]RecordPatch{{put("a", "", 0)}}, "second", []RecordPatch{put("a", "", 0)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Config{MaxRecords: 3, MaxDatasetBytes: 100, MaxDatasets: 2})
			for _, p := range tt.prepare {
				e.mustUpdate(t, e.a1, poolA, idA1, "d", p...)
			}
			before := e.list(t, e.a1, poolA, idA1, tt.dataset, 0)
			_, err := e.update(t, e.a1, poolA, idA1, tt.dataset, tt.patches...)
			wantErr(t, err, tt.code, "")
			if err == nil {
				return
			}
			after := e.list(t, e.a1, poolA, idA1, tt.dataset, 0)
			if !slices.Equal(values(after.Records), values(before.Records)) || after.DatasetSyncCount != before.DatasetSyncCount {
				t.Errorf("got %v at %d after a refused write, want %v at %d",
					values(after.Records), after.DatasetSyncCount, values(before.Records), before.DatasetSyncCount)
			}
		})
	}
}

func TestDatasetLimit(t *testing.T) {
	e := newEnv(t, Config{MaxDatasets: 2})
	e.mustUpdate(t, e.a1, poolA, idA1, "one", put("k", "v", 0))
	e.mustUpdate(t, e.a1, poolA, idA1, "two", put("k", "v", 0))
	_, err := e.update(t, e.a1, poolA, idA1, "three", put("k", "v", 0))
	wantErr(t, err, CodeLimitExceeded, fmt.Sprintf(msgTooManyDatasets, idA1, 2))
	if _, err := e.store.GetDataset(context.Background(), idA1, "three"); err == nil {
		t.Error("got dataset three stored after a refused write, want none")
	}
	// Writing to an existing dataset is not creating one.
	e.mustUpdate(t, e.a1, poolA, idA1, "two", put("k", "w", 1))
	// Another identity has its own quota.
	e.mustUpdate(t, e.a2, poolA, idA2, "three", put("k", "v", 0))
	// A deleted dataset frees its place.
	if _, err := e.svc.DeleteDataset(e.a1, &DeleteDatasetInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "one"}); err != nil {
		t.Fatal(err)
	}
	e.mustUpdate(t, e.a1, poolA, idA1, "three", put("k", "v", 0))
}

func ptr[T any](v T) *T { return &v }
