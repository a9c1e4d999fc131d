package conformance

import (
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/service/cognitosync"
)

// TestSyncExportRestart drives Cognito Sync through the v1 SDK: a pool's
// push sync, streams and events are set, a guest with a dataset of a
// 100-character name merges into a user who has one too (and one whose
// name the merged copy's cut name starts with), a phone registers for push
// sync and subscribes, and a bulk publish runs. The database is written
// out with "idpool export" and a fresh server started from that file alone
// serves the same configuration, events, merge report and device; the
// bulk publish is not carried, and AWS's one successful
// bulk publish per 24 hours holds until a reset seeds the pool again.
func TestSyncExportRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "idpool.db")
	s := testServerEnv(t, map[string]string{"IDPOOL_DB": db})
	ctx := context.Background()
	p := newLoginSyncPool(t, s)
	pool := p.id

	push := &cognitosync.PushSync{ApplicationArns: aws.StringSlice([]string{s.snsAppARN("GCM", "app")}), RoleArn: aws.String(s.roleARN("Push"))}
	streams := &cognitosync.CognitoStreams{StreamName: aws.String("stream"), RoleArn: aws.String(s.roleARN("Stream")),
		StreamingStatus: aws.String(cognitosync.StreamingStatusEnabled)}
	events := map[string]string{"SyncTrigger": s.lambdaARN("onsync")}
	_, err := p.dev.SetIdentityPoolConfiguration(&cognitosync.SetIdentityPoolConfigurationInput{IdentityPoolId: aws.String(pool),
		PushSync: push, CognitoStreams: streams})
	ok(t, err, "SetIdentityPoolConfiguration")
	_, err = p.dev.SetCognitoEvents(&cognitosync.SetCognitoEventsInput{IdentityPoolId: aws.String(pool), Events: aws.StringMap(events)})
	ok(t, err, "SetCognitoEvents")

	long := "settings_" + strings.Repeat("x", 91)
	other := long[:91]
	login := map[string]string{"graph.facebook.com": "export-user"}
	owner := s.loginID(t, pool, login)
	p.as(owner).write(t, long, replacePatch("theme", "dark", 0))
	p.as(owner).write(t, other, replacePatch("other", "A", 0))
	guest := p.guest(t)
	guest.write(t, long, replacePatch("theme", "light", 0))
	out, err := s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: awsv2.String(guest.id), Logins: login})
	ok(t, err, "GetCredentialsForIdentity with the login")
	if got := awsv2.ToString(out.IdentityId); got != owner {
		t.Fatalf("merge: got identity %s, want the owner %s", got, owner)
	}
	// The copy is reported under the dataset it came from, never under
	// the other one, which its cut name starts like.
	merged := func(t *testing.T, p *syncPool) string {
		t.Helper()
		l, err := p.as(owner).list(long, 0)
		ok(t, err, "ListRecords of the long name")
		names := aws.StringValueSlice(l.MergedDatasetNames)
		if len(names) != 1 || !strings.HasPrefix(names[0], other) || len(names[0]) > 128 {
			t.Fatalf("ListRecords of the %d-character name: got MergedDatasetNames %v, want the merged copy", len(long), names)
		}
		o, err := p.as(owner).list(other, 0)
		ok(t, err, "ListRecords of the other name")
		if got := aws.StringValueSlice(o.MergedDatasetNames); len(got) != 0 {
			t.Errorf("ListRecords of %s: got MergedDatasetNames %v, want none", other, got)
		}
		c, err := p.as(owner).list(names[0], 0)
		ok(t, err, "ListRecords of the merged copy")
		wantRecords(t, "merged copy", c.Records, map[string]syncRecord{"theme": liveRecord("light", 1)})
		return names[0]
	}
	copyName := merged(t, p)

	// A phone registers for push sync and subscribes to a dataset.
	phone := p.guest(t)
	phone.write(t, "profile", replacePatch("color", "green", 0))
	register := func(t *testing.T, u *syncUser) string {
		t.Helper()
		out, err := u.c.RegisterDevice(&cognitosync.RegisterDeviceInput{IdentityPoolId: aws.String(pool), IdentityId: aws.String(u.id),
			Platform: aws.String(cognitosync.PlatformGcm), Token: aws.String("gcm-token")})
		ok(t, err, "RegisterDevice")
		return aws.StringValue(out.DeviceId)
	}
	device := register(t, phone)
	subscribe := func(t *testing.T, u *syncUser) {
		t.Helper()
		_, err := u.c.SubscribeToDataset(&cognitosync.SubscribeToDatasetInput{IdentityPoolId: aws.String(pool), IdentityId: aws.String(u.id),
			DatasetName: aws.String("profile"), DeviceId: aws.String(device)})
		ok(t, err, "SubscribeToDataset")
	}
	subscribe(t, phone)

	publish := func(t *testing.T, p *syncPool) error {
		t.Helper()
		_, err := p.dev.BulkPublish(&cognitosync.BulkPublishInput{IdentityPoolId: aws.String(pool)})
		return err
	}
	ok(t, publish(t, p), "BulkPublish")
	wantSyncError(t, publish(t, p), cognitosync.ErrCodeAlreadyStreamedException, http.StatusBadRequest, "")

	file := filepath.Join(dir, "fixtures.json")
	idpoolExport(t, db, file)
	back := testServerEnv(t, map[string]string{"IDPOOL_DB": filepath.Join(dir, "fresh.db"), "IDPOOL_FIXTURES": file})
	bp := &syncPool{s: back, id: pool, dev: newSyncClient(t, back.endpoint, credentials.NewStaticCredentials(accessKey, secretKey, ""))}

	cfg, err := bp.dev.GetIdentityPoolConfiguration(&cognitosync.GetIdentityPoolConfigurationInput{IdentityPoolId: aws.String(pool)})
	ok(t, err, "GetIdentityPoolConfiguration")
	if !slices.Equal(aws.StringValueSlice(cfg.PushSync.ApplicationArns), aws.StringValueSlice(push.ApplicationArns)) ||
		aws.StringValue(cfg.PushSync.RoleArn) != aws.StringValue(push.RoleArn) || cfg.CognitoStreams.String() != streams.String() {
		t.Errorf("GetIdentityPoolConfiguration: got %v, want push sync %v and streams %v", cfg, push, streams)
	}
	ev, err := bp.dev.GetCognitoEvents(&cognitosync.GetCognitoEventsInput{IdentityPoolId: aws.String(pool)})
	ok(t, err, "GetCognitoEvents")
	if got := aws.StringValueMap(ev.Events); len(got) != 1 || got["SyncTrigger"] != events["SyncTrigger"] {
		t.Errorf("GetCognitoEvents: got %v, want %v", got, events)
	}
	if got := merged(t, bp); got != copyName {
		t.Errorf("merged copy after the restart: got %s, want %s", got, copyName)
	}
	// The phone's cached device id is still good, and registering again
	// gives it back.
	phone = bp.device(t, phone.id)
	subscribe(t, phone)
	if got := register(t, phone); got != device {
		t.Errorf("RegisterDevice after the restart: got DeviceId %s, want %s", got, device)
	}

	// The bulk publish was not carried; one succeeds, then the limit
	// holds until a reset seeds the pool again.
	d, err := bp.dev.GetBulkPublishDetails(&cognitosync.GetBulkPublishDetailsInput{IdentityPoolId: aws.String(pool)})
	ok(t, err, "GetBulkPublishDetails")
	if got := aws.StringValue(d.BulkPublishStatus); got != cognitosync.BulkPublishStatusNotStarted {
		t.Errorf("GetBulkPublishDetails after the restart: got %s, want %s", got, cognitosync.BulkPublishStatusNotStarted)
	}
	ok(t, publish(t, bp), "BulkPublish after the restart")
	wantSyncError(t, publish(t, bp), cognitosync.ErrCodeAlreadyStreamedException, http.StatusBadRequest, "")
	if res := back.post(t, "/_idpool/reset", ""); res.status != http.StatusOK {
		t.Fatalf("reset: got %d %s, want 200", res.status, res.body)
	}
	ok(t, publish(t, bp), "BulkPublish after a reset")
}

// TestExportAfterSurvivorDeleted: a developer user merged into another
// whose identity is then deleted leaves a disabled identity; "idpool
// export" of that database starts a fresh server, which refuses that
// identity credentials as the first one did.
func TestExportAfterSurvivorDeleted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "idpool.db")
	s := testServerEnv(t, map[string]string{"IDPOOL_DB": db})
	ctx := context.Background()
	dev := uniqueDev()
	d := &devServer{server: s, pool: s.createPool(t, s.fullPool(dev)), dev: dev}
	alice, bob := d.devID(t, "alice"), d.devID(t, "bob")
	_, err := s.signed.MergeDeveloperIdentities(ctx, &cognitoidentity.MergeDeveloperIdentitiesInput{IdentityPoolId: awsv2.String(d.pool),
		DeveloperProviderName: awsv2.String(dev), SourceUserIdentifier: awsv2.String("alice"), DestinationUserIdentifier: awsv2.String("bob")})
	ok(t, err, "MergeDeveloperIdentities")
	del, err := s.signed.DeleteIdentities(ctx, &cognitoidentity.DeleteIdentitiesInput{IdentityIdsToDelete: []string{bob}})
	ok(t, err, "DeleteIdentities of the survivor")
	if len(del.UnprocessedIdentityIds) > 0 {
		t.Fatalf("DeleteIdentities of the survivor: got unprocessed %v, want none", del.UnprocessedIdentityIds)
	}

	file := filepath.Join(dir, "fixtures.json")
	idpoolExport(t, db, file)
	back := testServerEnv(t, map[string]string{"IDPOOL_DB": filepath.Join(dir, "fresh.db"), "IDPOOL_FIXTURES": file})
	for name, c := range map[string]*cognitoidentity.Client{"the first server": s.anon, "the server started from the export": back.anon} {
		_, err := c.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: awsv2.String(alice)})
		if !isCode(err, codeNotAuthorized) {
			t.Errorf("GetCredentialsForIdentity of the merged identity on %s: got %v, want %s", name, err, codeNotAuthorized)
		}
	}
	_, err = back.signed.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: awsv2.String(bob)})
	if !isCode(err, codeNotFound) {
		t.Errorf("DescribeIdentity of the deleted survivor on the server started from the export: got %v, want %s", err, codeNotFound)
	}
}
