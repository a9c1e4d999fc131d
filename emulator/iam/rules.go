package iam

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/idpool/idpool/emulator/arn"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/shape"
	"github.com/idpool/idpool/storage"
)

// The rules below are what IAM takes: the shapes of its model, which the
// query codec checks before the service runs, and the service's own
// checks. The fixtures check their IAM members with them, so that a
// fixture holds only what IAM could hold and an export of what IAM holds
// loads back.

// inModel reports whether v is a valid value of the IAM model's shape name.
func inModel(name string, v any) bool { return shape.IAM().Validate(name, v) == nil }

// Path reports whether p is a path CreateRole and CreateUser take: "/", or
// printable ASCII between a leading and a trailing "/" (empty segments
// too: "/a//b/").
func Path(p string) bool {
	_, err := path(&p)
	return err == nil && inModel("pathType", p)
}

// PolicyPath reports whether p is a path CreatePolicy takes: its model
// allows fewer characters in a policy's path than in a role's.
func PolicyPath(p string) bool {
	_, err := path(&p)
	return err == nil && inModel("policyPathType", p)
}

// UserName, GroupName and PolicyName report whether s is a user, group or
// policy name IAM takes.
func UserName(s string) bool   { return inModel("userNameType", s) }
func GroupName(s string) bool  { return inModel("groupNameType", s) }
func PolicyName(s string) bool { return inModel("policyNameType", s) }

// RoleDescription and PolicyDescription report whether s is a description
// CreateRole or CreatePolicy takes.
func RoleDescription(s string) bool   { return inModel("roleDescriptionType", s) }
func PolicyDescription(s string) bool { return inModel("policyDescriptionType", s) }

// SessionDuration reports whether d (seconds) is a MaxSessionDuration
// CreateRole and UpdateRole take.
func SessionDuration(d int32) bool {
	_, err := sessionDuration(&d)
	return err == nil && inModel("roleMaxSessionDurationType", json.Number(strconv.Itoa(int(d))))
}

// TagKey and TagValue report whether s is a tag key or value IAM takes.
func TagKey(s string) bool   { return inModel("tagKeyType", s) }
func TagValue(s string) bool { return inModel("tagValueType", s) }

// CheckTags checks a list of tags as CreateRole does (at most 50, no key
// twice whatever its case); a refusal is IAM's *protocol.Error.
func CheckTags(ts []Tag) error {
	_, err := foldKeys.check(ts)
	return err
}

// CheckPolicyTags checks a list of tags as CreatePolicy does: at most 50,
// no key twice, case-sensitively (a and A are two keys).
func CheckPolicyTags(ts []Tag) error {
	_, err := exactKeys.check(ts)
	return err
}

// CheckProviderTags checks a list of tags as CreateOpenIDConnectProvider
// does: a role's rule, with the provider's texts.
func CheckProviderTags(ts []Tag) error {
	_, err := providerKeys.check(ts)
	return err
}

// Thumbprint reports whether s is a thumbprint CreateOpenIDConnectProvider
// takes: the model's thumbprintType, 40 characters.
func Thumbprint(s string) bool { return inModel("thumbprintType", s) }

// CheckThumbprints checks a provider's list of thumbprints as
// CreateOpenIDConnectProvider does (at most five); a refusal is IAM's
// *protocol.Error.
func CheckThumbprints(ts []string) error { return thumbprints(ts) }

// CheckPrincipals checks the AWS principals of trust policy d as IAM does
// when the policy is written: one that names an IAM entity of account (an
// IAM ARN of the account other than its root: a role's or a user's) must
// name one that exists, or IAM answers MalformedPolicyDocument "Invalid
// principal in policy: "AWS":"<arn>"" (AWS knowledge center,
// iam-trust-policy-error; the ARN must be whole, so a role's path counts:
// serverless/serverless#13652). held returns the ARN of the account's role
// or user (kind "role" or "user") of a name, IAM names being
// case-insensitive, or "" when there is none; the principal must be that
// ARN exactly, its case too, as STS matches a trusted principal exactly
// (policy's awsMatch), so that a trust that could never match is refused
// rather than stored. A role cannot so trust itself before it exists
// (aws-samples/aws-secure-environment-accelerator#1136). An account (its
// id or its root) is always taken. AWS also checks the roles and users of
// other accounts; idpool cannot know those and takes them, as it takes STS
// session ARNs (assumed-role, federated-user), which name no entity, and
// the unique ids IAM shows for deleted principals.
//
// AWS stores the principal as the entity's unique id, so that a role or
// user deleted and made again under its name is not trusted (IAM then
// shows the old id in the policy, and takes it back). idpool keeps the
// policy as written and shows the deleted principal's ARN, so it takes
// back, as written, the principals of kept (those the role's trust policy
// names before an update) whether they exist or not: a trust policy read
// with GetRole, edited and written back is not refused for a principal
// deleted since. Such a principal is trusted again once its namesake
// exists.
func CheckPrincipals(d *policy.Document, account string, kept []string, held func(kind, name string) (string, error)) error {
	for _, p := range d.AWSPrincipals() {
		a, ok := arn.Parse(p)
		if !ok || a.Service != "iam" || a.Account != account || a.Resource == "root" || slices.Contains(kept, p) {
			continue
		}
		kind, rest, _ := strings.Cut(a.Resource, "/")
		var have string
		if kind == "role" || kind == "user" { // groups and the like are never principals
			var err error
			if have, err = held(kind, rest[strings.LastIndexByte(rest, '/')+1:]); err != nil {
				return err
			}
		}
		if have != p {
			return errMalformed("Invalid principal in policy: \"AWS\":%q", p)
		}
	}
	return nil
}

// isARN reports whether s has an ARN's form:
// arn:<partition>:<service>:<region>:<account>:<resource>, partition,
// service and resource not empty.
func isARN(s string) bool {
	a, ok := arn.Parse(s)
	return ok && a.Partition != "" && a.Service != "" && a.Resource != ""
}

// policyARNInput checks a PolicyArn that AttachRolePolicy,
// DetachRolePolicy or a permissions boundary takes: a value that is not
// an ARN at all (a policy's name, say) is ValidationError "ARN <value> is
// not valid.", as AWS answers it (test_iam_roles.snapshot.json,
// test_role_managed_policy_errors non-existent-malformed-policy-arn and
// existing-policy-name-provided; a 2023 recording had InvalidInput). An
// ARN of something else than a policy is the caller's to refuse.
func policyARNInput(v string) error {
	if !isARN(v) {
		return protocol.BadRequest("ValidationError", "ARN %s is not valid.", v)
	}
	return nil
}

// PolicyARN reports whether arn can name a managed policy:
// arn:<partition>:iam::<account or aws>:policy<path><name>, the path one
// IAM takes and the name a policy name. AttachRolePolicy takes any ARN of
// a policy IAM holds; the AWS managed policies (account "aws") are not
// made by CreatePolicy, so their paths follow IAM's general rule, which
// allows more characters than CreatePolicy's.
func PolicyARN(s string) bool {
	a, ok := arn.Parse(s)
	if !ok || !strings.HasPrefix(a.Partition, "aws") || a.Service != "iam" || a.Region != "" || !inModel("arnType", s) ||
		a.Account != "aws" && !arn.IsAccount(a.Account) {
		return false
	}
	res, ok := strings.CutPrefix(a.Resource, "policy/")
	if !ok {
		return false
	}
	i := strings.LastIndexByte(res, '/')
	return Path("/"+res[:i+1]) && PolicyName(res[i+1:])
}

// AddVersion adds doc to p as its next version (v<n+1> after the highest
// v<n> it ever issued, deleted or not: IAM never reuses a version id),
// made the default when def, and returns it. It moves p's UpdatedAt to at:
// IAM's UpdateDate is when the policy's most recent version was created.
// The model also says that a policy of one version has its creation date
// there; that holds while the one version is v1, and a policy left with
// a later version alone keeps that version's date [unconfirmed]. It does
// not check the quota of MaxPolicyVersions.
func AddVersion(p *storage.ManagedPolicy, doc string, at time.Time, def bool) storage.PolicyVersion {
	last := p.LastVersion
	for _, old := range p.Versions {
		last = max(last, versionNumber(old.ID))
	}
	p.LastVersion = last + 1
	v := storage.PolicyVersion{ID: "v" + strconv.Itoa(p.LastVersion), Document: doc, CreatedAt: at}
	p.Versions = append(p.Versions, v)
	if def {
		p.DefaultVersion = v.ID
	}
	p.UpdatedAt = at
	return v
}

// versionNumber is n of a version id v<n>, or 0 for another id.
func versionNumber(id string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "v"))
	if err != nil {
		return 0
	}
	return n
}

// DefaultDocument is the document of p's default version, the one IAM
// evaluates.
func DefaultDocument(p storage.ManagedPolicy) string {
	v, _ := version(p, p.DefaultVersion)
	return v.Document
}
