package conformance

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go/service/cognitosync"
)

// TestStrictUserPolicies: in strict mode a request signed with an IAM
// user's access key, or with its GetSessionToken session, is allowed only
// by the user's own inline and attached policies, as on AWS: a user
// without policies is refused every signed Cognito Identity, Cognito Sync
// and IAM operation (STS's GetCallerIdentity needs none); a policy scoped
// to a pool or a role path allows that one alone; an explicit Deny wins;
// and a role that trusts only the account is assumed only where the
// user's policies allow sts:AssumeRole, one that names the user without.
// In permissive mode the same user may do everything.
func TestStrictUserPolicies(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	name := uniqueName("scoped")
	made, err := dev.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
	ok(t, err, "CreateUser")
	userARN := aws.ToString(made.User.Arn)
	key, err := dev.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	ok(t, err, "CreateAccessKey")
	keys := aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}
	a := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	b := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	app, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(uniqueName("App")), Path: aws.String("/app/"),
		AssumeRolePolicyDocument: aws.String(policyJSON(t, s.trustRoot("sts:AssumeRole", nil)))})
	ok(t, err, "CreateRole under /app/")
	other, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(uniqueName("Other")),
		AssumeRolePolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": userARN}, "Action": "sts:AssumeRole"}))})
	ok(t, err, "CreateRole trusting the user")

	ci, user := s.identityWith(keys), s.iamWith(keys)
	describe := func(c *cognitoidentity.Client, pool string) error {
		_, err := c.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(pool)})
		return err
	}
	getRole := func(role *string) error {
		_, err := user.GetRole(ctx, &iam.GetRoleInput{RoleName: role})
		return err
	}
	assume := func(role *string) error {
		_, err := s.stsWith(keys).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role, RoleSessionName: aws.String("setup")})
		return err
	}

	// Without policies: nothing signed but STS's own.
	_, err = s.stsWith(keys).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	ok(t, err, "GetCallerIdentity without policies")
	wantAPIError(t, describe(ci, a), codeDenied, msgDenied(userARN, "cognito-identity:DescribeIdentityPool", s.poolARN(a)))
	_, err = user.ListRoles(ctx, &iam.ListRolesInput{})
	wantIAMRefusal(t, "ListRoles without policies", err, "AccessDenied", http.StatusForbidden,
		msgDenied(userARN, "iam:ListRoles", "arn:aws:iam::"+s.accountID+":role/")+" because no identity-based policy allows the iam:ListRoles action")
	_, err = s.syncWith(t, keys).DescribeIdentityPoolUsage(&cognitosync.DescribeIdentityPoolUsageInput{IdentityPoolId: aws.String(a)})
	wantSyncError(t, err, codeDenied, http.StatusForbidden, msgDenied(userARN, "cognito-sync:DescribeIdentityPoolUsage", s.syncARN(a, "null", "null")))
	wantSTSError(t, assume(app.Role.Arn), "AccessDenied", http.StatusForbidden, "User: "+userARN+" is not authorized to perform: sts:AssumeRole on resource: "+aws.ToString(app.Role.Arn))
	ok(t, assume(other.Role.Arn), "AssumeRole of a role whose trust policy names the user")

	// An inline policy scoped to pool a and to the roles under /app/, and
	// a managed one that allows ListRoles.
	_, err = dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("scoped"), PolicyDocument: aws.String(policyJSON(t,
		map[string]any{"Effect": "Allow", "Action": "cognito-identity:DescribeIdentityPool", "Resource": s.poolARN(a)},
		map[string]any{"Effect": "Allow", "Action": []string{"iam:GetRole", "sts:AssumeRole"}, "Resource": "arn:aws:iam::" + s.accountID + ":role/app/*"},
	))})
	ok(t, err, "PutUserPolicy")
	list, err := dev.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("ListRoles")),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}))})
	ok(t, err, "CreatePolicy")
	_, err = dev.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(name), PolicyArn: list.Policy.Arn})
	ok(t, err, "AttachUserPolicy")

	ok(t, describe(ci, a), "DescribeIdentityPool of the pool the policy names")
	wantAPIError(t, describe(ci, b), codeDenied, msgDenied(userARN, "cognito-identity:DescribeIdentityPool", s.poolARN(b)))
	ok(t, getRole(app.Role.RoleName), "GetRole under /app/")
	err = getRole(other.Role.RoleName)
	wantIAMRefusal(t, "GetRole of another path", err, "AccessDenied", http.StatusForbidden,
		msgDenied(userARN, "iam:GetRole", "role "+aws.ToString(other.Role.RoleName))+" because no identity-based policy allows the iam:GetRole action")
	_, err = user.ListRoles(ctx, &iam.ListRolesInput{})
	ok(t, err, "ListRoles allowed by the attached policy")
	ok(t, assume(app.Role.Arn), "AssumeRole of a role trusting the account, allowed by the user's policy")

	// Its GetSessionToken session carries the user's permissions.
	st, err := s.stsWith(keys).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	ok(t, err, "GetSessionToken")
	session := s.identityWith(aws.Credentials{AccessKeyID: aws.ToString(st.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(st.Credentials.SecretAccessKey), SessionToken: aws.ToString(st.Credentials.SessionToken)})
	ok(t, describe(session, a), "DescribeIdentityPool with the user's session")
	wantAPIError(t, describe(session, b), codeDenied, msgDenied(userARN, "cognito-identity:DescribeIdentityPool", s.poolARN(b)))

	// An explicit Deny wins over the Allow.
	_, err = dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("deny"), PolicyDocument: aws.String(policyJSON(t,
		map[string]any{"Effect": "Deny", "Action": []string{"cognito-identity:*", "sts:AssumeRole"}, "Resource": "*"}))})
	ok(t, err, "PutUserPolicy of a Deny")
	wantAPIError(t, describe(ci, a), codeDenied, msgDenied(userARN, "cognito-identity:DescribeIdentityPool", s.poolARN(a)))
	_, err = dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("no-roles"), PolicyDocument: aws.String(policyJSON(t,
		map[string]any{"Effect": "Deny", "Action": "iam:ListRoles", "Resource": "*"}))})
	ok(t, err, "PutUserPolicy of an IAM Deny")
	_, err = user.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/app/")})
	wantIAMRefusal(t, "ListRoles denied", err, "AccessDenied", http.StatusForbidden,
		msgDenied(userARN, "iam:ListRoles", "arn:aws:iam::"+s.accountID+":role/app/")+" with an explicit deny in an identity-based policy")
	wantSTSError(t, assume(other.Role.Arn), "AccessDenied", http.StatusForbidden, "User: "+userARN+" is not authorized to perform: sts:AssumeRole on resource: "+aws.ToString(other.Role.Arn))

	// Permissive mode holds no user to its policies.
	p, _ := strictServer(t, false)
	pdev := p.iamWith(developerKeys())
	_, err = pdev.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
	ok(t, err, "CreateUser in permissive mode")
	pkey, err := pdev.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	ok(t, err, "CreateAccessKey in permissive mode")
	_, err = p.iamWith(aws.Credentials{AccessKeyID: aws.ToString(pkey.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(pkey.AccessKey.SecretAccessKey)}).
		ListRoles(ctx, &iam.ListRolesInput{})
	ok(t, err, "ListRoles without policies in permissive mode")
}

// TestStrictUserParametersAsDecoded: a user's request is authorized on the
// parameters its operation decodes, never on others the request carries.
// IAM's query protocol reads a form body, then the query string, and no
// body of another Content-Type; Cognito Identity takes a member by its
// exact name. A request that names a role or pool the user may act on
// where the operation does not look, and another where it does, is refused
// on the other, and the operation does not run.
func TestStrictUserParametersAsDecoded(t *testing.T) {
	t.Parallel()
	s, dev, userARN, name, keys := strictUser(t)
	ctx := context.Background()
	allowed, victim := uniqueName("Allowed"), uniqueName("Victim")
	for _, role := range []string{allowed, victim} {
		_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role),
			AssumeRolePolicyDocument: aws.String(policyJSON(t, s.trustRoot("sts:AssumeRole", nil)))})
		ok(t, err, "CreateRole "+role)
		_, err = dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("p"),
			PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))})
		ok(t, err, "PutRolePolicy "+role)
	}
	a := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	b := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	_, err := dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("only-allowed"), PolicyDocument: aws.String(policyJSON(t,
		map[string]any{"Effect": "Allow", "Action": "iam:*", "Resource": "arn:aws:iam::" + s.accountID + ":role/" + allowed},
		map[string]any{"Effect": "Allow", "Action": "cognito-identity:*", "Resource": s.poolARN(a)}))})
	ok(t, err, "PutUserPolicy")

	query := url.Values{"Action": {"DeleteRolePolicy"}, "Version": {"2010-05-08"}, "RoleName": {victim}, "PolicyName": {"p"}}
	tests := []struct {
		name, ctype, body string
	}{
		// AWS's query protocol reads no body that is not a form: the
		// operation acts on the query string's role.
		{name: "body not a form", ctype: "text/plain", body: "RoleName=" + allowed},
		{name: "no Content-Type", body: "RoleName=" + allowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, s.endpoint+"/?"+query.Encode(), strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			res := s.do(t, signedRequest(t, req, []byte(tt.body), keys, "iam", region))
			wantRefused(t, res, http.StatusForbidden, "AccessDenied",
				msgDenied(userARN, "iam:DeleteRolePolicy", "role "+victim)+" because no identity-based policy allows the iam:DeleteRolePolicy action")
			got, err := dev.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(victim)})
			ok(t, err, "ListRolePolicies")
			if len(got.PolicyNames) != 1 {
				t.Errorf("got policies %v of %s, want [p]: the refused operation ran", got.PolicyNames, victim)
			}
		})
	}

	// Cognito Identity ignores a member named in another case, wherever it
	// stands.
	for _, body := range []string{
		`{"IdentityPoolId":"` + b + `","identityPoolId":"` + a + `"}`,
		`{"identitypoolid":"` + a + `","IdentityPoolId":"` + b + `"}`,
	} {
		req := signedRequest(t, s.identityRequest(t, "AWSCognitoIdentityService.DescribeIdentityPool", []byte(body)), []byte(body), keys, "cognito-identity", region)
		wantRefused(t, s.do(t, req), http.StatusBadRequest, codeDenied, msgDenied(userARN, "cognito-identity:DescribeIdentityPool", s.poolARN(b)))
	}
}

// TestStrictUserTags: an IAM user's tags are its aws:PrincipalTag/<key>,
// as AWS gives them (attribute-based access control): to its own policies
// in strict mode, its GetSessionToken session's included, and to the trust
// policies of the roles it assumes.
func TestStrictUserTags(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	made, err := dev.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(uniqueName("tagged")),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}})
	ok(t, err, "CreateUser with tags")
	name, userARN := aws.ToString(made.User.UserName), aws.ToString(made.User.Arn)
	key, err := dev.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	ok(t, err, "CreateAccessKey")
	keys := aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}
	team := func(v string) map[string]any {
		return map[string]any{"StringEquals": map[string]any{"aws:PrincipalTag/team": v}}
	}
	_, err = dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("abac"), PolicyDocument: aws.String(policyJSON(t,
		map[string]any{"Effect": "Allow", "Action": "cognito-identity:ListIdentityPools", "Resource": "*", "Condition": team("blue")},
		map[string]any{"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*", "Condition": team("red")},
		map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}))})
	ok(t, err, "PutUserPolicy")

	st, err := s.stsWith(keys).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	ok(t, err, "GetSessionToken")
	session := fromSTS(t, st.Credentials)
	for who, c := range map[string]aws.Credentials{"key": keys, "session": session} {
		_, err = s.identityWith(c).ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(1)})
		ok(t, err, "ListIdentityPools allowed on the user's tag team=blue, with its "+who)
	}
	_, err = s.iamWith(keys).ListRoles(ctx, &iam.ListRolesInput{})
	wantIAMRefusal(t, "ListRoles allowed only on team=red", err, "AccessDenied", http.StatusForbidden,
		msgDenied(userARN, "iam:ListRoles", "arn:aws:iam::"+s.accountID+":role/")+" because no identity-based policy allows the iam:ListRoles action")

	trusting := func(v string) *string {
		r, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(uniqueName("Team")), AssumeRolePolicyDocument: aws.String(policyJSON(t,
			map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": userARN}, "Action": "sts:AssumeRole", "Condition": team(v)}))})
		ok(t, err, "CreateRole trusting team="+v)
		return r.Role.Arn
	}
	blue, red := trusting("blue"), trusting("red")
	_, err = s.stsWith(keys).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: blue, RoleSessionName: aws.String("abac")})
	ok(t, err, "AssumeRole of a role trusting team=blue")
	_, err = s.stsWith(keys).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: red, RoleSessionName: aws.String("abac")})
	wantSTSError(t, err, "AccessDenied", http.StatusForbidden, "User: "+userARN+" is not authorized to perform: sts:AssumeRole on resource: "+aws.ToString(red))
}

// TestStrictUserCreatedAgain: a user deleted and created again under its
// name is another principal, of another UserId, as on AWS: a
// GetSessionToken session of the deleted one may do nothing the new one's
// policies allow, while the new one's own key may.
func TestStrictUserCreatedAgain(t *testing.T) {
	t.Parallel()
	s, dev, userARN, name, keys := strictUser(t)
	ctx := context.Background()
	st, err := s.stsWith(keys).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	ok(t, err, "GetSessionToken")
	old := s.identityWith(fromSTS(t, st.Credentials))
	_, err = dev.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(name), AccessKeyId: aws.String(keys.AccessKeyID)})
	ok(t, err, "DeleteAccessKey")
	_, err = dev.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(name)})
	ok(t, err, "DeleteUser")
	_, err = dev.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
	ok(t, err, "CreateUser again")
	_, err = dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("all"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}))})
	ok(t, err, "PutUserPolicy")
	list := func(c *cognitoidentity.Client) error {
		_, err := c.ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(1)})
		return err
	}
	wantAPIError(t, list(old), codeDenied, msgDenied(userARN, "cognito-identity:ListIdentityPools", "arn:aws:cognito-identity:"+region+":"+s.accountID+":identitypool/"))
	key, err := dev.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	ok(t, err, "CreateAccessKey of the new user")
	ok(t, list(s.identityWith(aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)})),
		"ListIdentityPools with the new user's key")
}

// TestAuthorizeSessionTokenOfUser: /_idpool/authorize decides for a
// GetSessionToken session as strict mode does: a user's by the user's own
// policies, and the developer's, the account's root, allowed everything.
func TestAuthorizeSessionTokenOfUser(t *testing.T) {
	t.Parallel()
	s, dev, _, name, keys := strictUser(t)
	ctx := context.Background()
	_, err := dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("s3"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}))})
	ok(t, err, "PutUserPolicy")
	user, err := s.stsWith(keys).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	ok(t, err, "GetSessionToken of the user")
	root, err := s.stsWith(developerKeys()).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	ok(t, err, "GetSessionToken of the developer")
	tests := []struct {
		name, token, action, want string
	}{
		{"user allowed", aws.ToString(user.Credentials.SessionToken), "s3:GetObject", "allowed"},
		{"user not allowed", aws.ToString(user.Credentials.SessionToken), "s3:PutObject", "implicitDeny"},
		{"root", aws.ToString(root.Credentials.SessionToken), "s3:PutObject", "allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.authorizeDecision(t, tt.token, tt.action, "arn:aws:s3:::b/k", nil); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestStrictUserRefusalNames: IAM's refusal of a user names the resource as
// AWS's IAM does: a role, user or managed policy operated on as "role
// <name>", "user <name>" and "policy <ARN>" (CreatePolicy's "policy
// <name>"), a role or user created and the listings of a kind by the ARN.
// The policies are evaluated on the ARN all the same.
func TestStrictUserRefusalNames(t *testing.T) {
	t.Parallel()
	s, dev, userARN, name, keys := strictUser(t)
	ctx := context.Background()
	doc := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
	mp, err := dev.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("P")), PolicyDocument: aws.String(doc)})
	ok(t, err, "CreatePolicy")
	_, err = dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("by-arn"), PolicyDocument: aws.String(policyJSON(t,
		map[string]any{"Effect": "Allow", "Action": "iam:GetUser", "Resource": userARN}))})
	ok(t, err, "PutUserPolicy")
	user := s.iamWith(keys)
	account := "arn:aws:iam::" + s.accountID + ":"
	tests := []struct {
		action, resource string
		call             func() error
	}{
		{"iam:GetRole", "role Target", func() error {
			_, err := user.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Target")})
			return err
		}},
		{"iam:CreateAccessKey", "user " + name, func() error { _, err := user.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{}); return err }},
		{"iam:UpdateAccessKey", "user " + name, func() error {
			_, err := user.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{AccessKeyId: aws.String(keys.AccessKeyID), Status: iamtypes.StatusTypeInactive})
			return err
		}},
		{"iam:ListAccessKeys", "user Other", func() error {
			_, err := user.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("Other")})
			return err
		}},
		{"iam:GetPolicy", "policy " + aws.ToString(mp.Policy.Arn), func() error { _, err := user.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: mp.Policy.Arn}); return err }},
		{"iam:CreatePolicy", "policy New", func() error {
			_, err := user.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("New"), PolicyDocument: aws.String(doc)})
			return err
		}},
		{"iam:CreateRole", account + "role/svc/New", func() error {
			_, err := user.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("New"), Path: aws.String("/svc/"),
				AssumeRolePolicyDocument: aws.String(policyJSON(t, s.trustRoot("sts:AssumeRole", nil)))})
			return err
		}},
		{"iam:ListUsers", account + "user/", func() error { _, err := user.ListUsers(ctx, &iam.ListUsersInput{}); return err }},
	}
	for _, tt := range tests {
		wantIAMRefusal(t, tt.action, tt.call(), "AccessDenied", http.StatusForbidden,
			msgDenied(userARN, tt.action, tt.resource)+" because no identity-based policy allows the "+tt.action+" action")
	}
	_, err = user.GetUser(ctx, &iam.GetUserInput{})
	ok(t, err, "GetUser allowed on the user's ARN")
}

// strictUser starts a strict server and creates an IAM user there with an
// access key. It returns the server, the developer's IAM client, and the
// user's ARN, name and key.
func strictUser(t *testing.T) (*server, *iam.Client, string, string, aws.Credentials) {
	t.Helper()
	s, _ := strictServer(t, true)
	userARN, keys := s.iamUserKeys(t)
	return s, s.iamWith(developerKeys()), userARN, userARN[strings.LastIndexByte(userARN, '/')+1:], keys
}

// TestStrictUpdateUserTarget: UpdateUser needs iam:UpdateUser on the user
// it names and on the user it makes (its new path and name), as AWS's
// IAM documents; the refusal names the new user.
func TestStrictUpdateUserTarget(t *testing.T) {
	t.Parallel()
	s, dev, userARN, name, keys := strictUser(t)
	ctx := context.Background()
	_, err := dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("team"), PolicyDocument: aws.String(policyJSON(t,
		map[string]any{"Effect": "Allow", "Action": "iam:UpdateUser", "Resource": "arn:aws:iam::" + s.accountID + ":user/team/*"}))})
	ok(t, err, "PutUserPolicy")
	worker := teamUser(t, dev, "worker")
	user := s.iamWith(keys)
	tests := []struct {
		name, newName, newPath, refused string
	}{
		{"out of the team by path", "", "/admin/", worker},
		{"out of the team by path and name", "Admin" + worker, "/admin/", "Admin" + worker},
		{"renamed in the team", "Moved" + worker, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &iam.UpdateUserInput{UserName: aws.String(worker)}
			if tt.newName != "" {
				in.NewUserName = aws.String(tt.newName)
			}
			if tt.newPath != "" {
				in.NewPath = aws.String(tt.newPath)
			}
			_, err := user.UpdateUser(ctx, in)
			if tt.refused == "" {
				ok(t, err, "UpdateUser")
				return
			}
			wantIAMRefusal(t, "iam:UpdateUser", err, "AccessDenied", http.StatusForbidden,
				msgDenied(userARN, "iam:UpdateUser", "user "+tt.refused)+" because no identity-based policy allows the iam:UpdateUser action")
			got, err := dev.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(worker)})
			ok(t, err, "GetUser")
			if p := aws.ToString(got.User.Path); p != "/team/" {
				t.Errorf("path after the refusal: got %s, want /team/", p)
			}
		})
	}
}

// TestStrictAccessKeyLastUsed: GetAccessKeyLastUsed is authorized on the
// user of the key it names, so that a user allowed it on its own ARN reads
// its own keys and no other user's; a key IAM does not hold is refused on
// "*".
func TestStrictAccessKeyLastUsed(t *testing.T) {
	t.Parallel()
	s, dev, userARN, name, keys := strictUser(t)
	ctx := context.Background()
	_, err := dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("own"), PolicyDocument: aws.String(policyJSON(t,
		map[string]any{"Effect": "Allow", "Action": "iam:GetAccessKeyLastUsed", "Resource": "arn:aws:iam::" + s.accountID + ":user/${aws:username}"}))})
	ok(t, err, "PutUserPolicy")
	other := teamUser(t, dev, "other")
	key, err := dev.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(other)})
	ok(t, err, "CreateAccessKey")
	user := s.iamWith(keys)
	lastUsed := func(id string) error {
		_, err := user.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(id)})
		return err
	}
	ok(t, lastUsed(keys.AccessKeyID), "GetAccessKeyLastUsed of the user's own key")
	const action = "iam:GetAccessKeyLastUsed"
	because := " because no identity-based policy allows the " + action + " action"
	wantIAMRefusal(t, "another user's key", lastUsed(aws.ToString(key.AccessKey.AccessKeyId)), "AccessDenied", http.StatusForbidden,
		msgDenied(userARN, action, "user "+other)+because)
	wantIAMRefusal(t, "a key IAM does not hold", lastUsed("AKIAAAAAAAAAAAAAAAAA"), "AccessDenied", http.StatusForbidden,
		msgDenied(userARN, action, "*")+because)
}

// teamUser creates, with the developer's IAM client dev, a user of a
// unique name starting with prefix on the path /team/, and returns its
// name.
func teamUser(t *testing.T, dev *iam.Client, prefix string) string {
	t.Helper()
	name := uniqueName(prefix)
	_, err := dev.CreateUser(context.Background(), &iam.CreateUserInput{UserName: aws.String(name), Path: aws.String("/team/")})
	ok(t, err, "CreateUser")
	return name
}

// TestStrictUserSessionRenamed: a GetSessionToken session of a user keeps
// the user's permissions after UpdateUser renames it, as on AWS, where the
// user keeps its UserId; a user created since under the old name is
// another user, whose policies the session does not get.
func TestStrictUserSessionRenamed(t *testing.T) {
	t.Parallel()
	s, dev, _, name, keys := strictUser(t)
	ctx := context.Background()
	_, err := dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("pools"), PolicyDocument: aws.String(policyJSON(t,
		map[string]any{"Effect": "Allow", "Action": "cognito-identity:ListIdentityPools", "Resource": "*"}))})
	ok(t, err, "PutUserPolicy")
	st, err := s.stsWith(keys).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	ok(t, err, "GetSessionToken")
	sess := s.identityWith(fromSTS(t, st.Credentials))
	list := func() error {
		_, err := sess.ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(1)})
		return err
	}
	ok(t, list(), "ListIdentityPools before the rename")
	_, err = dev.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String(name), NewUserName: aws.String("Renamed" + name)})
	ok(t, err, "UpdateUser")
	ok(t, list(), "ListIdentityPools after the rename")
	_, err = dev.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
	ok(t, err, "CreateUser under the old name")
	ok(t, list(), "ListIdentityPools with another user under the old name")
	_, err = dev.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("Renamed" + name), PolicyName: aws.String("pools")})
	ok(t, err, "DeleteUserPolicy")
	if err := list(); err == nil {
		t.Errorf("ListIdentityPools after the renamed user lost its policy: got success, want %s", codeDenied)
	}
}
