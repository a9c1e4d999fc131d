package conformance

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// TestPoolWithoutTags: CreateIdentityPool, DescribeIdentityPool and
// UpdateIdentityPool answer "IdentityPoolTags": {} for a pool without tags,
// as AWS does (aws-cli 2.17.17 create-identity-pool and
// describe-identity-pool outputs), so the SDK reads an empty map, not nil;
// so do they once UntagResource has removed the last tag.
func TestPoolWithoutTags(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	name := uniqueName("NoTags")
	created, err := s.signed.CreateIdentityPool(ctx, &cognitoidentity.CreateIdentityPoolInput{IdentityPoolName: aws.String(name), AllowUnauthenticatedIdentities: true})
	ok(t, err, "CreateIdentityPool")
	id := created.IdentityPoolId
	tagged := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{IdentityPoolTags: map[string]string{"team": "blue"}})
	desc, err := s.signed.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(tagged)})
	ok(t, err, "DescribeIdentityPool of the tagged pool")
	_, err = s.signed.UntagResource(ctx, &cognitoidentity.UntagResourceInput{ResourceArn: aws.String(s.poolARN(tagged)), TagKeys: []string{"team"}})
	ok(t, err, "UntagResource")

	tests := []struct {
		name string
		call func() (map[string]string, error)
	}{
		{"CreateIdentityPool", func() (map[string]string, error) { return created.IdentityPoolTags, nil }},
		{"DescribeIdentityPool", func() (map[string]string, error) {
			out, err := s.signed.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: id})
			if err != nil {
				return nil, err
			}
			return out.IdentityPoolTags, nil
		}},
		{"UpdateIdentityPool", func() (map[string]string, error) {
			out, err := s.signed.UpdateIdentityPool(ctx, &cognitoidentity.UpdateIdentityPoolInput{IdentityPoolId: id, IdentityPoolName: aws.String(name)})
			if err != nil {
				return nil, err
			}
			return out.IdentityPoolTags, nil
		}},
		{"DescribeIdentityPool after UntagResource", func() (map[string]string, error) {
			out, err := s.signed.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(tagged)})
			if err != nil {
				return nil, err
			}
			return out.IdentityPoolTags, nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tags, err := tt.call()
			ok(t, err, tt.name)
			if tags == nil || len(tags) != 0 {
				t.Errorf("got IdentityPoolTags %#v, want an empty map", tags)
			}
		})
	}
	if len(desc.IdentityPoolTags) != 1 {
		t.Errorf("DescribeIdentityPool of the tagged pool: got IdentityPoolTags %v, want its tag", desc.IdentityPoolTags)
	}
}
