package conformance

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// The trust policy of a role is evaluated with the request context AWS
// gives AssumeRole: the caller's keys (aws:PrincipalArn, its session
// tags…), the request's (sts:ExternalId, sts:RoleSessionName) and, for
// sts:TagSession, the tags it sets (aws:RequestTag/<key>, aws:TagKeys).

// createRole creates a role of a unique name with the trust policy of
// statements through IAM, signed with the developer's keys, and returns
// its ARN.
func (s *server) createRole(t *testing.T, prefix string, statements ...map[string]any) string {
	t.Helper()
	name := uniqueName(prefix)
	_, err := s.iamWith(developerKeys()).CreateRole(context.Background(), &iam.CreateRoleInput{
		RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(policyJSON(t, statements...)),
	})
	ok(t, err, "CreateRole "+name)
	return s.roleARN(name)
}

// rootARN is the ARN the developer's keys act as.
func (s *server) rootARN() string { return "arn:aws:iam::" + s.accountID + ":root" }

// trustRoot is a trust statement allowing action for the account's
// principals, under condition (nil: none).
func (s *server) trustRoot(action string, condition map[string]any) map[string]any {
	st := map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": s.rootARN()}, "Action": action}
	if condition != nil {
		st["Condition"] = condition
	}
	return st
}

// assume runs AssumeRole of role signed with c, with the session name and
// what in adds.
func (s *server) assume(c aws.Credentials, role, session string, in sts.AssumeRoleInput) (*sts.AssumeRoleOutput, error) {
	in.RoleArn, in.RoleSessionName = aws.String(role), aws.String(session)
	return s.stsWith(c).AssumeRole(context.Background(), &in)
}

func TestTrustSeesTheCallerAndTheRequest(t *testing.T) {
	s, _ := strictServer(t, false)
	dev := developerKeys()
	root := s.rootARN()

	external := s.createRole(t, "External", s.trustRoot("sts:AssumeRole", map[string]any{"StringEquals": map[string]any{"sts:ExternalId": "s3cret"}}))
	named := s.createRole(t, "Named", s.trustRoot("sts:AssumeRole", map[string]any{"StringEquals": map[string]any{"sts:RoleSessionName": "alice"}}))
	auth := s.createRole(t, "Auth", s.trustRoot("sts:AssumeRole", nil), s.trustRoot("sts:TagSession", nil))
	byAuth := s.createRole(t, "ByAuth", s.trustRoot("sts:AssumeRole", map[string]any{"ArnLike": map[string]any{"aws:PrincipalArn": auth}}))
	red := s.createRole(t, "Red", s.trustRoot("sts:AssumeRole", map[string]any{"StringEquals": map[string]any{"aws:PrincipalTag/team": "red"}}))
	account := s.createRole(t, "Account", s.trustRoot("sts:AssumeRole", map[string]any{"StringEquals": map[string]any{
		"aws:PrincipalAccount": s.accountID, "aws:PrincipalType": "AssumedRole",
	}}))

	plain, err := s.assume(dev, auth, "plain", sts.AssumeRoleInput{})
	ok(t, err, "AssumeRole of Auth")
	tagged, err := s.assume(dev, auth, "tagged", sts.AssumeRoleInput{Tags: []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("red")}}})
	ok(t, err, "AssumeRole of Auth with tags")
	plainC, taggedC := fromSTS(t, plain.Credentials), fromSTS(t, tagged.Credentials)
	plainARN := aws.ToString(plain.AssumedRoleUser.Arn)

	tests := []struct {
		name    string
		c       aws.Credentials
		caller  string
		role    string
		session string
		in      sts.AssumeRoleInput
		ok      bool
	}{
		{"sts:ExternalId matches", dev, root, external, "c1", sts.AssumeRoleInput{ExternalId: aws.String("s3cret")}, true},
		{"sts:ExternalId differs", dev, root, external, "c1", sts.AssumeRoleInput{ExternalId: aws.String("guess")}, false},
		{"sts:ExternalId missing", dev, root, external, "c1", sts.AssumeRoleInput{}, false},
		{"sts:RoleSessionName matches", dev, root, named, "alice", sts.AssumeRoleInput{}, true},
		{"sts:RoleSessionName differs", dev, root, named, "bob", sts.AssumeRoleInput{}, false},
		{"aws:PrincipalArn of a role session is its role's", plainC, plainARN, byAuth, "hop", sts.AssumeRoleInput{}, true},
		{"aws:PrincipalArn of the root", dev, root, byAuth, "hop", sts.AssumeRoleInput{}, false},
		{"aws:PrincipalTag of the caller's session tags", taggedC, aws.ToString(tagged.AssumedRoleUser.Arn), red, "hop", sts.AssumeRoleInput{}, true},
		{"aws:PrincipalTag of an untagged session", plainC, plainARN, red, "hop", sts.AssumeRoleInput{}, false},
		{"aws:PrincipalAccount and aws:PrincipalType of a role session", plainC, plainARN, account, "hop", sts.AssumeRoleInput{}, true},
		{"aws:PrincipalType of the root is Account", dev, root, account, "hop", sts.AssumeRoleInput{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.assume(tt.c, tt.role, tt.session, tt.in)
			if tt.ok {
				ok(t, err, "AssumeRole")
				return
			}
			wantAPIError(t, err, "AccessDenied", msgDenied(tt.caller, "sts:AssumeRole", tt.role))
		})
	}
}

func TestTrustSeesTheSessionTags(t *testing.T) {
	s, _ := strictServer(t, false)
	dev := developerKeys()
	byValue := s.createRole(t, "TagValue", s.trustRoot("sts:AssumeRole", nil),
		s.trustRoot("sts:TagSession", map[string]any{"StringEquals": map[string]any{"aws:RequestTag/team": "red"}}))
	byKeys := s.createRole(t, "TagKeys", s.trustRoot("sts:AssumeRole", nil),
		s.trustRoot("sts:TagSession", map[string]any{"ForAllValues:StringEquals": map[string]any{"aws:TagKeys": []string{"team", "cost"}}}))
	tag := func(kv ...string) []ststypes.Tag {
		var ts []ststypes.Tag
		for i := 0; i < len(kv); i += 2 {
			ts = append(ts, ststypes.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
		}
		return ts
	}
	tests := []struct {
		name string
		role string
		tags []ststypes.Tag
		ok   bool
	}{
		{"aws:RequestTag matches", byValue, tag("team", "red"), true},
		{"aws:RequestTag differs", byValue, tag("team", "blue"), false},
		{"aws:RequestTag absent", byValue, tag("cost", "1"), false},
		{"aws:TagKeys among the allowed", byKeys, tag("team", "red", "cost", "1"), true},
		{"aws:TagKeys not among the allowed", byKeys, tag("team", "red", "owner", "me"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.assume(dev, tt.role, "tags", sts.AssumeRoleInput{Tags: tt.tags})
			if tt.ok {
				ok(t, err, "AssumeRole")
				return
			}
			wantAPIError(t, err, "AccessDenied", msgDenied(s.rootARN(), "sts:TagSession", tt.role))
		})
	}
}

// TestStrictChainingNeedsThePolicies: in strict mode a guest's role
// session assumes a role that trusts the account only where its own role's
// policies allow sts:AssumeRole on it, never where they deny it, and a role
// whose trust policy names the guest's role without them; an IAM user's
// keys keep full power, and permissive mode trusts the trust policy alone.
// The guest's session is the basic flow's (GetOpenIdToken, then
// AssumeRoleWithWebIdentity): the enhanced flow's carries Cognito's
// scope-down session policy, which allows no sts:AssumeRole (see
// TestStrictGuestScopeDown).
func TestStrictChainingNeedsThePolicies(t *testing.T) {
	for _, strict := range []bool{true, false} {
		t.Run(modeName(strict), func(t *testing.T) {
			s, _ := strictServer(t, strict)
			ctx := context.Background()
			dev := s.iamWith(developerKeys())
			pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
			guestRole := uniqueName("Guest")
			_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{
				RoleName: aws.String(guestRole), AssumeRolePolicyDocument: aws.String(cognitoTrust(t, pool, "unauthenticated")),
			})
			ok(t, err, "CreateRole Guest")
			_, err = s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
				IdentityPoolId: aws.String(pool), Roles: map[string]string{"unauthenticated": s.roleARN(guestRole)},
			})
			ok(t, err, "SetIdentityPoolRoles")
			admin := s.createRole(t, "Admin", s.trustRoot("sts:AssumeRole", nil))
			_, err = dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
				RoleName: aws.String(roleNameOf(admin)), PolicyName: aws.String("all"),
				PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"})),
			})
			ok(t, err, "PutRolePolicy Admin")
			namesGuest := s.createRole(t, "NamesGuest", map[string]any{
				"Effect": "Allow", "Principal": map[string]any{"AWS": s.roleARN(guestRole)}, "Action": "sts:AssumeRole",
			})

			_, token := s.guestToken(t, pool)
			web, err := s.assumeWeb(token, s.roleARN(guestRole), "CognitoIdentityCredentials", nil)
			ok(t, err, "AssumeRoleWithWebIdentity of the guest's role")
			guest := fromSTS(t, web.Credentials)
			guestARN := s.assumedARN(guestRole, "CognitoIdentityCredentials")
			put := func(statements ...map[string]any) {
				t.Helper()
				_, err := dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
					RoleName: aws.String(guestRole), PolicyName: aws.String("chain"), PolicyDocument: aws.String(policyJSON(t, statements...)),
				})
				ok(t, err, "PutRolePolicy Guest")
			}
			want := func(role string, allowed bool) {
				t.Helper()
				_, err := s.assume(guest, role, "climb", sts.AssumeRoleInput{})
				if allowed {
					ok(t, err, "AssumeRole of "+role+" with the guest's credentials")
					return
				}
				wantAPIError(t, err, "AccessDenied", msgDenied(guestARN, "sts:AssumeRole", role))
			}

			// No policies: the account's trust is not enough.
			want(admin, !strict)
			want(namesGuest, true)
			_, err = s.assume(assumerKeys(), admin, "dev", sts.AssumeRoleInput{})
			ok(t, err, "AssumeRole of Admin with an IAM user's keys")

			put(map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": admin})
			want(admin, true)

			put(map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": admin},
				map[string]any{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"})
			want(admin, !strict)
			want(namesGuest, !strict)
		})
	}
}

// roleNameOf is the name at the end of a role ARN.
func roleNameOf(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	return arn
}

// TestTransitiveTagsChain: session tags marked transitive pass to every
// later session of a role chain, still transitive; other tags do not, and
// a chained call may not set a transitive key again, whatever its case.
func TestTransitiveTagsChain(t *testing.T) {
	s, _ := strictServer(t, false)
	tags := func(kv ...string) []ststypes.Tag {
		var ts []ststypes.Tag
		for i := 0; i < len(kv); i += 2 {
			ts = append(ts, ststypes.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
		}
		return ts
	}
	open := s.createRole(t, "Hop", s.trustRoot("sts:AssumeRole", nil), s.trustRoot("sts:TagSession", nil))
	needs := func(key, value string) string {
		return s.createRole(t, "Needs", s.trustRoot("sts:AssumeRole", map[string]any{"StringEquals": map[string]any{"aws:PrincipalTag/" + key: value}}),
			s.trustRoot("sts:TagSession", nil))
	}
	red, cost := needs("team", "red"), needs("cost", "1")

	first, err := s.assume(developerKeys(), open, "first", sts.AssumeRoleInput{Tags: tags("team", "red", "cost", "1"), TransitiveTagKeys: []string{"team"}})
	ok(t, err, "AssumeRole with transitive tags")
	firstC := fromSTS(t, first.Credentials)
	second, err := s.assume(firstC, open, "second", sts.AssumeRoleInput{})
	ok(t, err, "AssumeRole chained without tags")
	secondC := fromSTS(t, second.Credentials)

	third, err := s.assume(secondC, red, "third", sts.AssumeRoleInput{})
	ok(t, err, "AssumeRole needing the transitive tag, one hop on")
	_, err = s.assume(fromSTS(t, third.Credentials), red, "fourth", sts.AssumeRoleInput{})
	ok(t, err, "AssumeRole needing the transitive tag, two hops on")
	_, err = s.assume(secondC, cost, "third", sts.AssumeRoleInput{})
	wantAPIError(t, err, "AccessDenied", msgDenied(aws.ToString(second.AssumedRoleUser.Arn), "sts:AssumeRole", cost))

	const conflict = "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session."
	for _, key := range []string{"team", "TEAM"} {
		_, err = s.assume(firstC, open, "override", sts.AssumeRoleInput{Tags: tags(key, "blue")})
		wantAPIError(t, err, "InvalidParameterValue", conflict)
	}
	_, err = s.assume(firstC, open, "cost", sts.AssumeRoleInput{Tags: tags("cost", "2")})
	ok(t, err, "AssumeRole setting a tag that was not transitive")
}

// TestWebTokenTransitiveTagsChain: the transitive_tag_keys of an OIDC
// token's https://aws.amazon.com/tags claim make those of its principal
// tags pass on down a role chain from the web session, as the IAM guide's
// session tags table says; its other tags stay with the web session.
func TestWebTokenTransitiveTagsChain(t *testing.T) {
	p := newLocalOIDC(t)
	s, _ := strictServer(t, false)
	federated := map[string]any{"Federated": "arn:aws:iam::" + s.accountID + ":oidc-provider/" + p.host()}
	web := s.createRole(t, "WebTagged",
		map[string]any{"Effect": "Allow", "Principal": federated, "Action": []string{"sts:AssumeRoleWithWebIdentity", "sts:TagSession"}})
	open := s.createRole(t, "Hop", s.trustRoot("sts:AssumeRole", nil), s.trustRoot("sts:TagSession", nil))
	needs := func(key, value string) string {
		return s.createRole(t, "Needs", s.trustRoot("sts:AssumeRole", map[string]any{"StringEquals": map[string]any{"aws:PrincipalTag/" + key: value}}),
			s.trustRoot("sts:TagSession", nil))
	}
	red, cost := needs("team", "red"), needs("cost", "1")
	now := time.Now()
	token := signJWT(t, p.key, p.kid, map[string]any{"iss": p.URL, "aud": "sts-app", "sub": "oidc-user-1", "iat": now.Unix(),
		"exp": now.Add(time.Hour).Unix(), "https://aws.amazon.com/tags": map[string]any{
			"principal_tags":      map[string]any{"team": []string{"red"}, "cost": []string{"1"}},
			"transitive_tag_keys": []string{"TEAM"}}})
	out, err := s.assumeWeb(token, web, "web", nil)
	ok(t, err, "AssumeRoleWithWebIdentity")
	webC := fromSTS(t, out.Credentials)
	_, err = s.assume(webC, cost, "direct", sts.AssumeRoleInput{})
	ok(t, err, "AssumeRole needing the web session's own tag")

	hop, err := s.assume(webC, open, "hop", sts.AssumeRoleInput{})
	ok(t, err, "AssumeRole chained from the web session")
	hopC := fromSTS(t, hop.Credentials)
	_, err = s.assume(hopC, red, "transitive", sts.AssumeRoleInput{})
	ok(t, err, "AssumeRole needing the transitive tag, one hop on")
	_, err = s.assume(hopC, cost, "other", sts.AssumeRoleInput{})
	wantAPIError(t, err, "AccessDenied", msgDenied(aws.ToString(hop.AssumedRoleUser.Arn), "sts:AssumeRole", cost))
}

// TestTrustSeesPrincipalTagsAsRequestTags: the principal tags of a
// Cognito token become the session's tags, which the trust policy's
// sts:TagSession statement sees as aws:RequestTag, in
// AssumeRoleWithWebIdentity and in GetCredentialsForIdentity alike.
func TestTrustSeesPrincipalTagsAsRequestTags(t *testing.T) {
	s, _ := strictServer(t, false)
	ctx := context.Background()
	dev := uniqueDev()
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{DeveloperProviderName: aws.String(dev)})
	cognito := map[string]any{"Federated": "cognito-identity.amazonaws.com"}
	role := s.createRole(t, "WebTags",
		map[string]any{"Effect": "Allow", "Principal": cognito, "Action": "sts:AssumeRoleWithWebIdentity",
			"Condition": map[string]any{"StringEquals": map[string]any{"cognito-identity.amazonaws.com:aud": pool}}},
		map[string]any{"Effect": "Allow", "Principal": cognito, "Action": "sts:TagSession",
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:RequestTag/team": "red"}}})
	_, err := s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(pool), Roles: map[string]string{"authenticated": role},
	})
	ok(t, err, "SetIdentityPoolRoles")
	for _, tt := range []struct {
		team string
		ok   bool
	}{{"red", true}, {"blue", false}} {
		t.Run(tt.team, func(t *testing.T) {
			tok, err := s.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
				IdentityPoolId: aws.String(pool), Logins: map[string]string{dev: "user-" + tt.team}, PrincipalTags: map[string]string{"team": tt.team},
			})
			ok(t, err, "GetOpenIdTokenForDeveloperIdentity")
			_, err = s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{
				IdentityId: tok.IdentityId, Logins: map[string]string{"cognito-identity.amazonaws.com": aws.ToString(tok.Token)},
			})
			_, stsErr := s.assumeWeb(aws.ToString(tok.Token), role, "tags", nil)
			if tt.ok {
				ok(t, err, "GetCredentialsForIdentity")
				ok(t, stsErr, "AssumeRoleWithWebIdentity")
				return
			}
			wantAPIError(t, err, codeInvalidConfig, msgInvalidRoleSetup)
			wantAPIError(t, stsErr, "AccessDenied", "Not authorized to perform sts:TagSession")
		})
	}
}
