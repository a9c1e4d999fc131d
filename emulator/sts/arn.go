package sts

import (
	"strings"

	"github.com/idpool/idpool/emulator/arn"
	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/protocol"
)

// checkRoleARN refuses the RoleArn of AssumeRole that is not a well-formed
// ARN, with AWS's text for it ("<arn> is invalid", test_sts.snapshot.json
// test_sts_invalid_parameters): a well-formed ARN is
// arn:<partition>:<service>:<region>:<12 digits>:<resource>, with a
// partition, a service and a resource. (Whether a malformed account
// makes the ARN invalid, as here, or names no role, AWS does not document;
// idpool keeps its earlier answer.) A well-formed ARN that names no IAM
// role (a user's, an sts one) is refused later, as the role it does not
// name (see isRoleARN).
func checkRoleARN(s string) error {
	a, ok := arn.Parse(s)
	if !ok || a.Partition == "" || a.Service == "" || !arn.IsAccount(a.Account) || a.Resource == "" {
		return errValidation("%s is invalid", s)
	}
	return nil
}

// checkWebRoleARN refuses the RoleArn of AssumeRoleWithWebIdentity that is
// not an IAM role's ARN (see isRoleARN) with the text STS gives there,
// "Request ARN is invalid" (ValidationError), whether the ARN is broken
// (arn:aws:iam::::123456789012:role/x, repost.aws/knowledge-center/
// eks-troubleshoot-irsa-errors; a colon for the slash after "role") or
// names something else (an OpenID Connect provider, a certificate, a
// policy: crossplane-contrib/provider-aws#517,
// prometheus-community/yet-another-cloudwatch-exporter#343 and other
// users' reports). AssumeRole answers otherwise (checkRoleARN).
func checkWebRoleARN(s string) error {
	if checkRoleARN(s) != nil || !isRoleARN(s) {
		return errValidation("Request ARN is invalid")
	}
	return nil
}

// isRoleARN reports whether a well-formed ARN is an IAM role's:
// arn:<partition>:iam::<account>:role/<path/>name.
func isRoleARN(s string) bool {
	a, _ := arn.Parse(s)
	return a.Service == "iam" && a.Region == "" && strings.HasPrefix(a.Resource, "role/") && !strings.HasSuffix(a.Resource, "/")
}

// Principal returns the caller that credentials idpool issued act as, for
// the emulator's authenticator to put in the request context:
//   - a role session (AssumeRole*, Cognito): the assumed-role ARN and
//     "<role id>:session", the role's IAM RoleId when it had one;
//   - a GetSessionToken session: the IAM user or root that asked for it
//     (Session.UserARN), with the root's account id, the user's IAM
//     UserId, or for a user IAM does not hold a stable "AIDA…" id, as
//     UserID;
//   - a federated user's session (GetFederationToken): its federated-user
//     ARN and "<account>:<Name>" (see Federated).
func Principal(c creds.Credentials) *protocol.Principal {
	p := &protocol.Principal{
		AccessKeyID:  c.AccessKeyID,
		Temporary:    true,
		SessionToken: c.SessionToken,
		IdentityID:   c.Session.IdentityID,
		PoolID:       c.Session.PoolID,
	}
	switch {
	case Federated(c.Session):
		federatedPrincipal(p, c)
	case c.Session.UserARN != "":
		p.ARN = c.Session.UserARN
		a, _ := arn.Parse(p.ARN)
		p.Account = a.Account
		switch {
		case arn.IsRoot(p.ARN):
			p.UserID = p.Account
		case c.Session.UserID != "":
			p.UserID = c.Session.UserID
		default:
			p.UserID = userID(p.ARN)
		}
	default:
		p.ARN, p.UserID = creds.AssumedRole(c.Session.RoleARN, c.Session.RoleID, c.Session.SessionName)
		a, _ := arn.Parse(c.Session.RoleARN)
		p.Account = a.Account
	}
	return p
}

// userID derives a stable "AIDA…" unique id for an IAM user ARN, the way
// creds.RoleID does for roles.
func userID(arn string) string {
	return "AIDA" + strings.TrimPrefix(creds.RoleID(arn), "AROA")
}

// inRole returns an IAM OpenID Connect provider ARN as the account of
// role (a RoleArn checkRoleARN took) holds it: with role's partition and
// account, where STS looks the provider up. A value that is not such an
// ARN (Cognito's provider name, a built-in provider's host) is returned as
// it is.
func inRole(provider, role string) string {
	p, ok := arn.Parse(provider)
	if !ok || p.Service != "iam" || !strings.HasPrefix(p.Resource, "oidc-provider/") {
		return provider
	}
	r, _ := arn.Parse(role)
	return arn.ARN{Partition: r.Partition, Service: "iam", Account: r.Account, Resource: p.Resource}.String()
}
