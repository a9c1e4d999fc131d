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
