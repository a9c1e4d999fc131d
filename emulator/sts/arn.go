package sts

import (
	"strings"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/protocol"
)

// checkRoleARN refuses a RoleArn that is not a well-formed ARN, with AWS's
// text for it: arn:<partition>:<service>:<region>:<12 digits>:<resource>,
// with a partition, a service and a resource. (Whether a malformed account
// makes the ARN invalid, as here, or names no role, AWS does not document;
// idpool keeps its earlier answer.) A well-formed ARN that names no IAM
// role (a user's, an sts one) is refused later, as the role it does not
// name (see isRoleARN).
func checkRoleARN(arn string) error {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" || !isAccount(parts[4]) || parts[5] == "" {
		return errValidation("%s is invalid", arn)
	}
	return nil
}

// isRoleARN reports whether a well-formed ARN is an IAM role's:
// arn:<partition>:iam::<account>:role/<path/>name.
func isRoleARN(arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	return len(parts) == 6 && parts[2] == "iam" && parts[3] == "" &&
		strings.HasPrefix(parts[5], "role/") && !strings.HasSuffix(parts[5], "/")
}

func isAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// accountOf returns the account field of an ARN.
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

// Principal returns the caller that credentials idpool issued act as, for
// the emulator's authenticator to put in the request context:
//   - a role session (AssumeRole*, Cognito): the assumed-role ARN and
//     "<role id>:session", the role's IAM RoleId when it had one;
//   - a GetSessionToken session: the IAM user or root that asked for it
//     (Session.UserARN), with the root's account id, the user's IAM
//     UserId, or for a user IAM does not hold a stable "AIDA…" id, as
//     UserID.
func Principal(c creds.Credentials) *protocol.Principal {
	p := &protocol.Principal{
		AccessKeyID:  c.AccessKeyID,
		Temporary:    true,
		SessionToken: c.SessionToken,
		IdentityID:   c.Session.IdentityID,
		PoolID:       c.Session.PoolID,
	}
	switch {
	case c.Session.UserARN != "":
		p.ARN = c.Session.UserARN
		p.Account = accountOf(p.ARN)
		switch {
		case isRoot(p.ARN):
			p.UserID = p.Account
		case c.Session.UserID != "":
			p.UserID = c.Session.UserID
		default:
			p.UserID = userID(p.ARN)
		}
	default:
		p.ARN, p.UserID = creds.AssumedRole(c.Session.RoleARN, c.Session.RoleID, c.Session.SessionName)
		p.Account = accountOf(c.Session.RoleARN)
	}
	return p
}

// userID derives a stable "AIDA…" unique id for an IAM user ARN, the way
// creds.RoleID does for roles.
func userID(arn string) string {
	return "AIDA" + strings.TrimPrefix(creds.RoleID(arn), "AROA")
}

// inRole returns an IAM OpenID Connect provider ARN as the account of
// role holds it: with role's partition and account, where STS looks the
// provider up. A value that is not such an ARN (Cognito's provider name,
// a built-in provider's host) is returned as it is.
func inRole(provider, role string) string {
	rest, ok := strings.CutPrefix(provider, "arn:")
	if !ok {
		return provider
	}
	// <partition>:iam::<account>:oidc-provider/<key>
	parts := strings.SplitN(rest, ":", 5)
	if len(parts) != 5 || parts[1] != "iam" || !strings.HasPrefix(parts[4], "oidc-provider/") {
		return provider
	}
	return "arn:" + protocol.ARNPartition(role) + ":iam::" + accountOf(role) + ":" + parts[4]
}
