package conformance

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/service/cognitosync"
)

// TestSyncTwoDevices is the acceptance sequence of Cognito Sync: two
// devices of one user synchronise a dataset the way the client libraries
// do (shared/spec/cognito-sync.md §4.1), through the real v1 client, each
// with its own Cognito credentials. Every successful push also checks the
// libraries' own check, max(record SyncCount) == DatasetSyncCount + 1.
func TestSyncTwoDevices(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	p := newSyncPool(t, s)
	ua := p.guest(t)
	a := newSyncDevice(ua, "settings")
	b := newSyncDevice(p.device(t, ua.id), "settings")

	// A's first sync: nothing on the server yet.
	recs, out := a.pull(t)
	if len(recs) != 0 || aws.BoolValue(out.DatasetExists) || aws.Int64Value(out.DatasetSyncCount) != 0 {
		t.Fatalf("first pull: got %d records, DatasetExists %v, DatasetSyncCount %d, want 0, false, 0",
			len(recs), aws.BoolValue(out.DatasetExists), aws.Int64Value(out.DatasetSyncCount))
	}
	recs, err := a.push(t, map[string]*string{"color": sval("red"), "size": sval("L")})
	ok(t, err, "A push 1")
	wantRecords(t, "A push 1", recs, map[string]syncRecord{"color": liveRecord("red", 1), "size": liveRecord("L", 1)})

	// B has never synced: it gets everything.
	recs, out = b.pull(t)
	wantRecords(t, "B pull from 0", recs, map[string]syncRecord{"color": liveRecord("red", 1), "size": liveRecord("L", 1)})
	if !aws.BoolValue(out.DatasetExists) || aws.Int64Value(out.DatasetSyncCount) != 1 {
		t.Errorf("B pull from 0: got DatasetExists %v, DatasetSyncCount %d, want true, 1",
			aws.BoolValue(out.DatasetExists), aws.Int64Value(out.DatasetSyncCount))
	}

	// A changes one key; B, from its last count, sees exactly that change.
	recs, _ = a.pull(t)
	wantRecords(t, "A pull from 1", recs, nil)
	recs, err = a.push(t, map[string]*string{"color": sval("blue")})
	ok(t, err, "A push 2")
	wantRecords(t, "A push 2", recs, map[string]syncRecord{"color": liveRecord("blue", 2)})
	recs, _ = b.pull(t)
	wantRecords(t, "B pull from 1", recs, map[string]syncRecord{"color": liveRecord("blue", 2)})

	// B removes a key; A learns it from a tombstone.
	recs, err = b.push(t, map[string]*string{"size": nil})
	ok(t, err, "B push remove")
	wantRecords(t, "B push remove", recs, map[string]syncRecord{"size": removedRecord(3)})
	recs, _ = a.pull(t)
	wantRecords(t, "A pull from 2", recs, map[string]syncRecord{"size": removedRecord(3)})

	// Both write color from SyncCount 2, B with a new key too. A is first;
	// B's whole call is refused and writes nothing.
	b.pull(t)
	recs, err = a.push(t, map[string]*string{"color": sval("green")})
	ok(t, err, "A push 3")
	wantRecords(t, "A push 3", recs, map[string]syncRecord{"color": liveRecord("green", 4)})
	_, err = b.push(t, map[string]*string{"color": sval("yellow"), "font": sval("serif")})
	wantSyncError(t, err, codeConflict, http.StatusConflict, msgSyncConflict("color", 4, 2))

	// B resolves as the libraries do: pull, keep its own value, push again.
	recs, out = b.pull(t)
	wantRecords(t, "B pull after conflict", recs, map[string]syncRecord{"color": liveRecord("green", 4)})
	if got := aws.Int64Value(out.DatasetSyncCount); got != 4 {
		t.Errorf("B pull after conflict: got DatasetSyncCount %d, want 4 (the refused call must not count)", got)
	}
	recs, err = b.push(t, map[string]*string{"color": sval("yellow"), "font": sval("serif")})
	ok(t, err, "B push after resolving")
	wantRecords(t, "B push after resolving", recs, map[string]syncRecord{"color": liveRecord("yellow", 5), "font": liveRecord("serif", 5)})

	recs, _ = a.pull(t)
	wantRecords(t, "A pull from 4", recs, map[string]syncRecord{"color": liveRecord("yellow", 5), "font": liveRecord("serif", 5)})
	if !maps.Equal(localValues(a), localValues(b)) || a.last != b.last {
		t.Errorf("after sync: got A %v@%d, B %v@%d, want equal", localValues(a), a.last, localValues(b), b.last)
	}
}

// localValues is the live content of a device's local copy.
func localValues(d *syncDevice) map[string]string {
	m := make(map[string]string, len(d.records))
	for k, r := range d.records {
		if r.value != nil {
			m[k] = *r.value
		}
	}
	return m
}

// TestSyncRacingWriters sends the same UpdateRecords from several devices
// at once: same record, same SyncCount, same session token. Exactly one may
// win; the others must see the conflict, and the dataset must advance by
// exactly one per round.
func TestSyncRacingWriters(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	p := newSyncPool(t, s)
	u := p.guest(t)
	const writers, rounds = 8, 3
	devices := make([]*syncUser, writers)
	for i := range devices {
		devices[i] = p.device(t, u.id)
	}
	u.write(t, "race", replacePatch("k", "start", 0))

	for round := range rounds {
		sc := int64(round + 1)
		token := u.token(t, "race")
		errs := make([]error, writers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, d := range devices {
			wg.Go(func() {
				<-start
				_, errs[i] = d.update("race", token, replacePatch("k", fmt.Sprintf("r%d-w%d", round, i), sc))
			})
		}
		close(start)
		wg.Wait()

		winner := -1
		for i, err := range errs {
			if err == nil {
				if winner >= 0 {
					t.Fatalf("round %d: writers %d and %d both succeeded, want one winner", round, winner, i)
				}
				winner = i
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: got no winner, want one; errors: %v", round, errs)
		}
		for i, err := range errs {
			if i != winner {
				wantSyncError(t, err, codeConflict, http.StatusConflict, msgSyncConflict("k", sc+1, sc))
			}
		}
		out, err := u.list("race", sc)
		ok(t, err, "ListRecords after race")
		if got := aws.Int64Value(out.DatasetSyncCount); got != sc+1 {
			t.Errorf("round %d: got DatasetSyncCount %d, want %d", round, got, sc+1)
		}
		wantRecords(t, fmt.Sprintf("round %d", round), out.Records,
			map[string]syncRecord{"k": liveRecord(fmt.Sprintf("r%d-w%d", round, winner), sc+1)})
	}
}

// TestSyncEveryOperation calls each of the 17 Cognito Sync operations
// through the v1 client, with the credential kind the operation is meant
// for, and checks what it answers.
func TestSyncEveryOperation(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	p := newSyncPool(t, s)
	u := p.guest(t)
	before := time.Now().Add(-time.Minute)
	recent := func(what string, tm *time.Time) {
		t.Helper()
		if tm == nil || tm.Before(before) || tm.After(time.Now().Add(time.Minute)) {
			t.Errorf("%s: got %v, want about now", what, tm)
		}
	}

	// Pool configuration (developer credentials).
	push := &cognitosync.PushSync{
		ApplicationArns: []*string{aws.String(s.snsAppARN("GCM", "idpool"))},
		RoleArn:         aws.String(s.roleARN("SyncPush")),
	}
	streams := &cognitosync.CognitoStreams{
		StreamName:      aws.String("idpool-stream"),
		RoleArn:         aws.String(s.roleARN("SyncStreams")),
		StreamingStatus: aws.String(cognitosync.StreamingStatusEnabled),
	}
	wantConfig := func(what string, pool *string, gotPush *cognitosync.PushSync, gotStreams *cognitosync.CognitoStreams) {
		t.Helper()
		if aws.StringValue(pool) != p.id {
			t.Errorf("%s: got IdentityPoolId %q, want %q", what, aws.StringValue(pool), p.id)
		}
		if gotPush == nil || !slices.Equal(aws.StringValueSlice(gotPush.ApplicationArns), aws.StringValueSlice(push.ApplicationArns)) ||
			aws.StringValue(gotPush.RoleArn) != aws.StringValue(push.RoleArn) {
			t.Errorf("%s: got PushSync %v, want %v", what, gotPush, push)
		}
		if gotStreams == nil || aws.StringValue(gotStreams.StreamName) != aws.StringValue(streams.StreamName) ||
			aws.StringValue(gotStreams.RoleArn) != aws.StringValue(streams.RoleArn) ||
			aws.StringValue(gotStreams.StreamingStatus) != aws.StringValue(streams.StreamingStatus) {
			t.Errorf("%s: got CognitoStreams %v, want %v", what, gotStreams, streams)
		}
	}
	setCfg, err := p.dev.SetIdentityPoolConfiguration(&cognitosync.SetIdentityPoolConfigurationInput{
		IdentityPoolId: aws.String(p.id), PushSync: push, CognitoStreams: streams,
	})
	ok(t, err, "SetIdentityPoolConfiguration")
	wantConfig("SetIdentityPoolConfiguration", setCfg.IdentityPoolId, setCfg.PushSync, setCfg.CognitoStreams)
	getCfg, err := p.dev.GetIdentityPoolConfiguration(&cognitosync.GetIdentityPoolConfigurationInput{IdentityPoolId: aws.String(p.id)})
	ok(t, err, "GetIdentityPoolConfiguration")
	wantConfig("GetIdentityPoolConfiguration", getCfg.IdentityPoolId, getCfg.PushSync, getCfg.CognitoStreams)

	// Cognito Events: set, read, remove with an empty value.
	trigger := s.lambdaARN("syncTrigger")
	_, err = p.dev.SetCognitoEvents(&cognitosync.SetCognitoEventsInput{
		IdentityPoolId: aws.String(p.id), Events: map[string]*string{"SyncTrigger": aws.String(trigger)},
	})
	ok(t, err, "SetCognitoEvents")
	events, err := p.dev.GetCognitoEvents(&cognitosync.GetCognitoEventsInput{IdentityPoolId: aws.String(p.id)})
	ok(t, err, "GetCognitoEvents")
	if got, want := aws.StringValueMap(events.Events), map[string]string{"SyncTrigger": trigger}; !maps.Equal(got, want) {
		t.Errorf("GetCognitoEvents: got %v, want %v", got, want)
	}
	_, err = p.dev.SetCognitoEvents(&cognitosync.SetCognitoEventsInput{
		IdentityPoolId: aws.String(p.id), Events: map[string]*string{"SyncTrigger": aws.String("")},
	})
	ok(t, err, "SetCognitoEvents remove")
	events, err = p.dev.GetCognitoEvents(&cognitosync.GetCognitoEventsInput{IdentityPoolId: aws.String(p.id)})
	ok(t, err, "GetCognitoEvents after remove")
	if len(events.Events) != 0 {
		t.Errorf("GetCognitoEvents after remove: got %v, want none", aws.StringValueMap(events.Events))
	}

	// Push sync with Cognito credentials: the same token gives the same device.
	reg := func() string {
		t.Helper()
		out, err := u.c.RegisterDevice(&cognitosync.RegisterDeviceInput{
			IdentityPoolId: aws.String(p.id), IdentityId: aws.String(u.id),
			Platform: aws.String(cognitosync.PlatformGcm), Token: aws.String("gcm-token-1"),
		})
		ok(t, err, "RegisterDevice")
		if aws.StringValue(out.DeviceId) == "" {
			t.Fatal("RegisterDevice: got no DeviceId")
		}
		return aws.StringValue(out.DeviceId)
	}
	device := reg()
	if again := reg(); again != device {
		t.Errorf("RegisterDevice again: got DeviceId %q, want %q", again, device)
	}

	// Records with Cognito credentials.
	list, err := u.list("profile", 0)
	ok(t, err, "ListRecords")
	if aws.StringValue(list.SyncSessionToken) == "" {
		t.Fatal("ListRecords: got no SyncSessionToken")
	}
	devTime := time.Unix(time.Now().Unix()-30, 0)
	upd, err := u.c.UpdateRecords(&cognitosync.UpdateRecordsInput{
		IdentityPoolId:   aws.String(p.id),
		IdentityId:       aws.String(u.id),
		DatasetName:      aws.String("profile"),
		DeviceId:         aws.String(device),
		SyncSessionToken: list.SyncSessionToken,
		RecordPatches: []*cognitosync.RecordPatch{
			{Op: aws.String("replace"), Key: aws.String("name"), Value: aws.String("Ada"), SyncCount: aws.Int64(0), DeviceLastModifiedDate: &devTime},
			replacePatch("level", "7", 0),
		},
	})
	ok(t, err, "UpdateRecords")
	wantRecords(t, "UpdateRecords", upd.Records, map[string]syncRecord{"name": liveRecord("Ada", 1), "level": liveRecord("7", 1)})
	for _, r := range upd.Records {
		recent("record LastModifiedDate", r.LastModifiedDate)
		if got := aws.StringValue(r.LastModifiedBy); got != device {
			t.Errorf("record %s: got LastModifiedBy %q, want the DeviceId %q", aws.StringValue(r.Key), got, device)
		}
		if aws.StringValue(r.Key) == "name" && (r.DeviceLastModifiedDate == nil || !r.DeviceLastModifiedDate.Equal(devTime)) {
			t.Errorf("record name: got DeviceLastModifiedDate %v, want %v", r.DeviceLastModifiedDate, devTime)
		}
	}
	const storage = int64(len("name") + len("Ada") + len("level") + len("7"))

	_, err = u.c.SubscribeToDataset(&cognitosync.SubscribeToDatasetInput{
		IdentityPoolId: aws.String(p.id), IdentityId: aws.String(u.id),
		DatasetName: aws.String("profile"), DeviceId: aws.String(device),
	})
	ok(t, err, "SubscribeToDataset")
	_, err = u.c.UnsubscribeFromDataset(&cognitosync.UnsubscribeFromDatasetInput{
		IdentityPoolId: aws.String(p.id), IdentityId: aws.String(u.id),
		DatasetName: aws.String("profile"), DeviceId: aws.String(device),
	})
	ok(t, err, "UnsubscribeFromDataset")

	// The developer writes a second dataset of the same identity.
	recs := p.as(u.id).write(t, "scores", replacePatch("best", "42", 0))
	if len(recs) != 1 {
		t.Fatalf("developer write: got %d records back, want 1", len(recs))
	}
	if got := aws.StringValue(recs[0].LastModifiedBy); got != s.accountID {
		t.Errorf("developer write: got LastModifiedBy %q, want the account id %q", got, s.accountID)
	}

	// Datasets and usage, read with both credential kinds.
	for _, who := range []struct {
		name string
		u    *syncUser
	}{{"cognito", u}, {"developer", p.as(u.id)}} {
		ds, err := who.u.c.ListDatasets(&cognitosync.ListDatasetsInput{
			IdentityPoolId: aws.String(p.id), IdentityId: aws.String(u.id), MaxResults: aws.Int64(64),
		})
		ok(t, err, who.name+" ListDatasets")
		if got, want := datasetNames(ds.Datasets), []string{"profile", "scores"}; !slices.Equal(got, want) {
			t.Errorf("%s ListDatasets: got %v, want %v", who.name, got, want)
		}
		if aws.Int64Value(ds.Count) != 2 || aws.StringValue(ds.NextToken) != "" {
			t.Errorf("%s ListDatasets: got Count %d, NextToken %q, want 2, none", who.name, aws.Int64Value(ds.Count), aws.StringValue(ds.NextToken))
		}

		d, err := who.u.describe("profile")
		ok(t, err, who.name+" DescribeDataset")
		if aws.StringValue(d.DatasetName) != "profile" || aws.StringValue(d.IdentityId) != u.id ||
			aws.Int64Value(d.NumRecords) != 2 || aws.Int64Value(d.DataStorage) != storage || aws.StringValue(d.LastModifiedBy) != device {
			t.Errorf("%s DescribeDataset: got %v, want profile of %s, 2 records, %d bytes, last modified by %s", who.name, d, u.id, storage, device)
		}
		recent(who.name+" CreationDate", d.CreationDate)
		recent(who.name+" LastModifiedDate", d.LastModifiedDate)

		iu, err := who.u.c.DescribeIdentityUsage(&cognitosync.DescribeIdentityUsageInput{
			IdentityPoolId: aws.String(p.id), IdentityId: aws.String(u.id),
		})
		ok(t, err, who.name+" DescribeIdentityUsage")
		if x := iu.IdentityUsage; x == nil || aws.StringValue(x.IdentityId) != u.id || aws.StringValue(x.IdentityPoolId) != p.id ||
			aws.Int64Value(x.DatasetCount) != 2 || aws.Int64Value(x.DataStorage) != storage+int64(len("best")+len("42")) {
			t.Errorf("%s DescribeIdentityUsage: got %v, want %s of %s, 2 datasets, %d bytes", who.name, x, u.id, p.id, storage+6)
		} else {
			recent(who.name+" identity LastModifiedDate", x.LastModifiedDate)
		}
	}

	// Pool usage (developer credentials).
	pu, err := p.dev.DescribeIdentityPoolUsage(&cognitosync.DescribeIdentityPoolUsageInput{IdentityPoolId: aws.String(p.id)})
	ok(t, err, "DescribeIdentityPoolUsage")
	if x := pu.IdentityPoolUsage; x == nil || aws.StringValue(x.IdentityPoolId) != p.id ||
		aws.Int64Value(x.DataStorage) != storage+6 || aws.Int64Value(x.SyncSessionsCount) < 1 {
		t.Errorf("DescribeIdentityPoolUsage: got %v, want %s, %d bytes, at least one sync session", x, p.id, storage+6)
	} else {
		recent("pool LastModifiedDate", x.LastModifiedDate)
	}
	found := false
	var next *string
	for range 1000 {
		lu, err := p.dev.ListIdentityPoolUsage(&cognitosync.ListIdentityPoolUsageInput{MaxResults: aws.Int64(60), NextToken: next})
		ok(t, err, "ListIdentityPoolUsage")
		if aws.Int64Value(lu.Count) != int64(len(lu.IdentityPoolUsages)) {
			t.Errorf("ListIdentityPoolUsage: got Count %d for %d usages", aws.Int64Value(lu.Count), len(lu.IdentityPoolUsages))
		}
		for _, x := range lu.IdentityPoolUsages {
			if aws.StringValue(x.IdentityPoolId) == p.id {
				found = true
				if aws.Int64Value(x.DataStorage) != storage+6 {
					t.Errorf("ListIdentityPoolUsage: got DataStorage %d for %s, want %d", aws.Int64Value(x.DataStorage), p.id, storage+6)
				}
			}
		}
		if next = lu.NextToken; aws.StringValue(next) == "" {
			break
		}
	}
	if !found {
		t.Errorf("ListIdentityPoolUsage: pool %s not listed", p.id)
	}

	// Bulk publish (developer credentials): done at once in idpool.
	bp, err := p.dev.BulkPublish(&cognitosync.BulkPublishInput{IdentityPoolId: aws.String(p.id)})
	ok(t, err, "BulkPublish")
	if aws.StringValue(bp.IdentityPoolId) != p.id {
		t.Errorf("BulkPublish: got IdentityPoolId %q, want %q", aws.StringValue(bp.IdentityPoolId), p.id)
	}
	bd, err := p.dev.GetBulkPublishDetails(&cognitosync.GetBulkPublishDetailsInput{IdentityPoolId: aws.String(p.id)})
	ok(t, err, "GetBulkPublishDetails")
	if aws.StringValue(bd.IdentityPoolId) != p.id || aws.StringValue(bd.BulkPublishStatus) != cognitosync.BulkPublishStatusSucceeded {
		t.Errorf("GetBulkPublishDetails: got %s %s, want %s %s", aws.StringValue(bd.IdentityPoolId), aws.StringValue(bd.BulkPublishStatus), p.id, cognitosync.BulkPublishStatusSucceeded)
	}
	recent("BulkPublishStartTime", bd.BulkPublishStartTime)
	recent("BulkPublishCompleteTime", bd.BulkPublishCompleteTime)

	// DeleteDataset answers the dataset as it was, then it is gone.
	del, err := u.c.DeleteDataset(&cognitosync.DeleteDatasetInput{
		IdentityPoolId: aws.String(p.id), IdentityId: aws.String(u.id), DatasetName: aws.String("profile"),
	})
	ok(t, err, "DeleteDataset")
	if d := del.Dataset; d == nil || aws.StringValue(d.DatasetName) != "profile" || aws.Int64Value(d.NumRecords) != 2 || aws.Int64Value(d.DataStorage) != storage {
		t.Errorf("DeleteDataset: got %v, want profile with 2 records, %d bytes", d, storage)
	}
	_, err = u.describe("profile")
	wantSyncError(t, err, codeNotFound, http.StatusNotFound, "")
	ds, err := u.c.ListDatasets(&cognitosync.ListDatasetsInput{IdentityPoolId: aws.String(p.id), IdentityId: aws.String(u.id)})
	ok(t, err, "ListDatasets after delete")
	if got, want := datasetNames(ds.Datasets), []string{"scores"}; !slices.Equal(got, want) {
		t.Errorf("ListDatasets after delete: got %v, want %v", got, want)
	}
}

// TestSyncErrors provokes every error of shared/spec/cognito-sync.md §1.2
// and §5b that a client can cause, except the limits (TestSyncLimits) and
// the two-writer conflict (TestSyncTwoDevices, TestSyncRacingWriters).
func TestSyncErrors(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	p := newSyncPool(t, s)
	_, err := p.dev.SetIdentityPoolConfiguration(&cognitosync.SetIdentityPoolConfigurationInput{
		IdentityPoolId: aws.String(p.id),
		PushSync: &cognitosync.PushSync{
			ApplicationArns: []*string{aws.String(s.snsAppARN("GCM", "idpool"))},
			RoleArn:         aws.String(s.roleARN("SyncPush")),
		},
	})
	ok(t, err, "SetIdentityPoolConfiguration")
	p2 := newSyncPool(t, s) // no push sync
	u1, u2, u3 := p.guest(t), p.guest(t), p2.guest(t)
	u1.write(t, "notes", replacePatch("text", "hello", 0))
	u2.write(t, "notes", replacePatch("text", "hi", 0))
	token1 := u1.token(t, "notes")
	token1Other := u1.token(t, "other")
	token2 := u2.token(t, "notes")
	unknownPool := "us-east-1:00000000-0000-4000-8000-000000000000"
	unknownID := "us-east-1:00000000-0000-4000-8000-00000000beef"
	long := strings.Repeat("d", 129)

	// other is u1's client aimed at identity id of pool.
	other := func(pool, id string) *syncUser { return &syncUser{pool: pool, id: id, c: u1.c} }
	dev := p.as(u1.id)
	poolIn := aws.String(p.id)
	subscribe := func(u *syncUser, device string) error {
		_, err := u.c.SubscribeToDataset(&cognitosync.SubscribeToDatasetInput{
			IdentityPoolId: aws.String(u.pool), IdentityId: aws.String(u.id), DatasetName: aws.String("notes"), DeviceId: aws.String(device),
		})
		return err
	}
	register := func(u *syncUser) error {
		_, err := u.c.RegisterDevice(&cognitosync.RegisterDeviceInput{
			IdentityPoolId: aws.String(u.pool), IdentityId: aws.String(u.id),
			Platform: aws.String(cognitosync.PlatformGcm), Token: aws.String("gcm-token"),
		})
		return err
	}
	list := func(u *syncUser, in cognitosync.ListRecordsInput) error {
		in.IdentityPoolId, in.IdentityId = aws.String(u.pool), aws.String(u.id)
		_, err := u.c.ListRecords(&in)
		return err
	}
	update := func(u *syncUser, dataset, token string, patches ...*cognitosync.RecordPatch) error {
		_, err := u.update(dataset, token, patches...)
		return err
	}
	describe := func(u *syncUser, dataset string) error {
		_, err := u.describe(dataset)
		return err
	}
	deleteDataset := func(u *syncUser, dataset string) error {
		_, err := u.c.DeleteDataset(&cognitosync.DeleteDatasetInput{
			IdentityPoolId: aws.String(u.pool), IdentityId: aws.String(u.id), DatasetName: aws.String(dataset),
		})
		return err
	}

	tests := []struct {
		name   string
		call   func() error
		code   string
		status int
		msg    string // "" when the spec leaves it open
	}{
		// Cognito credentials of u1 on another identity or pool.
		{"ListRecords of another identity", func() error {
			return list(other(p.id, u2.id), cognitosync.ListRecordsInput{DatasetName: aws.String("notes")})
		},
			codeNotAuthorized, 403, msgSyncForbidden},
		{"UpdateRecords of another identity", func() error { return update(other(p.id, u2.id), "notes", token2, replacePatch("text", "pwned", 1)) },
			codeNotAuthorized, 403, msgSyncForbidden},
		{"DescribeDataset of another identity", func() error { return describe(other(p.id, u2.id), "notes") },
			codeNotAuthorized, 403, msgSyncForbidden},
		{"DeleteDataset of another identity", func() error { return deleteDataset(other(p.id, u2.id), "notes") },
			codeNotAuthorized, 403, msgSyncForbidden},
		{"ListDatasets of another identity", func() error {
			_, err := u1.c.ListDatasets(&cognitosync.ListDatasetsInput{IdentityPoolId: poolIn, IdentityId: aws.String(u2.id)})
			return err
		}, codeNotAuthorized, 403, msgSyncForbidden},
		{"DescribeIdentityUsage of another identity", func() error {
			_, err := u1.c.DescribeIdentityUsage(&cognitosync.DescribeIdentityUsageInput{IdentityPoolId: poolIn, IdentityId: aws.String(u2.id)})
			return err
		}, codeNotAuthorized, 403, msgSyncForbidden},
		{"own identity under another pool", func() error {
			_, err := u1.c.DescribeIdentityUsage(&cognitosync.DescribeIdentityUsageInput{IdentityPoolId: aws.String(p2.id), IdentityId: aws.String(u1.id)})
			return err
		}, codeNotAuthorized, 403, msgSyncForbidden},
		{"identity of another pool", func() error {
			return list(other(p2.id, u3.id), cognitosync.ListRecordsInput{DatasetName: aws.String("notes")})
		},
			codeNotAuthorized, 403, msgSyncForbidden},
		{"RegisterDevice for another identity", func() error { return register(other(p.id, u2.id)) },
			codeNotAuthorized, 403, msgSyncForbidden},

		// Cognito credentials on developer-only operations.
		{"Cognito credentials on ListIdentityPoolUsage", func() error {
			_, err := u1.c.ListIdentityPoolUsage(&cognitosync.ListIdentityPoolUsageInput{})
			return err
		}, codeNotAuthorized, 403, msgSyncForbidden},
		{"Cognito credentials on DescribeIdentityPoolUsage", func() error {
			_, err := u1.c.DescribeIdentityPoolUsage(&cognitosync.DescribeIdentityPoolUsageInput{IdentityPoolId: poolIn})
			return err
		}, codeNotAuthorized, 403, msgSyncForbidden},
		{"Cognito credentials on SetIdentityPoolConfiguration", func() error {
			_, err := u1.c.SetIdentityPoolConfiguration(&cognitosync.SetIdentityPoolConfigurationInput{IdentityPoolId: poolIn})
			return err
		}, codeNotAuthorized, 403, msgSyncForbidden},
		{"Cognito credentials on GetIdentityPoolConfiguration", func() error {
			_, err := u1.c.GetIdentityPoolConfiguration(&cognitosync.GetIdentityPoolConfigurationInput{IdentityPoolId: poolIn})
			return err
		}, codeNotAuthorized, 403, msgSyncForbidden},
		{"Cognito credentials on SetCognitoEvents", func() error {
			_, err := u1.c.SetCognitoEvents(&cognitosync.SetCognitoEventsInput{IdentityPoolId: poolIn, Events: map[string]*string{"SyncTrigger": aws.String(s.lambdaARN("f"))}})
			return err
		}, codeNotAuthorized, 403, msgSyncForbidden},
		{"Cognito credentials on GetCognitoEvents", func() error {
			_, err := u1.c.GetCognitoEvents(&cognitosync.GetCognitoEventsInput{IdentityPoolId: poolIn})
			return err
		}, codeNotAuthorized, 403, msgSyncForbidden},
		{"Cognito credentials on BulkPublish", func() error {
			_, err := u1.c.BulkPublish(&cognitosync.BulkPublishInput{IdentityPoolId: poolIn})
			return err
		}, codeNotAuthorized, 403, msgSyncForbidden},
		{"Cognito credentials on GetBulkPublishDetails", func() error {
			_, err := u1.c.GetBulkPublishDetails(&cognitosync.GetBulkPublishDetailsInput{IdentityPoolId: poolIn})
			return err
		}, codeNotAuthorized, 403, msgSyncForbidden},

		// Developer credentials on the device operations.
		{"developer credentials on RegisterDevice", func() error { return register(dev) },
			codeNotAuthorized, 403, msgSyncForbidden},
		{"developer credentials on SubscribeToDataset", func() error { return subscribe(dev, "device-1") },
			codeNotAuthorized, 403, msgSyncForbidden},
		{"developer credentials on UnsubscribeFromDataset", func() error {
			_, err := dev.c.UnsubscribeFromDataset(&cognitosync.UnsubscribeFromDatasetInput{
				IdentityPoolId: poolIn, IdentityId: aws.String(u1.id), DatasetName: aws.String("notes"), DeviceId: aws.String("device-1"),
			})
			return err
		}, codeNotAuthorized, 403, msgSyncForbidden},

		// Things that do not exist.
		{"DescribeDataset never written (developer)", func() error { return describe(dev, "missing") }, codeNotFound, 404, ""},
		{"DescribeDataset never written (Cognito)", func() error { return describe(u1, "missing") }, codeNotFound, 404, ""},
		{"DeleteDataset never written (developer)", func() error { return deleteDataset(dev, "missing") }, codeNotFound, 404, ""},
		{"DeleteDataset never written (Cognito)", func() error { return deleteDataset(u1, "missing") }, codeNotFound, 404, ""},
		{"DescribeIdentityPoolUsage of an unknown pool", func() error {
			_, err := p.dev.DescribeIdentityPoolUsage(&cognitosync.DescribeIdentityPoolUsageInput{IdentityPoolId: aws.String(unknownPool)})
			return err
		}, codeNotFound, 404, ""},
		{"GetIdentityPoolConfiguration of an unknown pool", func() error {
			_, err := p.dev.GetIdentityPoolConfiguration(&cognitosync.GetIdentityPoolConfigurationInput{IdentityPoolId: aws.String(unknownPool)})
			return err
		}, codeNotFound, 404, ""},
		{"DescribeIdentityUsage of an unknown identity", func() error {
			_, err := p.dev.DescribeIdentityUsage(&cognitosync.DescribeIdentityUsageInput{IdentityPoolId: poolIn, IdentityId: aws.String(unknownID)})
			return err
		}, codeNotFound, 404, ""},
		{"SubscribeToDataset with an unregistered device", func() error { return subscribe(u1, "no-such-device") }, codeNotFound, 404, ""},

		// Session tokens.
		{"garbage SyncSessionToken", func() error { return update(u1, "notes", "not-a-token", replacePatch("text", "x", 1)) },
			codeInvalidParam, 400, msgSyncBadToken},
		{"SyncSessionToken of another dataset", func() error { return update(u1, "notes", token1Other, replacePatch("text", "x", 1)) },
			codeInvalidParam, 400, msgSyncBadToken},
		{"SyncSessionToken of another identity", func() error { return update(dev, "notes", token2, replacePatch("text", "x", 1)) },
			codeInvalidParam, 400, msgSyncBadToken},
		{"SyncSessionToken with a flipped byte", func() error { return update(u1, "notes", flipMiddle(token1), replacePatch("text", "x", 1)) },
			codeInvalidParam, 400, msgSyncBadToken},

		// Malformed input the v1 client lets through.
		{"dataset name with a bad character", func() error { return list(u1, cognitosync.ListRecordsInput{DatasetName: aws.String("bad!name")}) },
			codeInvalidParam, 400, ""},
		{"dataset name of 129 characters", func() error { return describe(u1, long) }, codeInvalidParam, 400, ""},
		{"UpdateRecords on a bad dataset name", func() error { return update(u1, "has space", token1, replacePatch("text", "x", 0)) },
			codeInvalidParam, 400, ""},
		{"negative lastSyncCount", func() error {
			return list(u1, cognitosync.ListRecordsInput{DatasetName: aws.String("notes"), LastSyncCount: aws.Int64(-1)})
		}, codeInvalidParam, 400, ""},
		{"ListRecords with a bad nextToken", func() error {
			return list(u1, cognitosync.ListRecordsInput{DatasetName: aws.String("notes"), NextToken: aws.String("!!not-a-token!!")})
		}, codeInvalidParam, 400, ""},
		{"ListDatasets with a bad nextToken", func() error {
			_, err := u1.c.ListDatasets(&cognitosync.ListDatasetsInput{IdentityPoolId: poolIn, IdentityId: aws.String(u1.id), NextToken: aws.String("!!not-a-token!!")})
			return err
		}, codeInvalidParam, 400, ""},
		{"unknown patch Op", func() error {
			return update(u1, "notes", token1, &cognitosync.RecordPatch{Op: aws.String("upsert"), Key: aws.String("text"), Value: aws.String("x"), SyncCount: aws.Int64(1)})
		}, codeInvalidParam, 400, ""},
		{"replace without a Value", func() error {
			return update(u1, "notes", token1, &cognitosync.RecordPatch{Op: aws.String("replace"), Key: aws.String("text"), SyncCount: aws.Int64(1)})
		}, codeInvalidParam, 400, ""},

		// Push sync not configured on p2.
		{"RegisterDevice without PushSync", func() error { return register(u3) }, codeSyncInvalidConfig, 400, ""},
		{"SubscribeToDataset without PushSync", func() error { return subscribe(u3, "device-1") }, codeSyncInvalidConfig, 400, ""},

		// Stale sync counts.
		{"stale SyncCount of an existing record", func() error { return update(u1, "notes", token1, replacePatch("text", "changed", 0)) },
			codeConflict, 409, msgSyncConflict("text", 1, 0)},
		{"SyncCount ahead of a new record", func() error { return update(u1, "notes", token1, replacePatch("fresh", "x", 5)) },
			codeConflict, 409, msgSyncConflict("fresh", 0, 5)},
		{"stale SyncCount on a remove", func() error { return update(u1, "notes", token1, removePatch("text", 7)) },
			codeConflict, 409, msgSyncConflict("text", 1, 7)},
		// amazon-cognito-js#31: a value written again unchanged from a
		// stale count is a conflict too.
		{"stale SyncCount with the same value", func() error { return update(u1, "notes", token1, replacePatch("text", "hello", 0)) },
			codeConflict, 409, msgSyncConflict("text", 1, 0)},

		// aws-sdk-unity#94: a lastSyncCount the dataset never reached.
		{"lastSyncCount beyond the dataset's", func() error {
			return list(u1, cognitosync.ListRecordsInput{DatasetName: aws.String("notes"), LastSyncCount: aws.Int64(37)})
		},
			codeInvalidParam, 400, "No such SyncCount: 37 exists for this Dataset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantSyncError(t, tt.call(), tt.code, tt.status, tt.msg)
		})
	}

	// None of the refused calls changed anything.
	out, err := u1.list("notes", 0)
	ok(t, err, "ListRecords after errors")
	wantRecords(t, "u1 notes after errors", out.Records, map[string]syncRecord{"text": liveRecord("hello", 1)})
	out, err = u2.list("notes", 0)
	ok(t, err, "ListRecords u2 after errors")
	wantRecords(t, "u2 notes after errors", out.Records, map[string]syncRecord{"text": liveRecord("hi", 1)})
}

// flipMiddle returns s with its middle character changed, so that a signed
// token no longer verifies. (The last character of unpadded base64 may
// carry only ignored bits, so it is left alone.)
func flipMiddle(s string) string {
	if s == "" {
		return "x"
	}
	b := []byte(s)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// TestSyncLimits checks the per-identity and per-dataset limits of
// shared/spec/cognito-sync.md §3, right at their boundaries.
func TestSyncLimits(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	p := newSyncPool(t, s)

	t.Run("20 datasets per identity", func(t *testing.T) {
		u := p.guest(t)
		for i := range 20 {
			u.write(t, fmt.Sprintf("ds-%02d", i), replacePatch("k", "v", 0))
		}
		_, err := u.update("ds-20", u.token(t, "ds-20"), replacePatch("k", "v", 0))
		wantSyncError(t, err, codeLimitExceeded, http.StatusBadRequest, "")
		// Writing into an existing dataset is still fine.
		u.write(t, "ds-00", replacePatch("k", "w", 1))

		ds, err := u.c.ListDatasets(&cognitosync.ListDatasetsInput{IdentityPoolId: aws.String(p.id), IdentityId: aws.String(u.id), MaxResults: aws.Int64(64)})
		ok(t, err, "ListDatasets")
		if len(ds.Datasets) != 20 || slices.Contains(datasetNames(ds.Datasets), "ds-20") {
			t.Errorf("ListDatasets: got %d datasets %s, want the first 20", len(ds.Datasets), joinNames(datasetNames(ds.Datasets)))
		}

		// Deleting one makes room for another.
		_, err = u.c.DeleteDataset(&cognitosync.DeleteDatasetInput{IdentityPoolId: aws.String(p.id), IdentityId: aws.String(u.id), DatasetName: aws.String("ds-07")})
		ok(t, err, "DeleteDataset")
		u.write(t, "ds-20", replacePatch("k", "v", 0))
	})

	t.Run("1024 records per dataset", func(t *testing.T) {
		u := p.guest(t)
		patches := make([]*cognitosync.RecordPatch, 1024)
		for i := range patches {
			patches[i] = replacePatch(fmt.Sprintf("key-%04d", i), "v", 0)
		}
		recs := u.write(t, "many", patches...)
		if len(recs) != 1024 {
			t.Errorf("UpdateRecords of 1024: got %d records back, want 1024", len(recs))
		}
		_, err := u.update("many", u.token(t, "many"), replacePatch("key-1024", "v", 0))
		wantSyncError(t, err, codeLimitExceeded, http.StatusBadRequest, "")

		// Changing a record adds none; removing one makes room.
		u.write(t, "many", replacePatch("key-0000", "w", 1))
		u.write(t, "many", removePatch("key-0001", 1), replacePatch("key-1024", "v", 0))
		d, err := u.describe("many")
		ok(t, err, "DescribeDataset")
		// Whether NumRecords counts tombstones is unconfirmed; show it.
		t.Logf("NumRecords of 1024 live records and 1 tombstone: %d", aws.Int64Value(d.NumRecords))

		// 1025 new records in one call are refused whole.
		patches = append(patches, replacePatch("key-1024", "v", 0))
		_, err = u.update("many2", u.token(t, "many2"), patches...)
		wantSyncError(t, err, codeLimitExceeded, http.StatusBadRequest, "")
		_, err = u.describe("many2")
		wantSyncError(t, err, codeNotFound, http.StatusNotFound, "")
	})

	t.Run("1 MB per dataset", func(t *testing.T) {
		u := p.guest(t)
		big := strings.Repeat("x", 600_000)
		u.write(t, "big", replacePatch("a", big, 0))
		_, err := u.update("big", u.token(t, "big"), replacePatch("b", big, 0))
		wantSyncError(t, err, codeLimitExceeded, http.StatusBadRequest, "")
		d, err := u.describe("big")
		ok(t, err, "DescribeDataset")
		if got, want := aws.Int64Value(d.DataStorage), int64(1+len(big)); got != want {
			t.Errorf("DescribeDataset: got DataStorage %d, want %d", got, want)
		}

		// A full dataset goes in one call, as the client libraries push it,
		// even when JSON's escapes make the body twice its size: the
		// longest value the model allows, all quotes.
		full := strings.Repeat(`"`, 1<<20-1)
		u.write(t, "full", replacePatch("k", full, 0))
		d, err = u.describe("full")
		ok(t, err, "DescribeDataset")
		if got, want := aws.Int64Value(d.DataStorage), int64(1<<20); got != want {
			t.Errorf("DescribeDataset: got DataStorage %d, want %d", got, want)
		}
	})
}

// TestSyncListRecords covers ListRecords on its own: a dataset never
// written, tombstones in incremental listings, and paging.
func TestSyncListRecords(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	p := newSyncPool(t, s)

	t.Run("never written", func(t *testing.T) {
		for _, u := range []*syncUser{p.guest(t), p.as(p.s.guestID(t, p.id))} {
			req, out := u.c.ListRecordsRequest(&cognitosync.ListRecordsInput{
				IdentityPoolId: aws.String(p.id), IdentityId: aws.String(u.id), DatasetName: aws.String("nothing-here"),
			})
			ok(t, req.Send(), "ListRecords")
			if req.HTTPResponse.StatusCode != http.StatusOK {
				t.Errorf("ListRecords: got status %d, want 200", req.HTTPResponse.StatusCode)
			}
			if aws.Int64Value(out.Count) != 0 || len(out.Records) != 0 || aws.BoolValue(out.DatasetExists) ||
				aws.Int64Value(out.DatasetSyncCount) != 0 || aws.BoolValue(out.DatasetDeletedAfterRequestedSyncCount) ||
				len(out.MergedDatasetNames) != 0 || aws.StringValue(out.NextToken) != "" {
				t.Errorf("ListRecords: got %v, want an empty listing of a dataset that does not exist", out)
			}
			if aws.StringValue(out.SyncSessionToken) == "" {
				t.Error("ListRecords: got no SyncSessionToken, want one even for a missing dataset")
			}
		}
	})

	t.Run("tombstones", func(t *testing.T) {
		u := p.guest(t)
		u.write(t, "list", replacePatch("a", "1", 0), replacePatch("b", "2", 0), replacePatch("c", "3", 0))
		recs := u.write(t, "list", removePatch("b", 1))
		wantRecords(t, "remove", recs, map[string]syncRecord{"b": removedRecord(2)})

		out, err := u.list("list", 1)
		ok(t, err, "ListRecords from 1")
		wantRecords(t, "ListRecords from 1", out.Records, map[string]syncRecord{"b": removedRecord(2)})
		if aws.Int64Value(out.DatasetSyncCount) != 2 || aws.Int64Value(out.Count) != 1 {
			t.Errorf("ListRecords from 1: got DatasetSyncCount %d, Count %d, want 2, 1", aws.Int64Value(out.DatasetSyncCount), aws.Int64Value(out.Count))
		}

		// A full listing has the live records; b may only show as removed.
		out, err = u.list("list", 0)
		ok(t, err, "ListRecords from 0")
		m := recordMap(t, out.Records)
		if m["a"].String() != liveRecord("1", 1).String() || m["c"].String() != liveRecord("3", 1).String() {
			t.Errorf("ListRecords from 0: got %v, want a and c at 1", m)
		}
		if b, listed := m["b"]; listed && b.value != nil {
			t.Errorf("ListRecords from 0: got b %v, want it removed", b)
		}
		t.Logf("ListRecords from 0 after a remove: %v (tombstones at 0 are unconfirmed)", m)

		// The removed key can come back, from the tombstone's sync count.
		recs = u.write(t, "list", replacePatch("b", "again", 2))
		wantRecords(t, "re-add", recs, map[string]syncRecord{"b": liveRecord("again", 3)})
	})

	t.Run("paging", func(t *testing.T) {
		u := p.guest(t)
		var patches []*cognitosync.RecordPatch
		want := map[string]syncRecord{}
		for i := range 7 {
			k := fmt.Sprintf("k%d", i)
			patches = append(patches, replacePatch(k, "v"+k, 0))
			want[k] = liveRecord("v"+k, 1)
		}
		u.write(t, "paged", patches...)

		var all []*cognitosync.Record
		var next *string
		pages := 0
		for ; pages < 10; pages++ {
			out, err := u.c.ListRecords(&cognitosync.ListRecordsInput{
				IdentityPoolId: aws.String(p.id), IdentityId: aws.String(u.id), DatasetName: aws.String("paged"),
				LastSyncCount: aws.Int64(0), MaxResults: aws.Int64(3), NextToken: next,
			})
			ok(t, err, fmt.Sprintf("ListRecords page %d", pages))
			if len(out.Records) > 3 || aws.Int64Value(out.Count) != int64(len(out.Records)) {
				t.Errorf("page %d: got %d records, Count %d, want at most 3 and Count equal", pages, len(out.Records), aws.Int64Value(out.Count))
			}
			if aws.Int64Value(out.DatasetSyncCount) != 1 || !aws.BoolValue(out.DatasetExists) {
				t.Errorf("page %d: got DatasetSyncCount %d, DatasetExists %v, want 1, true", pages, aws.Int64Value(out.DatasetSyncCount), aws.BoolValue(out.DatasetExists))
			}
			all = append(all, out.Records...)
			if next = out.NextToken; aws.StringValue(next) == "" {
				pages++
				break
			}
		}
		if pages != 3 {
			t.Errorf("got %d pages of at most 3 for 7 records, want 3", pages)
		}
		wantRecords(t, "all pages", all, want)

		// ListDatasets pages the same way.
		for i := range 4 {
			u.write(t, fmt.Sprintf("set-%d", i), replacePatch("k", "v", 0))
		}
		var names []string
		next, pages = nil, 0
		for ; pages < 10; pages++ {
			out, err := u.c.ListDatasets(&cognitosync.ListDatasetsInput{
				IdentityPoolId: aws.String(p.id), IdentityId: aws.String(u.id), MaxResults: aws.Int64(2), NextToken: next,
			})
			ok(t, err, fmt.Sprintf("ListDatasets page %d", pages))
			if len(out.Datasets) > 2 {
				t.Errorf("ListDatasets page %d: got %d datasets, want at most 2", pages, len(out.Datasets))
			}
			for _, d := range out.Datasets {
				names = append(names, aws.StringValue(d.DatasetName))
			}
			if next = out.NextToken; aws.StringValue(next) == "" {
				pages++
				break
			}
		}
		slices.Sort(names)
		if want := []string{"paged", "set-0", "set-1", "set-2", "set-3"}; !slices.Equal(names, want) || pages != 3 {
			t.Errorf("ListDatasets: got %v in %d pages, want %v in 3", names, pages, want)
		}
	})
}

// TestSyncDeleteRecreate deletes a dataset that devices hold and writes it
// again: a device at a sync count before the deletion must be told to wipe
// its copy, and the new dataset's counts go on past the old ones.
func TestSyncDeleteRecreate(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	p := newSyncPool(t, s)
	u := p.guest(t)
	u.write(t, "game", replacePatch("level", "1", 0), replacePatch("score", "10", 0))
	u.write(t, "game", replacePatch("level", "2", 1))

	_, err := u.c.DeleteDataset(&cognitosync.DeleteDatasetInput{IdentityPoolId: aws.String(p.id), IdentityId: aws.String(u.id), DatasetName: aws.String("game")})
	ok(t, err, "DeleteDataset")
	_, err = u.c.DeleteDataset(&cognitosync.DeleteDatasetInput{IdentityPoolId: aws.String(p.id), IdentityId: aws.String(u.id), DatasetName: aws.String("game")})
	wantSyncError(t, err, codeNotFound, http.StatusNotFound, "")

	type state struct {
		exists, deleted bool
		records         map[string]syncRecord
	}
	check := func(what string, last int64, want state) *cognitosync.ListRecordsOutput {
		t.Helper()
		out, err := u.list("game", last)
		ok(t, err, what)
		if aws.BoolValue(out.DatasetExists) != want.exists || aws.BoolValue(out.DatasetDeletedAfterRequestedSyncCount) != want.deleted {
			t.Errorf("%s: got DatasetExists %v, DatasetDeletedAfterRequestedSyncCount %v, want %v, %v", what,
				aws.BoolValue(out.DatasetExists), aws.BoolValue(out.DatasetDeletedAfterRequestedSyncCount), want.exists, want.deleted)
		}
		wantRecords(t, what, out.Records, want.records)
		return out
	}
	check("deleted, client at 2", 2, state{exists: false, deleted: true})
	check("deleted, client at 1", 1, state{exists: false, deleted: true})
	out := check("deleted, new client", 0, state{exists: false, deleted: false})
	// The spec leaves open what count a deleted dataset reports (0, as a
	// dataset that does not exist, or a count of its own); it may not be
	// between 0 and the last count devices saw.
	gone := aws.Int64Value(out.DatasetSyncCount)
	if gone != 0 && gone < 2 {
		t.Errorf("deleted dataset: got DatasetSyncCount %d, want 0 or at least 2", gone)
	}

	// Re-create from the fresh client's listing. The new records go on past
	// every count a device may hold (shared/spec/cognito-sync.md §4.3).
	upd, err := u.update("game", aws.StringValue(out.SyncSessionToken), replacePatch("level", "1", 0))
	ok(t, err, "UpdateRecords re-create")
	now := max(gone, 2) + 1
	wantRecords(t, "re-create", upd.Records, map[string]syncRecord{"level": liveRecord("1", now)})
	if gone+1 != now {
		// The libraries then keep their lastSyncCount and fetch the dataset
		// again on their next sync: harmless, but worth seeing.
		t.Logf("re-create: max SyncCount %d is not the listed DatasetSyncCount %d + 1", now, gone)
	}

	check("re-created, new client", 0, state{exists: true, deleted: false, records: map[string]syncRecord{"level": liveRecord("1", now)}})
	check("re-created, client at 2", 2, state{exists: true, deleted: true, records: map[string]syncRecord{"level": liveRecord("1", now)}})
	check("re-created, client up to date", now, state{exists: true, deleted: false})
	d, err := u.describe("game")
	ok(t, err, "DescribeDataset re-created")
	if aws.Int64Value(d.NumRecords) != 1 {
		t.Errorf("DescribeDataset re-created: got NumRecords %d, want 1", aws.Int64Value(d.NumRecords))
	}
}

// TestSyncRestart checks that datasets, records, sync counts, pool
// configuration, devices and issued session tokens survive a restart of
// the server on the same database.
func TestSyncRestart(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	s.needRestart(t)
	p := newSyncPool(t, s)
	u := p.guest(t)
	push := &cognitosync.PushSync{ApplicationArns: []*string{aws.String(s.snsAppARN("APNS", "idpool"))}, RoleArn: aws.String(s.roleARN("SyncPush"))}
	_, err := p.dev.SetIdentityPoolConfiguration(&cognitosync.SetIdentityPoolConfigurationInput{IdentityPoolId: aws.String(p.id), PushSync: push})
	ok(t, err, "SetIdentityPoolConfiguration")
	_, err = p.dev.SetCognitoEvents(&cognitosync.SetCognitoEventsInput{
		IdentityPoolId: aws.String(p.id), Events: map[string]*string{"SyncTrigger": aws.String(s.lambdaARN("t"))},
	})
	ok(t, err, "SetCognitoEvents")
	register := func() string {
		t.Helper()
		out, err := u.c.RegisterDevice(&cognitosync.RegisterDeviceInput{
			IdentityPoolId: aws.String(p.id), IdentityId: aws.String(u.id),
			Platform: aws.String(cognitosync.PlatformApns), Token: aws.String("apns-token"),
		})
		ok(t, err, "RegisterDevice")
		return aws.StringValue(out.DeviceId)
	}
	device := register()
	u.write(t, "prefs", replacePatch("theme", "dark", 0))
	u.write(t, "prefs", replacePatch("lang", "en", 0))
	p.as(u.id).write(t, "stats", replacePatch("runs", "3", 0))
	token := u.token(t, "prefs")

	s.restart(t)

	ds, err := u.c.ListDatasets(&cognitosync.ListDatasetsInput{IdentityPoolId: aws.String(p.id), IdentityId: aws.String(u.id)})
	ok(t, err, "ListDatasets after restart")
	if got, want := datasetNames(ds.Datasets), []string{"prefs", "stats"}; !slices.Equal(got, want) {
		t.Errorf("ListDatasets after restart: got %v, want %v", got, want)
	}
	out, err := u.list("prefs", 0)
	ok(t, err, "ListRecords after restart")
	wantRecords(t, "prefs after restart", out.Records, map[string]syncRecord{"theme": liveRecord("dark", 1), "lang": liveRecord("en", 2)})
	if aws.Int64Value(out.DatasetSyncCount) != 2 || !aws.BoolValue(out.DatasetExists) {
		t.Errorf("after restart: got DatasetSyncCount %d, DatasetExists %v, want 2, true", aws.Int64Value(out.DatasetSyncCount), aws.BoolValue(out.DatasetExists))
	}
	upd, err := u.update("prefs", token, replacePatch("theme", "light", 1))
	ok(t, err, "UpdateRecords with a token issued before the restart")
	wantRecords(t, "write after restart", upd.Records, map[string]syncRecord{"theme": liveRecord("light", 3)})

	cfg, err := p.dev.GetIdentityPoolConfiguration(&cognitosync.GetIdentityPoolConfigurationInput{IdentityPoolId: aws.String(p.id)})
	ok(t, err, "GetIdentityPoolConfiguration after restart")
	if cfg.PushSync == nil || !slices.Equal(aws.StringValueSlice(cfg.PushSync.ApplicationArns), aws.StringValueSlice(push.ApplicationArns)) {
		t.Errorf("GetIdentityPoolConfiguration after restart: got PushSync %v, want %v", cfg.PushSync, push)
	}
	ev, err := p.dev.GetCognitoEvents(&cognitosync.GetCognitoEventsInput{IdentityPoolId: aws.String(p.id)})
	ok(t, err, "GetCognitoEvents after restart")
	if got := aws.StringValueMap(ev.Events); got["SyncTrigger"] != s.lambdaARN("t") {
		t.Errorf("GetCognitoEvents after restart: got %v, want the trigger", got)
	}
	if again := register(); again != device {
		t.Errorf("RegisterDevice after restart: got DeviceId %q, want %q", again, device)
	}
}

// TestSyncWire checks the REST-JSON shapes of shared/spec/cognito-sync.md
// §1 below the SDK: error codes in x-amzn-ErrorType and the body, messages
// in x-amzn-ErrorMessage, request ids, epoch-second timestamps, and bodies
// accepted with any of the content types SDKs send.
func TestSyncWire(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	p := newSyncPool(t, s)
	u, other := p.guest(t), p.guest(t)
	u.write(t, "wire", replacePatch("k", "v", 0))

	t.Run("errors", func(t *testing.T) {
		token := u.token(t, "wire")
		tests := []struct {
			name   string
			u      *syncUser
			method string
			path   string
			body   string
			status int
			code   string
			msg    string
		}{
			{"another identity", u, http.MethodGet, other.datasetPath("wire") + "/records", "",
				http.StatusForbidden, codeNotAuthorized, msgSyncForbidden},
			{"missing dataset", u, http.MethodGet, u.datasetPath("missing"), "",
				http.StatusNotFound, codeNotFound, ""},
			{"stale sync count", u, http.MethodPost, u.datasetPath("wire"),
				`{"SyncSessionToken":"` + token + `","RecordPatches":[{"Op":"replace","Key":"k","Value":"w","SyncCount":0}]}`,
				http.StatusConflict, codeConflict, msgSyncConflict("k", 1, 0)},
			{"bad session token", u, http.MethodPost, u.datasetPath("wire"),
				`{"SyncSessionToken":"nope","RecordPatches":[{"Op":"replace","Key":"k","Value":"w","SyncCount":1}]}`,
				http.StatusBadRequest, codeInvalidParam, msgSyncBadToken},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ct := ""
				if tt.body != "" {
					ct = "application/json"
				}
				res := tt.u.raw(t, s, tt.method, tt.path, ct, tt.body)
				if res.status != tt.status {
					t.Errorf("got status %d, want %d (%s)", res.status, tt.status, res.body)
				}
				if got, _, _ := strings.Cut(res.header.Get("x-amzn-ErrorType"), ":"); got != tt.code {
					t.Errorf("got x-amzn-ErrorType %q, want %q", res.header.Get("x-amzn-ErrorType"), tt.code)
				}
				if res.header.Get("x-amzn-RequestId") == "" {
					t.Error("got no x-amzn-RequestId")
				}
				var body struct {
					Type    string `json:"__type"`
					Message string `json:"message"`
				}
				if err := json.Unmarshal(res.body, &body); err != nil {
					t.Fatalf("error body %q: %v", res.body, err)
				}
				if body.Type != tt.code {
					t.Errorf("got __type %q, want %q", body.Type, tt.code)
				}
				if tt.msg != "" && body.Message != tt.msg {
					t.Errorf("got message %q, want %q", body.Message, tt.msg)
				}
				if got := res.header.Get("x-amzn-ErrorMessage"); got != body.Message {
					t.Errorf("got x-amzn-ErrorMessage %q, want the body's message %q", got, body.Message)
				}
			})
		}
	})

	t.Run("ListRecords of a dataset never written", func(t *testing.T) {
		res := u.raw(t, s, http.MethodGet, u.datasetPath("never")+"/records", "", "")
		if res.status != http.StatusOK || res.header.Get("x-amzn-RequestId") == "" {
			t.Fatalf("got status %d, request id %q, want 200 and an id (%s)", res.status, res.header.Get("x-amzn-RequestId"), res.body)
		}
		var body map[string]json.RawMessage
		if err := json.Unmarshal(res.body, &body); err != nil {
			t.Fatalf("body %q: %v", res.body, err)
		}
		for k, want := range map[string]string{"Count": "0", "DatasetExists": "false", "DatasetSyncCount": "0", "DatasetDeletedAfterRequestedSyncCount": "false"} {
			if got := string(body[k]); got != want {
				t.Errorf("got %s %s, want %s", k, got, want)
			}
		}
		var token string
		if err := json.Unmarshal(body["SyncSessionToken"], &token); err != nil || token == "" {
			t.Errorf("got SyncSessionToken %s, want a string", body["SyncSessionToken"])
		}
	})

	t.Run("timestamps are epoch seconds", func(t *testing.T) {
		res := u.raw(t, s, http.MethodGet, u.datasetPath("wire"), "", "")
		if res.status != http.StatusOK {
			t.Fatalf("got status %d, want 200 (%s)", res.status, res.body)
		}
		var body struct {
			Dataset map[string]json.RawMessage
		}
		if err := json.Unmarshal(res.body, &body); err != nil {
			t.Fatalf("body %q: %v", res.body, err)
		}
		for _, k := range []string{"CreationDate", "LastModifiedDate"} {
			var secs float64
			if err := json.Unmarshal(body.Dataset[k], &secs); err != nil {
				t.Errorf("got %s %s, want a JSON number", k, body.Dataset[k])
				continue
			}
			if d := time.Since(time.Unix(int64(secs), 0)); d < -time.Minute || d > time.Minute {
				t.Errorf("got %s %v, want about now in epoch seconds", k, secs)
			}
		}
	})

	t.Run("body content types", func(t *testing.T) {
		for i, ct := range []string{"application/json", "application/x-amz-json-1.1", ""} {
			token := u.token(t, "wire")
			body := fmt.Sprintf(`{"SyncSessionToken":%q,"RecordPatches":[{"Op":"replace","Key":"k","Value":"v%d","SyncCount":%d}]}`, token, i, i+1)
			res := u.raw(t, s, http.MethodPost, u.datasetPath("wire"), ct, body)
			if res.status != http.StatusOK {
				t.Errorf("Content-Type %q: got status %d, want 200 (%s)", ct, res.status, res.body)
			}
		}
	})
}
