package conformance

import (
	"context"
	"net/http"
	"testing"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/service/cognitosync"
)

// TestAuthorizeStrictSyncAgrees: /_idpool/authorize answers for an
// identity's credentials what the same Cognito Sync request gets in strict
// mode: its own dataset is allowed (the grant AWS's default Cognito roles
// give, cognito-sync:* on "*"), another identity's dataset and its pool's
// configuration are an implicitDeny, as Cognito Sync refuses them
// (NotAuthorizedException) whatever the policies allow, and a Deny of its
// role conditioned on aws:ViaAWSService or aws:ResourceAccount, which
// every signed request carries, is an explicitDeny, as the request is
// refused (AccessDeniedException).
func TestAuthorizeStrictSyncAgrees(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	p := newSyncPool(t, s)
	owner, other := p.guest(t), p.guest(t)
	other.write(t, "notes", replacePatch("k", "v", 0))
	v, err := owner.creds.Get()
	ok(t, err, "the guest's credentials")
	token, caller := v.SessionToken, s.assumedARN("SyncGuest", "CognitoIdentityCredentials")

	listOwn := func() error { _, err := owner.list("notes", 0); return err }
	listOther := func() error {
		_, err := owner.c.ListRecords(&cognitosync.ListRecordsInput{IdentityPoolId: aws.String(p.id), IdentityId: aws.String(other.id), DatasetName: aws.String("notes")})
		return err
	}
	poolConfig := func() error {
		_, err := owner.c.GetIdentityPoolConfiguration(&cognitosync.GetIdentityPoolConfigurationInput{IdentityPoolId: aws.String(p.id)})
		return err
	}
	deny := func(condition map[string]any) string {
		return policyJSON(t, map[string]any{"Effect": "Deny", "Action": "cognito-sync:ListRecords", "Resource": "*", "Condition": condition})
	}
	tests := []struct {
		name     string
		policy   string // SyncGuest's inline policy, none when ""
		action   string
		resource string
		call     func() error
		want     string
		code     string // the refusal's code, when want is not allowed
		msg      string // and its message, any when ""
	}{
		{name: "own dataset", action: "ListRecords", resource: s.syncARN(p.id, owner.id, "notes"), call: listOwn, want: "allowed"},
		{name: "another identity's dataset", action: "ListRecords", resource: s.syncARN(p.id, other.id, "notes"), call: listOther,
			want: "implicitDeny", code: codeNotAuthorized},
		{name: "another identity's dataset, the role allowing it", policy: policyJSON(t, map[string]any{"Effect": "Allow", "Action": "cognito-sync:*", "Resource": "*"}),
			action: "ListRecords", resource: s.syncARN(p.id, other.id, "notes"), call: listOther, want: "implicitDeny", code: codeNotAuthorized},
		{name: "the pool's configuration", action: "GetIdentityPoolConfiguration", resource: s.syncPoolARN(p.id), call: poolConfig,
			want: "implicitDeny", code: codeNotAuthorized},
		{name: "a Deny on aws:ViaAWSService false", policy: deny(map[string]any{"Bool": map[string]any{"aws:ViaAWSService": "false"}}),
			action: "ListRecords", resource: s.syncARN(p.id, owner.id, "notes"), call: listOwn,
			want: "explicitDeny", code: codeDenied, msg: msgDenied(caller, "cognito-sync:ListRecords", s.syncARN(p.id, owner.id, "notes"))},
		{name: "a Deny on aws:ResourceAccount the account", policy: deny(map[string]any{"StringEquals": map[string]any{"aws:ResourceAccount": s.accountID}}),
			action: "ListRecords", resource: s.syncARN(p.id, owner.id, "notes"), call: listOwn,
			want: "explicitDeny", code: codeDenied, msg: msgDenied(caller, "cognito-sync:ListRecords", s.syncARN(p.id, owner.id, "notes"))},
		{name: "a Deny on aws:ResourceAccount another account", policy: deny(map[string]any{"StringEquals": map[string]any{"aws:ResourceAccount": "999999999999"}}),
			action: "ListRecords", resource: s.syncARN(p.id, owner.id, "notes"), call: listOwn, want: "allowed"},
	}
	dev := s.iamWith(developerKeys())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.policy != "" {
				_, err := dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: awsv2.String("SyncGuest"), PolicyName: awsv2.String("case"),
					PolicyDocument: awsv2.String(tt.policy)})
				ok(t, err, "PutRolePolicy")
				defer func() {
					_, err := dev.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: awsv2.String("SyncGuest"), PolicyName: awsv2.String("case")})
					ok(t, err, "DeleteRolePolicy")
				}()
			}
			if got := s.authorizeDecision(t, token, "cognito-sync:"+tt.action, tt.resource, nil); got != tt.want {
				t.Errorf("/_idpool/authorize: got %s, want %s", got, tt.want)
			}
			err := tt.call()
			if tt.want == "allowed" {
				ok(t, err, tt.action)
				return
			}
			wantSyncError(t, err, tt.code, http.StatusForbidden, tt.msg)
		})
	}
}
