package conformance

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
)

// modelMarker is the model's markerType, which IAM checks a Marker input
// against: every marker idpool answers must pass it.
var modelMarker = regexp.MustCompile(`^[\x{20}-\x{FF}]{1,320}$`)

// sortedEqual reports whether got and want hold the same items, each as
// often, in any order.
func sortedEqual(got, want []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want)))
}

// TestIAMPagesLongItems: the SDK's own paginators, one item a page, list
// every tag of 128-letter CJK keys and every policy of a 128-character
// name under a 512-character path: each marker idpool answers passes its
// own input check on the next call.
func TestIAMPagesLongItems(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	long := func(letter, last string) string { return strings.Repeat(letter, 127) + last }
	keys := []string{"环境", long("环", "甲"), long("环", "乙"), long("项", "丙"), long("𠀀", "a"), long("𠀀", "b")}
	var tags []iamtypes.Tag
	for _, k := range keys {
		tags = append(tags, iamtypes.Tag{Key: aws.String(k), Value: aws.String("v")})
	}
	role := uniqueName("pages")
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(cognitoTrust(t, "us-east-1:00000000-0000-0000-0000-000000000000", "authenticated")), Tags: tags})
	ok(t, err, "CreateRole")

	// Policy names are the account's: a unique stem, padded to 128.
	path := "/" + uniqueName("p") + "/"
	path += strings.Repeat("p", 511-len(path)) + "/"
	doc := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
	var names []string
	for _, c0 := range "ABC" {
		stem := string(c0) + uniqueName("")
		names = append(names, stem+strings.Repeat(string(c0), 128-len(stem)))
	}
	slices.Sort(names)
	for _, n := range names {
		p, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(n), Path: aws.String(path), PolicyDocument: aws.String(doc), Tags: tags})
		ok(t, err, "CreatePolicy")
		_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: p.Policy.Arn})
		ok(t, err, "AttachRolePolicy")
	}
	pol := "arn:aws:iam::" + s.accountID + ":policy" + path + names[0]
	one := aws.Int32(1)

	tagKeys := func(ts []iamtypes.Tag) []string {
		var ks []string
		for _, tag := range ts {
			ks = append(ks, aws.ToString(tag.Key))
		}
		return ks
	}
	tests := []struct {
		name    string
		list    func(t *testing.T) []string
		want    []string
		ordered bool
	}{
		{"ListRoleTags", func(t *testing.T) []string {
			p := iam.NewListRoleTagsPaginator(c, &iam.ListRoleTagsInput{RoleName: aws.String(role), MaxItems: one})
			return sdkPages(t, p, func(o *iam.ListRoleTagsOutput) ([]string, *string) { return tagKeys(o.Tags), o.Marker })
		}, keys, false},
		{"ListPolicyTags", func(t *testing.T) []string {
			p := iam.NewListPolicyTagsPaginator(c, &iam.ListPolicyTagsInput{PolicyArn: aws.String(pol), MaxItems: one})
			return sdkPages(t, p, func(o *iam.ListPolicyTagsOutput) ([]string, *string) { return tagKeys(o.Tags), o.Marker })
		}, keys, false},
		{"ListPolicies", func(t *testing.T) []string {
			p := iam.NewListPoliciesPaginator(c, &iam.ListPoliciesInput{PathPrefix: aws.String(path), MaxItems: one})
			return sdkPages(t, p, func(o *iam.ListPoliciesOutput) ([]string, *string) {
				var ns []string
				for _, p := range o.Policies {
					ns = append(ns, aws.ToString(p.PolicyName))
				}
				return ns, o.Marker
			})
		}, names, true},
		{"ListAttachedRolePolicies", func(t *testing.T) []string {
			p := iam.NewListAttachedRolePoliciesPaginator(c, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role), MaxItems: one})
			return sdkPages(t, p, func(o *iam.ListAttachedRolePoliciesOutput) ([]string, *string) {
				var ns []string
				for _, p := range o.AttachedPolicies {
					ns = append(ns, aws.ToString(p.PolicyName))
				}
				return ns, o.Marker
			})
		}, names, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.list(t)
			if tt.ordered && !slices.Equal(got, tt.want) || !sortedEqual(got, tt.want) {
				t.Errorf("pages of one: got %q, want %q", got, tt.want)
			}
		})
	}
}

// pager is an SDK paginator of output O.
type pager[O any] interface {
	HasMorePages() bool
	NextPage(ctx context.Context, optFns ...func(*iam.Options)) (O, error)
}

// sdkPages runs the SDK's paginator p to its end, checking each marker
// against the model, and returns the items of every page in order; read
// gives a page's items and marker.
func sdkPages[O any](t *testing.T, p pager[O], read func(O) ([]string, *string)) []string {
	t.Helper()
	var all []string
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		ok(t, err, "page after "+strconv.Itoa(len(all))+" items")
		items, marker := read(out)
		if marker != nil && !modelMarker.MatchString(*marker) {
			t.Errorf("marker after %d items: got %q, want 1 to 320 characters of [\\u0020-\\u00FF]", len(all), *marker)
		}
		all = append(all, items...)
	}
	return all
}

// TestIAMInvalidMarker: a marker idpool did not issue for the operation,
// garbage or another operation's, is ValidationError "Invalid Marker."
// rather than a position.
func TestIAMInvalidMarker(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	prefix := "/" + uniqueName("marker") + "/"
	for _, n := range []string{"a", "b"} {
		_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(uniqueName(n)), Path: aws.String(prefix),
			AssumeRolePolicyDocument: aws.String(cognitoTrust(t, "us-east-1:00000000-0000-0000-0000-000000000000", "authenticated"))})
		ok(t, err, "CreateRole")
	}
	roles, err := c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String(prefix), MaxItems: aws.Int32(1)})
	ok(t, err, "ListRoles")
	if roles.Marker == nil {
		t.Fatal("ListRoles of one of two roles: got no marker, want one")
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"garbage", func() error {
			_, err := c.ListRoles(ctx, &iam.ListRolesInput{Marker: aws.String("garbage")})
			return err
		}},
		{"ListRoles marker to ListUsers", func() error {
			_, err := c.ListUsers(ctx, &iam.ListUsersInput{Marker: roles.Marker})
			return err
		}},
		{"ListRoles marker to ListPolicies", func() error {
			_, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Marker: roles.Marker})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			wantIAMError(t, err, "ValidationError", http.StatusBadRequest, nil)
			var api smithy.APIError
			if errors.As(err, &api) && api.ErrorMessage() != "Invalid Marker." {
				t.Errorf("got message %q, want %q", api.ErrorMessage(), "Invalid Marker.")
			}
		})
	}
	next, err := c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String(prefix), Marker: roles.Marker})
	ok(t, err, "ListRoles with its marker")
	if len(next.Roles) != 1 || next.IsTruncated {
		t.Errorf("ListRoles with its marker: got %d roles, truncated %v, want the last one", len(next.Roles), next.IsTruncated)
	}
}

// TestIAMPolicyUsageFilter: ListPolicies' PolicyUsageFilter keeps the
// policies used that way, with OnlyAttached or without.
func TestIAMPolicyUsageFilter(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	path := "/" + uniqueName("usage") + "/"
	doc := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
	arn := map[string]*string{}
	for _, n := range []string{"Perm", "Bound", "Idle"} {
		p, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName(n)), Path: aws.String(path), PolicyDocument: aws.String(doc)})
		ok(t, err, "CreatePolicy")
		arn[n] = p.Policy.Arn
	}
	role := uniqueName("usage")
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), PermissionsBoundary: arn["Bound"],
		AssumeRolePolicyDocument: aws.String(cognitoTrust(t, "us-east-1:00000000-0000-0000-0000-000000000000", "authenticated"))})
	ok(t, err, "CreateRole")
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: arn["Perm"]})
	ok(t, err, "AttachRolePolicy")
	tests := []struct {
		name     string
		attached bool
		usage    iamtypes.PolicyUsageType
		want     []string
	}{
		{"none", false, "", []string{"Bound", "Idle", "Perm"}},
		{"OnlyAttached", true, "", []string{"Perm"}},
		{"PermissionsPolicy", false, iamtypes.PolicyUsageTypePermissionsPolicy, []string{"Perm"}},
		{"PermissionsBoundary", false, iamtypes.PolicyUsageTypePermissionsBoundary, []string{"Bound"}},
		{"OnlyAttached PermissionsBoundary", true, iamtypes.PolicyUsageTypePermissionsBoundary, []string{"Bound"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{PathPrefix: aws.String(path), OnlyAttached: tt.attached, PolicyUsageFilter: tt.usage})
			ok(t, err, "ListPolicies")
			var got []string
			for _, p := range out.Policies {
				for n, a := range arn {
					if aws.ToString(a) == aws.ToString(p.Arn) {
						got = append(got, n)
					}
				}
			}
			if !sortedEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
