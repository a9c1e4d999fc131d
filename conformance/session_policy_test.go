package conformance

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// wideRole makes a role that the account trusts and, when web is set,
// Cognito web identities too, allowing cognito-identity:*, s3:* and
// sts:AssumeRole on everything, and returns its ARN.
func (s *server) wideRole(t *testing.T, web bool) string {
	t.Helper()
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	role := uniqueName("Wide")
	statements := []map[string]any{{"Effect": "Allow", "Action": "sts:AssumeRole",
		"Principal": map[string]any{"AWS": "arn:aws:iam::" + s.accountID + ":root"}}}
	if web {
		statements = append(statements, anyPoolTrust())
	}
	_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(policyJSON(t, statements...))})
	ok(t, err, "CreateRole")
	_, err = dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("wide"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": []string{"cognito-identity:*", "s3:*", "sts:AssumeRole"}, "Resource": "*"}))})
	ok(t, err, "PutRolePolicy")
	return s.roleARN(role)
}

// TestSessionPolicyStrict: in strict mode the session policy given to
// AssumeRole limits what the session may do to what both it and the
// role's policies allow, as on AWS.
func TestSessionPolicyStrict(t *testing.T) {
	s, _ := strictServer(t, true)
	ctx := context.Background()
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	role := s.wideRole(t, false)

	tests := []struct {
		name    string
		policy  map[string]any
		allowed bool
	}{
		{"s3 reads only", map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}, false},
		{"the pool", map[string]any{"Effect": "Allow", "Action": "cognito-identity:DescribeIdentityPool", "Resource": s.poolARN(pool)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			session := "s" + uniqueName("")
			out, err := s.stsWith(assumerKeys()).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role),
				RoleSessionName: aws.String(session), Policy: aws.String(policyJSON(t, tt.policy))})
			ok(t, err, "AssumeRole")
			_, err = s.identityWith(fromSTS(t, out.Credentials)).DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(pool)})
			if tt.allowed {
				ok(t, err, "DescribeIdentityPool")
				return
			}
			wantAPIError(t, err, codeDenied, msgDenied(aws.ToString(out.AssumedRoleUser.Arn), "cognito-identity:DescribeIdentityPool", s.poolARN(pool)))
		})
	}
}

// TestSessionPolicyAuthorize: /_idpool/authorize decides with the session
// policies of AssumeRole (Policy and PolicyArns) and of
// AssumeRoleWithWebIdentity: allowed only where both the role and a
// session policy allow, denied where either denies; a managed policy
// idpool does not hold allows nothing.
func TestSessionPolicyAuthorize(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	role := s.wideRole(t, true)
	reads := policyJSON(t,
		map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"},
		map[string]any{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/secret/*"})
	mp, err := dev.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("Reads")), PolicyDocument: aws.String(reads)})
	ok(t, err, "CreatePolicy")
	managed := aws.ToString(mp.Policy.Arn)

	assume := func(t *testing.T, in *sts.AssumeRoleInput) string {
		t.Helper()
		in.RoleArn, in.RoleSessionName = aws.String(role), aws.String("s1")
		out, err := s.stsWith(developerKeys()).AssumeRole(ctx, in)
		ok(t, err, "AssumeRole")
		return aws.ToString(out.Credentials.SessionToken)
	}
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	_, token := s.guestToken(t, pool)
	web, err := s.stsFor(aws.AnonymousCredentials{}).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(role), RoleSessionName: aws.String("web"), WebIdentityToken: aws.String(token), Policy: aws.String(reads),
	})
	ok(t, err, "AssumeRoleWithWebIdentity")

	sessions := []struct {
		name, token string
	}{
		{"inline Policy", assume(t, &sts.AssumeRoleInput{Policy: aws.String(reads)})},
		{"PolicyArns", assume(t, &sts.AssumeRoleInput{PolicyArns: []ststypes.PolicyDescriptorType{{Arn: aws.String(managed)}}})},
		{"web identity Policy", aws.ToString(web.Credentials.SessionToken)},
	}
	tests := []struct {
		name, action, resource, decision string
	}{
		{"allowed by both", "s3:GetObject", "arn:aws:s3:::bucket/x", "allowed"},
		{"not in the session policy", "s3:PutObject", "arn:aws:s3:::bucket/x", "implicitDeny"},
		{"another service", "cognito-identity:DescribeIdentityPool", "*", "implicitDeny"},
		{"denied by the session policy", "s3:GetObject", "arn:aws:s3:::bucket/secret/x", "explicitDeny"},
	}
	for _, ss := range sessions {
		for _, tt := range tests {
			t.Run(ss.name+"/"+tt.name, func(t *testing.T) {
				if got := s.authorizeDecision(t, ss.token, tt.action, tt.resource, nil); got != tt.decision {
					t.Errorf("got %s, want %s", got, tt.decision)
				}
			})
		}
	}

	t.Run("unknown AWS managed policy", func(t *testing.T) {
		tok := assume(t, &sts.AssumeRoleInput{PolicyArns: []ststypes.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/AmazonS3FullAccess")}}})
		if got := s.authorizeDecision(t, tok, "s3:GetObject", "arn:aws:s3:::bucket/x", nil); got != "implicitDeny" {
			t.Errorf("got %s, want implicitDeny", got)
		}
	})
	t.Run("no session policy", func(t *testing.T) {
		tok := assume(t, &sts.AssumeRoleInput{})
		if got := s.authorizeDecision(t, tok, "s3:PutObject", "arn:aws:s3:::bucket/x", nil); got != "allowed" {
			t.Errorf("got %s, want allowed", got)
		}
	})
}

// TestSessionPolicyChaining: in strict mode a role session chains into a
// role whose trust policy trusts only the account when its own policies
// allow sts:AssumeRole, and its session policies are among them; the
// chained session does not inherit them.
func TestSessionPolicyChaining(t *testing.T) {
	s, _ := strictServer(t, true)
	ctx := context.Background()
	role := s.wideRole(t, false)
	session := func(t *testing.T, statement map[string]any) aws.Credentials {
		t.Helper()
		out, err := s.stsWith(assumerKeys()).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("first"),
			Policy: aws.String(policyJSON(t, statement))})
		ok(t, err, "AssumeRole")
		return fromSTS(t, out.Credentials)
	}

	reads := session(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
	_, err := s.stsWith(reads).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("hop")})
	wantAPIError(t, err, "AccessDenied", msgDenied(s.assumedARN(role[strings.LastIndexByte(role, '/')+1:], "first"), "sts:AssumeRole", role))

	hops := session(t, map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
	out, err := s.stsWith(hops).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("hop")})
	ok(t, err, "AssumeRole with a session policy that allows it")
	if got := s.authorizeDecision(t, aws.ToString(out.Credentials.SessionToken), "s3:PutObject", "arn:aws:s3:::bucket/x", nil); got != "allowed" {
		t.Errorf("chained session: got %s, want allowed (its role allows it, and it has no session policy)", got)
	}
}
