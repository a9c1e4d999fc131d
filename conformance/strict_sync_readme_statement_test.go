package conformance

import (
	"context"
	"net/http"
	"testing"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/service/cognitosync"
)

// guestSyncRole creates a role of a unique name that trusts every pool's
// identities, with no policy, and a pool ready for Cognito Sync whose
// unauthenticated role it is. It returns the role's name and the pool.
func guestSyncRole(t *testing.T, s *server, prefix string) (string, *syncPool) {
	t.Helper()
	ctx := context.Background()
	role := uniqueName(prefix)
	_, err := s.iamWith(developerKeys()).CreateRole(ctx, &iam.CreateRoleInput{RoleName: awsv2.String(role),
		AssumeRolePolicyDocument: awsv2.String(policyJSON(t, anyPoolTrust()))})
	ok(t, err, "CreateRole")
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	_, err = s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{IdentityPoolId: awsv2.String(pool),
		Roles: map[string]string{"unauthenticated": s.roleARN(role)}})
	ok(t, err, "SetIdentityPoolRoles")
	return role, &syncPool{s: s, id: pool, dev: newSyncClient(t, s.endpoint, credentials.NewStaticCredentials(accessKey, secretKey, ""))}
}

// TestStrictSyncReadmeStatement: the role statement README suggests for
// Cognito Sync, cognito-sync:* on both the identity's ARN and what is under
// it (…/identity/${sub} and …/identity/${sub}/*), lets a guest's
// GetCredentialsForIdentity credentials do everything an app does with its
// own data: ListRecords and UpdateRecords (on the dataset),
// DescribeIdentityUsage and RegisterDevice, which the Service
// Authorization Reference (list_amazoncognitosync) puts on the identity
// resource type, …:identitypool/<pool>/identity/<id>, which the Developer
// Guide's statement (…/identity/${sub}/* alone, iam-roles.html) does not
// match: with it those two are AccessDeniedException.
func TestStrictSyncReadmeStatement(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	role, p := guestSyncRole(t, s, "SyncReadme")
	pool := p.id
	push := s.createRole(t, "SyncReadmePush", map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": "cognito-sync.amazonaws.com"}, "Action": "sts:AssumeRole"})
	_, err := p.dev.SetIdentityPoolConfiguration(&cognitosync.SetIdentityPoolConfigurationInput{IdentityPoolId: aws.String(pool),
		PushSync: &cognitosync.PushSync{ApplicationArns: []*string{aws.String(s.snsAppARN("GCM", "idpool"))}, RoleArn: aws.String(push)}})
	ok(t, err, "SetIdentityPoolConfiguration")

	identity := "arn:aws:cognito-sync:" + region + ":" + s.accountID + ":identitypool/${cognito-identity.amazonaws.com:aud}/identity/${cognito-identity.amazonaws.com:sub}"
	arn := s.assumedARN(role, "CognitoIdentityCredentials")
	for _, tt := range []struct {
		name      string
		resources []string
		denied    map[string]bool // the operations refused
	}{
		{"the Developer Guide's statement", []string{identity + "/*"}, map[string]bool{"DescribeIdentityUsage": true, "RegisterDevice": true}},
		{"README's statement", []string{identity, identity + "/*"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: awsv2.String(role), PolicyName: awsv2.String("sync"),
				PolicyDocument: awsv2.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "cognito-sync:*", "Resource": tt.resources}))})
			ok(t, err, "PutRolePolicy")
			u := p.guest(t)
			u.write(t, "notes", replacePatch("k", "v", 0)) // ListRecords, then UpdateRecords
			for _, o := range []struct {
				op, resource string
				call         func() error
			}{
				{"DescribeIdentityUsage", s.syncARN(pool, u.id, "null"), func() error {
					_, err := u.c.DescribeIdentityUsage(&cognitosync.DescribeIdentityUsageInput{IdentityPoolId: aws.String(pool), IdentityId: aws.String(u.id)})
					return err
				}},
				{"RegisterDevice", s.syncARN(pool, u.id, "null"), func() error {
					_, err := u.c.RegisterDevice(&cognitosync.RegisterDeviceInput{IdentityPoolId: aws.String(pool), IdentityId: aws.String(u.id),
						Platform: aws.String(cognitosync.PlatformGcm), Token: aws.String("gcm-token")})
					return err
				}},
			} {
				err := o.call()
				if !tt.denied[o.op] {
					ok(t, err, o.op+" of the guest's own identity")
					continue
				}
				wantSyncError(t, err, codeDenied, http.StatusForbidden, msgDenied(arn, "cognito-sync:"+o.op, o.resource))
			}
		})
	}
}
