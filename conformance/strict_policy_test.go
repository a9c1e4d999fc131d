package conformance

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestStrictRolePolicies: in strict mode a guest's credentials may call a
// developer operation exactly where its role's permission policies, made
// through IAM, allow it: on the pool the policy names and not on another,
// and never where an explicit Deny says no, whatever an Allow says.
func TestStrictRolePolicies(t *testing.T) {
	s, _ := strictServer(t, true)
	ctx := context.Background()
	dev := s.iamWith(aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey})

	allowedPool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	otherPool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	role := "PolicyGuest" + uniqueName("")
	_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(cognitoTrust(t, allowedPool, "unauthenticated")),
	})
	ok(t, err, "CreateRole")
	_, err = dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
		RoleName: aws.String(role), PolicyName: aws.String("developer-reads"),
		PolicyDocument: aws.String(policyJSON(t,
			map[string]any{"Effect": "Allow", "Action": "cognito-identity:*", "Resource": s.poolARN(allowedPool)},
			map[string]any{"Effect": "Deny", "Action": "cognito-identity:LookupDeveloperIdentity", "Resource": "*"},
		)),
	})
	ok(t, err, "PutRolePolicy")
	_, err = s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(allowedPool), Roles: map[string]string{"unauthenticated": s.roleARN(role)},
	})
	ok(t, err, "SetIdentityPoolRoles")

	guest, _ := s.enhancedCreds(t, s.guestID(t, allowedPool), nil)
	c := s.identityWith(guest)
	arn := s.assumedARN(role, "CognitoIdentityCredentials")

	_, err = c.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(allowedPool)})
	ok(t, err, "DescribeIdentityPool of the pool the role's policy allows")
	_, err = c.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(otherPool)})
	wantAPIError(t, err, codeDenied, msgDenied(arn, "cognito-identity:DescribeIdentityPool", s.poolARN(otherPool)))
	_, err = c.LookupDeveloperIdentity(ctx, &cognitoidentity.LookupDeveloperIdentityInput{
		IdentityPoolId: aws.String(allowedPool), DeveloperUserIdentifier: aws.String("someone"),
	})
	wantAPIError(t, err, codeDenied, msgDenied(arn, "cognito-identity:LookupDeveloperIdentity", s.poolARN(allowedPool)))

	// Without the policy the role gives what AWS's default roles give.
	_, err = dev.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("developer-reads")})
	ok(t, err, "DeleteRolePolicy")
	_, err = c.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(allowedPool)})
	wantAPIError(t, err, codeDenied, msgDenied(arn, "cognito-identity:DescribeIdentityPool", s.poolARN(allowedPool)))
}
