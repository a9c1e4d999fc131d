package conformance

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestStrictChainSessionCaps: in strict mode a trust policy that names a
// role session's role by its ARN grants sts:AssumeRole only as far as the
// session's policies and its role's permissions boundary allow it, and
// one that names the session's own ARN grants it whatever they allow, as
// the IAM User Guide says: a resource-based policy naming "the ARN of the
// user or role" has its permissions "added to the role or user's
// identity-based policy before the session is created. The session policy
// limits the total permissions granted by the resource-based policy and
// the identity-based policy", whereas for one naming "the ARN of the
// session" the "resource-based policy permissions are not limited by the
// session policy" ("Policies and permissions", Session policies); and
// "Resource-based policies that grant permissions to an IAM role ARN are
// limited by an implicit deny in a permissions boundary or session
// policy", while those granting an IAM role session ARN are not ("Policy
// evaluation logic"). So a guest's enhanced-flow credentials, whose
// scope-down session policy allows no sts:*, may not assume a role that
// trusts the guest role's ARN (AccessDenied "… because no session policy
// allows the sts:AssumeRole action"), but may assume one that trusts their
// session's ARN; an AssumeRoleWithWebIdentity session with a Policy
// allowing sts:AssumeRole may assume a role trusting its role's ARN, and
// one with a Policy allowing only S3 may not; nor may a session of a role
// whose boundary allows only S3. (Before, a trust grant to the role's ARN
// let every session of the role through.)
func TestStrictChainSessionCaps(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	everything := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"})
	onlyS3 := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
	// webRole makes a role Cognito's identities of pool may assume, whose
	// own policy allows everything.
	webRole := func(t *testing.T, prefix string) string {
		t.Helper()
		name := uniqueName(prefix)
		_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(cognitoTrust(t, pool, "*"))})
		ok(t, err, "CreateRole "+name)
		_, err = dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("all"), PolicyDocument: aws.String(everything)})
		ok(t, err, "PutRolePolicy")
		return name
	}
	guestRole := webRole(t, "ChainGuest")
	_, err := s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{IdentityPoolId: aws.String(pool),
		Roles: map[string]string{"unauthenticated": s.roleARN(guestRole)}})
	ok(t, err, "SetIdentityPoolRoles")
	// trusting makes a role whose trust policy allows sts:AssumeRole to
	// the principal only.
	trusting := func(t *testing.T, principal string) string {
		t.Helper()
		return s.createRole(t, "Chained", map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": principal}, "Action": "sts:AssumeRole"})
	}
	// web assumes role with the basic flow's token of a new guest, with
	// the session policy (none when "").
	web := func(t *testing.T, role, session, policy string) aws.Credentials {
		t.Helper()
		_, token := s.guestToken(t, pool)
		in := &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(s.roleARN(role)), RoleSessionName: aws.String(session), WebIdentityToken: aws.String(token)}
		if policy != "" {
			in.Policy = aws.String(policy)
		}
		out, err := s.stsFor(aws.AnonymousCredentials{}).AssumeRoleWithWebIdentity(ctx, in)
		ok(t, err, "AssumeRoleWithWebIdentity")
		return fromSTS(t, out.Credentials)
	}
	guest, _ := s.enhancedCreds(t, s.guestID(t, pool), nil)
	guestSession := s.assumedARN(guestRole, "CognitoIdentityCredentials")

	bounded := webRole(t, "ChainBounded")
	boundary, err := dev.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("OnlyS3")), PolicyDocument: aws.String(onlyS3)})
	ok(t, err, "CreatePolicy")
	_, err = dev.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(bounded), PermissionsBoundary: boundary.Policy.Arn})
	ok(t, err, "PutRolePermissionsBoundary")

	tests := []struct {
		name    string
		creds   aws.Credentials
		caller  string // the caller's session ARN
		trusted string // the principal the role's trust policy names
		by      string // the kind of policy that refuses, "" for none
	}{
		{"guest, trust names its role", guest, guestSession, s.roleARN(guestRole), "session policy"},
		{"guest, trust names its session", guest, guestSession, guestSession, ""},
		{"web session allowed sts:AssumeRole, trust names its role", web(t, guestRole, "allowed", policyJSON(t,
			map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})), s.assumedARN(guestRole, "allowed"), s.roleARN(guestRole), ""},
		{"web session allowed only S3, trust names its role", web(t, guestRole, "s3only", onlyS3), s.assumedARN(guestRole, "s3only"), s.roleARN(guestRole), "session policy"},
		{"web session allowed only S3, trust names its session", web(t, guestRole, "s3session", onlyS3), s.assumedARN(guestRole, "s3session"), s.assumedARN(guestRole, "s3session"), ""},
		{"bounded role, trust names its role", web(t, bounded, "bounded", ""), s.assumedARN(bounded, "bounded"), s.roleARN(bounded), "permissions boundary"},
		{"bounded role, trust names its session", web(t, bounded, "boundeds", ""), s.assumedARN(bounded, "boundeds"), s.assumedARN(bounded, "boundeds"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			role := trusting(t, tt.trusted)
			_, err := s.stsWith(tt.creds).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("chained")})
			if tt.by == "" {
				ok(t, err, "AssumeRole")
				return
			}
			wantAPIError(t, err, "AccessDenied", msgDenied(tt.caller, "sts:AssumeRole", role)+" because no "+tt.by+" allows the sts:AssumeRole action")
		})
	}
}
