package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// IAM on the same endpoint (issue #14): roles, trust policies, OIDC
// providers and users made only through the IAM API drive STS and
// Cognito Identity exactly as fixture ones do.

// iamWith returns an IAM client aimed at s that signs with c, built the
// way applications build it. Retries are off so that every refusal is seen
// as sent.
func (s *server) iamWith(c aws.Credentials) *iam.Client {
	cfg := aws.Config{Region: region, RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)}
	return iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = aws.String(s.endpoint) })
}

// policyJSON is a policy document as text.
func policyJSON(t *testing.T, statements ...map[string]any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// cognitoTrust allows Cognito Identity sessions of pool whose amr holds amr.
func cognitoTrust(t *testing.T, pool, amr string) string {
	return policyJSON(t, map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Federated": "cognito-identity.amazonaws.com"},
		"Action": "sts:AssumeRoleWithWebIdentity",
		"Condition": map[string]any{
			"StringEquals":           map[string]any{"cognito-identity.amazonaws.com:aud": pool},
			"ForAnyValue:StringLike": map[string]any{"cognito-identity.amazonaws.com:amr": amr},
		},
	})
}

// wantIAMError checks an IAM refusal: its code, HTTP status and the
// SDK's typed error (wantSTSError knows STS's types, not IAM's).
func wantIAMError(t *testing.T, err error, code string, status int, typed any) {
	t.Helper()
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("got error %v, want the API error %s", err, code)
	}
	if got := re.HTTPStatusCode(); got != status {
		t.Errorf("%s: got HTTP status %d, want %d", code, got, status)
	}
	if !isCode(err, code) {
		t.Fatalf("got error %v, want code %s", err, code)
	}
	if typed != nil && !errors.As(err, typed) {
		t.Errorf("%s: got %T, want the SDK's typed error %T", code, err, typed)
	}
}

// TestIAMDrivesFederation is the acceptance test of issue #14 items 1–2:
// in strict mode, a developer bootstrapped by a fixture key makes an IAM
// user whose access key then does everything else: an OIDC provider,
// roles with trust policies and policies, all through the IAM API; the
// enhanced and basic flows then run against those roles, and the trust
// policies refuse what they do not allow.
func TestIAMDrivesFederation(t *testing.T) {
	p := newLocalOIDC(t)
	dir := t.TempDir()
	// The bootstrap is a fixture user's key; the fixture's role is an IAM
	// role like the others.
	fx, err := json.Marshal(map[string]any{
		"Users": []any{map[string]any{"UserName": "admin", "AccessKeys": []any{
			map[string]string{"AccessKeyId": "AKIAFIXTUREADMIN0001", "SecretAccessKey": secretKey}}, "Policies": adminPolicies()}},
		"Roles": []any{map[string]any{
			"Arn":                      "arn:aws:iam::123456789012:role/FromFixture",
			"AssumeRolePolicyDocument": map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "developer.json"), fx, 0o644); err != nil {
		t.Fatal(err)
	}
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": dir, "IDPOOL_STRICT": "true"})
	ctx := context.Background()
	account := s.accountID

	// A user and its access key, made with the bootstrap key.
	boot := s.iamWith(aws.Credentials{AccessKeyID: "AKIAFIXTUREADMIN0001", SecretAccessKey: secretKey})
	fixed, err := boot.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("fromfixture")})
	ok(t, err, "GetRole of the fixture's role")
	if got := aws.ToString(fixed.Role.Arn); got != "arn:aws:iam::123456789012:role/FromFixture" {
		t.Errorf("GetRole of the fixture's role: got Arn %s", got)
	}
	user, err := boot.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dev"), Path: aws.String("/team/")})
	ok(t, err, "CreateUser")
	if got, want := aws.ToString(user.User.Arn), "arn:aws:iam::"+account+":user/team/dev"; got != want {
		t.Errorf("CreateUser: got Arn %s, want %s", got, want)
	}
	if id := aws.ToString(user.User.UserId); !strings.HasPrefix(id, "AIDA") || len(id) != 21 {
		t.Errorf("CreateUser: got UserId %s, want AIDA and 17 characters", id)
	}
	key, err := boot.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev")})
	ok(t, err, "CreateAccessKey")
	// In strict mode the user may do what its own policies allow.
	_, err = boot.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("dev"), PolicyName: aws.String("admin"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}))})
	ok(t, err, "PutUserPolicy")
	if id := aws.ToString(key.AccessKey.AccessKeyId); !strings.HasPrefix(id, "AKIA") || len(id) != 20 {
		t.Errorf("CreateAccessKey: got AccessKeyId %s, want AKIA and 16 characters", id)
	}
	devCreds := aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}

	// The user's key signs as the user.
	who, err := s.stsWith(devCreds).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	ok(t, err, "GetCallerIdentity with the user's key")
	if got, want := aws.ToString(who.Arn), aws.ToString(user.User.Arn); got != want {
		t.Errorf("GetCallerIdentity: got Arn %s, want %s", got, want)
	}
	if got, want := aws.ToString(who.UserId), aws.ToString(user.User.UserId); got != want {
		t.Errorf("GetCallerIdentity: got UserId %s, want %s", got, want)
	}
	// A GetSessionToken session of the user acts as the user, its UserId too.
	st, err := s.stsWith(devCreds).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	ok(t, err, "GetSessionToken with the user's key")
	who, err = s.stsWith(aws.Credentials{AccessKeyID: aws.ToString(st.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(st.Credentials.SecretAccessKey), SessionToken: aws.ToString(st.Credentials.SessionToken)}).
		GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	ok(t, err, "GetCallerIdentity with the user's session")
	if aws.ToString(who.Arn) != aws.ToString(user.User.Arn) || aws.ToString(who.UserId) != aws.ToString(user.User.UserId) {
		t.Errorf("GetCallerIdentity with the user's session: got %s %s, want %s %s",
			aws.ToString(who.Arn), aws.ToString(who.UserId), aws.ToString(user.User.Arn), aws.ToString(user.User.UserId))
	}
	wrong := devCreds
	wrong.SecretAccessKey = "not-the-secret"
	_, err = s.stsWith(wrong).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantSTSError(t, err, "SignatureDoesNotMatch", http.StatusForbidden, "")

	dev := s.iamWith(devCreds)
	oidc, err := dev.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String(p.URL), ClientIDList: []string{localApp},
	})
	ok(t, err, "CreateOpenIDConnectProvider")
	oidcARN := aws.ToString(oidc.OpenIDConnectProviderArn)
	if want := "arn:aws:iam::" + account + ":oidc-provider/" + p.host(); oidcARN != want {
		t.Errorf("CreateOpenIDConnectProvider: got %s, want %s", oidcARN, want)
	}

	// A pool whose roles are made next, through IAM only.
	pool, err := s.identityWith(devCreds).CreateIdentityPool(ctx, &cognitoidentity.CreateIdentityPoolInput{
		IdentityPoolName: aws.String("iam"), AllowUnauthenticatedIdentities: true, OpenIdConnectProviderARNs: []string{oidcARN},
	})
	ok(t, err, "CreateIdentityPool")
	poolID := aws.ToString(pool.IdentityPoolId)

	roles := map[string]string{
		"AuthOnly": cognitoTrust(t, poolID, "authenticated"),
		"Guest":    cognitoTrust(t, poolID, "unauthenticated"),
		"Web": policyJSON(t, map[string]any{
			"Effect": "Allow", "Principal": map[string]any{"Federated": oidcARN}, "Action": "sts:AssumeRoleWithWebIdentity",
			"Condition": map[string]any{"StringEquals": map[string]any{p.host() + ":aud": localApp}},
		}),
	}
	arns := map[string]string{}
	for name, trust := range roles {
		out, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
		ok(t, err, "CreateRole "+name)
		arns[name] = aws.ToString(out.Role.Arn)
		if id := aws.ToString(out.Role.RoleId); !strings.HasPrefix(id, "AROA") {
			t.Errorf("CreateRole %s: got RoleId %s, want AROA…", name, id)
		}
	}
	perms := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "cognito-sync:*", "Resource": "*"})
	mp, err := dev.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("sync"), PolicyDocument: aws.String(perms)})
	ok(t, err, "CreatePolicy")
	_, err = dev.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("Guest"), PolicyArn: mp.Policy.Arn})
	ok(t, err, "AttachRolePolicy")
	_, err = dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("AuthOnly"), PolicyName: aws.String("inline"), PolicyDocument: aws.String(perms)})
	ok(t, err, "PutRolePolicy")

	// Enhanced flow: a guest is refused the role that requires
	// authenticated, and gets the guest role.
	setRoles := func(unauth string) {
		t.Helper()
		_, err := s.identityWith(devCreds).SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
			IdentityPoolId: aws.String(poolID),
			Roles:          map[string]string{"authenticated": arns["AuthOnly"], "unauthenticated": unauth},
		})
		ok(t, err, "SetIdentityPoolRoles")
	}
	setRoles(arns["AuthOnly"])
	guest, guestToken := s.guestToken(t, poolID)
	_, err = s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: aws.String(guest)})
	wantAPIError(t, err, codeInvalidConfig, "Invalid identity pool configuration. Check assigned IAM roles for this pool.")
	setRoles(arns["Guest"])
	guestCreds, _ := s.enhancedCreds(t, guest, nil)

	// An authenticated identity of the IAM OIDC provider gets the
	// authenticated role.
	good := p.token(t, "", localApp, "oidc-user-1")
	authID := s.loginID(t, poolID, map[string]string{p.host(): good})
	s.enhancedCreds(t, authID, map[string]string{p.host(): good})

	// Basic flow: the provider's token assumes Web; the guest's Cognito
	// token is refused AuthOnly and assumes Guest.
	out, err := s.assumeWeb(good, arns["Web"], "web", nil)
	ok(t, err, "AssumeRoleWithWebIdentity Web")
	if got, want := aws.ToString(out.Provider), oidcARN; got != want {
		t.Errorf("AssumeRoleWithWebIdentity: got Provider %s, want %s", got, want)
	}
	_, err = s.assumeWeb(p.token(t, "", "other-app", "oidc-user-1"), arns["Web"], "web", nil)
	wantSTSError(t, err, codeInvalidToken, http.StatusBadRequest, "Incorrect token audience")
	_, err = s.assumeWeb(guestToken, arns["AuthOnly"], "guest", nil)
	wantSTSError(t, err, "AccessDenied", http.StatusForbidden, "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	_, err = s.assumeWeb(guestToken, arns["Guest"], "guest", nil)
	ok(t, err, "AssumeRoleWithWebIdentity Guest")

	// A trust policy changed through IAM applies at once.
	_, err = dev.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{
		RoleName: aws.String("Guest"), PolicyDocument: aws.String(cognitoTrust(t, "us-east-1:00000000-0000-0000-0000-000000000000", "unauthenticated")),
	})
	ok(t, err, "UpdateAssumeRolePolicy")
	_, err = s.assumeWeb(guestToken, arns["Guest"], "guest", nil)
	wantSTSError(t, err, "AccessDenied", http.StatusForbidden, "Not authorized to perform sts:AssumeRoleWithWebIdentity")

	// A client id removed from the provider no longer verifies; a deleted
	// provider is unknown to STS.
	_, err = dev.RemoveClientIDFromOpenIDConnectProvider(ctx, &iam.RemoveClientIDFromOpenIDConnectProviderInput{
		OpenIDConnectProviderArn: aws.String(oidcARN), ClientID: aws.String(localApp),
	})
	ok(t, err, "RemoveClientIDFromOpenIDConnectProvider")
	_, err = dev.AddClientIDToOpenIDConnectProvider(ctx, &iam.AddClientIDToOpenIDConnectProviderInput{
		OpenIDConnectProviderArn: aws.String(oidcARN), ClientID: aws.String("another-app"),
	})
	ok(t, err, "AddClientIDToOpenIDConnectProvider")
	_, err = s.assumeWeb(good, arns["Web"], "web", nil)
	wantSTSError(t, err, codeInvalidToken, http.StatusBadRequest, "Incorrect token audience")
	_, err = dev.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(oidcARN)})
	ok(t, err, "DeleteOpenIDConnectProvider")
	_, err = s.assumeWeb(good, arns["Web"], "web", nil)
	wantSTSError(t, err, codeInvalidToken, http.StatusBadRequest, "")

	// In strict mode a role session calls only the IAM operations its
	// role's policies allow: the guest's allow cognito-sync:* alone.
	_, err = s.iamWith(guestCreds).ListRoles(ctx, &iam.ListRolesInput{})
	wantIAMError(t, err, "AccessDenied", http.StatusForbidden, nil)

	// A deleted access key no longer signs.
	_, err = boot.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("dev"), AccessKeyId: aws.String(devCreds.AccessKeyID)})
	ok(t, err, "DeleteAccessKey")
	_, err = s.stsWith(devCreds).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantSTSError(t, err, "InvalidClientTokenId", http.StatusForbidden, "")
}

// TestIAMErrors: IAM's refusals carry its codes, statuses and the SDK's
// typed errors, and reads return what was written (documents URL-encoded).
func TestIAMErrors(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	name := uniqueName("Role")
	trust := policyJSON(t, map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("id")}}})
	ok(t, err, "CreateRole")
	got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(strings.ToLower(name))})
	ok(t, err, "GetRole in another case")
	if doc, _ := url.QueryUnescape(aws.ToString(got.Role.AssumeRolePolicyDocument)); doc != trust {
		t.Errorf("GetRole: got AssumeRolePolicyDocument %q, want %q URL-encoded", aws.ToString(got.Role.AssumeRolePolicyDocument), trust)
	}
	if len(got.Role.Tags) != 1 || aws.ToString(got.Role.Tags[0].Key) != "team" {
		t.Errorf("GetRole: got Tags %v, want team=id", got.Role.Tags)
	}

	tests := []struct {
		name   string
		call   func() error
		code   string
		status int
		typed  any
	}{
		{"GetRole of a missing role", func() error {
			_, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nobody")})
			return err
		}, "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException)},
		{"CreateRole of a taken name, in another case", func() error {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(strings.ToUpper(name)), AssumeRolePolicyDocument: aws.String(trust)})
			return err
		}, "EntityAlreadyExists", http.StatusConflict, new(*iamtypes.EntityAlreadyExistsException)},
		{"CreateRole with a trust policy that is not JSON", func() error {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(uniqueName("Bad")), AssumeRolePolicyDocument: aws.String("{")})
			return err
		}, "MalformedPolicyDocument", http.StatusBadRequest, new(*iamtypes.MalformedPolicyDocumentException)},
		{"PutRolePolicy with a Principal", func() error {
			_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(trust)})
			return err
		}, "MalformedPolicyDocument", http.StatusBadRequest, new(*iamtypes.MalformedPolicyDocumentException)},
		{"GetRolePolicy of a missing policy", func() error {
			_, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("none")})
			return err
		}, "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException)},
		{"GetPolicy of a missing policy", func() error {
			_, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::" + s.accountID + ":policy/none")})
			return err
		}, "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException)},
		{"DeleteUser of a missing user", func() error {
			_, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("nobody")})
			return err
		}, "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantIAMError(t, tt.call(), tt.code, tt.status, tt.typed)
		})
	}

	// Policies and versions, attachment and the conflicts IAM refuses.
	doc := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
	pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("Pol")), PolicyDocument: aws.String(doc)})
	ok(t, err, "CreatePolicy")
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(name), PolicyArn: pol.Policy.Arn})
	ok(t, err, "AttachRolePolicy")
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: pol.Policy.Arn})
	wantIAMError(t, err, "DeleteConflict", http.StatusConflict, new(*iamtypes.DeleteConflictException))
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(name)})
	wantIAMError(t, err, "DeleteConflict", http.StatusConflict, new(*iamtypes.DeleteConflictException))
	for range 4 {
		_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: pol.Policy.Arn, PolicyDocument: aws.String(doc), SetAsDefault: true})
		ok(t, err, "CreatePolicyVersion")
	}
	_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: pol.Policy.Arn, PolicyDocument: aws.String(doc)})
	wantIAMError(t, err, "LimitExceeded", http.StatusConflict, new(*iamtypes.LimitExceededException))
	gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: pol.Policy.Arn})
	ok(t, err, "GetPolicy")
	if aws.ToString(gp.Policy.DefaultVersionId) != "v5" || aws.ToInt32(gp.Policy.AttachmentCount) != 1 {
		t.Errorf("GetPolicy: got DefaultVersionId %s AttachmentCount %d, want v5 and 1", aws.ToString(gp.Policy.DefaultVersionId), aws.ToInt32(gp.Policy.AttachmentCount))
	}
	v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: pol.Policy.Arn, VersionId: aws.String("v1")})
	ok(t, err, "GetPolicyVersion")
	if d, _ := url.QueryUnescape(aws.ToString(v.PolicyVersion.Document)); d != doc || v.PolicyVersion.IsDefaultVersion {
		t.Errorf("GetPolicyVersion v1: got %q default %v, want %q not default", d, v.PolicyVersion.IsDefaultVersion, doc)
	}
	att, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
	ok(t, err, "ListAttachedRolePolicies")
	if len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyArn) != aws.ToString(pol.Policy.Arn) {
		t.Errorf("ListAttachedRolePolicies: got %v, want the policy", att.AttachedPolicies)
	}
	_, err = c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(name), PolicyArn: pol.Policy.Arn})
	ok(t, err, "DetachRolePolicy")
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(name)})
	ok(t, err, "DeleteRole")
	policyVersions(t, c, pol.Policy.Arn)
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: pol.Policy.Arn})
	ok(t, err, "DeletePolicy")

	// Users keep at most two access keys and are deleted only without them.
	user := uniqueName("user")
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user)})
	ok(t, err, "CreateUser")
	for range 2 {
		_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(user)})
		ok(t, err, "CreateAccessKey")
	}
	_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(user)})
	wantIAMError(t, err, "LimitExceeded", http.StatusConflict, new(*iamtypes.LimitExceededException))
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(user)})
	wantIAMError(t, err, "DeleteConflict", http.StatusConflict, new(*iamtypes.DeleteConflictException))
	keys, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(user)})
	ok(t, err, "ListAccessKeys")
	if len(keys.AccessKeyMetadata) != 2 {
		t.Fatalf("ListAccessKeys: got %d keys, want 2", len(keys.AccessKeyMetadata))
	}
	for _, k := range keys.AccessKeyMetadata {
		_, err = c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(user), AccessKeyId: k.AccessKeyId})
		ok(t, err, "DeleteAccessKey")
	}
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(user)})
	ok(t, err, "DeleteUser")
}

// policyVersions walks a managed policy holding versions v1 to v5, v5 the
// default, through IAM's version operations as Terraform's policy updates
// and deletions use them, and leaves it with its default version alone.
func policyVersions(t *testing.T, c *iam.Client, arn *string) {
	t.Helper()
	ctx := context.Background()
	var got []string
	in := &iam.ListPolicyVersionsInput{PolicyArn: arn, MaxItems: aws.Int32(2)}
	for p := iam.NewListPolicyVersionsPaginator(c, in); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		ok(t, err, "ListPolicyVersions")
		for _, v := range page.Versions {
			got = append(got, fmt.Sprintf("%s/%v", aws.ToString(v.VersionId), v.IsDefaultVersion))
			if v.Document != nil || v.CreateDate == nil {
				t.Errorf("ListPolicyVersions %s: got Document %v CreateDate %v, want no document and a date", aws.ToString(v.VersionId), v.Document != nil, v.CreateDate)
			}
		}
	}
	if want := "v5/true v4/false v3/false v2/false v1/false"; strings.Join(got, " ") != want {
		t.Errorf("ListPolicyVersions: got %s, want %s", strings.Join(got, " "), want)
	}

	_, err := c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v2")})
	ok(t, err, "SetDefaultPolicyVersion")
	gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: arn})
	ok(t, err, "GetPolicy")
	if aws.ToString(gp.Policy.DefaultVersionId) != "v2" {
		t.Errorf("GetPolicy after SetDefaultPolicyVersion: got DefaultVersionId %s, want v2", aws.ToString(gp.Policy.DefaultVersionId))
	}
	refusals := []struct {
		name   string
		err    error
		code   string
		status int
		typed  any
	}{
		{"SetDefaultPolicyVersion of a missing version", second(c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v9")})),
			"NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException)},
		{"DeletePolicyVersion of the default version", second(c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v2")})),
			"DeleteConflict", http.StatusConflict, new(*iamtypes.DeleteConflictException)},
		{"DeletePolicy with versions besides the default", second(c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})),
			"DeleteConflict", http.StatusConflict, new(*iamtypes.DeleteConflictException)},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) { wantIAMError(t, r.err, r.code, r.status, r.typed) })
	}
	for _, v := range []string{"v1", "v3", "v4", "v5"} {
		_, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String(v)})
		ok(t, err, "DeletePolicyVersion "+v)
	}
	_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v5")})
	wantIAMError(t, err, "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException))
	list, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: arn})
	ok(t, err, "ListPolicyVersions")
	if len(list.Versions) != 1 || aws.ToString(list.Versions[0].VersionId) != "v2" || !list.Versions[0].IsDefaultVersion {
		t.Errorf("ListPolicyVersions after the deletions: got %d versions, want v2 alone, the default", len(list.Versions))
	}
}

// second returns the error of a call's two results.
func second[T any](_ T, err error) error { return err }

// TestIAMSimulate: the policy simulator evaluates a role's inline and
// managed policies, and custom policies with context entries, as IAM's
// does: allowed, explicitDeny or implicitDeny, naming the statements.
func TestIAMSimulate(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	name := uniqueName("Sim")
	trust := policyJSON(t, anyPoolTrust())
	role, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	ok(t, err, "CreateRole")
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("sync"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "cognito-sync:*", "Resource": "*"}))})
	ok(t, err, "PutRolePolicy")
	deny, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("NoDelete")),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Deny", "Action": "cognito-sync:DeleteDataset", "Resource": "*"}))})
	ok(t, err, "CreatePolicy")
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(name), PolicyArn: deny.Policy.Arn})
	ok(t, err, "AttachRolePolicy")

	out, err := c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: role.Role.Arn,
		ActionNames:     []string{"cognito-sync:ListRecords", "cognito-sync:DeleteDataset", "s3:GetObject"},
	})
	ok(t, err, "SimulatePrincipalPolicy")
	want := []struct {
		action   string
		decision iamtypes.PolicyEvaluationDecisionType
		source   string
	}{
		{"cognito-sync:ListRecords", iamtypes.PolicyEvaluationDecisionTypeAllowed, "sync"},
		{"cognito-sync:DeleteDataset", iamtypes.PolicyEvaluationDecisionTypeExplicitDeny, aws.ToString(deny.Policy.PolicyName)},
		{"s3:GetObject", iamtypes.PolicyEvaluationDecisionTypeImplicitDeny, ""},
	}
	if len(out.EvaluationResults) != len(want) {
		t.Fatalf("SimulatePrincipalPolicy: got %d results, want %d", len(out.EvaluationResults), len(want))
	}
	for i, w := range want {
		r := out.EvaluationResults[i]
		if aws.ToString(r.EvalActionName) != w.action || r.EvalDecision != w.decision {
			t.Errorf("result %d: got %s %s, want %s %s", i, aws.ToString(r.EvalActionName), r.EvalDecision, w.action, w.decision)
		}
		got := ""
		if len(r.MatchedStatements) > 0 {
			got = aws.ToString(r.MatchedStatements[0].SourcePolicyId)
			if r.MatchedStatements[0].StartPosition == nil || r.MatchedStatements[0].StartPosition.Line < 1 {
				t.Errorf("result %d: got StartPosition %v, want a line", i, r.MatchedStatements[0].StartPosition)
			}
		}
		if got != w.source {
			t.Errorf("result %d: got matched policy %q, want %q", i, got, w.source)
		}
	}

	custom, err := c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{policyJSON(t, map[string]any{
			"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/${cognito-identity.amazonaws.com:sub}/*",
		})},
		ActionNames:  []string{"s3:GetObject"},
		ResourceArns: []string{"arn:aws:s3:::bucket/us-east-1:abc/photo.jpg", "arn:aws:s3:::bucket/us-east-1:other/photo.jpg"},
		ContextEntries: []iamtypes.ContextEntry{{ContextKeyName: aws.String("cognito-identity.amazonaws.com:sub"),
			ContextKeyValues: []string{"us-east-1:abc"}, ContextKeyType: iamtypes.ContextKeyTypeEnumString}},
	})
	ok(t, err, "SimulateCustomPolicy")
	if len(custom.EvaluationResults) != 2 || custom.EvaluationResults[0].EvalDecision != iamtypes.PolicyEvaluationDecisionTypeAllowed ||
		custom.EvaluationResults[1].EvalDecision != iamtypes.PolicyEvaluationDecisionTypeImplicitDeny {
		t.Errorf("SimulateCustomPolicy: got %+v, want allowed for the identity's own prefix only", custom.EvaluationResults)
	}

	// The role's own policy scopes each identity to its prefix: identity A
	// may read under its id and not under B's, and an explicit Deny of one
	// object wins over the Allow.
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("own-prefix"),
		PolicyDocument: aws.String(policyJSON(t,
			map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/${cognito-identity.amazonaws.com:sub}/*"},
			map[string]any{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*/secret"},
		))})
	ok(t, err, "PutRolePolicy own-prefix")
	const idA, idB = "us-east-1:aaaaaaaa-0000-4000-8000-000000000000", "us-east-1:bbbbbbbb-0000-4000-8000-000000000000"
	own, err := c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: role.Role.Arn,
		ActionNames:     []string{"s3:GetObject"},
		ResourceArns:    []string{"arn:aws:s3:::bucket/" + idA + "/x", "arn:aws:s3:::bucket/" + idB + "/x", "arn:aws:s3:::bucket/" + idA + "/secret"},
		ContextEntries: []iamtypes.ContextEntry{{ContextKeyName: aws.String("cognito-identity.amazonaws.com:sub"),
			ContextKeyValues: []string{idA}, ContextKeyType: iamtypes.ContextKeyTypeEnumString}},
	})
	ok(t, err, "SimulatePrincipalPolicy of identity A")
	wantDecisions := []iamtypes.PolicyEvaluationDecisionType{
		iamtypes.PolicyEvaluationDecisionTypeAllowed, iamtypes.PolicyEvaluationDecisionTypeImplicitDeny, iamtypes.PolicyEvaluationDecisionTypeExplicitDeny,
	}
	if len(own.EvaluationResults) != len(wantDecisions) {
		t.Fatalf("SimulatePrincipalPolicy of identity A: got %d results, want %d", len(own.EvaluationResults), len(wantDecisions))
	}
	for i, w := range wantDecisions {
		if r := own.EvaluationResults[i]; r.EvalDecision != w {
			t.Errorf("identity A, %s: got %s, want %s", aws.ToString(r.EvalResourceName), r.EvalDecision, w)
		}
	}

	_, err = c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::" + s.accountID + ":role/none"), ActionNames: []string{"s3:GetObject"}})
	wantIAMError(t, err, "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException))
}

// TestAuthorizeControl: POST /_idpool/authorize evaluates the policies of
// the IAM role of issued credentials with the session's keys, so that a
// local service can decide as AWS would: a guest may read its own prefix
// and nothing else.
func TestAuthorizeControl(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	name := uniqueName("Guest")
	trust := policyJSON(t, anyPoolTrust())
	role, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	ok(t, err, "CreateRole")
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("own"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{
			"Sid": "OwnPrefix", "Effect": "Allow", "Action": "s3:GetObject",
			"Resource": "arn:aws:s3:::bucket/${cognito-identity.amazonaws.com:sub}/*",
		}))})
	ok(t, err, "PutRolePolicy")
	pool := s.rolePool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true},
		map[string]string{"unauthenticated": aws.ToString(role.Role.Arn)})
	guest := s.guestID(t, pool)
	creds, _ := s.enhancedCreds(t, guest, nil)

	tests := []struct {
		name, resource, decision string
	}{
		{"own prefix", "arn:aws:s3:::bucket/" + guest + "/photo.jpg", "allowed"},
		{"another identity's prefix", "arn:aws:s3:::bucket/us-east-1:00000000-0000-0000-0000-000000000000/photo.jpg", "implicitDeny"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"SessionToken": creds.SessionToken, "Action": "s3:GetObject", "Resource": tt.resource})
			req, err := http.NewRequest(http.MethodPost, s.endpoint+"/_idpool/authorize", strings.NewReader(string(body)))
			if err != nil {
				t.Fatal(err)
			}
			res := s.do(t, req)
			if res.status != http.StatusOK {
				t.Fatalf("got status %d %s, want 200", res.status, res.body)
			}
			var out struct {
				Decision          string
				RoleArn           string
				MatchedStatements []struct{ PolicyId, Sid string }
			}
			if err := json.Unmarshal(res.body, &out); err != nil {
				t.Fatal(err)
			}
			if out.Decision != tt.decision || out.RoleArn != aws.ToString(role.Role.Arn) {
				t.Errorf("got %s for role %s, want %s for %s", out.Decision, out.RoleArn, tt.decision, aws.ToString(role.Role.Arn))
			}
			// The role's statement, then the guest's scope-down session
			// policy's that allows S3 (see TestStrictGuestScopeDown).
			if tt.decision == "allowed" && (len(out.MatchedStatements) != 2 || out.MatchedStatements[0].Sid != "OwnPrefix" ||
				out.MatchedStatements[1].PolicyId != guestScopeDownARN+"#services") {
				t.Errorf("got matched statements %+v, want OwnPrefix, then the scope-down policy's", out.MatchedStatements)
			}
		})
	}

	refusals := []struct {
		name, body string
		status     int
	}{
		{"no action", `{"SessionToken": "x"}`, http.StatusBadRequest},
		{"not JSON", `{`, http.StatusBadRequest},
		{"a token idpool did not issue", `{"SessionToken": "not-a-token", "Action": "s3:GetObject"}`, http.StatusForbidden},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, s.endpoint+"/_idpool/authorize", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if res := s.do(t, req); res.status != tt.status {
				t.Errorf("got status %d %s, want %d", res.status, res.body, tt.status)
			}
		})
	}
}
