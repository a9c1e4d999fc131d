package iam

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

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

// EvaluationResult is the model's EvaluationResult.
type EvaluationResult struct {
	EvalActionName       string
	EvalResourceName     string
	EvalDecision         string
	MatchedStatements    []Statement `xml:"MatchedStatements>member"`
	MissingContextValues []string    `xml:"MissingContextValues>member"`
}

// SimulatePolicyOutput is the model's SimulatePolicyResponse.
type SimulatePolicyOutput struct {
	EvaluationResults []EvaluationResult `xml:"EvaluationResults>member"`
	IsTruncated       bool
	Marker            *string `xml:",omitempty"`
}

// SimulateCustomPolicy evaluates the given identity policies for every
// action and resource, as IAM's policy simulator does.
func (s *Service) SimulateCustomPolicy(_ context.Context, in *SimulateCustomPolicyInput) (*SimulatePolicyOutput, error) {
	ps, err := inputPolicies(in.PolicyInputList)
	if err != nil {
		return nil, err
	}
	return simulate(ps, in.ActionNames, in.ResourceArns, in.ContextEntries, in.Marker, in.MaxItems)
}

// SimulatePrincipalPolicy evaluates a role's inline and attached managed
// policies (a user has none in idpool), with the given extra policies, for
// every action and resource.
func (s *Service) SimulatePrincipalPolicy(ctx context.Context, in *SimulatePrincipalPolicyInput) (*SimulatePolicyOutput, error) {
	ps, err := s.principalPolicies(ctx, in.PolicySourceArn)
	if err != nil {
		return nil, err
	}
	extra, err := inputPolicies(in.PolicyInputList)
	if err != nil {
		return nil, err
	}
	return simulate(append(ps, extra...), in.ActionNames, in.ResourceArns, in.ContextEntries, in.Marker, in.MaxItems)
}

// inputPolicies parses the simulator's PolicyInputList, named as IAM names
// them.
func inputPolicies(docs []string) ([]policy.Named, error) {
	var ps []policy.Named
	for i, d := range docs {
		doc, err := policy.ParsePermissions([]byte(d))
		if err != nil {
			return nil, errInvalid("PolicyInputList.%d: %v", i+1, err)
		}
		ps = append(ps, policy.Named{ID: fmt.Sprintf("PolicyInputList.%d", i+1), Type: "none", Doc: doc})
	}
	return ps, nil
}

// RolePolicies returns the identity policies of the role arn names, for
// evaluating its sessions' requests: its inline policies and the default
// versions of its attached managed policies. A role IAM does not hold is
// NoSuchEntity.
func (s *Service) RolePolicies(ctx context.Context, arn string) ([]policy.Named, error) {
	if !strings.Contains(arn, ":role/") {
		return nil, errInvalid("Invalid ARN: %s must be a role ARN.", arn)
	}
	return s.principalPolicies(ctx, arn)
}

// principalPolicies returns the identity policies of the role or user an
// ARN names: a role's inline policies ("role") and the default versions of
// its attached managed policies ("user-managed"; one IAM does not hold
// allows nothing).
func (s *Service) principalPolicies(ctx context.Context, arn string) ([]policy.Named, error) {
	name := arn[strings.LastIndexByte(arn, '/')+1:]
	switch {
	case strings.Contains(arn, ":user/"):
		if _, err := s.store.GetUser(ctx, name); err != nil {
			return nil, translate(err, noSuchUser(name), nil)
		}
		return nil, nil
	case !strings.Contains(arn, ":role/"):
		return nil, errInvalid("Invalid ARN: %s must be a role or user ARN.", arn)
	}
	r, err := s.store.GetRole(ctx, name)
	if err != nil {
		return nil, translate(err, noSuchRole(name), nil)
	}
	var ps []policy.Named
	for _, n := range slices.Sorted(maps.Keys(r.Policies)) {
		doc, err := policy.ParsePermissions([]byte(r.Policies[n]))
		if err != nil {
			return nil, fmt.Errorf("role %s: stored policy %s: %w", r.Name, n, err)
		}
		ps = append(ps, policy.Named{ID: n, Type: "role", Doc: doc})
	}
	for _, a := range r.Attached {
		mp, err := s.store.GetManagedPolicy(ctx, a)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			continue
		case err != nil:
			return nil, err
		}
		doc, err := policy.ParsePermissions([]byte(DefaultDocument(mp)))
		if err != nil {
			return nil, fmt.Errorf("policy %s: stored document: %w", a, err)
		}
		ps = append(ps, policy.Named{ID: mp.Name, Type: "user-managed", Doc: doc})
	}
	return ps, nil
}

// simulate evaluates ps for every action × resource ("*" when none is
// given) and pages the results; the marker is the index of the next one.
func simulate(ps []policy.Named, actions, resources []string, entries []ContextEntry, marker *string, maxItems *int32) (*SimulatePolicyOutput, error) {
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	ctx := map[string][]string{}
	for _, e := range entries {
		if e.ContextKeyName != nil {
			ctx[*e.ContextKeyName] = e.ContextKeyValues
		}
	}
	var all []EvaluationResult
	for _, a := range actions {
		for _, res := range resources {
			r := policy.Evaluate(ps, nil, policy.Request{Action: a, Resource: res, Context: ctx})
			er := EvaluationResult{EvalActionName: a, EvalResourceName: res, EvalDecision: r.Decision.String(),
				MatchedStatements: []Statement{}, MissingContextValues: []string{}}
			for _, m := range r.Matched {
				er.MatchedStatements = append(er.MatchedStatements, Statement{
					SourcePolicyId: m.PolicyID, SourcePolicyType: m.PolicyType,
					StartPosition: Position{int32(m.Start.Line), int32(m.Start.Column)},
					EndPosition:   Position{int32(m.End.Line), int32(m.End.Column)},
				})
			}
			all = append(all, er)
		}
	}
	start := 0
	if marker != nil {
		n, err := strconv.Atoi(*marker)
		if err != nil || n < 0 || n > len(all) {
			return nil, errInvalid("Invalid Marker.")
		}
		start = n
	}
	n := defaultMaxItems
	if maxItems != nil {
		n = int(*maxItems)
	}
	out := &SimulatePolicyOutput{EvaluationResults: all[start:]}
	if len(all)-start > n {
		next := strconv.Itoa(start + n)
		out.EvaluationResults, out.IsTruncated, out.Marker = all[start:start+n], true, &next
	}
	return out, nil
}
