package cognitosync

import (
	"context"
	"slices"
	"testing"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

const (
	poolEU = "eu-west-1:eeeeeeee-0000-0000-0000-000000000000"
	poolCN = "cn-north-1:cccccccc-0000-0000-0000-000000000000"
)

// TestRegions checks that ListIdentityPoolUsage lists the pools of the
// request's region only, and that a pool's Lambda functions are of its
// partition.
func TestRegions(t *testing.T) {
	e := newEnv(t, Config{})
	err := e.store.Update(context.Background(), func(tx storage.Tx) error {
		for _, p := range []string{poolEU, poolCN} {
			if err := tx.CreatePool(context.Background(), storage.Pool{ID: p, Name: "p"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	lists := []struct {
		name string
		ctx  context.Context
		want []string
	}{
		{"default region", e.dev, []string{poolA, poolB}},
		{"us-east-1", protocol.WithRegion(e.dev, "us-east-1"), []string{poolA, poolB}},
		{"eu-west-1", protocol.WithRegion(e.dev, "eu-west-1"), []string{poolEU}},
		{"cn-north-1", protocol.WithRegion(e.dev, "cn-north-1"), []string{poolCN}},
		{"region without pools", protocol.WithRegion(e.dev, "ap-south-1"), nil},
	}
	for _, tt := range lists {
		t.Run("list "+tt.name, func(t *testing.T) {
			out, err := e.svc.ListIdentityPoolUsage(tt.ctx, &ListIdentityPoolUsageInput{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range out.IdentityPoolUsages {
				got = append(got, u.IdentityPoolId)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("token of another region", func(t *testing.T) {
		one := int32(1)
		out, err := e.svc.ListIdentityPoolUsage(e.dev, &ListIdentityPoolUsageInput{MaxResults: &one})
		if err != nil || out.NextToken == "" {
			t.Fatalf("got %v, %v, want a next page", out, err)
		}
		_, err = e.svc.ListIdentityPoolUsage(protocol.WithRegion(e.dev, "eu-west-1"), &ListIdentityPoolUsageInput{NextToken: out.NextToken})
		wantErr(t, err, CodeInvalidParameter, msgBadNextToken)
	})

	lambdas := []struct {
		name, pool, fn, code string
	}{
		{"aws", poolA, "arn:aws:lambda:us-east-1:123456789012:function:f", ""},
		{"aws-cn", poolCN, "arn:aws-cn:lambda:cn-north-1:123456789012:function:f", ""},
		{"aws function of a China pool", poolCN, "arn:aws:lambda:us-east-1:123456789012:function:f", CodeInvalidParameter},
		{"China function of an aws pool", poolEU, "arn:aws-cn:lambda:cn-north-1:123456789012:function:f", CodeInvalidParameter},
	}
	for _, tt := range lambdas {
		t.Run("lambda "+tt.name, func(t *testing.T) {
			_, err := e.svc.SetCognitoEvents(e.dev, &SetCognitoEventsInput{IdentityPoolId: tt.pool, Events: map[string]string{EventSyncTrigger: tt.fn}})
			wantErr(t, err, tt.code, "")
		})
	}
}

// inRegion returns ctx's principal in a request whose signature idpool
// verified for region: the endpoint of region, which knows only its pools.
func inRegion(ctx context.Context, region string) context.Context {
	p, _ := protocol.PrincipalFrom(ctx)
	req := protocol.WithRequest(context.Background(), &protocol.Request{ID: "r", Region: region, Regional: true})
	return protocol.WithPrincipal(req, p)
}

// TestOtherRegionNotFound checks that a pool of another region than the
// request's verified signature is answered as one that does not exist: the
// operations that name a pool fail with ResourceNotFoundException, those
// that never do find no data, and nothing changes.
func TestOtherRegionNotFound(t *testing.T) {
	e := newEnv(t, Config{})
	e.mustUpdate(t, e.a1, poolA, idA1, "d", put("k", "v", 0))
	dev, a1 := inRegion(e.dev, "eu-west-1"), inRegion(e.a1, "eu-west-1")
	token := e.token(t, a1, poolA, idA1, "d")
	ds := &DatasetInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d"}
	pool := &PoolInput{IdentityPoolId: poolA}
	tests := []struct {
		name string
		call func() error
	}{
		{"DescribeIdentityPoolUsage", func() error {
			_, err := e.svc.DescribeIdentityPoolUsage(dev, &DescribeIdentityPoolUsageInput{IdentityPoolId: poolA})
			return err
		}},
		{"DescribeIdentityUsage", func() error {
			_, err := e.svc.DescribeIdentityUsage(dev, &DescribeIdentityUsageInput{IdentityPoolId: poolA, IdentityId: idA1})
			return err
		}},
		{"GetIdentityPoolConfiguration", func() error { _, err := e.svc.GetIdentityPoolConfiguration(dev, pool); return err }},
		{"SetIdentityPoolConfiguration", func() error {
			_, err := e.svc.SetIdentityPoolConfiguration(dev, &SetIdentityPoolConfigurationInput{IdentityPoolId: poolA,
				PushSync: &PushSync{ApplicationArns: []string{gcmApp}, RoleArn: pushRole}})
			return err
		}},
		{"GetCognitoEvents", func() error { _, err := e.svc.GetCognitoEvents(dev, pool); return err }},
		{"SetCognitoEvents", func() error {
			_, err := e.svc.SetCognitoEvents(dev, &SetCognitoEventsInput{IdentityPoolId: poolA, Events: map[string]string{"SyncTrigger": syncLambda}})
			return err
		}},
		{"BulkPublish", func() error { _, err := e.svc.BulkPublish(dev, pool); return err }},
		{"GetBulkPublishDetails", func() error { _, err := e.svc.GetBulkPublishDetails(dev, pool); return err }},
		{"DescribeDataset", func() error { _, err := e.svc.DescribeDataset(a1, ds); return err }},
		{"UpdateRecords", func() error {
			_, err := e.svc.UpdateRecords(a1, &UpdateRecordsInput{IdentityPoolId: poolA, IdentityId: idA1, DatasetName: "d",
				SyncSessionToken: token, RecordPatches: []RecordPatch{put("k", "w", 1)}})
			return err
		}},
		{"RegisterDevice", func() error {
			_, err := e.svc.RegisterDevice(a1, &RegisterDeviceInput{IdentityPoolId: poolA, IdentityId: idA1, Platform: "GCM", Token: "t"})
			return err
		}},
		// Last: on a failure, it would hide the others'.
		{"DeleteDataset", func() error { _, err := e.svc.DeleteDataset(dev, ds); return err }},
	}
	t.Run("ListRecords", func(t *testing.T) {
		out := e.list(t, a1, poolA, idA1, "d", 0)
		if out.DatasetExists || len(out.Records) != 0 || out.DatasetSyncCount != 0 {
			t.Errorf("got DatasetExists %v, %d records, sync count %d, want a dataset that does not exist", out.DatasetExists, len(out.Records), out.DatasetSyncCount)
		}
	})
	t.Run("ListDatasets", func(t *testing.T) {
		out, err := e.svc.ListDatasets(a1, &ListDatasetsInput{IdentityPoolId: poolA, IdentityId: idA1})
		if err != nil || len(out.Datasets) != 0 {
			t.Errorf("got %+v, %v, want no dataset", out, err)
		}
	})

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, tt.call(), CodeResourceNotFound, "IdentityPool '"+poolA+"' not found.")
		})
	}
	// In the pool's own region the dataset is as it was.
	home := inRegion(e.a1, testRegion)
	if got := values(e.list(t, home, poolA, idA1, "d", 0).Records); !slices.Equal(got, []string{"k=v@1"}) {
		t.Errorf("records in %s: got %q, want [k=v@1]", testRegion, got)
	}
	c, err := e.svc.GetIdentityPoolConfiguration(inRegion(e.dev, testRegion), pool)
	if err != nil || c.PushSync != nil {
		t.Errorf("configuration in %s: got %+v, %v, want none set", testRegion, c, err)
	}
}
