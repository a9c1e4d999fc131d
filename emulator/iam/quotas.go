package iam

import "unicode"

// IAM's quotas on the size of policy documents (the defaults of an
// account), counted as policySize counts.
const (
	maxTrustPolicy   = 2048  // a role's trust policy
	maxManagedPolicy = 6144  // each version of a managed policy
	maxRolePolicies  = 10240 // a role's inline policies together
	maxUserPolicies  = 2048  // a user's inline policies together
	maxGroupPolicies = 5120  // a group's inline policies together
)

// policySize is a policy document's size as IAM counts it against its
// quotas: its characters, white space left out ("IAM does not count white
// space when calculating the size of a policy"). IAM does not say whether
// it counts characters or bytes; idpool counts characters (runes), which
// is the same for the ASCII documents policies nearly always are.
func policySize(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// trustSize refuses a trust policy larger than IAM's quota, with IAM's
// words.
func trustSize(doc string) error {
	if policySize(doc) > maxTrustPolicy {
		return errLimit("Cannot exceed quota for ACLSizePerRole: %d", maxTrustPolicy)
	}
	return nil
}

// managedSize refuses a managed policy document larger than IAM's quota,
// with IAM's words.
func managedSize(doc string) error {
	if policySize(doc) > maxManagedPolicy {
		return errLimit("Cannot exceed quota for PolicySize: %d", maxManagedPolicy)
	}
	return nil
}
