package conformance

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// teamIs is the condition of a statement that holds for a principal
// tagged team=v.
func teamIs(v string) map[string]any {
	return map[string]any{"StringEquals": map[string]any{"aws:PrincipalTag/team": v}}
}

// describeOnBlue is a role policy statement allowing
// cognito-identity:DescribeIdentityPool on pool to a principal tagged
// team=blue only.
func (s *server) describeOnBlue(pool string) map[string]any {
	return map[string]any{"Effect": "Allow", "Action": "cognito-identity:DescribeIdentityPool", "Resource": s.poolARN(pool), "Condition": teamIs("blue")}
}

// tagRole tags the role named name team=blue, as the developer.
func (s *server) tagRole(t *testing.T, name string) {
	t.Helper()
	_, err := s.iamWith(developerKeys()).TagRole(context.Background(), &iam.TagRoleInput{RoleName: aws.String(name),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}})
	ok(t, err, "TagRole team=blue")
}

// trustTagged makes the trust policy of the role named name trust the
// account's principals to assume it with session tags.
func (s *server) trustTagged(t *testing.T, name string) {
	t.Helper()
	_, err := s.iamWith(developerKeys()).UpdateAssumeRolePolicy(context.Background(), &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(name),
		PolicyDocument: aws.String(policyJSON(t, s.trustRoot("sts:AssumeRole", nil), s.trustRoot("sts:TagSession", nil)))})
	ok(t, err, "UpdateAssumeRolePolicy allowing sts:TagSession")
}

// TestStrictRoleTags: a role session's aws:PrincipalTag/<key> are the
// tags of its IAM role as well as its session tags, a session tag
// overriding a role tag of the same key whatever its case, as AWS gives
// them (IAM User Guide, "Pass session tags in AWS STS": a principal's tags
// come from its session tags, incoming transitive session tags and "IAM
// tags – The tags attached to your IAM assumed role"; AssumeRole's Tags:
// "session tags override a role tag with the same key"). A role's tags are
// read when the request is decided: one removed since the session began no
// longer counts. Strict decisions (a Deny on a role tag included),
// /_idpool/authorize and the trust policy of a role the session chains
// into all see them.
func TestStrictRoleTags(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	role, _ := s.policySession(t, "Blue", "setup", s.describeOnBlue(pool))
	s.tagRole(t, role)
	roleARN := s.roleARN(role)
	// Next trusts the sessions of role tagged team=blue.
	next := s.createRole(t, "Next", map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": roleARN},
		"Action": "sts:AssumeRole", "Condition": teamIs("blue")})
	s.trustTagged(t, role)
	// A Deny on the role's tag holds its sessions, unless a session tag
	// overrides it.
	_, err := s.iamWith(developerKeys()).PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("deny-blue"),
		PolicyDocument: aws.String(policyJSON(t,
			map[string]any{"Effect": "Allow", "Action": "cognito-identity:ListIdentityPools", "Resource": "*"},
			map[string]any{"Effect": "Deny", "Action": "cognito-identity:ListIdentityPools", "Resource": "*", "Condition": teamIs("blue")}))})
	ok(t, err, "PutRolePolicy denying team=blue")
	listPools := "arn:aws:cognito-identity:" + region + ":" + s.accountID + ":identitypool/"

	session := func(name string, tags ...ststypes.Tag) aws.Credentials {
		out, err := s.assume(assumerKeys(), roleARN, name, sts.AssumeRoleInput{Tags: tags})
		ok(t, err, "AssumeRole "+name)
		return fromSTS(t, out.Credentials)
	}
	tag := func(k, v string) ststypes.Tag { return ststypes.Tag{Key: aws.String(k), Value: aws.String(v)} }
	describe := func(c aws.Credentials) error {
		_, err := s.identityWith(c).DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(pool)})
		return err
	}
	decision := func(c aws.Credentials) string {
		return s.authorizeDecision(t, c.SessionToken, "cognito-identity:DescribeIdentityPool", s.poolARN(pool), nil)
	}
	chain := func(c aws.Credentials, name string) error {
		_, err := s.assume(c, next, name, sts.AssumeRoleInput{})
		return err
	}

	plain := session("plain")
	tests := []struct {
		name    string
		c       aws.Credentials
		allowed bool
	}{
		{"the role's tag", plain, true},
		{"a session tag of another key", session("other", tag("project", "x")), true},
		{"a session tag over the role's", session("red", tag("team", "red")), false},
		{"a session tag over the role's, in another case", session("Red", tag("Team", "red")), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := s.callerOf(tt.c)
			ok(t, err, "GetCallerIdentity")
			caller := aws.ToString(out.Arn)
			_, listed := s.identityWith(tt.c).ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(1)})
			err, d, chained := describe(tt.c), decision(tt.c), chain(tt.c, "chained")
			if tt.allowed {
				wantAPIError(t, listed, codeDenied, msgDenied(caller, "cognito-identity:ListIdentityPools", listPools))
				ok(t, err, "DescribeIdentityPool")
				ok(t, chained, "AssumeRole of a role trusting team=blue")
				if d != "allowed" {
					t.Errorf("/_idpool/authorize: got %s, want allowed", d)
				}
				return
			}
			ok(t, listed, "ListIdentityPools, denied only to team=blue")
			wantAPIError(t, err, codeDenied, msgDenied(caller, "cognito-identity:DescribeIdentityPool", s.poolARN(pool)))
			wantAPIError(t, chained, "AccessDenied", msgDenied(caller, "sts:AssumeRole", next))
			if d != "implicitDeny" {
				t.Errorf("/_idpool/authorize: got %s, want implicitDeny", d)
			}
		})
	}

	// The role's tags are IAM's at the time of the request: untagged, the
	// session that was allowed is refused.
	_, err = s.iamWith(developerKeys()).UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String(role), TagKeys: []string{"team"}})
	ok(t, err, "UntagRole team")
	_, err = s.identityWith(plain).ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(1)})
	ok(t, err, "ListIdentityPools once the denied tag is gone")
	wantAPIError(t, describe(plain), codeDenied, msgDenied(s.assumedARN(role, "plain"), "cognito-identity:DescribeIdentityPool", s.poolARN(pool)))
	wantAPIError(t, chain(plain, "untagged"), "AccessDenied", msgDenied(s.assumedARN(role, "plain"), "sts:AssumeRole", next))
	if d := decision(plain); d != "implicitDeny" {
		t.Errorf("/_idpool/authorize once untagged: got %s, want implicitDeny", d)
	}
}

// TestStrictCognitoRoleTags: a Cognito identity's credentials
// (GetCredentialsForIdentity) are a session of the pool's role, whose
// principal tags are the role's tags under the identity's principal tags,
// which Cognito passes as session tags.
func TestStrictCognitoRoleTags(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	dev := uniqueDev()
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{DeveloperProviderName: aws.String(dev)})
	cognito := map[string]any{"Federated": "cognito-identity.amazonaws.com"}
	roleARN := s.createRole(t, "CognitoBlue",
		map[string]any{"Effect": "Allow", "Principal": cognito, "Action": []string{"sts:AssumeRoleWithWebIdentity", "sts:TagSession"},
			"Condition": map[string]any{"StringEquals": map[string]any{"cognito-identity.amazonaws.com:aud": pool}}})
	role := roleNameOf(roleARN)
	_, err := s.iamWith(developerKeys()).PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("blue"),
		PolicyDocument: aws.String(policyJSON(t, s.describeOnBlue(pool)))})
	ok(t, err, "PutRolePolicy")
	s.tagRole(t, role)
	_, err = s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(pool), Roles: map[string]string{"authenticated": roleARN}})
	ok(t, err, "SetIdentityPoolRoles")

	tests := []struct {
		name    string
		tags    map[string]string
		allowed bool
	}{
		{"the role's tag", nil, true},
		{"a principal tag over the role's", map[string]string{"team": "red"}, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := s.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
				IdentityPoolId: aws.String(pool), Logins: map[string]string{dev: "user-" + string(rune('a'+i))}, PrincipalTags: tt.tags})
			ok(t, err, "GetOpenIdTokenForDeveloperIdentity")
			c, _ := s.enhancedCreds(t, aws.ToString(tok.IdentityId), map[string]string{"cognito-identity.amazonaws.com": aws.ToString(tok.Token)})
			_, err = s.identityWith(c).DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(pool)})
			d := s.authorizeDecision(t, c.SessionToken, "cognito-identity:DescribeIdentityPool", s.poolARN(pool), nil)
			if tt.allowed {
				ok(t, err, "DescribeIdentityPool")
				if d != "allowed" {
					t.Errorf("/_idpool/authorize: got %s, want allowed", d)
				}
				return
			}
			wantAPIError(t, err, codeDenied, msgDenied(s.assumedARN(role, "CognitoIdentityCredentials"), "cognito-identity:DescribeIdentityPool", s.poolARN(pool)))
			if d != "implicitDeny" {
				t.Errorf("/_idpool/authorize: got %s, want implicitDeny", d)
			}
		})
	}
}

// TestRoleSessionWebIdentityTokenTags: the principal_tags of a role
// session's GetWebIdentityToken token are its principal's tags, its role's
// under its session tags.
func TestRoleSessionWebIdentityTokenTags(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	admin := s.iamWith(developerKeys())
	_, err := admin.EnableOutboundWebIdentityFederation(ctx, &iam.EnableOutboundWebIdentityFederationInput{})
	if !isCode(err, "FeatureEnabled") {
		ok(t, err, "EnableOutboundWebIdentityFederation")
	}
	info, err := admin.GetOutboundWebIdentityFederationInfo(ctx, &iam.GetOutboundWebIdentityFederationInfoInput{})
	ok(t, err, "GetOutboundWebIdentityFederationInfo")
	role, _ := s.policySession(t, "Tokens", "setup", map[string]any{"Effect": "Allow", "Action": "sts:GetWebIdentityToken", "Resource": "*"})
	_, err = admin.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(role), Tags: []iamtypes.Tag{
		{Key: aws.String("team"), Value: aws.String("blue")}, {Key: aws.String("cost-center"), Value: aws.String("42")}}})
	ok(t, err, "TagRole")
	s.trustTagged(t, role)
	out, err := s.assume(assumerKeys(), s.roleARN(role), "job", sts.AssumeRoleInput{
		Tags: []ststypes.Tag{{Key: aws.String("Team"), Value: aws.String("red")}}})
	ok(t, err, "AssumeRole with a session tag")
	const audience = "https://api.example.com"
	tok, err := s.stsWith(fromSTS(t, out.Credentials)).GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{
		Audience: []string{audience}, SigningAlgorithm: aws.String("RS256")})
	ok(t, err, "GetWebIdentityToken")
	claims := verifyExternally(t, aws.ToString(tok.WebIdentityToken), aws.ToString(info.IssuerIdentifier), audience)
	ns, _ := claims["https://sts.amazonaws.com/"].(map[string]any)
	got, _ := ns["principal_tags"].(map[string]any)
	want := map[string]any{"Team": "red", "cost-center": "42"}
	if len(got) != len(want) || got["Team"] != want["Team"] || got["cost-center"] != want["cost-center"] {
		t.Errorf("principal_tags: got %v, want %v", ns["principal_tags"], want)
	}
}
