package cognitosync

import (
	"context"
	"testing"

	"github.com/idpool/idpool/protocol"
)

// TestWhoMayCall runs every operation on identity A1 of pool A (or on pool
// A) with every kind of caller, and checks who is refused with
// NotAuthorizedException.
func TestWhoMayCall(t *testing.T) {
	e := newEnv(t, Config{})
	e.mustUpdate(t, e.dev, poolA, idA1, "d", put("k", "v", 0))
	if _, err := e.svc.SetIdentityPoolConfiguration(e.dev, &SetIdentityPoolConfigurationInput{IdentityPoolId: poolA,
		PushSync: &PushSync{ApplicationArns: []string{gcmApp}, RoleArn: pushRole}}); err != nil {
		t.Fatal(err)
	}
	tok := e.token(t, e.dev, poolA, idA1, "d")
	dataset := &DatasetInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d"}
	subscription := &SubscriptionInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d", DeviceId: "x"}
	pool := &PoolInput{IdentityPoolId: poolA}

	type who int
	const (
		identity  who = iota // identity-level: the identity itself or the developer
		developer            // pool-level: the developer only
		device               // push sync: the identity itself only
	)
	ops := []struct {
		name string
		who  who
		call func(ctx context.Context) error
	}{
		{"ListIdentityPoolUsage", developer, func(ctx context.Context) error {
			_, err := e.svc.ListIdentityPoolUsage(ctx, &ListIdentityPoolUsageInput{})
			return err
		}},
		{"DescribeIdentityPoolUsage", developer, func(ctx context.Context) error {
			_, err := e.svc.DescribeIdentityPoolUsage(ctx, &DescribeIdentityPoolUsageInput{IdentityPoolId: poolA})
			return err
		}},
		{"DescribeIdentityUsage", identity, func(ctx context.Context) error {
			_, err := e.svc.DescribeIdentityUsage(ctx, &DescribeIdentityUsageInput{IdentityPoolId: poolA, IdentityId: idA1})
			return err
		}},
		{"ListDatasets", identity, func(ctx context.Context) error {
			_, err := e.svc.ListDatasets(ctx, &ListDatasetsInput{IdentityPoolId: poolA, IdentityId: idA1})
			return err
		}},
		{"DescribeDataset", identity, func(ctx context.Context) error {
			_, err := e.svc.DescribeDataset(ctx, dataset)
			return err
		}},
		{"DeleteDataset", identity, func(ctx context.Context) error {
			_, err := e.svc.DeleteDataset(ctx, &DatasetInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "absent"})
			return err
		}},
		{"ListRecords", identity, func(ctx context.Context) error {
			_, err := e.svc.ListRecords(ctx, &ListRecordsInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d"})
			return err
		}},
		{"UpdateRecords", identity, func(ctx context.Context) error {
			_, err := e.svc.UpdateRecords(ctx, &UpdateRecordsInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d", SyncSessionToken: tok})
			return err
		}},
		{"RegisterDevice", device, func(ctx context.Context) error {
			_, err := e.svc.RegisterDevice(ctx, &RegisterDeviceInput{IdentityPoolId: poolA, IdentityId: idA1, Platform: PlatformGCM, Token: "t"})
			return err
		}},
		{"SubscribeToDataset", device, func(ctx context.Context) error {
			_, err := e.svc.SubscribeToDataset(ctx, subscription)
			return err
		}},
		{"UnsubscribeFromDataset", device, func(ctx context.Context) error {
			_, err := e.svc.UnsubscribeFromDataset(ctx, subscription)
			return err
		}},
		{"SetIdentityPoolConfiguration", developer, func(ctx context.Context) error {
			_, err := e.svc.SetIdentityPoolConfiguration(ctx, &SetIdentityPoolConfigurationInput{IdentityPoolId: poolA})
			return err
		}},
		{"GetIdentityPoolConfiguration", developer, func(ctx context.Context) error {
			_, err := e.svc.GetIdentityPoolConfiguration(ctx, pool)
			return err
		}},
		{"SetCognitoEvents", developer, func(ctx context.Context) error {
			_, err := e.svc.SetCognitoEvents(ctx, &SetCognitoEventsInput{IdentityPoolId: poolA, Events: map[string]string{}})
			return err
		}},
		{"GetCognitoEvents", developer, func(ctx context.Context) error {
			_, err := e.svc.GetCognitoEvents(ctx, pool)
			return err
		}},
		{"BulkPublish", developer, func(ctx context.Context) error {
			_, err := e.svc.BulkPublish(ctx, pool)
			return err
		}},
		{"GetBulkPublishDetails", developer, func(ctx context.Context) error {
			_, err := e.svc.GetBulkPublishDetails(ctx, pool)
			return err
		}},
	}
	callers := []struct {
		name string
		ctx  context.Context
		may  map[who]bool
	}{
		{"unsigned", context.Background(), nil},
		{"developer", e.dev, map[who]bool{identity: true, developer: true}},
		{"the identity", e.a1, map[who]bool{identity: true, device: true}},
		{"another identity of the pool", e.a2, nil},
		{"an identity of another pool", e.b1, nil},
		{"the identity, claiming another pool", cognito(context.Background(), poolB, idA1), nil},
		{"temporary credentials without an identity", protocol.WithPrincipal(context.Background(),
			&protocol.Principal{AccessKeyID: "ASIAEXAMPLE", Account: testAccount, Temporary: true}), map[who]bool{identity: true, developer: true}},
	}
	if len(ops) != 17 {
		t.Fatalf("got %d operations, want all 17", len(ops))
	}
	for _, op := range ops {
		for _, c := range callers {
			t.Run(op.name+"/"+c.name, func(t *testing.T) {
				err := op.call(c.ctx)
				if c.may[op.who] {
					if e, ok := protocol.As(err); ok && e.Code == CodeNotAuthorized {
						t.Errorf("got %v, want the call allowed", err)
					}
					return
				}
				wantErr(t, err, CodeNotAuthorized, msgNotAuthorized)
			})
		}
	}
}
