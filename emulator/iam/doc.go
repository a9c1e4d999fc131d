// Package iam implements the part of AWS Identity and Access Management
// that identity federation needs: roles with their trust policies, inline
// and managed policies, OpenID Connect providers, and users with access
// keys and policies of their own, groups of users with policies that apply
// to each of their users (in strict mode a user's key may do what the
// user's and its groups' policies allow, see UserPolicies), virtual MFA
// devices whose TOTP codes STS checks (mfa.go, CheckMFACode), and the
// account's alias.
// Roles, users and groups share the operations on their own policies (see
// owner).
//
// IAM is global: one account, entities named without a region. ARNs take
// the partition of the region the request is signed for. Every entity is
// kept in the store (storage.IAMReader/IAMWriter), which is the one source
// of truth STS and Cognito Identity read trust policies and providers from.
// Two things are kept in memory instead: each role's last use (RoleUsed),
// which the server records on every role session issued and GetRole
// answers, as a credential issue must not write to the store; and the
// time step of each MFA device's last code STS took, which it takes once
// (CheckMFACode).
//
// Errors carry IAM's codes and statuses: NoSuchEntity (404),
// EntityAlreadyExists (409), MalformedPolicyDocument (400), LimitExceeded
// (409), DeleteConflict (409), InvalidAuthenticationCode (403) and
// InvalidInput (400); a list's Marker that
// idpool did not issue for the operation is ValidationError (400, see
// markers.go). Policy documents in outputs are URL-encoded, as IAM returns
// them.
package iam
