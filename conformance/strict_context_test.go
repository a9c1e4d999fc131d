package conformance

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	awsv1 "github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/service/cognitosync"
)

// authorizeDecision asks POST /_idpool/authorize about the session of
// token and returns its Decision.
func (s *server) authorizeDecision(t *testing.T, token, action, resource string, ctx map[string][]string) string {
	t.Helper()
	d, _ := s.authorizeMatches(t, token, action, resource, ctx)
	return d
}

// authorizeMatches asks POST /_idpool/authorize whether the credentials of
// token may do action on resource with the request keys ctx, and returns
// its decision and the PolicyType and PolicyId of each statement it
// matched.
func (s *server) authorizeMatches(t *testing.T, token, action, resource string, ctx map[string][]string) (decision string, matched []string) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"SessionToken": token, "Action": action, "Resource": resource, "Context": ctx})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, s.endpoint+"/_idpool/authorize", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	res := s.do(t, req)
	var out struct {
		Decision          string
		MatchedStatements []struct{ PolicyId, PolicyType string }
	}
	if err := json.Unmarshal(res.body, &out); err != nil || res.status != http.StatusOK {
		t.Fatalf("/_idpool/authorize: got status %d %s, want 200", res.status, res.body)
	}
	for _, m := range out.MatchedStatements {
		matched = append(matched, m.PolicyType+" "+m.PolicyId)
	}
	return out.Decision, matched
}

// policySession makes a role that the account trusts, with statement as
// its one inline policy, and returns its name and the credentials of its
// session named session, assumed with an IAM user's keys (assumerKeys).
func (s *server) policySession(t *testing.T, prefix, session string, statement map[string]any) (string, aws.Credentials) {
	t.Helper()
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	role := uniqueName(prefix)
	trust := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole",
		"Principal": map[string]any{"AWS": "arn:aws:iam::" + s.accountID + ":root"}})
	_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(trust)})
	ok(t, err, "CreateRole")
	_, err = dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("policy"),
		PolicyDocument: aws.String(policyJSON(t, statement))})
	ok(t, err, "PutRolePolicy")
	out, err := s.stsWith(assumerKeys()).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(s.roleARN(role)), RoleSessionName: aws.String(session)})
	ok(t, err, "AssumeRole")
	return role, fromSTS(t, out.Credentials)
}

// TestStrictGlobalKeys: in strict mode a role's policy conditioned on the
// request's global keys (the time, the caller's address, TLS, the region)
// or on the session's issue time decides as on AWS, for idpool's own
// operations and for /_idpool/authorize, which takes the time and the
// issue time itself and the request's keys from its caller.
func TestStrictGlobalKeys(t *testing.T) {
	s, _ := strictServer(t, true)
	ctx := context.Background()
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})

	tests := []struct {
		name      string
		condition map[string]any
		allowed   bool // DescribeIdentityPool with the session's credentials
		// authorize is /_idpool/authorize's decision with no Context, and
		// authorizeCtx its decision with context.
		authorize, authorizeCtx string
		context                 map[string][]string
	}{
		{name: "current time before", condition: map[string]any{"DateLessThan": map[string]any{"aws:CurrentTime": "2100-01-01T00:00:00Z"}},
			allowed: true, authorize: "allowed",
			context: map[string][]string{"aws:CurrentTime": {"2101-01-01T00:00:00Z"}}, authorizeCtx: "implicitDeny"},
		{name: "current time after", condition: map[string]any{"DateGreaterThan": map[string]any{"aws:CurrentTime": "2100-01-01T00:00:00Z"}},
			authorize: "implicitDeny"},
		{name: "epoch time", condition: map[string]any{"NumericGreaterThan": map[string]any{"aws:EpochTime": "1"}},
			allowed: true, authorize: "allowed"},
		{name: "source ip", condition: map[string]any{"IpAddress": map[string]any{"aws:SourceIp": "127.0.0.0/8"}},
			allowed: true, authorize: "implicitDeny",
			context: map[string][]string{"aws:SourceIp": {"127.0.0.1"}}, authorizeCtx: "allowed"},
		{name: "other source ip", condition: map[string]any{"IpAddress": map[string]any{"aws:SourceIp": "203.0.113.0/24"}},
			authorize: "implicitDeny"},
		{name: "requested region", condition: map[string]any{"StringEquals": map[string]any{"aws:RequestedRegion": region}},
			allowed: true, authorize: "implicitDeny",
			context: map[string][]string{"aws:RequestedRegion": {region}}, authorizeCtx: "allowed"},
		{name: "other requested region", condition: map[string]any{"StringEquals": map[string]any{"aws:RequestedRegion": "ap-south-1"}},
			authorize: "implicitDeny"},
		{name: "plain HTTP", condition: map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
			allowed: true, authorize: "implicitDeny",
			context: map[string][]string{"aws:SecureTransport": {"false"}}, authorizeCtx: "allowed"},
		{name: "TLS only", condition: map[string]any{"Bool": map[string]any{"aws:SecureTransport": "true"}},
			authorize: "implicitDeny"},
		{name: "token issued after", condition: map[string]any{"DateGreaterThan": map[string]any{"aws:TokenIssueTime": "2000-01-01T00:00:00Z"}},
			allowed: true, authorize: "allowed",
			// The session's issue time is its own: a caller cannot move it.
			context: map[string][]string{"aws:TokenIssueTime": {"1999-01-01T00:00:00Z"}}, authorizeCtx: "allowed"},
		{name: "token issued before", condition: map[string]any{"DateLessThan": map[string]any{"aws:TokenIssueTime": "2000-01-01T00:00:00Z"}},
			authorize: "implicitDeny",
			context:   map[string][]string{"aws:TokenIssueTime": {"1999-01-01T00:00:00Z"}}, authorizeCtx: "implicitDeny"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			role, c := s.policySession(t, "Cond", "cond", map[string]any{
				"Effect": "Allow", "Action": "cognito-identity:DescribeIdentityPool", "Resource": "*", "Condition": tt.condition,
			})

			_, err := s.identityWith(c).DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(pool)})
			if tt.allowed {
				ok(t, err, "DescribeIdentityPool")
			} else {
				wantAPIError(t, err, codeDenied, msgDenied(s.assumedARN(role, "cond"), "cognito-identity:DescribeIdentityPool", s.poolARN(pool)))
			}
			if got := s.authorizeDecision(t, c.SessionToken, "cognito-identity:DescribeIdentityPool", s.poolARN(pool), nil); got != tt.authorize {
				t.Errorf("/_idpool/authorize: got %s, want %s", got, tt.authorize)
			}
			if tt.context != nil {
				if got := s.authorizeDecision(t, c.SessionToken, "cognito-identity:DescribeIdentityPool", s.poolARN(pool), tt.context); got != tt.authorizeCtx {
					t.Errorf("/_idpool/authorize with Context %v: got %s, want %s", tt.context, got, tt.authorizeCtx)
				}
			}
		})
	}
}

// TestAuthorizeContextCannotImpersonate: the Context a caller gives
// /_idpool/authorize describes the request, never the principal: naming
// another identity's sub or a principal tag there changes nothing.
func TestAuthorizeContextCannotImpersonate(t *testing.T) {
	s := testServer(t)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	role := uniqueName("Guest")
	trust := policyJSON(t, anyPoolTrust())
	_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(trust)})
	ok(t, err, "CreateRole")
	_, err = dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("own"),
		PolicyDocument: aws.String(policyJSON(t,
			map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/${cognito-identity.amazonaws.com:sub}/*"},
			map[string]any{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*",
				"Condition": map[string]any{"StringEquals": map[string]any{"aws:PrincipalTag/team": "admin"}}},
		))})
	ok(t, err, "PutRolePolicy")
	pool := s.rolePool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true},
		map[string]string{"unauthenticated": s.roleARN(role)})
	guest := s.guestID(t, pool)
	c, _ := s.enhancedCreds(t, guest, nil)

	tests := []struct {
		name, action, resource string
		context                map[string][]string
		want                   string
	}{
		{"own prefix", "s3:GetObject", "arn:aws:s3:::bucket/" + guest + "/x", nil, "allowed"},
		{"victim's prefix", "s3:GetObject", "arn:aws:s3:::bucket/victim/x", nil, "implicitDeny"},
		{"victim's prefix with the victim's sub", "s3:GetObject", "arn:aws:s3:::bucket/victim/x",
			map[string][]string{"cognito-identity.amazonaws.com:sub": {"victim"}}, "implicitDeny"},
		{"victim's prefix with the victim's sub spelt otherwise", "s3:GetObject", "arn:aws:s3:::bucket/victim/x",
			map[string][]string{"Cognito-Identity.amazonaws.com:SUB": {"victim"}}, "implicitDeny"},
		{"own prefix with the victim's sub", "s3:GetObject", "arn:aws:s3:::bucket/" + guest + "/x",
			map[string][]string{"cognito-identity.amazonaws.com:sub": {"victim"}}, "allowed"},
		{"a principal tag the session lacks", "s3:PutObject", "arn:aws:s3:::bucket/x",
			map[string][]string{"aws:PrincipalTag/team": {"admin"}}, "implicitDeny"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.authorizeDecision(t, c.SessionToken, tt.action, tt.resource, tt.context); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestStrictOwnSyncDeny: an identity reaches its own Cognito Sync data in
// strict mode as its role's policy allows it (the Cognito Developer
// Guide's own-data statement), an explicit Deny in its role's policies
// refuses it, as AWS refuses it, and without the statement nothing
// grants it.
func TestStrictOwnSyncDeny(t *testing.T) {
	s, _ := strictServer(t, true)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	role := uniqueName("Auth")
	_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(cognitoTrust(t, pool, "unauthenticated"))})
	ok(t, err, "CreateRole")
	own := "arn:aws:cognito-sync:" + region + ":" + s.accountID + ":identitypool/" + pool + "/identity/${cognito-identity.amazonaws.com:sub}/*"
	_, err = dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("own"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "cognito-sync:*", "Resource": own}))})
	ok(t, err, "PutRolePolicy own")
	_, err = dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("read-only"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Deny", "Action": "cognito-sync:UpdateRecords", "Resource": "*"}))})
	ok(t, err, "PutRolePolicy read-only")
	_, err = s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(pool), Roles: map[string]string{"unauthenticated": s.roleARN(role)},
	})
	ok(t, err, "SetIdentityPoolRoles")
	id := s.guestID(t, pool)
	c, _ := s.enhancedCreds(t, id, nil)
	sc := s.syncWith(t, c)

	update := func() error {
		t.Helper()
		list, err := sc.ListRecords(&cognitosync.ListRecordsInput{
			IdentityPoolId: awsv1.String(pool), IdentityId: awsv1.String(id), DatasetName: awsv1.String("profile"),
		})
		ok(t, err, "ListRecords of the identity's own dataset")
		var count int64 // the record's current count, as a client patches it
		for _, r := range list.Records {
			if awsv1.StringValue(r.Key) == "k" {
				count = awsv1.Int64Value(r.SyncCount)
			}
		}
		_, err = sc.UpdateRecords(&cognitosync.UpdateRecordsInput{
			IdentityPoolId: awsv1.String(pool), IdentityId: awsv1.String(id), DatasetName: awsv1.String("profile"),
			SyncSessionToken: list.SyncSessionToken, RecordPatches: []*cognitosync.RecordPatch{replacePatch("k", "v", count)},
		})
		return err
	}
	wantSyncError(t, update(), codeDenied, http.StatusForbidden,
		msgDenied(s.assumedARN(role, "CognitoIdentityCredentials"), "cognito-sync:UpdateRecords", s.syncARN(pool, id, "profile")))
	if got := s.authorizeDecision(t, c.SessionToken, "cognito-sync:UpdateRecords", s.syncARN(pool, id, "profile"), nil); got != "explicitDeny" {
		t.Errorf("/_idpool/authorize: got %s, want explicitDeny", got)
	}

	// Without the Deny, the role's own-data statement lets the identity
	// write its own data; without it too, nothing does: strict mode grants
	// Cognito Sync only as the role allows (before, a baseline it gave
	// every role let the identity write still).
	_, err = dev.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("read-only")})
	ok(t, err, "DeleteRolePolicy read-only")
	ok(t, update(), "UpdateRecords without the Deny")
	_, err = dev.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("own")})
	ok(t, err, "DeleteRolePolicy own")
	_, err = sc.ListRecords(&cognitosync.ListRecordsInput{IdentityPoolId: awsv1.String(pool), IdentityId: awsv1.String(id), DatasetName: awsv1.String("profile")})
	wantSyncError(t, err, codeDenied, http.StatusForbidden,
		msgDenied(s.assumedARN(role, "CognitoIdentityCredentials"), "cognito-sync:ListRecords", s.syncARN(pool, id, "profile")))
}

// TestStrictUnscopedActions: the Cognito Identity actions that have no
// resource type in the Service Authorization Reference (ListIdentityPools,
// CreateIdentityPool, SetIdentityPoolRoles…) are granted only by a
// statement on "*", not by one on the account's identity pools, while
// those that have one (DescribeIdentityPool) are.
func TestStrictUnscopedActions(t *testing.T) {
	s, _ := strictServer(t, true)
	ctx := context.Background()
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	pools := "arn:aws:cognito-identity:" + region + ":" + s.accountID + ":identitypool/*"

	for _, tt := range []struct {
		name, resource string
		unscoped       bool // whether the unscoped actions pass
	}{
		{"the account's pools", pools, false},
		{"every resource", "*", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			role, creds := s.policySession(t, "Pools", "ops", map[string]any{"Effect": "Allow", "Action": "cognito-identity:*", "Resource": tt.resource})
			c := s.identityWith(creds)
			arn := s.assumedARN(role, "ops")

			_, err := c.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(pool)})
			ok(t, err, "DescribeIdentityPool")
			noPool := "arn:aws:cognito-identity:" + region + ":" + s.accountID + ":identitypool/"
			calls := []struct {
				op, resource string
				call         func() error
			}{
				{"ListIdentityPools", noPool, func() error {
					_, err := c.ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(10)})
					return err
				}},
				{"CreateIdentityPool", noPool, func() error {
					_, err := c.CreateIdentityPool(ctx, &cognitoidentity.CreateIdentityPoolInput{IdentityPoolName: aws.String("byrole"), AllowUnauthenticatedIdentities: true})
					return err
				}},
				{"SetIdentityPoolRoles", s.poolARN(pool), func() error {
					_, err := c.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{IdentityPoolId: aws.String(pool), Roles: map[string]string{}})
					return err
				}},
			}
			for _, call := range calls {
				err := call.call()
				if tt.unscoped {
					ok(t, err, call.op)
				} else {
					wantAPIError(t, err, codeDenied, msgDenied(arn, "cognito-identity:"+call.op, call.resource))
				}
			}
		})
	}
}
