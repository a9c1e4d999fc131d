package conformance

import (
	"context"
	"net/http"
	"testing"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/service/cognitosync"
)

// syncPoolARN and syncIdentityARN are the ARNs of the Service
// Authorization Reference's identitypool and identity resource types of
// Cognito Sync (list_amazoncognitosync).
func (s *server) syncPoolARN(pool string) string {
	return "arn:aws:cognito-sync:" + region + ":" + s.accountID + ":identitypool/" + pool
}

func (s *server) syncIdentityARN(pool, id string) string {
	return s.syncPoolARN(pool) + "/identity/" + id
}

// TestStrictSyncResourceTypes: strict mode decides each Cognito Sync
// action on the ARN of its resource type in the Service Authorization
// Reference (list_amazoncognitosync): SetCognitoEvents,
// DescribeIdentityPoolUsage and the other pool-level actions on the
// identitypool (…:identitypool/<pool>), DescribeIdentityUsage and
// RegisterDevice on the identity (…/identity/<id>), and the dataset
// actions, ListDatasets included, on the dataset
// (…/identity/<id>/dataset/<name>). So a Deny on a pool's or an
// identity's ARN refuses the actions on them, an Allow on datasets only
// grants none of them, and an Allow on a pool's ARN grants its pool-level
// actions and nothing else. The refusal still names the dataset-shaped
// ARN, with "null" for what the request does not name, as AWS's does
// (aws/aws-sdk-java#1912).
func TestStrictSyncResourceTypes(t *testing.T) {
	t.Parallel()
	s, dev, userARN, name, keys := strictUser(t)
	ctx := context.Background()
	p := newSyncPool(t, s)
	owner := p.guest(t)
	owner.write(t, "notes", replacePatch("k", "v", 0))
	c := s.syncWith(t, keys)
	pool, id := p.id, owner.id

	ops := []struct {
		op       string
		resource string // the refusal's
		call     func() error
	}{
		{"GetCognitoEvents", s.syncARN(pool, "null", "null"), func() error {
			_, err := c.GetCognitoEvents(&cognitosync.GetCognitoEventsInput{IdentityPoolId: aws.String(pool)})
			return err
		}},
		{"DescribeIdentityPoolUsage", s.syncARN(pool, "null", "null"), func() error {
			_, err := c.DescribeIdentityPoolUsage(&cognitosync.DescribeIdentityPoolUsageInput{IdentityPoolId: aws.String(pool)})
			return err
		}},
		{"DescribeIdentityUsage", s.syncARN(pool, id, "null"), func() error {
			_, err := c.DescribeIdentityUsage(&cognitosync.DescribeIdentityUsageInput{IdentityPoolId: aws.String(pool), IdentityId: aws.String(id)})
			return err
		}},
		{"ListDatasets", s.syncARN(pool, id, "null"), func() error {
			_, err := c.ListDatasets(&cognitosync.ListDatasetsInput{IdentityPoolId: aws.String(pool), IdentityId: aws.String(id)})
			return err
		}},
		{"DescribeDataset", s.syncARN(pool, id, "notes"), func() error {
			_, err := c.DescribeDataset(&cognitosync.DescribeDatasetInput{IdentityPoolId: aws.String(pool), IdentityId: aws.String(id), DatasetName: aws.String("notes")})
			return err
		}},
	}
	all := map[string]any{"Effect": "Allow", "Action": "cognito-sync:*", "Resource": "*"}
	tests := []struct {
		name       string
		statements []map[string]any
		allowed    map[string]bool
	}{
		{"a Deny on the pool's and the identity's ARNs", []map[string]any{all,
			{"Effect": "Deny", "Action": "cognito-sync:*", "Resource": []string{s.syncPoolARN(pool), s.syncIdentityARN(pool, id)}}},
			map[string]bool{"ListDatasets": true, "DescribeDataset": true}},
		{"an Allow on datasets only", []map[string]any{
			{"Effect": "Allow", "Action": "cognito-sync:*", "Resource": "arn:aws:cognito-sync:*:*:identitypool/*/identity/*/dataset/*"}},
			map[string]bool{"ListDatasets": true, "DescribeDataset": true}},
		{"an Allow on the pool's ARN", []map[string]any{
			{"Effect": "Allow", "Action": "cognito-sync:*", "Resource": s.syncPoolARN(pool)}},
			map[string]bool{"GetCognitoEvents": true, "DescribeIdentityPoolUsage": true}},
		{"an Allow on the identity's ARN", []map[string]any{
			{"Effect": "Allow", "Action": "cognito-sync:*", "Resource": s.syncIdentityARN(pool, id)}},
			map[string]bool{"DescribeIdentityUsage": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: awsv2.String(name), PolicyName: awsv2.String("sync"),
				PolicyDocument: awsv2.String(policyJSON(t, tt.statements...))})
			ok(t, err, "PutUserPolicy")
			for _, o := range ops {
				err := o.call()
				if tt.allowed[o.op] {
					if err != nil {
						t.Errorf("%s: got %v, want it allowed", o.op, err)
					}
					continue
				}
				if err == nil {
					t.Errorf("%s: got it allowed, want %s", o.op, codeDenied)
					continue
				}
				wantSyncError(t, err, codeDenied, http.StatusForbidden, msgDenied(userARN, "cognito-sync:"+o.op, o.resource))
			}
		})
	}
}

// TestStrictSyncRoleDecides: strict mode gives an identity's credentials
// Cognito Sync only as their role's policies allow it, as AWS does: the
// Cognito Developer Guide (iam-roles.html) says "For Amazon Cognito to
// work, the IAM policy must at least enable access to the Amazon Cognito
// store for each identity", with a statement allowing cognito-sync:* on
// …:identitypool/${cognito-identity.amazonaws.com:aud}/identity/${cognito-identity.amazonaws.com:sub}/*.
// A role without it is refused even the identity's own data; with it, the
// session's policies cap it (IAM User Guide, "Session policies"), so does
// the role's permissions boundary, and the sessions of a role IAM no
// longer holds have none of it. (This was TestStrictSyncBaselineCapped,
// which pinned a cognito-sync:* grant strict mode gave every role, 081b855,
// as if every role had the console's default policy.)
func TestStrictSyncRoleDecides(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	role, p := guestSyncRole(t, s, "SyncCapped")
	pool := p.id
	s3Only := map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
	// ownData is the guide's statement.
	ownData := map[string]any{"Effect": "Allow", "Action": "cognito-sync:*", "Resource": []any{
		"arn:aws:cognito-sync:" + region + ":" + s.accountID + ":identitypool/${cognito-identity.amazonaws.com:aud}/identity/${cognito-identity.amazonaws.com:sub}/*"}}
	putOwnData := func(t *testing.T) {
		t.Helper()
		_, err := dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: awsv2.String(role), PolicyName: awsv2.String("sync"),
			PolicyDocument: awsv2.String(policyJSON(t, ownData))})
		ok(t, err, "PutRolePolicy")
	}

	// list fails t unless ListRecords of u's own dataset is refused
	// (denied) or passes.
	list := func(t *testing.T, what string, u *syncUser, arn string, denied bool) {
		t.Helper()
		_, err := u.list("notes", 0)
		if !denied {
			ok(t, err, what)
			return
		}
		wantSyncError(t, err, codeDenied, http.StatusForbidden, msgDenied(arn, "cognito-sync:ListRecords", s.syncARN(pool, u.id, "notes")))
	}

	arn := s.assumedARN(role, "CognitoIdentityCredentials")
	t.Run("role policy", func(t *testing.T) {
		u := p.guest(t)
		list(t, "ListRecords with no cognito-sync statement", u, arn, true)
		putOwnData(t)
		list(t, "ListRecords with the guide's statement", u, arn, false)
	})

	t.Run("session policy", func(t *testing.T) {
		id, token := s.guestToken(t, pool)
		for _, tt := range []struct {
			name   string
			policy *string
			denied bool
		}{
			{"none", nil, false},
			{"s3 only", awsv2.String(policyJSON(t, s3Only)), true},
			{"Cognito Sync", awsv2.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "cognito-sync:*", "Resource": "*"})), false},
		} {
			t.Run(tt.name, func(t *testing.T) {
				out, err := s.stsFor(awsv2.AnonymousCredentials{}).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
					RoleArn: awsv2.String(s.roleARN(role)), RoleSessionName: awsv2.String("web"), WebIdentityToken: awsv2.String(token), Policy: tt.policy})
				ok(t, err, "AssumeRoleWithWebIdentity")
				c := fromSTS(t, out.Credentials)
				u := &syncUser{pool: pool, id: id, c: s.syncWith(t, c)}
				list(t, "ListRecords of its own dataset", u, awsv2.ToString(out.AssumedRoleUser.Arn), tt.denied)
			})
		}
	})

	t.Run("permissions boundary", func(t *testing.T) {
		bnd := s.boundaryPolicy(t, s3Only)
		_, err := dev.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: awsv2.String(role), PermissionsBoundary: awsv2.String(bnd)})
		ok(t, err, "PutRolePermissionsBoundary")
		u := p.guest(t)
		list(t, "ListRecords under a boundary of s3 only", u, arn, true)
		_, err = dev.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: awsv2.String(role)})
		ok(t, err, "DeleteRolePermissionsBoundary")
		list(t, "ListRecords without the boundary", u, arn, false)
	})

	t.Run("deleted role", func(t *testing.T) {
		u := p.guest(t)
		list(t, "ListRecords before DeleteRole", u, arn, false)
		_, err := dev.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: awsv2.String(role), PolicyName: awsv2.String("sync")})
		ok(t, err, "DeleteRolePolicy")
		_, err = dev.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: awsv2.String(role)})
		ok(t, err, "DeleteRole")
		list(t, "ListRecords after DeleteRole", u, arn, true)
		_, err = dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: awsv2.String(role), AssumeRolePolicyDocument: awsv2.String(policyJSON(t, anyPoolTrust()))})
		ok(t, err, "CreateRole again")
		putOwnData(t)
		list(t, "ListRecords once a role of its name is created again", u, arn, true)
		list(t, "ListRecords with new credentials of the new role", p.guest(t), arn, false)
	})
}

// TestStrictSyncPassRole: SetIdentityPoolConfiguration gives the pool the
// roles of CognitoStreams and PushSync, which Cognito Sync assumes: the
// Service Authorization Reference lists iam:PassRole as a dependent action
// of cognito-sync:SetIdentityPoolConfiguration, so strict mode wants the
// caller's policies to allow iam:PassRole on each, with
// iam:PassedToService cognito-sync.amazonaws.com, as it does for
// SetIdentityPoolRoles. The refusal names the role, and the pool keeps its
// configuration.
func TestStrictSyncPassRole(t *testing.T) {
	t.Parallel()
	s, dev, userARN, name, keys := strictUser(t)
	ctx := context.Background()
	p := newSyncPool(t, s)
	streams, push := s.roleARN(uniqueName("Streams")), s.roleARN(uniqueName("Push"))
	c := s.syncWith(t, keys)
	configure := func(stream, pushRole string) error {
		in := &cognitosync.SetIdentityPoolConfigurationInput{IdentityPoolId: aws.String(p.id)}
		if stream != "" {
			in.CognitoStreams = &cognitosync.CognitoStreams{StreamName: aws.String("s"), RoleArn: aws.String(stream), StreamingStatus: aws.String("ENABLED")}
		}
		if pushRole != "" {
			in.PushSync = &cognitosync.PushSync{ApplicationArns: []*string{aws.String(s.snsAppARN("GCM", "app"))}, RoleArn: aws.String(pushRole)}
		}
		_, err := c.SetIdentityPoolConfiguration(in)
		return err
	}
	set := map[string]any{"Effect": "Allow", "Action": "cognito-sync:SetIdentityPoolConfiguration", "Resource": s.syncPoolARN(p.id)}
	pass := func(role, service string) map[string]any {
		return map[string]any{"Effect": "Allow", "Action": "iam:PassRole", "Resource": role,
			"Condition": map[string]any{"StringEquals": map[string]any{"iam:PassedToService": service}}}
	}
	tests := []struct {
		name       string
		statements []map[string]any
		stream     string
		push       string
		refused    string // the role refused, "" when it passes
	}{
		{"no iam:PassRole", []map[string]any{set}, streams, "", streams},
		{"iam:PassRole to Cognito Identity", []map[string]any{set, pass(streams, "cognito-identity.amazonaws.com")}, streams, "", streams},
		{"iam:PassRole to Cognito Sync", []map[string]any{set, pass(streams, "cognito-sync.amazonaws.com")}, streams, "", ""},
		{"the push role not passed", []map[string]any{set, pass(streams, "cognito-sync.amazonaws.com")}, streams, push, push},
		{"both passed", []map[string]any{set, pass(streams, "cognito-sync.amazonaws.com"), pass(push, "cognito-sync.amazonaws.com")}, streams, push, ""},
		{"no role given", []map[string]any{set}, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.dev.SetIdentityPoolConfiguration(&cognitosync.SetIdentityPoolConfigurationInput{IdentityPoolId: aws.String(p.id),
				CognitoStreams: &cognitosync.CognitoStreams{StreamName: aws.String("before"), RoleArn: aws.String(s.roleARN("Before")), StreamingStatus: aws.String("DISABLED")}})
			ok(t, err, "SetIdentityPoolConfiguration with the developer's keys")
			_, err = dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: awsv2.String(name), PolicyName: awsv2.String("sync"),
				PolicyDocument: awsv2.String(policyJSON(t, tt.statements...))})
			ok(t, err, "PutUserPolicy")
			err = configure(tt.stream, tt.push)
			if tt.refused == "" {
				ok(t, err, "SetIdentityPoolConfiguration")
				return
			}
			wantSyncError(t, err, codeDenied, http.StatusForbidden, msgDenied(userARN, "iam:PassRole", tt.refused))
			got, err := p.dev.GetIdentityPoolConfiguration(&cognitosync.GetIdentityPoolConfigurationInput{IdentityPoolId: aws.String(p.id)})
			ok(t, err, "GetIdentityPoolConfiguration")
			if got.CognitoStreams == nil || aws.StringValue(got.CognitoStreams.StreamName) != "before" ||
				got.PushSync != nil && aws.StringValue(got.PushSync.RoleArn) == tt.push {
				t.Errorf("got the pool's configuration %v after the refusal, want it unchanged", got)
			}
		})
	}

	// Bodies no SDK sends, which must not show authorization a role the
	// operation does not take: the codec reads members by their exact
	// name, the last copy winning, and drops those the model lacks.
	_, err := dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: awsv2.String(name), PolicyName: awsv2.String("sync"),
		PolicyDocument: awsv2.String(policyJSON(t, set, pass(streams, "cognito-sync.amazonaws.com")))})
	ok(t, err, "PutUserPolicy")
	u := &syncUser{creds: credentials.NewStaticCredentials(keys.AccessKeyID, keys.SecretAccessKey, keys.SessionToken)}
	stream := func(role string) string {
		return `{"StreamName":"s","StreamingStatus":"ENABLED","RoleArn":"` + role + `"}`
	}
	for _, tc := range []struct{ name, body string }{
		{"a copy in another case", `{"CognitoStreams":` + stream(push) + `,"cognitoStreams":` + stream(streams) + `}`},
		{"a role member in another case", `{"PushSync":{"RoleArn":"` + push + `","roleArn":"` + streams + `"}}`},
		{"a member of the wrong type in another case", `{"PushSync":{"RoleArn":"` + push + `"},"pushsync":1}`},
		{"the member given twice", `{"CognitoStreams":` + stream(streams) + `,"CognitoStreams":` + stream(push) + `}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := u.raw(t, s, http.MethodPost, "/identitypools/"+escapeLabel(p.id)+"/configuration", "application/json", tc.body)
			wantRefused(t, res, http.StatusForbidden, codeDenied, msgDenied(userARN, "iam:PassRole", push))
		})
	}

	// An identity's credentials, which Cognito Sync refuses a pool's
	// configuration, get that refusal whatever role the body names.
	_, err = p.guest(t).c.SetIdentityPoolConfiguration(&cognitosync.SetIdentityPoolConfigurationInput{IdentityPoolId: aws.String(p.id),
		PushSync: &cognitosync.PushSync{ApplicationArns: []*string{aws.String(s.snsAppARN("GCM", "app"))}, RoleArn: aws.String(push)}})
	wantSyncError(t, err, codeNotAuthorized, http.StatusForbidden, msgSyncForbidden)
}

// TestStrictGlobalRequestKeys: the permission policies of a signed
// request see aws:PrincipalIsAWSService "false" (present for every signed
// request; true only for an AWS service principal), aws:ViaAWSService
// "false" (always present; false for a direct call) and
// aws:ResourceAccount, the account that owns the resource (present for
// most actions), as the IAM User Guide's "AWS global condition context
// keys" gives their availability: a Deny conditioned on any of them
// refuses an IAM user's request and an identity's own Cognito Sync data,
// and one on another account's resources does not.
func TestStrictGlobalRequestKeys(t *testing.T) {
	t.Parallel()
	s, dev, userARN, name, keys := strictUser(t)
	ctx := context.Background()
	p := newSyncPool(t, s)
	guest := p.guest(t)
	describe := func() error {
		_, err := s.identityWith(keys).DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: awsv2.String(p.id)})
		return err
	}
	roleDev := s.iamWith(developerKeys())
	tests := []struct {
		name      string
		condition map[string]any
		denied    bool
	}{
		{"aws:PrincipalIsAWSService false", map[string]any{"Bool": map[string]any{"aws:PrincipalIsAWSService": "false"}}, true},
		{"aws:ViaAWSService false", map[string]any{"Bool": map[string]any{"aws:ViaAWSService": "false"}}, true},
		{"aws:ResourceAccount the account", map[string]any{"StringEquals": map[string]any{"aws:ResourceAccount": s.accountID}}, true},
		{"aws:ResourceAccount present", map[string]any{"Null": map[string]any{"aws:ResourceAccount": "false"}}, true},
		{"aws:ResourceAccount another account", map[string]any{"StringEquals": map[string]any{"aws:ResourceAccount": "999999999999"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: awsv2.String(name), PolicyName: awsv2.String("keys"),
				PolicyDocument: awsv2.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"},
					map[string]any{"Effect": "Deny", "Action": "cognito-identity:DescribeIdentityPool", "Resource": "*", "Condition": tt.condition}))})
			ok(t, err, "PutUserPolicy")
			_, err = roleDev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: awsv2.String("SyncGuest"), PolicyName: awsv2.String("keys"),
				PolicyDocument: awsv2.String(policyJSON(t, map[string]any{"Effect": "Deny", "Action": "cognito-sync:ListRecords",
					"Resource": s.syncARN(p.id, guest.id, "*"), "Condition": tt.condition}))})
			ok(t, err, "PutRolePolicy")
			_, syncErr := guest.list("notes", 0)
			if !tt.denied {
				ok(t, describe(), "DescribeIdentityPool")
				ok(t, syncErr, "ListRecords of the guest's own dataset")
				return
			}
			wantAPIError(t, describe(), codeDenied, msgDenied(userARN, "cognito-identity:DescribeIdentityPool", s.poolARN(p.id)))
			wantSyncError(t, syncErr, codeDenied, http.StatusForbidden,
				msgDenied(s.assumedARN("SyncGuest", "CognitoIdentityCredentials"), "cognito-sync:ListRecords", s.syncARN(p.id, guest.id, "notes")))
		})
	}
}
