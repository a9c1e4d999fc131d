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
// a role or a user and the given extra policies use, as
// GetContextKeysForCustomPolicy does, reading the policies in idpool's
// order (the order in which IAM reads them is not known): the inline
// policies by name, then the attached managed policies in the order they
// were attached, then PolicyInputList. A permissions boundary is not a
// policy of the principal's and is left out.
func (s *Service) GetContextKeysForPrincipalPolicy(ctx context.Context, in *GetContextKeysForPrincipalPolicyInput) (*ContextKeysOutput, error) {
	held, err := s.principalWith(ctx, in.PolicySourceArn, in.PolicyInputList)
	if err != nil {
		return nil, err
	}
	return &ContextKeysOutput{ContextKeyNames: contextKeys(held.Identity)}, nil
}

// contextKeys returns the context keys the policies use, each once, in
// the order they first appear, policy by policy, as IAM answers them: the
// aws-cli's examples list ["aws:username", "aws:CurrentTime"] for a
// statement whose Resource uses ${aws:username} and whose Condition tests
// aws:CurrentTime (aws/aws-cli awscli/examples/iam/
// get-context-keys-for-custom-policy.rst and
// get-context-keys-for-principal-policy.rst), not sorted. Within a
// statement, Resource's variables come before the condition keys, and
// these by operator then key (see policy.Document.Keys), as idpool reads
// a Condition block without its order. Keys differing only in case are
// one key, spelled as first written [unconfirmed: no example shows two].
func contextKeys(ps []policy.Named) []string {
	var keys []string
	for _, p := range ps {
		if p.Doc == nil {
			continue
		}
		for _, k := range p.Doc.Keys() {
			if !slices.ContainsFunc(keys, func(have string) bool { return strings.EqualFold(have, k) }) {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// uniqueKeys sorts keys and keeps each once, comparing them as IAM
// compares context keys: whatever their case. MissingContextValues is so
// ordered; in what order AWS lists it is not known.
func uniqueKeys(keys []string) []string {
	keys = slices.Clone(keys)
	slices.SortFunc(keys, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return slices.CompactFunc(keys, strings.EqualFold)
}
