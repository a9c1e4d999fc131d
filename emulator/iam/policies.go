package iam

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/idpool/idpool/emulator/arn"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// CheckPolicy checks an identity-based policy document as PutRolePolicy
// and CreatePolicy do, but in no partition (a fixture's documents are of
// every partition its pools are); a refusal is a MalformedPolicyDocument
// *protocol.Error.
func CheckPolicy(doc string) error { return identityPolicy(doc, "") }

// identityPolicy checks an identity-based policy (an inline or managed
// policy) with the evaluator's own parser, so that what IAM stores is what
// the evaluator reads; its refusals carry IAM's texts (permissionsRefusal).
// Written through the IAM of partition (unless it is ""), its resources
// must be of that partition (policy.Document.CheckPartition).
func identityPolicy(doc, partition string) error {
	return permissionsRefusal(checkDocument(policy.CheckPermissions, doc, partition))
}

// permissionsRefusal is the answer to a permission policy, inline or
// managed, that the policy package refused: one that breaks the grammar
// itself (policy.MalformedError's Syntax: not JSON, an element IAM does
// not know…) gets AWS's terse text, as CreatePolicy was recorded answering
// (test_iam_policies.snapshot.json invalid-0, 3, 6, 10 and others) and as
// users report PutRolePolicy and PutUserPolicy answering
// (aws-ia/terraform-aws-transfer-family#109, aws/aws-cli#4555); others
// keep their reason. Trust policies keep theirs too: UpdateAssumeRolePolicy
// was recorded answering "This policy contains invalid Json".
func permissionsRefusal(err error) error {
	if m := (*policy.MalformedError)(nil); errors.As(err, &m) && m.Syntax {
		return errMalformed("Syntax errors in policy.")
	}
	return malformed(err)
}

// checkDocument checks doc with the policy package's check, then its
// partition; its refusal is the policy package's error.
func checkDocument(check func([]byte) (*policy.Document, error), doc, partition string) error {
	d, err := check([]byte(doc))
	if err != nil || partition == "" {
		return err
	}
	return d.CheckPartition(partition)
}

// managedPolicy checks a managed policy's document as CreatePolicy and
// CreatePolicyVersion do in partition: its version, its grammar
// (policy.CheckManaged), then its size. Its refusals are those of
// permissionsRefusal.
func managedPolicy(doc, partition string) error {
	if err := checkDocument(policy.CheckManaged, doc, partition); err != nil {
		return permissionsRefusal(err)
	}
	return managedSize(doc)
}

// noSuchPolicy, notAttachable and noSuchVersion are AWS's three texts
// for a managed policy it does not hold: GetPolicy, DetachRolePolicy and
// the tag operations say it "was not found"; AttachRolePolicy and
// ListEntitiesForPolicy that it "does not exist or is not attachable";
// the version operations name the version, whether the policy or only
// the version is missing (test_iam_roles.snapshot.json
// attach-nonexistent-policy-error, detach-not-attached-policy-error;
// test_iam_policies.snapshot.json err-tag-nonexistent-policy,
// err-get-version-nonexistent-policy, err-set-default-nonexistent-policy).
func noSuchPolicy(arn string) error { return errNoSuch("Policy %s was not found.", arn) }

func notAttachable(arn string) error {
	return errNoSuch("Policy %s does not exist or is not attachable.", arn)
}

func noSuchVersion(arn, id string) error {
	return errNoSuch("Policy %s version %s does not exist or is not attachable.", arn, id)
}

// wirePolicy is p as IAM answers it; withDetail adds what GetPolicy
// answers and ListPolicies leaves out: its description (the model's
// documentation of Policy.Description: "It is not included in the
// response to the ListPolicies operation"; aws/aws-sdk-ruby#894 shows
// AWS's ListPolicies answering none for a described policy) and its
// tags.
func wirePolicy(p storage.ManagedPolicy, attached int32, withDetail bool) Policy {
	out := Policy{
		PolicyName: p.Name, PolicyId: p.ID, Arn: p.ARN, Path: p.Path, DefaultVersionId: p.DefaultVersion,
		AttachmentCount: attached, IsAttachable: true,
		CreateDate: protocol.At(p.CreatedAt), UpdateDate: protocol.At(p.UpdatedAt),
	}
	if withDetail {
		if p.Description != "" {
			out.Description = &p.Description
		}
		out.Tags = wireTags(p.Tags)
	}
	return out
}

// usedPolicy is wirePolicy of p with its AttachmentCount and
// PermissionsBoundaryUsageCount: how many roles, users and groups it is
// attached to, and how many roles and users it is the permissions
// boundary of, which the store counts from the policy's own uses.
func (s *Service) usedPolicy(ctx context.Context, p storage.ManagedPolicy, withDetail bool) (Policy, error) {
	n, b, err := s.store.PolicyUsage(ctx, p.ARN)
	if err != nil {
		return Policy{}, err
	}
	out := wirePolicy(p, int32(n), withDetail)
	out.PermissionsBoundaryUsageCount = int32(b)
	return out, nil
}

// CreatePolicy creates a customer managed policy with its first version,
// within the account's quota of 1,500 policies (policiesQuota).
func (s *Service) CreatePolicy(ctx context.Context, in *CreatePolicyInput) (*CreatePolicyOutput, error) {
	p, err := path(in.Path)
	if err != nil {
		return nil, err
	}
	if err := managedPolicy(in.PolicyDocument, s.partition(ctx)); err != nil {
		return nil, err
	}
	ts, err := exactKeys.check(in.Tags)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	mp := storage.ManagedPolicy{
		ARN: s.arn(ctx, "policy"+p+in.PolicyName), Name: in.PolicyName, Path: p, ID: newID("ANPA", 17),
		DefaultVersion: "v1", Versions: []storage.PolicyVersion{{ID: "v1", Document: in.PolicyDocument, CreatedAt: now}},
		Tags: ts, CreatedAt: now, UpdatedAt: now,
	}
	if in.Description != nil {
		mp.Description = *in.Description
	}
	taken := errExists("A policy called %s already exists. Duplicate names are not allowed.", in.PolicyName)
	err = s.update(ctx, func(tx storage.Tx) error {
		// The name is the account's, whatever the path and the case: the
		// store keys policies by ARN, which holds both, and finds them
		// by name in any case (ManagedPolicyNamed; the model's names are
		// ASCII).
		switch _, err := tx.ManagedPolicyNamed(ctx, in.PolicyName); {
		case err == nil:
			return taken
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		return policiesQuota.create(ctx, tx, func() error { return tx.CreateManagedPolicy(ctx, mp) })
	})
	if err := translate(err, nil, taken); err != nil {
		return nil, err
	}
	// CreatePolicy answers no Description, even one given, as AWS does
	// (test_iam_policies.snapshot.json create-with-tags, get-with-tags).
	out := wirePolicy(mp, 0, true)
	out.Description = nil
	return &CreatePolicyOutput{Policy: out}, nil
}

// GetPolicy returns a managed policy.
func (s *Service) GetPolicy(ctx context.Context, in *GetPolicyInput) (*GetPolicyOutput, error) {
	p, err := s.store.GetManagedPolicy(ctx, in.PolicyArn)
	if err != nil {
		return nil, translate(err, noSuchPolicy(in.PolicyArn), nil)
	}
	out := &GetPolicyOutput{}
	if out.Policy, err = s.usedPolicy(ctx, p, true); err != nil {
		return nil, err
	}
	// GetPolicy answers an empty list for a policy without tags, where
	// CreatePolicy answers none (test_iam_policies.snapshot.json
	// get-without-tags, create-policy).
	out.Policy.Tags = append(TagList{}, out.Policy.Tags...)
	return out, nil
}

func version(p storage.ManagedPolicy, id string) (storage.PolicyVersion, bool) {
	for _, v := range p.Versions {
		if v.ID == id {
			return v, true
		}
	}
	return storage.PolicyVersion{}, false
}

// GetPolicyVersion returns one version of a managed policy, its document
// URL-encoded.
func (s *Service) GetPolicyVersion(ctx context.Context, in *GetPolicyVersionInput) (*GetPolicyVersionOutput, error) {
	p, err := s.store.GetManagedPolicy(ctx, in.PolicyArn)
	if err != nil {
		return nil, translate(err, noSuchVersion(in.PolicyArn, in.VersionId), nil)
	}
	v, ok := version(p, in.VersionId)
	if !ok {
		return nil, noSuchVersion(in.PolicyArn, in.VersionId)
	}
	return &GetPolicyVersionOutput{PolicyVersion: PolicyVersion{
		Document: encodeDocument(v.Document), VersionId: v.ID, IsDefaultVersion: v.ID == p.DefaultVersion,
		CreateDate: protocol.At(v.CreatedAt),
	}}, nil
}

// CreatePolicyVersion adds a version to a managed policy, at most five.
func (s *Service) CreatePolicyVersion(ctx context.Context, in *CreatePolicyVersionInput) (*CreatePolicyVersionOutput, error) {
	if err := managedPolicy(in.PolicyDocument, s.partition(ctx)); err != nil {
		return nil, err
	}
	var v storage.PolicyVersion
	def := in.SetAsDefault != nil && *in.SetAsDefault
	err := s.update(ctx, func(tx storage.Tx) error {
		p, err := tx.GetManagedPolicy(ctx, in.PolicyArn)
		if err != nil {
			return translate(err, noSuchPolicy(in.PolicyArn), nil)
		}
		if len(p.Versions) >= MaxPolicyVersions {
			return errLimit("A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", MaxPolicyVersions)
		}
		v = AddVersion(&p, in.PolicyDocument, s.now().UTC(), def)
		return tx.UpdateManagedPolicy(ctx, p)
	})
	if err != nil {
		return nil, err
	}
	return &CreatePolicyVersionOutput{PolicyVersion: PolicyVersion{VersionId: v.ID, IsDefaultVersion: def, CreateDate: protocol.At(v.CreatedAt)}}, nil
}

// ListPolicyVersions lists a managed policy's versions, the newest first
// as IAM lists them, without their documents.
func (s *Service) ListPolicyVersions(ctx context.Context, in *ListPolicyVersionsInput) (*ListPolicyVersionsOutput, error) {
	p, err := s.store.GetManagedPolicy(ctx, in.PolicyArn)
	if err != nil {
		return nil, translate(err, noSuchPolicy(in.PolicyArn), nil)
	}
	// A key that sorts the versions newest first for page: version
	// numbers only grow (AddVersion).
	newestFirst := func(v storage.PolicyVersion) string {
		return fmt.Sprintf("%020d", math.MaxInt-versionNumber(v.ID))
	}
	got, more, next, err := page("ListPolicyVersions", p.Versions, newestFirst, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &ListPolicyVersionsOutput{Versions: []PolicyVersion{}, IsTruncated: more, Marker: next}
	for _, v := range got {
		out.Versions = append(out.Versions, PolicyVersion{VersionId: v.ID, IsDefaultVersion: v.ID == p.DefaultVersion, CreateDate: protocol.At(v.CreatedAt)})
	}
	return out, nil
}

// SetDefaultPolicyVersion makes one of a managed policy's versions the one
// IAM evaluates.
func (s *Service) SetDefaultPolicyVersion(ctx context.Context, in *PolicyVersionInput) (*Empty, error) {
	return nil, s.updateVersion(ctx, in, func(p *storage.ManagedPolicy) error {
		p.DefaultVersion = in.VersionId
		return nil
	})
}

// DeletePolicyVersion deletes a version of a managed policy other than its
// default one.
func (s *Service) DeletePolicyVersion(ctx context.Context, in *PolicyVersionInput) (*Empty, error) {
	return nil, s.updateVersion(ctx, in, func(p *storage.ManagedPolicy) error {
		if p.DefaultVersion == in.VersionId {
			return errConflict("Cannot delete the default version of a policy.")
		}
		p.Versions = slicesFilter(p.Versions, func(v storage.PolicyVersion) bool { return v.ID != in.VersionId })
		return nil
	})
}

// updateVersion applies change to the managed policy that in names, in one
// transaction, once it holds the version in names (noSuchVersion when it
// or the policy is missing). The policy's UpdatedAt
// stays: IAM's UpdateDate is when its most recent version was created,
// which only CreatePolicyVersion (AddVersion) moves.
func (s *Service) updateVersion(ctx context.Context, in *PolicyVersionInput, change func(*storage.ManagedPolicy) error) error {
	missing := noSuchVersion(in.PolicyArn, in.VersionId)
	return s.modifyPolicy(ctx, in.PolicyArn, missing, func(p *storage.ManagedPolicy) error {
		if _, ok := version(*p, in.VersionId); !ok {
			return missing
		}
		return change(p)
	})
}

// ListPolicies lists the customer managed policies (idpool has no AWS
// managed ones), filtered as asked. OnlyAttached keeps the policies
// attached to a role or user as permissions policies (AttachmentCount,
// which a permissions boundary does not count in). PolicyUsageFilter keeps the
// policies used as the model says, with or without OnlyAttached, which it
// then narrows to that use: PermissionsPolicy those attached as
// permissions policies, PermissionsBoundary those that are the
// permissions boundary of a role or user (PermissionsBoundaryUsageCount). The
// model's "to list only permissions policies" is read as "policies used
// as permissions policies", so that the two values are symmetric and a
// policy used only as a boundary is not listed as a permissions policy.
func (s *Service) ListPolicies(ctx context.Context, in *ListPoliciesInput) (*ListPoliciesOutput, error) {
	use := storage.AnyUse
	switch {
	case in.PolicyUsageFilter != nil && *in.PolicyUsageFilter == usageBoundary:
		use = storage.UsedBoundary
	case in.PolicyUsageFilter != nil || in.OnlyAttached != nil && *in.OnlyAttached:
		use = storage.UsedAttached
	}
	// A marker's key is nameKey's: the name places the page, as a
	// policy's name is the account's.
	fetch := func(after string, limit int) ([]storage.ManagedPolicy, error) {
		if in.Scope != nil && *in.Scope == "AWS" {
			return nil, nil
		}
		return s.store.PageManagedPolicies(ctx, namePage(keyName(after), in.PathPrefix, limit), use)
	}
	got, more, next, err := storedPage("ListPolicies", func(p storage.ManagedPolicy) string { return nameKey(p.Name, p.ARN) }, in.Marker, in.MaxItems, fetch)
	if err != nil {
		return nil, err
	}
	out := &ListPoliciesOutput{Policies: []Policy{}, IsTruncated: more, Marker: next}
	for _, p := range got {
		wp, err := s.usedPolicy(ctx, p, false)
		if err != nil {
			return nil, err
		}
		out.Policies = append(out.Policies, wp)
	}
	return out, nil
}

// DeletePolicy deletes a managed policy that is attached to nothing.
func (s *Service) DeletePolicy(ctx context.Context, in *DeletePolicyInput) (*Empty, error) {
	return nil, s.update(ctx, func(tx storage.Tx) error {
		p, err := tx.GetManagedPolicy(ctx, in.PolicyArn)
		if err != nil {
			return translate(err, noSuchPolicy(in.PolicyArn), nil)
		}
		n, b, err := tx.PolicyUsage(ctx, in.PolicyArn)
		if err != nil {
			return err
		}
		if n > 0 || b > 0 {
			return errConflict("Cannot delete a policy attached to entities.")
		}
		if len(p.Versions) > 1 {
			return errConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		}
		return tx.DeleteManagedPolicy(ctx, in.PolicyArn)
	})
}

// nameKey is the paging key of a policy listed by name: its name, then its
// ARN, which tells apart the policies of one name (an AWS managed policy
// and a customer managed one may share it). A space sorts before every
// character of a policy name, so the keys sort as the names do.
func nameKey(name, arn string) string { return name + " " + arn }

// keyName is the name of the policy whose nameKey is key.
func keyName(key string) string {
	name, _, _ := strings.Cut(key, " ")
	return name
}

// awsManaged reports whether arn is an AWS managed policy's (AWSManaged)
// in the partition of the request's IAM: another partition's IAM holds
// none of them, so there it does not exist.
func (s *Service) awsManaged(ctx context.Context, arn string) bool {
	_, _, ok := AWSManaged(arn)
	return ok && protocol.ARNPartition(arn) == s.partition(ctx)
}

// AWSManaged reports whether arn is well-formed as the ARN of an AWS
// managed policy (arn:<partition>:iam::aws:policy<path><name>), and
// returns its path and name. idpool holds no AWS managed policy: a role
// may attach any such ARN, which then allows nothing.
func AWSManaged(s string) (path, name string, ok bool) {
	if a, _ := arn.Parse(s); !PolicyARN(s) || a.Account != "aws" {
		return "", "", false
	}
	path, name = policyPathName(s)
	return path, name, true
}

// policyPathName splits the ARN of a managed policy (known to be one)
// into its path and name.
func policyPathName(arn string) (path, name string) {
	res := arn[strings.Index(arn, ":policy/")+len(":policy"):]
	i := strings.LastIndexByte(res, '/')
	return res[:i+1], res[i+1:]
}

// AttachRolePolicy attaches a managed policy to a role: a customer managed
// one IAM holds, or an AWS managed one (see AWSManaged).
func (s *Service) AttachRolePolicy(ctx context.Context, in *AttachRolePolicyInput) (*Empty, error) {
	return nil, roleOwner.attach(ctx, s, in.RoleName, in.PolicyArn)
}

// DetachRolePolicy detaches a managed policy from a role.
func (s *Service) DetachRolePolicy(ctx context.Context, in *DetachRolePolicyInput) (*Empty, error) {
	return nil, roleOwner.detach(ctx, s, in.RoleName, in.PolicyArn)
}

// ListAttachedRolePolicies lists the managed policies attached to a role.
func (s *Service) ListAttachedRolePolicies(ctx context.Context, in *ListAttachedRolePoliciesInput) (*ListAttachedRolePoliciesOutput, error) {
	return roleOwner.listAttached(ctx, s, "ListAttachedRolePolicies", in.RoleName, in.PathPrefix, in.Marker, in.MaxItems)
}
