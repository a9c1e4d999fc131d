package iam

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// modelMarker is the model's markerType: what IAM checks a Marker input
// against, so what every marker idpool answers must pass.
var modelMarker = regexp.MustCompile(`^[\x{20}-\x{FF}]{1,320}$`)

// lister lists the page after marker (the first when nil).
type lister func(marker *string) (items []string, more bool, next *string, err error)

// pageAll lists every page, checking each marker against the model, and
// returns the items in the order listed.
func pageAll(t *testing.T, list lister) []string {
	t.Helper()
	var all []string
	var marker *string
	for range 1000 {
		items, more, next, err := list(marker)
		if err != nil {
			t.Fatalf("page after %d items: got %v, want success", len(all), err)
		}
		all = append(all, items...)
		if !more {
			return all
		}
		if next == nil || !modelMarker.MatchString(*next) {
			t.Fatalf("marker after %d items: got %v, want 1 to 320 characters of [\\u0020-\\u00FF]", len(all), next)
		}
		marker = next
	}
	t.Fatal("got more than 1000 pages")
	return nil
}

// sameItems reports whether got holds exactly the items of want, each
// once, in any order.
func sameItems(got, want []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want)))
}

// longTagKeys are tag keys of 128 letters, as long as the model allows,
// of up to 512 bytes of UTF-8 each; those of one letter repeated share
// more first bytes than a sort key holds.
func longTagKeys() []string {
	long := func(letter rune, last string) string { return strings.Repeat(string(letter), 127) + last }
	return []string{
		"env", "环境", "项目",
		long('环', "甲"), long('环', "乙"), long('环', "丙"),
		long('𠀀', "a"), long('𠀀', "b"), long('𠀀', "c"),
	}
}

func tagsOf(keys []string) []Tag {
	var ts []Tag
	for _, k := range keys {
		ts = append(ts, Tag{Key: k, Value: "v"})
	}
	return ts
}

// names returns the name of each item.
func names[T any](items []T, name func(T) string) []string {
	var ns []string
	for _, it := range items {
		ns = append(ns, name(it))
	}
	return ns
}

func tagKeys(ts []Tag) []string { return names(ts, func(t Tag) string { return t.Key }) }

func policyNames(ps []Policy) []string {
	return names(ps, func(p Policy) string { return p.PolicyName })
}

// tagLister lists tag keys with list.
func tagLister(list func(marker *string) (*ListTagsOutput, error)) lister {
	return func(m *string) ([]string, bool, *string, error) {
		out, err := list(m)
		if err != nil {
			return nil, false, nil, err
		}
		return tagKeys(out.Tags), out.IsTruncated, out.Marker, nil
	}
}

// roleTags lists the tag keys of role, max a page.
func roleTags(ctx context.Context, s *Service, role string, max *int32) lister {
	return tagLister(func(m *string) (*ListTagsOutput, error) {
		return s.ListRoleTags(ctx, &ListRoleTagsInput{RoleName: role, Marker: m, MaxItems: max})
	})
}

// policiesUnder lists the names of the policies under path, max a page.
func policiesUnder(ctx context.Context, s *Service, path string, max *int32) lister {
	return func(m *string) ([]string, bool, *string, error) {
		out, err := s.ListPolicies(ctx, &ListPoliciesInput{PathPrefix: &path, Marker: m, MaxItems: max})
		if err != nil {
			return nil, false, nil, err
		}
		return policyNames(out.Policies), out.IsTruncated, out.Marker, nil
	}
}

// longItems creates role R tagged with longTagKeys and, under a path of
// 512 characters, policies of 128 character names attached to R; it
// returns the tag keys, the policy names in order, and the path.
func longItems(t *testing.T, s *Service) (keys, policies []string, path string) {
	t.Helper()
	ctx := t.Context()
	keys = longTagKeys()
	path = "/" + strings.Repeat("p", 510) + "/"
	if _, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: "R", AssumeRolePolicyDocument: trust, Tags: tagsOf(keys)}); err != nil {
		t.Fatal(err)
	}
	for _, c := range "ABC" {
		name := strings.Repeat(string(c), 128)
		p, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: name, Path: &path, PolicyDocument: perm})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AttachRolePolicy(ctx, &AttachRolePolicyInput{RoleName: "R", PolicyArn: p.Policy.Arn}); err != nil {
			t.Fatal(err)
		}
		policies = append(policies, name)
	}
	return keys, policies, path
}

// TestMarkersFit: whatever the items, every marker passes the model's
// check on the next call, and paging lists every item once.
func TestMarkersFit(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	keys, policies, path := longItems(t, s)
	pol, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: "Tagged", PolicyDocument: perm, Tags: tagsOf(keys)})
	if err != nil {
		t.Fatal(err)
	}
	oidc, err := s.CreateOpenIDConnectProvider(ctx, &CreateOpenIDConnectProviderInput{Url: "https://idp.example.com", Tags: tagsOf(keys)})
	if err != nil {
		t.Fatal(err)
	}
	one := ptr[int32](1)
	tests := []struct {
		name    string
		list    lister
		want    []string
		ordered bool
	}{
		{"ListRoleTags", roleTags(ctx, s, "R", one), keys, false},
		{"ListPolicyTags", tagLister(func(m *string) (*ListTagsOutput, error) {
			return s.ListPolicyTags(ctx, &ListPolicyTagsInput{PolicyArn: pol.Policy.Arn, Marker: m, MaxItems: one})
		}), keys, false},
		{"ListOpenIDConnectProviderTags", tagLister(func(m *string) (*ListTagsOutput, error) {
			return s.ListOpenIDConnectProviderTags(ctx, &ListProviderTagsInput{OpenIDConnectProviderArn: oidc.OpenIDConnectProviderArn, Marker: m, MaxItems: one})
		}), keys, false},
		{"ListPolicies", policiesUnder(ctx, s, path, one), policies, true},
		{"ListAttachedRolePolicies", func(m *string) ([]string, bool, *string, error) {
			out, err := s.ListAttachedRolePolicies(ctx, &ListAttachedRolePoliciesInput{RoleName: "R", Marker: m, MaxItems: one})
			if err != nil {
				return nil, false, nil, err
			}
			return names(out.AttachedPolicies, func(p AttachedPolicy) string { return p.PolicyName }), out.IsTruncated, out.Marker, nil
		}, policies, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pageAll(t, tt.list)
			if tt.ordered && !slices.Equal(got, tt.want) || !sameItems(got, tt.want) {
				t.Errorf("pages of one: got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestMarkersResume: a page resumes after the last item listed, even when
// that item is gone and others came: every item there all along is listed
// once, and none twice.
func TestMarkersResume(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	keys, policies, path := longItems(t, s)
	two := ptr[int32](2)
	tests := []struct {
		name string
		all  []string
		// list lists a page; change removes item and adds another.
		list   lister
		change func(item string) error
	}{
		{"ListRoleTags", keys, roleTags(ctx, s, "R", two), func(key string) error {
			if _, err := s.UntagRole(ctx, &UntagRoleInput{RoleName: "R", TagKeys: []string{key}}); err != nil {
				return err
			}
			_, err := s.TagRole(ctx, &TagRoleInput{RoleName: "R", Tags: tagsOf([]string{key + "x"})})
			return err
		}},
		{"ListPolicies", policies, policiesUnder(ctx, s, path, ptr[int32](1)), func(name string) error {
			arn := "arn:aws:iam::123456789012:policy" + path + name
			if _, err := s.DetachRolePolicy(ctx, &DetachRolePolicyInput{RoleName: "R", PolicyArn: arn}); err != nil {
				return err
			}
			if _, err := s.DeletePolicy(ctx, &DeletePolicyInput{PolicyArn: arn}); err != nil {
				return err
			}
			_, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: name[:127] + "x", Path: &path, PolicyDocument: perm})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var listed []string
			var marker *string
			for {
				items, more, next, err := tt.list(marker)
				if err != nil {
					t.Fatalf("page after %q: got %v, want success", listed, err)
				}
				listed = append(listed, items...)
				if !more {
					break
				}
				// After the first page, the last item listed goes,
				// and one after it comes.
				if len(listed) == len(items) {
					if err := tt.change(items[len(items)-1]); err != nil {
						t.Fatal(err)
					}
				}
				marker = next
			}
			var old []string
			for _, it := range listed {
				if slices.Contains(tt.all, it) {
					old = append(old, it)
				}
			}
			if !sameItems(old, tt.all) {
				t.Errorf("got %q, want every one of %q once", listed, tt.all)
			}
			if dup := slices.Compact(slices.Sorted(slices.Values(listed))); len(dup) != len(listed) {
				t.Errorf("got %q, want no item twice", listed)
			}
		})
	}
}

// TestInvalidMarker: a marker idpool did not issue for the operation is
// refused, not read as a position.
func TestInvalidMarker(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	for _, n := range []string{"alpha", "beta"} {
		if _, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: n, AssumeRolePolicyDocument: trust, Tags: tagsOf([]string{"k1", "k2"})}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, &CreateUserInput{UserName: n}); err != nil {
			t.Fatal(err)
		}
	}
	one := ptr[int32](1)
	roles, err := s.ListRoles(ctx, &ListRolesInput{MaxItems: one})
	if err != nil || roles.Marker == nil {
		t.Fatalf("ListRoles: got %v, %v, want a marker", roles, err)
	}
	tags, err := s.ListRoleTags(ctx, &ListRoleTagsInput{RoleName: "alpha", MaxItems: one})
	if err != nil || tags.Marker == nil {
		t.Fatalf("ListRoleTags: got %v, %v, want a marker", tags, err)
	}
	// The same marker with a character of its key changed.
	tampered := []byte(*roles.Marker)
	if tampered[12] == 'A' {
		tampered[12] = 'B'
	} else {
		tampered[12] = 'A'
	}
	sim := func(m string) error {
		_, err := s.SimulateCustomPolicy(ctx, &SimulateCustomPolicyInput{PolicyInputList: []string{perm}, ActionNames: []string{"s3:GetObject", "s3:PutObject"}, Marker: &m, MaxItems: one})
		return err
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"garbage", func() error {
			_, err := s.ListRoles(ctx, &ListRolesInput{Marker: ptr("b")})
			return err
		}},
		{"not base64", func() error {
			_, err := s.ListRoles(ctx, &ListRolesInput{Marker: ptr("a b")})
			return err
		}},
		{"shorter than a checksum", func() error {
			_, err := s.ListRoles(ctx, &ListRolesInput{Marker: ptr("AAAA")})
			return err
		}},
		{"tampered", func() error {
			_, err := s.ListRoles(ctx, &ListRolesInput{Marker: ptr(string(tampered))})
			return err
		}},
		{"ListRoles marker to ListUsers", func() error {
			_, err := s.ListUsers(ctx, &ListUsersInput{Marker: roles.Marker})
			return err
		}},
		{"ListRoleTags marker to ListRolePolicies", func() error {
			_, err := s.ListRolePolicies(ctx, &ListRolePoliciesInput{RoleName: "alpha", Marker: tags.Marker})
			return err
		}},
		{"simulation, garbage", func() error { return sim("1") }},
		{"simulation, ListRoles marker", func() error { return sim(*roles.Marker) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			wantCode(t, err, "ValidationError", http.StatusBadRequest)
			if err != nil && !strings.Contains(err.Error(), "Invalid Marker.") {
				t.Errorf("got %v, want Invalid Marker.", err)
			}
		})
	}
	// What was issued is taken back: the second role, the second
	// simulation result.
	if out, err := s.ListRoles(ctx, &ListRolesInput{Marker: roles.Marker}); err != nil || len(out.Roles) != 1 || out.Roles[0].RoleName != "beta" {
		t.Errorf("ListRoles after its marker: got %v, %v, want role beta", out, err)
	}
	first, err := s.SimulateCustomPolicy(ctx, &SimulateCustomPolicyInput{PolicyInputList: []string{perm}, ActionNames: []string{"s3:GetObject", "s3:PutObject"}, MaxItems: one})
	if err != nil || first.Marker == nil {
		t.Fatalf("SimulateCustomPolicy: got %v, %v, want a marker", first, err)
	}
	next, err := s.SimulateCustomPolicy(ctx, &SimulateCustomPolicyInput{PolicyInputList: []string{perm}, ActionNames: []string{"s3:GetObject", "s3:PutObject"}, Marker: first.Marker, MaxItems: one})
	if err != nil || len(next.EvaluationResults) != 1 || next.EvaluationResults[0].EvalActionName != "s3:PutObject" || next.IsTruncated {
		t.Errorf("SimulateCustomPolicy after its marker: got %v, %v, want s3:PutObject last", next, err)
	}
}

// TestPage: page sorts, cuts and resumes by the marker it issued.
func TestPage(t *testing.T) {
	items := []string{"d", "a", "c", "b", "e"}
	id := func(s string) string { return s }
	tests := []struct {
		name  string
		max   *int32
		pages []string
	}{
		{"all", nil, []string{"abcde"}},
		{"pages of two", ptr[int32](2), []string{"ab", "cd", "e"}},
		{"pages of five", ptr[int32](5), []string{"abcde"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pages []string
			var marker *string
			for {
				got, more, next, err := page("Op", items, id, marker, tt.max)
				if err != nil {
					t.Fatal(err)
				}
				pages = append(pages, strings.Join(got, ""))
				if !more {
					break
				}
				marker = next
			}
			if !slices.Equal(pages, tt.pages) {
				t.Errorf("got %q, want %q", pages, tt.pages)
			}
		})
	}
}

// TestListPoliciesUsage: PolicyUsageFilter keeps the policies used that
// way, and OnlyAttached with it means attached that way.
func TestListPoliciesUsage(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	arns := map[string]string{}
	for _, n := range []string{"Perm", "Bound", "Both", "Idle"} {
		p, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: n, PolicyDocument: perm})
		if err != nil {
			t.Fatal(err)
		}
		arns[n] = p.Policy.Arn
	}
	do := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []string{"R1", "R2"} {
		_, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: r, AssumeRolePolicyDocument: trust})
		do(err)
	}
	_, err := s.AttachRolePolicy(ctx, &AttachRolePolicyInput{RoleName: "R1", PolicyArn: arns["Perm"]})
	do(err)
	_, err = s.AttachRolePolicy(ctx, &AttachRolePolicyInput{RoleName: "R1", PolicyArn: arns["Both"]})
	do(err)
	_, err = s.PutRolePermissionsBoundary(ctx, &PutRolePermissionsBoundaryInput{RoleName: "R1", PermissionsBoundary: arns["Bound"]})
	do(err)
	_, err = s.PutRolePermissionsBoundary(ctx, &PutRolePermissionsBoundaryInput{RoleName: "R2", PermissionsBoundary: arns["Both"]})
	do(err)

	tests := []struct {
		name     string
		attached *bool
		usage    *string
		want     []string
	}{
		{"no filter", nil, nil, []string{"Both", "Bound", "Idle", "Perm"}},
		{"OnlyAttached false", ptr(false), nil, []string{"Both", "Bound", "Idle", "Perm"}},
		{"OnlyAttached", ptr(true), nil, []string{"Both", "Perm"}},
		{"PermissionsPolicy", nil, ptr(usagePermissions), []string{"Both", "Perm"}},
		{"PermissionsBoundary", nil, ptr(usageBoundary), []string{"Both", "Bound"}},
		{"OnlyAttached PermissionsPolicy", ptr(true), ptr(usagePermissions), []string{"Both", "Perm"}},
		{"OnlyAttached PermissionsBoundary", ptr(true), ptr(usageBoundary), []string{"Both", "Bound"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := s.ListPolicies(ctx, &ListPoliciesInput{OnlyAttached: tt.attached, PolicyUsageFilter: tt.usage})
			if err != nil {
				t.Fatal(err)
			}
			if got := policyNames(out.Policies); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
