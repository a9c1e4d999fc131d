package conformance

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// Partitions: the name Cognito Identity has in trust policies, the Logins
// keys of its tokens, and the rule that a role is of its caller's
// partition all depend on the partition of the pool or the caller.

// iam returns an IAM client of the region, signing with the developer's
// keys.
func (r *regionServer) iam() *iam.Client {
	return iam.New(r.iamWith(developerKeys()).Options(), func(o *iam.Options) { o.Region = r.region })
}

// cognitoTrustOf allows Cognito Identity sessions of pool whose amr holds
// amr, naming Cognito as principal.
func cognitoTrustOf(t *testing.T, principal, pool, amr string) string {
	return policyJSON(t, map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Federated": principal},
		"Action": "sts:AssumeRoleWithWebIdentity",
		"Condition": map[string]any{
			"StringEquals":           map[string]any{principal + ":aud": pool},
			"ForAnyValue:StringLike": map[string]any{principal + ":amr": amr},
		},
	})
}

// guestRole creates a role whose trust policy is trust in the region and
// makes it pool's unauthenticated role; it returns the role's name.
func (r *regionServer) guestRole(t *testing.T, pool, trust string) string {
	t.Helper()
	ctx := context.Background()
	name := uniqueName("Guest")
	_, err := r.iam().CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	ok(t, err, "CreateRole "+name)
	_, err = r.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(pool), Roles: map[string]string{"unauthenticated": r.roleARN(name)},
	})
	ok(t, err, "SetIdentityPoolRoles")
	return name
}

// guestPool creates a pool allowing guests in the region.
func (r *regionServer) guestPool(t *testing.T) string {
	t.Helper()
	out, err := r.signed.CreateIdentityPool(context.Background(), &cognitoidentity.CreateIdentityPoolInput{
		IdentityPoolName: aws.String(uniqueName("part")), AllowUnauthenticatedIdentities: true,
	})
	ok(t, err, "CreateIdentityPool in "+r.region)
	return aws.ToString(out.IdentityPoolId)
}

// TestPartitionsGovCloudPrincipal checks the AWS GovCloud (US) User Guide's
// "Amazon Cognito in AWS GovCloud (US)": the roles of a GovCloud pool trust
// cognito-identity-us-gov.amazonaws.com (us-gov-west-1) or
// cognito-identity.us-gov-east-1.amazonaws.com (us-gov-east-1), with
// condition keys of that prefix, in both the enhanced and the basic flow;
// the commercial principal trusts nothing there; and IAM holds the GovCloud
// principals to the rule that a Cognito trust constrains its :aud.
func TestPartitionsGovCloudPrincipal(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	for _, tc := range []struct{ region, principal string }{
		{"us-gov-west-1", "cognito-identity-us-gov.amazonaws.com"},
		{"us-gov-east-1", "cognito-identity.us-gov-east-1.amazonaws.com"},
	} {
		t.Run(tc.region, func(t *testing.T) {
			r := s.inRegion(tc.region, "aws-us-gov")
			pool := r.guestPool(t)
			name := r.guestRole(t, pool, cognitoTrustOf(t, tc.principal, pool, "unauthenticated"))
			id, err := r.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(pool)})
			ok(t, err, "GetId")
			gc, err := r.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: id.IdentityId})
			ok(t, err, "GetCredentialsForIdentity")
			r.wantCaller(t, fromCognito(t, gc.Credentials), "arn:aws-us-gov:sts::"+r.accountID+":assumed-role/"+name+"/"+cognitoSession)

			tok, err := r.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: id.IdentityId})
			ok(t, err, "GetOpenIdToken")
			anon := sts.New(r.stsFor(aws.AnonymousCredentials{}).Options(), func(o *sts.Options) { o.Region = r.region })
			_, err = anon.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
				RoleArn: aws.String(r.roleARN(name)), RoleSessionName: aws.String("gs"), WebIdentityToken: tok.Token,
			})
			ok(t, err, "AssumeRoleWithWebIdentity")

			// The commercial principal is not Cognito's name here.
			other := r.guestPool(t)
			r.guestRole(t, other, cognitoTrustOf(t, cognitoProvider, other, "unauthenticated"))
			oid, err := r.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(other)})
			ok(t, err, "GetId")
			_, err = r.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: oid.IdentityId})
			wantAPIError(t, err, "InvalidIdentityPoolConfigurationException", "Invalid identity pool configuration. Check assigned IAM roles for this pool.")

			// Trusting the GovCloud principal without an aud condition is
			// refused as trusting the commercial one is.
			_, err = r.iam().CreateRole(ctx, &iam.CreateRoleInput{
				RoleName: aws.String(uniqueName("NoAud")),
				AssumeRolePolicyDocument: aws.String(policyJSON(t, map[string]any{
					"Effect": "Allow", "Principal": map[string]any{"Federated": tc.principal}, "Action": "sts:AssumeRoleWithWebIdentity",
				})),
			})
			wantIAMError(t, err, "MalformedPolicyDocument", http.StatusBadRequest, nil)
		})
	}
}

// TestPartitionsChinaLoginsKey checks the China regions' guide: a
// developer-authenticated identity's token is given to
// GetCredentialsForIdentity under cognito-identity.cn-north-1.amazonaws.com.cn,
// which the AWS Android SDK sends in cn-north-1, as well as under the
// usual key; another region's key is another provider.
func TestPartitionsChinaLoginsKey(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	r := s.inRegion("cn-north-1", "aws-cn")
	dev := uniqueDev()
	out, err := r.signed.CreateIdentityPool(ctx, &cognitoidentity.CreateIdentityPoolInput{
		IdentityPoolName: aws.String(uniqueName("cn")), DeveloperProviderName: aws.String(dev),
	})
	ok(t, err, "CreateIdentityPool")
	pool := aws.ToString(out.IdentityPoolId)
	name := uniqueName("Auth")
	_, err = r.iam().CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(cognitoTrust(t, pool, "authenticated"))})
	ok(t, err, "CreateRole")
	_, err = r.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(pool), Roles: map[string]string{"authenticated": r.roleARN(name)},
	})
	ok(t, err, "SetIdentityPoolRoles")
	tok, err := r.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
		IdentityPoolId: aws.String(pool), Logins: map[string]string{dev: "user-1"},
	})
	ok(t, err, "GetOpenIdTokenForDeveloperIdentity")
	for _, key := range []string{"cognito-identity.cn-north-1.amazonaws.com.cn", cognitoProvider} {
		gc, err := r.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{
			IdentityId: tok.IdentityId, Logins: map[string]string{key: aws.ToString(tok.Token)},
		})
		ok(t, err, "GetCredentialsForIdentity under "+key)
		r.wantCaller(t, fromCognito(t, gc.Credentials), "arn:aws-cn:sts::"+r.accountID+":assumed-role/"+name+"/"+cognitoSession)
	}
	_, err = r.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{
		IdentityId: tok.IdentityId, Logins: map[string]string{"cognito-identity.cn-northwest-1.amazonaws.com.cn": aws.ToString(tok.Token)},
	})
	wantAPIError(t, err, "NotAuthorizedException", "Token is not from a supported provider of this identity pool.")
}

// TestPartitionsRoleOfAnotherPartition checks that a role is used only in
// its own partition: STS refuses another partition's role ARN as a role
// that does not trust the caller, whether it signs (AssumeRole) or
// presents a token of a pool of another partition
// (AssumeRoleWithWebIdentity); SetIdentityPoolRoles refuses it as a role
// the caller may not pass; and a pool that holds one (from fixtures)
// fails GetCredentialsForIdentity as for a role that refuses Cognito.
func TestPartitionsRoleOfAnotherPartition(t *testing.T) {
	t.Parallel()
	const (
		usPool = "us-east-1:11111111-2222-4333-8444-777777777777"
		cnPool = "cn-north-1:11111111-2222-4333-8444-888888888888"
	)
	cnGuest := "arn:aws-cn:iam::123456789012:role/Guest"
	path := filepath.Join(t.TempDir(), "partitions.json")
	fx := `{"Region": "us-east-1", "IdentityPools": [
		{"IdentityPoolId": "` + usPool + `", "IdentityPoolName": "us", "AllowUnauthenticatedIdentities": true,
		 "Roles": {"unauthenticated": "` + cnGuest + `"}},
		{"IdentityPoolId": "` + cnPool + `", "IdentityPoolName": "cn", "AllowUnauthenticatedIdentities": true,
		 "Roles": {"unauthenticated": "` + cnGuest + `"}}]}`
	ok(t, os.WriteFile(path, []byte(fx), 0o600), "write fixture")
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path})
	ctx := context.Background()
	us, cn := s.inRegion("us-east-1", "aws"), s.inRegion("cn-north-1", "aws-cn")

	t.Run("AssumeRole", func(t *testing.T) {
		name := uniqueName("Admin")
		_, err := cn.iam().CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(policyJSON(t,
			map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws-cn:iam::" + s.accountID + ":root"}, "Action": "sts:AssumeRole"}))})
		ok(t, err, "CreateRole")
		in := func(arn string) *sts.AssumeRoleInput {
			return &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("sess")}
		}
		_, err = cn.sts(developerKeys()).AssumeRole(ctx, in(cn.roleARN(name)))
		ok(t, err, "AssumeRole of the caller's partition")
		other := us.roleARN(name)
		_, err = cn.sts(developerKeys()).AssumeRole(ctx, in(other))
		wantSTSError(t, err, codeAccessDenied, http.StatusForbidden,
			"User: arn:aws-cn:iam::"+s.accountID+":root is not authorized to perform: sts:AssumeRole on resource: "+other)
	})

	t.Run("AssumeRoleWithWebIdentity", func(t *testing.T) {
		id, err := us.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(usPool)})
		ok(t, err, "GetId")
		tok, err := us.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: id.IdentityId})
		ok(t, err, "GetOpenIdToken")
		for _, r := range []*regionServer{us, cn} {
			anon := sts.New(r.stsFor(aws.AnonymousCredentials{}).Options(), func(o *sts.Options) { o.Region = r.region })
			_, err = anon.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
				RoleArn: aws.String(cnGuest), RoleSessionName: aws.String("web"), WebIdentityToken: tok.Token,
			})
			wantSTSError(t, err, codeAccessDenied, http.StatusForbidden, "Not authorized to perform sts:AssumeRoleWithWebIdentity")
		}
	})

	t.Run("SetIdentityPoolRoles", func(t *testing.T) {
		pool := us.guestPool(t)
		_, err := us.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
			IdentityPoolId: aws.String(pool), Roles: map[string]string{"unauthenticated": cnGuest},
		})
		wantAPIError(t, err, "NotAuthorizedException", "Access to Role '"+cnGuest+"' is forbidden.")
		// So is a rule's role.
		_, err = us.signed.UpdateIdentityPool(ctx, &cognitoidentity.UpdateIdentityPoolInput{
			IdentityPoolId: aws.String(pool), IdentityPoolName: aws.String("part"), AllowUnauthenticatedIdentities: true,
			SupportedLoginProviders: map[string]string{"accounts.google.com": "client"},
		})
		ok(t, err, "UpdateIdentityPool")
		_, err = us.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
			IdentityPoolId: aws.String(pool), Roles: map[string]string{"unauthenticated": us.roleARN("Guest")},
			RoleMappings: map[string]types.RoleMapping{"accounts.google.com": {
				Type: types.RoleMappingTypeRules, AmbiguousRoleResolution: types.AmbiguousRoleResolutionTypeDeny,
				RulesConfiguration: &types.RulesConfigurationType{Rules: []types.MappingRule{{
					Claim: aws.String("sub"), MatchType: types.MappingRuleMatchTypeEquals, Value: aws.String("u"), RoleARN: aws.String(cnGuest),
				}}},
			}},
		})
		wantAPIError(t, err, "NotAuthorizedException", "Access to Role '"+cnGuest+"' is forbidden.")
		_, err = us.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
			IdentityPoolId: aws.String(pool), Roles: map[string]string{"unauthenticated": us.roleARN("Guest")},
		})
		ok(t, err, "SetIdentityPoolRoles of the pool's partition")
	})

	t.Run("GetCredentialsForIdentity", func(t *testing.T) {
		id, err := us.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(usPool)})
		ok(t, err, "GetId")
		_, err = us.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: id.IdentityId})
		wantAPIError(t, err, "InvalidIdentityPoolConfigurationException", "Invalid identity pool configuration. Check assigned IAM roles for this pool.")
		// The same role serves the pool of its partition.
		cid, err := cn.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(cnPool)})
		ok(t, err, "GetId")
		gc, err := cn.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: cid.IdentityId})
		ok(t, err, "GetCredentialsForIdentity of the role's partition")
		cn.wantCaller(t, fromCognito(t, gc.Credentials), "arn:aws-cn:sts::"+s.accountID+":assumed-role/Guest/"+cognitoSession)
		// Credentials are their partition's: signed for a commercial
		// region, or GovCloud, they are not known there.
		for _, other := range []*regionServer{us, s.inRegion("us-gov-west-1", "aws-us-gov")} {
			_, err = other.sts(fromCognito(t, gc.Credentials)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			wantSTSError(t, err, "InvalidClientTokenId", http.StatusForbidden, "The security token included in the request is invalid.")
		}
	})

	t.Run("IAM user's access key", func(t *testing.T) {
		name := uniqueName("Dev")
		_, err := cn.iam().CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
		ok(t, err, "CreateUser")
		k, err := cn.iam().CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
		ok(t, err, "CreateAccessKey")
		key := aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}
		cn.wantCaller(t, key, "arn:aws-cn:iam::"+s.accountID+":user/"+name)
		_, err = us.sts(key).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		wantSTSError(t, err, "InvalidClientTokenId", http.StatusForbidden, "The security token included in the request is invalid.")
	})
}

// TestPartitionsPolicyResources checks that IAM, written to through one
// partition's endpoint, refuses a permission policy naming another
// partition's resources, and a trust policy naming another partition's
// principal, as AWS China's IAM does.
func TestPartitionsPolicyResources(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	cn := s.inRegion("cn-north-1", "aws-cn")
	name := uniqueName("Logs")
	_, err := cn.iam().CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(policyJSON(t,
		map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws-cn:iam::" + s.accountID + ":root"}, "Action": "sts:AssumeRole"}))})
	ok(t, err, "CreateRole")
	doc := func(resource string) *string {
		return aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "logs:*", "Resource": resource}))
	}
	_, err = cn.iam().PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: doc("arn:aws-cn:logs:*:*:*")})
	ok(t, err, "PutRolePolicy of the partition's resource")
	for call, f := range map[string]func(string) error{
		"PutRolePolicy": func(r string) error {
			_, err := cn.iam().PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: doc(r)})
			return err
		},
		"CreatePolicy": func(r string) error {
			_, err := cn.iam().CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("P")), PolicyDocument: doc(r)})
			return err
		},
	} {
		t.Run(call, func(t *testing.T) {
			err := f("arn:aws:logs:*:*:*")
			wantIAMError(t, err, "MalformedPolicyDocument", http.StatusBadRequest, nil)
			var api smithy.APIError
			if errors.As(err, &api) && api.ErrorMessage() != `Partition "aws" is not valid for resource "arn:aws:logs:*:*:*".` {
				t.Errorf("%s: got message %q, want IAM's", call, api.ErrorMessage())
			}
		})
	}
	_, err = cn.iam().CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(uniqueName("Bad")), AssumeRolePolicyDocument: aws.String(policyJSON(t,
		map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::" + s.accountID + ":root"}, "Action": "sts:AssumeRole"}))})
	wantIAMError(t, err, "MalformedPolicyDocument", http.StatusBadRequest, nil)
	var api smithy.APIError
	if want := `Invalid principal in policy: "AWS":"arn:aws:iam::` + s.accountID + `:root"`; errors.As(err, &api) && api.ErrorMessage() != want {
		t.Errorf("CreateRole: got message %q, want %q", api.ErrorMessage(), want)
	}

	// An AWS managed policy exists in the partition's IAM only.
	_, err = cn.iam().AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(name), PolicyArn: aws.String("arn:aws-cn:iam::aws:policy/ReadOnlyAccess")})
	ok(t, err, "AttachRolePolicy of the partition's AWS managed policy")
	for _, call := range []struct {
		name string
		f    func() error
	}{
		{"AttachRolePolicy", func() error {
			_, err := cn.iam().AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(name), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			return err
		}},
		{"PutRolePermissionsBoundary", func() error {
			_, err := cn.iam().PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(name), PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			return err
		}},
	} {
		wantIAMError(t, call.f(), "NoSuchEntity", http.StatusNotFound, nil)
	}
}
