package cognitosync

import (
	"context"
	"testing"

	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/storagetest"
)

// TestWriteLosesRaceWithPoolDeletion runs every write of the service with
// pool A deleted (as DeleteIdentityPool or a reset delete it) between the
// request's reads and its transaction. Each must answer
// ResourceNotFoundException naming the pool, never an internal error, and
// leave nothing behind.
func TestWriteLosesRaceWithPoolDeletion(t *testing.T) {
	tests := []struct {
		name string
		run  func(e *env, token string) error
	}{
		{"UpdateRecords", func(e *env, token string) error {
			_, err := e.svc.UpdateRecords(e.a1, &UpdateRecordsInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d",
				SyncSessionToken: token, RecordPatches: []RecordPatch{put("k", "v2", 1), put("new", "v", 0)}})
			return err
		}},
		{"UpdateRecords creating a dataset", func(e *env, _ string) error {
			_, err := e.svc.UpdateRecords(e.a1, &UpdateRecordsInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "fresh",
				SyncSessionToken: e.svc.issueSession(idA1, "fresh", e.clock.Now()), RecordPatches: []RecordPatch{put("k", "v", 0)}})
			return err
		}},
		{"DeleteDataset", func(e *env, _ string) error {
			_, err := e.svc.DeleteDataset(e.a1, &DeleteDatasetInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d"})
			return err
		}},
		{"RegisterDevice", func(e *env, _ string) error {
			_, err := e.svc.RegisterDevice(e.a1, &RegisterDeviceInput{IdentityPoolId: poolA, IdentityId: idA1, Platform: PlatformGCM, Token: "push-2"})
			return err
		}},
		{"SubscribeToDataset", func(e *env, _ string) error {
			_, err := e.svc.SubscribeToDataset(e.a1, &SubscribeToDatasetInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d",
				DeviceId: DeviceID(idA1, PlatformGCM, "push-1")})
			return err
		}},
		{"UnsubscribeFromDataset", func(e *env, _ string) error {
			_, err := e.svc.UnsubscribeFromDataset(e.a1, &UnsubscribeFromDatasetInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d",
				DeviceId: DeviceID(idA1, PlatformGCM, "push-1")})
			return err
		}},
		{"SetIdentityPoolConfiguration", func(e *env, _ string) error {
			_, err := e.svc.SetIdentityPoolConfiguration(e.dev, &SetIdentityPoolConfigurationInput{IdentityPoolId: poolA,
				CognitoStreams: &CognitoStreams{StreamName: "s", RoleArn: streamRole, StreamingStatus: StreamingEnabled}})
			return err
		}},
		{"SetCognitoEvents", func(e *env, _ string) error {
			_, err := e.svc.SetCognitoEvents(e.dev, &SetCognitoEventsInput{IdentityPoolId: poolA, Events: map[string]string{EventSyncTrigger: syncLambda}})
			return err
		}},
		{"BulkPublish", func(e *env, _ string) error {
			_, err := e.svc.BulkPublish(e.dev, &BulkPublishInput{IdentityPoolId: poolA})
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, Config{})
			ctx := context.Background()
			if _, err := e.svc.SetIdentityPoolConfiguration(e.dev, &SetIdentityPoolConfigurationInput{IdentityPoolId: poolA,
				PushSync: &PushSync{ApplicationArns: []string{gcmApp}, RoleArn: pushRole}}); err != nil {
				t.Fatalf("SetIdentityPoolConfiguration: %v", err)
			}
			e.mustUpdate(t, e.a1, poolA, idA1, "d", put("k", "v", 0))
			dev, err := e.svc.RegisterDevice(e.a1, &RegisterDeviceInput{IdentityPoolId: poolA, IdentityId: idA1, Platform: PlatformGCM, Token: "push-1"})
			if err != nil {
				t.Fatalf("RegisterDevice: %v", err)
			}
			if _, err := e.svc.SubscribeToDataset(e.a1, &SubscribeToDatasetInput{IdentityPoolId: poolA, IdentityId: idA1,
				DatasetName: "d", DeviceId: dev.DeviceId}); err != nil {
				t.Fatalf("SubscribeToDataset: %v", err)
			}
			token := e.token(t, e.a1, poolA, idA1, "d")

			inner := e.store
			rs := &storagetest.Racing{Store: inner}
			rs.Arm(func() {
				if err := inner.Update(ctx, func(tx storage.Tx) error { return tx.DeletePool(ctx, poolA) }); err != nil {
					t.Errorf("delete pool: %v", err)
				}
			})
			e.svc.store = rs
			err = tc.run(e, token)
			if !rs.Fired() {
				t.Fatal("the operation never started a write transaction: the race was not run")
			}
			wantErr(t, err, CodeResourceNotFound, "IdentityPool '"+poolA+"' not found.")
			if _, err := inner.GetDataset(ctx, idA1, "d"); err == nil {
				t.Error("GetDataset of the deleted pool's dataset: got it, want ErrNotFound")
			}
			// A pool without configuration may read as the zero value; what
			// matters is that the write did not store one.
			if c, err := inner.GetSyncConfig(ctx, poolA); err == nil && (c.HasPushSync || c.HasStreams || len(c.Events) > 0 || c.BulkPublishStatus != "") {
				t.Errorf("GetSyncConfig of the deleted pool: got %+v, want none", c)
			}
		})
	}
}
