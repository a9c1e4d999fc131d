package conformance

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// tagPairs renders tags as key=value, in order.
func tagPairs(ts []iamtypes.Tag) []string {
	var out []string
	for _, t := range ts {
		out = append(out, aws.ToString(t.Key)+"="+aws.ToString(t.Value))
	}
	return out
}

// tagOps is the tag API of one kind of IAM entity, as the SDK calls it.
type tagOps struct {
	tag   func(ts []iamtypes.Tag) error
	untag func(keys ...string) error
	// list returns every tag, paging by one.
	list func() ([]iamtypes.Tag, error)
}

// TestIAMEntityTags: OpenID Connect providers and managed policies are
// tagged, untagged and list their tags with the rules of roles' tags.
func TestIAMEntityTags(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	prov, err := c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://" + uniqueName("tags") + ".example.com"), ClientIDList: []string{"app"},
		Tags: []iamtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}}})
	ok(t, err, "CreateOpenIDConnectProvider")
	pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("Tagged")),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})),
		Tags:           []iamtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}}})
	ok(t, err, "CreatePolicy")

	kinds := []struct {
		name    string
		ops     tagOps
		missing tagOps
	}{
		{"OpenID Connect provider", providerTags(ctx, c, prov.OpenIDConnectProviderArn),
			providerTags(ctx, c, aws.String("arn:aws:iam::"+s.accountID+":oidc-provider/none.example.com"))},
		{"managed policy", policyTags(ctx, c, pol.Policy.Arn),
			policyTags(ctx, c, aws.String("arn:aws:iam::"+s.accountID+":policy/none"))},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			ok(t, k.ops.tag([]iamtypes.Tag{{Key: aws.String("A"), Value: aws.String("2")}, {Key: aws.String("b"), Value: aws.String("3")}}), "tag")
			got, err := k.ops.list()
			ok(t, err, "list tags")
			if want := []string{"A=2", "b=3"}; !slices.Equal(tagPairs(got), want) {
				t.Errorf("tags after tagging a in another case: got %v, want %v", tagPairs(got), want)
			}
			ok(t, k.ops.untag("B", "none"), "untag")
			got, err = k.ops.list()
			ok(t, err, "list tags")
			if want := []string{"A=2"}; !slices.Equal(tagPairs(got), want) {
				t.Errorf("tags after untagging B: got %v, want %v", tagPairs(got), want)
			}

			dup := []iamtypes.Tag{{Key: aws.String("k"), Value: aws.String("1")}, {Key: aws.String("K"), Value: aws.String("2")}}
			wantIAMError(t, k.ops.tag(dup), "InvalidInput", http.StatusBadRequest, new(*iamtypes.InvalidInputException))
			var many []iamtypes.Tag
			for i := range 50 {
				many = append(many, iamtypes.Tag{Key: aws.String(fmt.Sprintf("t%02d", i)), Value: aws.String("v")})
			}
			wantIAMError(t, k.ops.tag(many), "LimitExceeded", http.StatusConflict, new(*iamtypes.LimitExceededException))
			got, err = k.ops.list()
			ok(t, err, "list tags")
			if len(got) != 1 {
				t.Errorf("tags after refused taggings: got %v, want A=2 alone", tagPairs(got))
			}

			wantIAMError(t, k.missing.tag(dup[:1]), "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException))
			wantIAMError(t, k.missing.untag("k"), "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException))
			wantIAMError(t, second(k.missing.list()), "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException))
		})
	}
}

func providerTags(ctx context.Context, c *iam.Client, arn *string) tagOps {
	return tagOps{
		tag: func(ts []iamtypes.Tag) error {
			_, err := c.TagOpenIDConnectProvider(ctx, &iam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, Tags: ts})
			return err
		},
		untag: func(keys ...string) error {
			_, err := c.UntagOpenIDConnectProvider(ctx, &iam.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, TagKeys: keys})
			return err
		},
		list: func() ([]iamtypes.Tag, error) {
			var all []iamtypes.Tag
			in := &iam.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: arn, MaxItems: aws.Int32(1)}
			for {
				out, err := c.ListOpenIDConnectProviderTags(ctx, in)
				if err != nil {
					return nil, err
				}
				all = append(all, out.Tags...)
				if !out.IsTruncated {
					return all, nil
				}
				in.Marker = out.Marker
			}
		},
	}
}

func policyTags(ctx context.Context, c *iam.Client, arn *string) tagOps {
	return tagOps{
		tag: func(ts []iamtypes.Tag) error {
			_, err := c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: arn, Tags: ts})
			return err
		},
		untag: func(keys ...string) error {
			_, err := c.UntagPolicy(ctx, &iam.UntagPolicyInput{PolicyArn: arn, TagKeys: keys})
			return err
		},
		list: func() ([]iamtypes.Tag, error) {
			var all []iamtypes.Tag
			pages := iam.NewListPolicyTagsPaginator(c, &iam.ListPolicyTagsInput{PolicyArn: arn, MaxItems: aws.Int32(1)})
			for pages.HasMorePages() {
				out, err := pages.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				all = append(all, out.Tags...)
			}
			return all, nil
		},
	}
}
