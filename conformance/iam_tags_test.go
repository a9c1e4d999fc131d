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

// TestIAMEntityTags: OpenID Connect providers, managed policies and users
// are tagged, untagged and list their tags with the rules of roles' tags
// (users' as Terraform's aws_iam_user changes them: UntagUser, then
// TagUser), except that a policy's keys are case-sensitive, as AWS holds them
// (test_iam_policies.snapshot.json create-with-case-sensitive-tags,
// list-after-untag-lowercase, err-tag-duplicate-keys).
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
	user := uniqueName("tagged")
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user), Tags: []iamtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}}})
	ok(t, err, "CreateUser")

	tag := func(kvs ...string) []iamtypes.Tag {
		var ts []iamtypes.Tag
		for i := 0; i < len(kvs); i += 2 {
			ts = append(ts, iamtypes.Tag{Key: aws.String(kvs[i]), Value: aws.String(kvs[i+1])})
		}
		return ts
	}
	kinds := []struct {
		name    string
		ops     tagOps
		missing tagOps
		// tagged is the tags after tagging A=2 b=3 onto a=1, untag the
		// keys that then leave A=2 alone.
		tagged []string
		untag  []string
		// dup is a key given twice, refused with dupMsg.
		dup    []iamtypes.Tag
		dupMsg string
	}{
		{"OpenID Connect provider", providerTags(ctx, c, prov.OpenIDConnectProviderArn),
			providerTags(ctx, c, aws.String("arn:aws:iam::"+s.accountID+":oidc-provider/none.example.com")),
			[]string{"A=2", "b=3"}, []string{"B", "none"},
			tag("k", "1", "K", "2"), "Duplicate tag keys found. Please note that Tag keys are case insensitive."},
		{"managed policy", policyTags(ctx, c, pol.Policy.Arn),
			policyTags(ctx, c, aws.String("arn:aws:iam::"+s.accountID+":policy/none")),
			[]string{"A=2", "a=1", "b=3"}, []string{"a", "b", "B", "none"},
			tag("0", "", "0", ""), "Duplicate tag keys found."},
		{"user", userTags(ctx, c, aws.String(user)), userTags(ctx, c, aws.String("nobody")),
			[]string{"A=2", "b=3"}, []string{"B", "none"},
			tag("k", "1", "K", "2"), "Duplicate tag keys found. Please note that Tag keys are case insensitive."},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			ok(t, k.ops.tag(tag("A", "2", "b", "3")), "tag")
			got, err := k.ops.list()
			ok(t, err, "list tags")
			if !slices.Equal(tagPairs(got), k.tagged) {
				t.Errorf("tags after tagging A=2 b=3 onto a=1: got %v, want %v", tagPairs(got), k.tagged)
			}
			ok(t, k.ops.untag(k.untag...), "untag")
			got, err = k.ops.list()
			ok(t, err, "list tags")
			if want := []string{"A=2"}; !slices.Equal(tagPairs(got), want) {
				t.Errorf("tags after untagging %v: got %v, want %v", k.untag, tagPairs(got), want)
			}

			err = k.ops.tag(k.dup)
			wantIAMError(t, err, "InvalidInput", http.StatusBadRequest, new(*iamtypes.InvalidInputException))
			wantIAMRefusal(t, "tag", err, "InvalidInput", http.StatusBadRequest, k.dupMsg)
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

			wantIAMError(t, k.missing.tag(k.dup[:1]), "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException))
			wantIAMError(t, k.missing.untag("k"), "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException))
			wantIAMError(t, second(k.missing.list()), "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException))
		})
	}
	// GetUser answers the tags TagUser left.
	got, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(user)})
	ok(t, err, "GetUser")
	if want := []string{"A=2"}; !slices.Equal(tagPairs(got.User.Tags), want) {
		t.Errorf("GetUser Tags: got %v, want %v", tagPairs(got.User.Tags), want)
	}

	// CreatePolicy takes keys that differ in case alone, and answers its
	// tags in the order given.
	made, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("CaseTags")),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})),
		Tags:           tag("a", "lowercase", "A", "uppercase")})
	ok(t, err, "CreatePolicy")
	if want := []string{"a=lowercase", "A=uppercase"}; !slices.Equal(tagPairs(made.Policy.Tags), want) {
		t.Errorf("CreatePolicy Tags: got %v, want %v", tagPairs(made.Policy.Tags), want)
	}
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("DupTags")),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})),
		Tags:           tag("0", "", "0", "")})
	wantIAMRefusal(t, "CreatePolicy", err, "InvalidInput", http.StatusBadRequest, "Duplicate tag keys found.")
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
			return allTags(ctx, iam.NewListPolicyTagsPaginator(c, &iam.ListPolicyTagsInput{PolicyArn: arn, MaxItems: aws.Int32(1)}),
				func(o *iam.ListPolicyTagsOutput) []iamtypes.Tag { return o.Tags })
		},
	}
}

func userTags(ctx context.Context, c *iam.Client, name *string) tagOps {
	return tagOps{
		tag: func(ts []iamtypes.Tag) error {
			_, err := c.TagUser(ctx, &iam.TagUserInput{UserName: name, Tags: ts})
			return err
		},
		untag: func(keys ...string) error {
			_, err := c.UntagUser(ctx, &iam.UntagUserInput{UserName: name, TagKeys: keys})
			return err
		},
		list: func() ([]iamtypes.Tag, error) {
			return allTags(ctx, iam.NewListUserTagsPaginator(c, &iam.ListUserTagsInput{UserName: name, MaxItems: aws.Int32(1)}),
				func(o *iam.ListUserTagsOutput) []iamtypes.Tag { return o.Tags })
		},
	}
}

// tagPager is an SDK paginator of a tag listing whose pages are O.
type tagPager[O any] interface {
	HasMorePages() bool
	NextPage(ctx context.Context, opts ...func(*iam.Options)) (O, error)
}

// allTags returns the tags of every page p answers.
func allTags[O any](ctx context.Context, p tagPager[O], tags func(O) []iamtypes.Tag) ([]iamtypes.Tag, error) {
	var all []iamtypes.Tag
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		all = append(all, tags(out)...)
	}
	return all, nil
}
