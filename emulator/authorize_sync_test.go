package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/iam"
	"github.com/idpool/idpool/emulator/policy"
)

// TestAuthorizeStrictSync: /_idpool/authorize answers for issued
// credentials what strict mode and Cognito Sync decide together for the
// same principal, action and resource. An identity's credentials have
// Cognito Sync on their own identity's data only as their role's
// policies allow it, which the session's policies and the role's boundary
// cap and a Deny refuses, and which the session of a role IAM no longer
// holds lacks (until 081b855's baseline was removed, strict mode granted
// it to every role: the Cognito Developer Guide's iam-roles.html says the
// role's policy "must at least enable access to the Amazon Cognito store
// for each identity"); another identity's data, another pool's, and the pool's
// own actions are refused whatever the policies allow, as the service
// refuses them (NotAuthorizedException). The policies see
// aws:ViaAWSService "false" and aws:ResourceAccount, which Context may
// give, and aws:PrincipalIsAWSService "false", which it may not.
// (Before, an identity's own dataset was an implicitDeny, another's was
// allowed by a role allowing cognito-sync:*, and the two keys were
// absent.)
func TestAuthorizeStrictSync(t *testing.T) {
	ctx := t.Context()
	srv := strictServer(t)
	const (
		account = "123456789012"
		role    = "arn:aws:iam::" + account + ":role/SyncAuth"
		trust   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
		other   = "eu-central-1:99999999-bbbb-cccc-dddd-eeeeeeeeeeee"
		pools   = "arn:aws:cognito-sync:eu-central-1:" + account + ":identitypool/"
		own     = pools + testPool + "/identity/" + testIdentity
		s3Only  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
		sync    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cognito-sync:*","Resource":"*"}]}`
		object  = "arn:aws:s3:::bucket/k"
		// guideSync is the Cognito Developer Guide's (iam-roles.html)
		// statement giving an identity its own Cognito Sync store;
		// profileOnly its example of one dataset.
		guideSync = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cognito-sync:*","Resource":` +
			`["arn:aws:cognito-sync:*:` + account + `:identitypool/${cognito-identity.amazonaws.com:aud}/identity/${cognito-identity.amazonaws.com:sub}/*"]}]}`
		profileOnly = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cognito-sync:*","Resource":` +
			`["arn:aws:cognito-sync:*:` + account + `:identitypool/${cognito-identity.amazonaws.com:aud}/identity/${cognito-identity.amazonaws.com:sub}/dataset/UserProfile"]}]}`
	)
	// denyIf is a role policy that allows everything but what its
	// condition, on the global keys, denies.
	denyIf := func(action, condition string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},` +
			`{"Effect":"Deny","Action":"` + action + `","Resource":"*","Condition":` + condition + `}]}`
	}
	created, err := srv.iamSvc.CreateRole(ctx, &iam.CreateRoleInput{RoleName: "SyncAuth", AssumeRolePolicyDocument: trust})
	if err != nil {
		t.Fatal(err)
	}
	bounds := map[string]string{}
	for name, doc := range map[string]string{"S3Only": s3Only, "SyncOnly": sync} {
		mp, err := srv.iamSvc.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: name, PolicyDocument: doc})
		if err != nil {
			t.Fatal(err)
		}
		bounds[name] = mp.Policy.Arn
	}

	tests := []struct {
		name string
		// policy is the role's inline policy, none when ""; boundary the
		// name of its permissions boundary, none when "".
		policy, boundary string
		// sess holds the session's policies, and the role of a session of
		// another role than SyncAuth as IAM holds it (RoleARN, RoleID).
		sess creds.Session
		// noIdentity makes the credentials those of a role session of no
		// identity (AssumeRole).
		noIdentity       bool
		action, resource string
		context          map[string][]string
		want             string
		// by is the PolicyId of the first statement matched, when not "".
		by string
	}{
		// The identity's own data, as the role's policy allows it.
		{name: "own dataset, the role allowing no cognito-sync", action: "cognito-sync:ListRecords", resource: own + "/dataset/notes", want: "implicitDeny"},
		{name: "own dataset, the role allowing cognito-sync", policy: sync, action: "cognito-sync:ListRecords", resource: own + "/dataset/notes", want: "allowed", by: "p"},
		{name: "own dataset, action in lower case", policy: sync, action: "Cognito-Sync:listrecords", resource: own + "/dataset/notes", want: "allowed"},
		{name: "own datasets (ListDatasets)", policy: sync, action: "cognito-sync:ListDatasets", resource: own + "/dataset/null", want: "allowed"},
		{name: "own identity", policy: sync, action: "cognito-sync:DescribeIdentityUsage", resource: own, want: "allowed"},
		{name: "own device", policy: sync, action: "cognito-sync:RegisterDevice", resource: own, want: "allowed"},
		{name: "own dataset, the guide's own-data statement", policy: guideSync, action: "cognito-sync:UpdateRecords", resource: own + "/dataset/notes", want: "allowed"},
		{name: "own identity, the guide's own-data statement", policy: guideSync, action: "cognito-sync:DescribeIdentityUsage", resource: own, want: "implicitDeny"},
		{name: "own UserProfile dataset, a policy of it alone", policy: profileOnly, action: "cognito-sync:UpdateRecords", resource: own + "/dataset/UserProfile", want: "allowed"},
		{name: "another own dataset, a policy of UserProfile alone", policy: profileOnly, action: "cognito-sync:UpdateRecords", resource: own + "/dataset/notes", want: "implicitDeny"},
		// What Cognito Sync refuses an identity whatever its policies.
		{name: "another identity's dataset", action: "cognito-sync:ListRecords", resource: pools + testPool + "/identity/" + other + "/dataset/notes", want: "implicitDeny"},
		{name: "another identity's dataset, the role allowing it", policy: sync,
			action: "cognito-sync:UpdateRecords", resource: pools + testPool + "/identity/" + other + "/dataset/notes", want: "implicitDeny"},
		{name: "an identity of whose id its own is a prefix", policy: sync,
			action: "cognito-sync:ListRecords", resource: own + "0/dataset/notes", want: "implicitDeny"},
		{name: "its identity in another pool", policy: sync,
			action: "cognito-sync:ListRecords", resource: pools + "eu-central-1:other/identity/" + testIdentity + "/dataset/notes", want: "implicitDeny"},
		{name: "its data in another account", policy: sync,
			action: "cognito-sync:ListRecords", resource: "arn:aws:cognito-sync:eu-central-1:999999999999:identitypool/" + testPool + "/identity/" + testIdentity + "/dataset/notes",
			want: "implicitDeny"},
		{name: "a pool-level action on its pool", policy: sync, action: "cognito-sync:GetIdentityPoolConfiguration", resource: pools + testPool, want: "implicitDeny"},
		{name: "a pool-level action on its own identity", policy: sync, action: "cognito-sync:SetCognitoEvents", resource: own, want: "implicitDeny"},
		{name: "everything", policy: sync, action: "cognito-sync:ListRecords", resource: "*", want: "implicitDeny"},
		// A role session of no identity: the service
		// refuses it no identity's data.
		{name: "no identity, no policy", noIdentity: true, action: "cognito-sync:ListRecords", resource: own + "/dataset/notes", want: "implicitDeny"},
		{name: "no identity, the role allowing it", noIdentity: true, policy: sync,
			action: "cognito-sync:ListRecords", resource: pools + testPool + "/identity/" + other + "/dataset/notes", want: "allowed"},
		// The role's grant is capped, and refused by a Deny.
		{name: "a session policy of s3 only", policy: sync, sess: creds.Session{Policy: s3Only}, action: "cognito-sync:ListRecords", resource: own + "/dataset/notes", want: "implicitDeny"},
		{name: "a session policy of Cognito Sync", policy: sync, sess: creds.Session{Policy: sync}, action: "cognito-sync:ListRecords", resource: own + "/dataset/notes", want: "allowed"},
		{name: "a boundary of s3 only", policy: sync, boundary: "S3Only", action: "cognito-sync:ListRecords", resource: own + "/dataset/notes", want: "implicitDeny"},
		{name: "a boundary of Cognito Sync", policy: sync, boundary: "SyncOnly", action: "cognito-sync:ListRecords", resource: own + "/dataset/notes", want: "allowed"},
		{name: "a Deny of the role", policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"cognito-sync:UpdateRecords","Resource":"` + own + `/*"}]}`,
			action: "cognito-sync:UpdateRecords", resource: own + "/dataset/notes", want: "explicitDeny"},
		{name: "a Deny of another identity's data", policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"cognito-sync:*","Resource":"` + pools + `*"}]}`,
			action: "cognito-sync:ListRecords", resource: pools + testPool + "/identity/" + other + "/dataset/notes", want: "explicitDeny"},
		{name: "a role IAM does not hold", sess: creds.Session{RoleARN: "arn:aws:iam::" + account + ":role/Deleted", RoleID: "AROADELETED"},
			action: "cognito-sync:ListRecords", resource: own + "/dataset/notes", want: "implicitDeny"},
		{name: "a role created again under its name", sess: creds.Session{RoleARN: role, RoleID: "AROAFORMER"},
			action: "cognito-sync:ListRecords", resource: own + "/dataset/notes", want: "implicitDeny"},
		// The global keys of every signed request.
		{name: "aws:ViaAWSService false", policy: denyIf("s3:GetObject", `{"Bool":{"aws:ViaAWSService":"false"}}`), action: "s3:GetObject", resource: object, want: "explicitDeny"},
		{name: "aws:ViaAWSService given", policy: denyIf("s3:GetObject", `{"Bool":{"aws:ViaAWSService":"false"}}`), action: "s3:GetObject", resource: object,
			context: map[string][]string{"aws:viaawsservice": {"true"}}, want: "allowed"},
		{name: "aws:ResourceAccount of an ARN of no account", policy: denyIf("s3:GetObject", `{"StringEquals":{"aws:ResourceAccount":"`+account+`"}}`),
			action: "s3:GetObject", resource: object, want: "explicitDeny"},
		{name: "aws:ResourceAccount given", policy: denyIf("s3:GetObject", `{"StringEquals":{"aws:ResourceAccount":"`+account+`"}}`),
			action: "s3:GetObject", resource: object, context: map[string][]string{"aws:ResourceAccount": {"999999999999"}}, want: "allowed"},
		{name: "aws:ResourceAccount of the ARN", policy: denyIf("dynamodb:GetItem", `{"StringNotEquals":{"aws:ResourceAccount":"999999999999"}}`),
			action: "dynamodb:GetItem", resource: "arn:aws:dynamodb:eu-central-1:999999999999:table/t", want: "allowed"},
		{name: "aws:ResourceAccount of own data", policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"cognito-sync:*","Resource":"*",` +
			`"Condition":{"StringEquals":{"aws:ResourceAccount":"` + account + `"}}}]}`,
			action: "cognito-sync:ListRecords", resource: own + "/dataset/notes", want: "explicitDeny"},
		{name: "aws:PrincipalIsAWSService not forged", policy: denyIf("s3:GetObject", `{"Bool":{"aws:PrincipalIsAWSService":"false"}}`),
			action: "s3:GetObject", resource: object, context: map[string][]string{"aws:PrincipalIsAWSService": {"true"}}, want: "explicitDeny"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.policy != "" {
				if _, err := srv.iamSvc.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: "SyncAuth", PolicyName: "p", PolicyDocument: tt.policy}); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() {
					srv.iamSvc.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: "SyncAuth", PolicyName: "p"})
				})
			}
			if tt.boundary != "" {
				if _, err := srv.iamSvc.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: "SyncAuth", PermissionsBoundary: bounds[tt.boundary]}); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() {
					srv.iamSvc.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: "SyncAuth"})
				})
			}
			sess := tt.sess
			if sess.RoleARN == "" {
				sess.RoleARN, sess.RoleID = role, created.Role.RoleId
			}
			sess.SessionName = "s"
			if !tt.noIdentity {
				sess.SessionName, sess.IdentityID, sess.PoolID = "CognitoIdentityCredentials", testIdentity, testPool
				sess.Provider, sess.Subject, sess.Audience, sess.AMR = policy.Cognito, testIdentity, testPool, []string{"unauthenticated"}
			}
			c, err := srv.creds.Issue(sess, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			got := authorizeAnswer(t, srv, c.SessionToken, tt.action, tt.resource, tt.context)
			if got.Decision != tt.want {
				t.Errorf("got %s, want %s", got.Decision, tt.want)
			}
			if tt.by != "" && (len(got.MatchedStatements) == 0 || got.MatchedStatements[0].PolicyId != tt.by) {
				t.Errorf("got matched statements %+v, want the first of policy %s", got.MatchedStatements, tt.by)
			}
		})
	}
}

// authorizeAnswer asks srv's POST /_idpool/authorize whether the
// credentials of token may do action on resource with the request keys
// context, and returns its answer.
func authorizeAnswer(t *testing.T, srv *Server, token, action, resource string, context map[string][]string) authorizeResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"SessionToken": token, "Action": action, "Resource": resource, "Context": context})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	srv.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodPost, "http://localhost/_idpool/authorize", strings.NewReader(string(body))))
	var out authorizeResponse
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || w.Code != http.StatusOK {
		t.Fatalf("/_idpool/authorize: got %d %s, want 200 with a Decision", w.Code, w.Body)
	}
	return out
}
