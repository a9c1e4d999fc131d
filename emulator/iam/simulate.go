package iam

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/idpool/idpool/emulator/arn"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/storage"
)

// ContextEntry is the model's ContextEntry: a condition key and its values.
type ContextEntry struct {
	ContextKeyName   *string
	ContextKeyValues []string
	ContextKeyType   *string
}

// SimulateCustomPolicyInput is the model's SimulateCustomPolicyRequest.
type SimulateCustomPolicyInput struct {
	PolicyInputList                    []string
	PermissionsBoundaryPolicyInputList []string
	ActionNames                        []string
	ResourceArns                       []string
	ResourcePolicy                     *string
	ResourceOwner                      *string
	CallerArn                          *string
	ContextEntries                     []ContextEntry
	ResourceHandlingOption             *string
	MaxItems                           *int32
	Marker                             *string
}

// SimulatePrincipalPolicyInput is the model's
// SimulatePrincipalPolicyRequest: the custom request's members (the query
// decoder sees an embedded struct's fields as the outer one's) and the
// principal whose policies are simulated.
type SimulatePrincipalPolicyInput struct {
	PolicySourceArn string
	SimulateCustomPolicyInput
}

// Position is the model's Position: a line and column in a document.
type Position struct {
	Line   int32
	Column int32
}

// Statement is the model's Statement: a statement that decided a result.
type Statement struct {
	SourcePolicyId   string
	SourcePolicyType string
	StartPosition    Position
	EndPosition      Position
}

// BoundaryDetail is the model's PermissionsBoundaryDecisionDetail.
type BoundaryDetail struct {
	AllowedByPermissionsBoundary bool
}

// ResourceResult is the model's ResourceSpecificResult: the evaluation of
// one resource ARN that ResourceArns named.
type ResourceResult struct {
	EvalResourceName                  string
	EvalResourceDecision              string
	MatchedStatements                 []Statement     `xml:"MatchedStatements>member"`
	MissingContextValues              []string        `xml:"MissingContextValues>member"`
	PermissionsBoundaryDecisionDetail *BoundaryDetail `xml:",omitempty"`
}

// EvaluationResult is the model's EvaluationResult. MissingContextValues is
// filled when the resource is "*"; for a resource ResourceArns named, as
// the model documents, ResourceSpecificResults holds them instead.
type EvaluationResult struct {
	EvalActionName       string
	EvalResourceName     string
	EvalDecision         string
	MatchedStatements    []Statement `xml:"MatchedStatements>member"`
	MissingContextValues []string    `xml:"MissingContextValues>member"`
	// PermissionsBoundaryDecisionDetail is set only when the simulation
	// has a permissions boundary.
	PermissionsBoundaryDecisionDetail *BoundaryDetail `xml:",omitempty"`
	// EvalDecisionDetails and ResourceSpecificResults are set only for a
	// resource ResourceArns named: AWS then answers an empty
	// EvalDecisionDetails and the resource's result, and otherwise
	// neither (a recorded boto3 SimulateCustomPolicy answer; aws-cli
	// outputs with and without --resource-arns). EvalDecisionDetails
	// would detail a cross-account decision, which idpool does not.
	EvalDecisionDetails     *struct{} `xml:",omitempty"`
	ResourceSpecificResults ResourceResults
}

// ResourceResults is ResourceSpecificResults in an answer:
// <ResourceSpecificResults><member>…</member>…</ResourceSpecificResults>,
// or nothing at all when it is empty. A field tagged
// `xml:"ResourceSpecificResults>member,omitempty"` cannot say so:
// encoding/xml writes the parent of an empty list.
type ResourceResults []ResourceResult

// MarshalXML writes the list as start, with a member per result, or
// nothing for an empty list.
func (l ResourceResults) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if len(l) == 0 {
		return nil
	}
	return e.EncodeElement(struct {
		Member []ResourceResult `xml:"member"`
	}{l}, start)
}

// SimulatePolicyOutput is the model's SimulatePolicyResponse.
type SimulatePolicyOutput struct {
	EvaluationResults []EvaluationResult `xml:"EvaluationResults>member"`
	IsTruncated       bool
	Marker            *string `xml:",omitempty"`
}

// SimulateCustomPolicy evaluates the given identity policies, capped by the
// permissions boundary and together with the resource policy when given,
// for every action and resource, as IAM's policy simulator does.
func (s *Service) SimulateCustomPolicy(_ context.Context, in *SimulateCustomPolicyInput) (*SimulatePolicyOutput, error) {
	ps, err := inputPolicies("PolicyInputList", in.PolicyInputList)
	if err != nil {
		return nil, err
	}
	set, caller, err := policySet(ps, in, "")
	if err != nil {
		return nil, err
	}
	return simulate(set, in.ActionNames, in.ResourceArns, in.ContextEntries, caller, in.Marker, in.MaxItems)
}

// SimulatePrincipalPolicy evaluates a role's or a user's inline and
// attached managed policies, with the given extra policies, for
// every action and resource, capped by the role's permissions boundary, or
// by PermissionsBoundaryPolicyInputList's when one is given: as in IAM, a
// boundary given replaces the entity's own.
func (s *Service) SimulatePrincipalPolicy(ctx context.Context, in *SimulatePrincipalPolicyInput) (*SimulatePolicyOutput, error) {
	held, err := s.principalWith(ctx, in.PolicySourceArn, in.PolicyInputList)
	if err != nil {
		return nil, err
	}
	// CallerArn defaults to the simulated principal when it is a user.
	caller := ""
	if strings.Contains(in.PolicySourceArn, ":user/") {
		caller = in.PolicySourceArn
	}
	set, caller, err := policySet(held.Identity, &in.SimulateCustomPolicyInput, caller)
	if err != nil {
		return nil, err
	}
	if len(in.PermissionsBoundaryPolicyInputList) == 0 {
		set.Boundary = held.Boundary
	}
	return simulate(set, in.ActionNames, in.ResourceArns, in.ContextEntries, caller, in.Marker, in.MaxItems)
}

// principalWith returns the policies of the principal of arn (see
// principalPolicies) with the PolicyInputList policies inputs added to its
// identity policies, as SimulatePrincipalPolicy and
// GetContextKeysForPrincipalPolicy take them.
func (s *Service) principalWith(ctx context.Context, arn string, inputs []string) (policy.Set, error) {
	held, err := s.principalPolicies(ctx, arn)
	if err != nil {
		return held, err
	}
	extra, err := inputPolicies("PolicyInputList", inputs)
	if err != nil {
		return held, err
	}
	held.Identity = append(held.Identity, extra...)
	return held, nil
}

// inputPolicies parses one of the simulator's lists of permission
// policies (PolicyInputList, PermissionsBoundaryPolicyInputList), each
// named as IAM names it: the list's name and its position.
func inputPolicies(list string, docs []string) ([]policy.Named, error) {
	var ps []policy.Named
	for i, d := range docs {
		doc, err := policy.ParsePermissions([]byte(d))
		if err != nil {
			return nil, errInvalid("%s.%d: %v", list, i+1, err)
		}
		ps = append(ps, policy.Named{ID: fmt.Sprintf("%s.%d", list, i+1), Type: "none", Doc: doc})
	}
	return ps, nil
}

// policySet gathers the simulation's policies: the identity policies ps,
// the permissions boundary and the resource policy, which applies to every
// resource simulated. The caller is CallerArn, else defaultCaller.
func policySet(ps []policy.Named, in *SimulateCustomPolicyInput, defaultCaller string) (policy.Set, string, error) {
	set := policy.Set{Identity: ps}
	if len(in.PermissionsBoundaryPolicyInputList) > 1 {
		return set, "", errInvalid("You can specify only one permissions boundary policy in PermissionsBoundaryPolicyInputList.")
	}
	var err error
	if set.Boundary, err = inputPolicies("PermissionsBoundaryPolicyInputList", in.PermissionsBoundaryPolicyInputList); err != nil {
		return set, "", err
	}
	caller := defaultCaller
	if in.CallerArn != nil {
		caller = *in.CallerArn
		if !strings.Contains(caller, ":user/") {
			return set, "", errInvalid("Invalid CallerArn: %s must be the ARN of an IAM user.", caller)
		}
	}
	if in.ResourcePolicy == nil {
		return set, caller, nil
	}
	doc, err := policy.ParseResource([]byte(*in.ResourcePolicy))
	if err != nil {
		return set, "", errInvalid("ResourcePolicy: %v", err)
	}
	set.Resource = []policy.Named{{ID: "ResourcePolicy", Type: "resource", Doc: doc}}
	// The resource belongs to ResourceOwner's account, else to the
	// caller's; a resource policy of another account allows nothing alone.
	if in.ResourceOwner != nil && caller != "" {
		set.CrossAccount = arnAccount(*in.ResourceOwner) != arnAccount(caller)
	}
	return set, caller, nil
}

// arnAccount returns the account field of an ARN, or s itself when it is
// not an ARN (ResourceOwner may be a bare account id).
func arnAccount(s string) string {
	if a, ok := arn.Parse(s); ok {
		return a.Account
	}
	return s
}

// UserPolicies returns the policies of the user arn names that decide its
// requests (in strict mode): as Identity its inline policies and the
// default versions of its attached managed policies, then those of each
// group it is in, and as Boundary its permissions boundary, if it has
// one. A user IAM does not hold is NoSuchEntity.
func (s *Service) UserPolicies(ctx context.Context, arn string) (policy.Set, error) {
	if !strings.Contains(arn, ":user/") {
		return policy.Set{}, errInvalid("Invalid ARN: %s must be a user ARN.", arn)
	}
	return s.principalPolicies(ctx, arn)
}

// principalPolicies returns the policies of the role, user or group an
// ARN names: its inline policies (of type "role", "user" or "group", as
// the model's PolicySourceType names them; the simulator answers "IAM
// Policy", see simulatorTypes) and the default versions of its attached
// managed policies ("user-managed"; one IAM does not hold allows nothing)
// as Identity, and its permissions boundary as Boundary. A user's
// Identity holds those of the groups it is in too, after its own: AWS
// evaluates a user's and its groups' identity policies together, so that
// an Allow of either allows and a Deny of either denies. A boundary IAM
// does not hold (an AWS managed policy, which idpool cannot read) allows
// nothing, so that the role or user may do nothing rather than more than
// its boundary allows.
//
// The ARN names the entity IAM holds only in its account and path, its
// name in any case and its partition whatever it is (see arn.Held): an
// ARN of another account or path names an entity IAM does not hold,
// NoSuchEntity, so that a role of another account never gets the
// policies of the account's role of its name.
func (s *Service) principalPolicies(ctx context.Context, asked string) (policy.Set, error) {
	switch {
	case strings.Contains(asked, ":user/"):
		set, u, err := ownerPolicies(ctx, s, userOwner, asked)
		if err != nil {
			return set, err
		}
		gs, err := userGroups(ctx, s.store, u.Name)
		if err != nil {
			return set, err
		}
		for _, g := range gs {
			ps, err := s.identity(ctx, groupOwner.kind, g.Name, g.Policies, g.Attached)
			if err != nil {
				return set, err
			}
			set.Identity = append(set.Identity, ps...)
		}
		return set, nil
	case strings.Contains(asked, ":group/"):
		set, _, err := ownerPolicies(ctx, s, groupOwner, asked)
		return set, err
	case strings.Contains(asked, ":role/"):
		set, _, err := ownerPolicies(ctx, s, roleOwner, asked)
		return set, err
	}
	return policy.Set{}, errInvalid("Invalid ARN: %s must be a role, user or group ARN.", asked)
}

// ownerPolicies is principalPolicies of the entity of kind o that asked,
// its ARN, names, which it returns too.
func ownerPolicies[E any](ctx context.Context, s *Service, o owner[E], asked string) (policy.Set, E, error) {
	name := asked[strings.LastIndexByte(asked, '/')+1:]
	e, err := o.read(ctx, s.store, name)
	if err != nil {
		return policy.Set{}, e, err
	}
	if held, _ := arn.Held(o.arn(&e), asked); held == "" {
		return policy.Set{}, e, o.noSuch(name)
	}
	set, err := entityPolicies(ctx, s, o, &e)
	return set, e, err
}

// entityPolicies returns the policies of e, an entity of kind o as IAM
// holds it: its identity policies, and its permissions boundary if its
// kind has one.
func entityPolicies[E any](ctx context.Context, s *Service, o owner[E], e *E) (policy.Set, error) {
	var set policy.Set
	stored, inline, attached := o.own(e)
	var err error
	if set.Identity, err = s.identity(ctx, o.kind, stored, *inline, *attached); err != nil {
		return set, err
	}
	if o.boundary == nil {
		return set, nil // a group has none
	}
	if b := *o.boundary(e); b != "" {
		p, _, err := s.managed(ctx, b)
		if err != nil {
			return set, err
		}
		set.Boundary = []policy.Named{p}
	}
	return set, nil
}

// HeldRolePolicies returns the policies of role r that decide its
// sessions' requests: as Identity its inline policies and the default
// versions of its attached managed policies, and as Boundary its
// permissions boundary, if it has one. r is a role its caller has read
// from IAM already (a role session's own role), so that the role is read
// once.
func (s *Service) HeldRolePolicies(ctx context.Context, r storage.Role) (policy.Set, error) {
	return entityPolicies(ctx, s, roleOwner, &r)
}

// identity returns the identity policies of the role, user or group (kind) named
// name: its inline policies, by name, then its attached managed policies
// IAM holds, in the order they were attached.
func (s *Service) identity(ctx context.Context, kind, name string, inline map[string]string, attached []string) ([]policy.Named, error) {
	var ps []policy.Named
	for _, n := range slices.Sorted(maps.Keys(inline)) {
		doc, err := policy.ParsePermissions([]byte(inline[n]))
		if err != nil {
			return nil, fmt.Errorf("%s %s: stored policy %s: %w", kind, name, n, err)
		}
		ps = append(ps, policy.Named{ID: n, Type: kind, Doc: doc})
	}
	for _, a := range attached {
		p, ok, err := s.managed(ctx, a)
		if err != nil {
			return nil, err
		}
		if ok {
			ps = append(ps, p)
		}
	}
	return ps, nil
}

// managed returns the default version of the managed policy arn names,
// named by the policy's name; ok is false, and the policy named by its ARN
// allows nothing, when IAM does not hold it.
func (s *Service) managed(ctx context.Context, arn string) (p policy.Named, ok bool, err error) {
	mp, err := s.store.GetManagedPolicy(ctx, arn)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return policy.Named{ID: arn, Type: "user-managed"}, false, nil
	case err != nil:
		return p, false, err
	}
	doc, err := policy.ParsePermissions([]byte(DefaultDocument(mp)))
	if err != nil {
		return p, false, fmt.Errorf("policy %s: stored document: %w", arn, err)
	}
	return policy.Named{ID: mp.Name, Type: "user-managed", Doc: doc}, true, nil
}

// The simulator's SourcePolicyType of a matched statement, by the part its
// policy plays. AWS answers these words, not the model's PolicySourceType
// enum (user, group, role, aws-managed, user-managed, resource, none):
// "IAM Policy" for every identity policy, a user's or a role's, inline or
// managed, or one of PolicyInputList (users' pasted answers naming
// AdministratorAccess, a role's inline policy and PolicyInputList.1; a
// recorded boto3 SimulateCustomPolicy answer); "Resource Policy" for
// ResourcePolicy (a recorded SimulateCustomPolicy answer, scottlogic blog
// 2025-07-10); "Permissions Boundary Policy" for the permissions boundary
// (a pasted simulate-principal-policy answer naming a role's managed
// boundary; one other paste says "Permissions Boundary", in a summary
// that also invents a Sid member, and is not followed).
const (
	identityPolicyType = "IAM Policy"
	resourcePolicyType = "Resource Policy"
	boundaryPolicyType = "Permissions Boundary Policy"
)

// simulatorTypes returns set with each policy's Type as the simulator
// answers it in SourcePolicyType, leaving set's own lists as they were.
func simulatorTypes(set policy.Set) policy.Set {
	retype := func(ps []policy.Named, typ string) []policy.Named {
		ps = slices.Clone(ps)
		for i := range ps {
			ps[i].Type = typ
		}
		return ps
	}
	set.Identity = retype(set.Identity, identityPolicyType)
	set.Boundary = retype(set.Boundary, boundaryPolicyType)
	set.Resource = retype(set.Resource, resourcePolicyType)
	return set
}

// simulateOp is the operation name both simulations check their markers
// with: a marker holds only an index into the results that the request
// computes again.
const simulateOp = "SimulatePolicy"

// simulate evaluates the policies of set as caller for every action ×
// resource ("*" when none is given), with the context entries, and pages
// the results. Its marker (see page) holds the index of the next result,
// which the same request computes in the same order again.
func simulate(set policy.Set, actions, resourceArns []string, entries []ContextEntry, caller string, marker *string, maxItems *int32) (*SimulatePolicyOutput, error) {
	set = simulatorTypes(set)
	resources := resourceArns
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	ctx := map[string][]string{}
	var lists []string
	for _, e := range entries {
		if e.ContextKeyName != nil {
			ctx[*e.ContextKeyName] = e.ContextKeyValues
			// A key typed as a list (stringList, numericList…) is
			// multivalued: no policy variable, even with one value.
			if e.ContextKeyType != nil && strings.HasSuffix(strings.ToLower(*e.ContextKeyType), "list") {
				lists = append(lists, *e.ContextKeyName)
			}
		}
	}
	var all []EvaluationResult
	for _, a := range actions {
		missing := missingKeys(set, a, ctx)
		for _, res := range resources {
			r := set.Evaluate(policy.Request{Action: a, Resource: res, AWS: caller, Context: ctx, Lists: lists})
			er := EvaluationResult{EvalActionName: a, EvalResourceName: res, EvalDecision: r.Decision.String(),
				MatchedStatements: []Statement{}, MissingContextValues: []string{}}
			if len(set.Boundary) > 0 {
				er.PermissionsBoundaryDecisionDetail = &BoundaryDetail{AllowedByPermissionsBoundary: r.Boundary == policy.Allowed}
			}
			for _, m := range r.Matched {
				er.MatchedStatements = append(er.MatchedStatements, Statement{
					SourcePolicyId: m.PolicyID, SourcePolicyType: m.PolicyType,
					StartPosition: Position{int32(m.Start.Line), int32(m.Start.Column)},
					EndPosition:   Position{int32(m.End.Line), int32(m.End.Column)},
				})
			}
			if len(resourceArns) == 0 || res == "*" {
				er.MissingContextValues = missing
			} else {
				er.EvalDecisionDetails = &struct{}{}
				er.ResourceSpecificResults = ResourceResults{{EvalResourceName: res, EvalResourceDecision: er.EvalDecision,
					MatchedStatements: er.MatchedStatements, MissingContextValues: missing,
					PermissionsBoundaryDecisionDetail: er.PermissionsBoundaryDecisionDetail}}
			}
			all = append(all, er)
		}
	}
	start := 0
	if marker != nil {
		k, err := readMarker(simulateOp, *marker)
		if err != nil {
			return nil, err
		}
		n, err := strconv.Atoi(k)
		if err != nil || n < 0 || n > len(all) {
			return nil, errMarker()
		}
		start = n
	}
	n := defaultMaxItems
	if maxItems != nil {
		n = int(*maxItems)
	}
	out := &SimulatePolicyOutput{EvaluationResults: all[start:]}
	if len(all)-start > n {
		out.EvaluationResults, out.IsTruncated, out.Marker = all[start:start+n], true, newMarker(simulateOp, strconv.Itoa(start+n))
	}
	return out, nil
}

// missingKeys returns the context keys that the statements of the set's
// policies covering action use and ctx lacks, sorted, each once.
func missingKeys(set policy.Set, action string, ctx map[string][]string) []string {
	var keys []string
	for _, ps := range [][]policy.Named{set.Identity, set.Session, set.Boundary, set.Resource} {
		for _, p := range ps {
			if p.Doc != nil {
				keys = append(keys, p.Doc.ContextKeys(action)...)
			}
		}
	}
	return uniqueKeys(policy.Missing(ctx, keys))
}
