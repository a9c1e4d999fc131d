package iam

import (
	"context"
	"unicode"

	"github.com/idpool/idpool/storage"
)

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

// accountQuota is one of IAM's quotas on how many entities of a kind an
// account holds, at its default (an account can have it raised: Terraform's
// acceptance logs show "Cannot exceed quota for RolesPerAccount: 1500").
type accountQuota struct {
	kind string // a storage kind, as CountIAM counts it
	name string // IAM's name of the quota, which its message gives
	max  int
}

// The account quotas, at the defaults of the IAM quotas page
// (docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
// The texts of roles, OpenID Connect providers and users are AWS's own,
// seen in the answers to CreateRole (Pulumi and Terraform logs: "409
// LimitExceeded: Cannot exceed quota for RolesPerAccount: 1000"),
// CreateOpenIDConnectProvider (a Terraform log: "LimitExceeded: Cannot
// exceed quota for OpenIdConnectProvidersPerAccount: 100", status 409)
// and CreateUser (openshift/cloud-credential-operator's tests: "Cannot
// exceed quota for UsersPerAccount: 5000", status 409); those of policies
// and groups follow the same form with the names IAM's quotas go by,
// PoliciesPerAccount and GroupsPerAccount [unconfirmed: no answer of AWS
// seen].
var (
	rolesQuota     = accountQuota{storage.KindRole, "RolesPerAccount", 1000}
	policiesQuota  = accountQuota{storage.KindPolicy, "PoliciesPerAccount", 1500}
	providersQuota = accountQuota{storage.KindOIDCProvider, "OpenIdConnectProvidersPerAccount", 100}
	usersQuota     = accountQuota{storage.KindUser, "UsersPerAccount", 5000}
	groupsQuota    = accountQuota{storage.KindGroup, "GroupsPerAccount", 300}
)

// create runs create, which adds one entity of q's kind in tx, and
// refuses it with LimitExceeded, in IAM's words, when the account then
// holds more than q allows. The count is taken after the create, in its
// transaction, which the refusal rolls back: creates racing for the last
// place are ordered by the store's one writer, and a name already taken
// is EntityAlreadyExists however full the account is.
func (q accountQuota) create(ctx context.Context, tx storage.Tx, create func() error) error {
	if err := create(); err != nil {
		return err
	}
	n, err := tx.CountIAM(ctx, q.kind)
	if err != nil {
		return err
	}
	if n > q.max {
		return errLimit("Cannot exceed quota for %s: %d", q.name, q.max)
	}
	return nil
}
