package providers

import (
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/emulator/tokens"
)

// Provider-specific claim keys. In January 2026 AWS STS began to give
// role trust policies select claims of Google, GitHub, CircleCI and
// Oracle Cloud Infrastructure tokens as condition keys, named
// "<provider name>:<claim>", and none of them to the session (AWS What's
// New, "AWS STS supports validation of identity provider claims",
// https://aws.amazon.com/about-aws/whats-new/2026/01/aws-sts-supports-validation-identity-provider-claims/;
// the IAM User Guide's "Available keys for AWS OIDC federation",
// reference_policies_iam-condition-keys.html#condition-keys-wif).
//
// Only the keys there is evidence for are given:
//   - GitHub (token.actions.githubusercontent.com): actor, actor_id,
//     job_workflow_ref, repository, repository_id, workflow, ref,
//     environment and enterprise_id, each "Available in session: No", as
//     the announcement's table lists them (reproduced in a blog post of
//     2026-02-06, cageyv.dev/posts/aws-sts-oidc-claim-validation);
//   - Google (accounts.google.com): oaud, the token's aud, which the IAM
//     User Guide has documented for years beside :aud (the azp when the
//     token has one) and :sub.
//
// Not given, for want of a list idpool could confirm: the other Google
// claims (email is used in public trust policies, unconfirmed), GitHub's
// repository_owner_id (one third-party note says the IAM User Guide
// lists it, the announcement's table does not), and every CircleCI
// (oidc.circleci.com/org/<org-id>) and OCI key.
var providerClaims = map[string][]string{
	"token.actions.githubusercontent.com": {"actor", "actor_id", "job_workflow_ref", "repository",
		"repository_id", "workflow", "ref", "environment", "enterprise_id"},
}

// GoogleProvider is the name of Google's built-in web identity provider.
const GoogleProvider = "accounts.google.com"

// ClaimKeys returns the provider-specific condition keys of a token t of
// provider name (its IAM OIDC provider's name or a built-in provider's
// host, whatever the token's iss), by the part that follows "<name>:",
// or nil when there are none. A claim the token lacks, or whose value is
// neither a string, a number, a boolean nor a list of those, has no key,
// as on AWS a key is absent when its claim is.
func ClaimKeys(name string, t *tokens.JWT) map[string][]string {
	var keys map[string][]string
	add := func(key string, v any) {
		if vs := claimValues(v); len(vs) > 0 {
			if keys == nil {
				keys = make(map[string][]string)
			}
			keys[key] = vs
		}
	}
	if name == GoogleProvider {
		add("oaud", t.Claims["aud"])
	}
	for _, c := range providerClaims[name] {
		add(c, t.Claims[c])
	}
	return keys
}

// claimValues returns a claim's value as condition key values: a string,
// number or boolean as one value, a list of them as many, as policy
// values are read (policy.ScalarValues). Anything else (an object, null,
// an empty string or list) gives none.
func claimValues(v any) []string {
	vs, ok := policy.ScalarValues(v)
	if !ok || len(vs) == 1 && vs[0] == "" {
		return nil
	}
	return vs
}
