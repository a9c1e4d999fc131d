package iam

import (
	"context"
	"slices"
	"strings"

	"github.com/idpool/idpool/emulator/policy"
)

// GetContextKeysForCustomPolicyInput is the model's
// GetContextKeysForCustomPolicyRequest.
type GetContextKeysForCustomPolicyInput struct {
	PolicyInputList []string
}

// GetContextKeysForPrincipalPolicyInput is the model's
// GetContextKeysForPrincipalPolicyRequest.
type GetContextKeysForPrincipalPolicyInput struct {
	PolicySourceArn string
	PolicyInputList []string
}

// ContextKeysOutput is the model's GetContextKeysForPolicyResponse.
type ContextKeysOutput struct {
	ContextKeyNames []string `xml:"ContextKeyNames>member"`
}

// GetContextKeysForCustomPolicy lists the context keys the given policies
// use, whatever the action: the keys their conditions test and the policy
// variables without a default in their Resource elements and condition
// values, which is what SimulateCustomPolicy needs as ContextEntries.
func (s *Service) GetContextKeysForCustomPolicy(_ context.Context, in *GetContextKeysForCustomPolicyInput) (*ContextKeysOutput, error) {
	ps, err := inputPolicies("PolicyInputList", in.PolicyInputList)
	if err != nil {
		return nil, err
	}
	return &ContextKeysOutput{ContextKeyNames: contextKeys(ps)}, nil
}

// GetContextKeysForPrincipalPolicy lists the context keys the policies of
// a role (its inline and attached managed policies; a user has none in
// idpool) and the given extra policies use, as
// GetContextKeysForCustomPolicy does. A permissions boundary is not a
// policy of the role's and is left out.
func (s *Service) GetContextKeysForPrincipalPolicy(ctx context.Context, in *GetContextKeysForPrincipalPolicyInput) (*ContextKeysOutput, error) {
	held, err := s.principalWith(ctx, in.PolicySourceArn, in.PolicyInputList)
	if err != nil {
		return nil, err
	}
	return &ContextKeysOutput{ContextKeyNames: contextKeys(held.Identity)}, nil
}

// contextKeys returns the context keys the policies use, each once.
func contextKeys(ps []policy.Named) []string {
	var keys []string
	for _, p := range ps {
		if p.Doc != nil {
			keys = append(keys, p.Doc.Keys()...)
		}
	}
	return uniqueKeys(keys)
}

// uniqueKeys sorts keys and keeps each once, comparing them as IAM
// compares context keys: whatever their case.
func uniqueKeys(keys []string) []string {
	keys = slices.Clone(keys)
	slices.SortFunc(keys, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return slices.CompactFunc(keys, strings.EqualFold)
}
