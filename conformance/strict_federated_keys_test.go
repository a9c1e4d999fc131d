package conformance

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// TestStrictFederatedUserKeys: a federated user's request is evaluated,
// against the policies of the IAM user that asked for it as against its
// session policies, with the federated user's condition keys: AWS's
// aws:PrincipalType is FederatedUser and aws:userid "<account>:<Name>"
// (the IAM User Guide's table of aws:userid), never the IAM user's User
// and user name. Its aws:PrincipalTag/<key> are its IAM user's tags, a
// session tag overriding the user's tag of the same key (GetFederationToken
// API reference, session tags).
func TestStrictFederatedUserKeys(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	list := func(cond map[string]any) map[string]any {
		return map[string]any{"Effect": "Allow", "Action": "cognito-identity:ListIdentityPools", "Resource": "*", "Condition": cond}
	}
	allowAll := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"})
	tests := []struct {
		name    string
		cond    map[string]any
		tags    []ststypes.Tag
		allowed bool
	}{
		{"aws:PrincipalType User", map[string]any{"StringEquals": map[string]any{"aws:PrincipalType": "User"}}, nil, false},
		{"aws:PrincipalType FederatedUser", map[string]any{"StringEquals": map[string]any{"aws:PrincipalType": "FederatedUser"}}, nil, true},
		{"aws:userid of the federated user", map[string]any{"StringEquals": map[string]any{"aws:userid": s.accountID + ":Fed"}}, nil, true},
		{"aws:username present", map[string]any{"Null": map[string]any{"aws:username": "false"}}, nil, false},
		{"the user's tag", map[string]any{"StringEquals": map[string]any{"aws:PrincipalTag/team": "blue"}}, nil, true},
		{"a session tag overrides the user's", map[string]any{"StringEquals": map[string]any{"aws:PrincipalTag/team": "blue"}},
			[]ststypes.Tag{{Key: aws.String("Team"), Value: aws.String("red")}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, keys := s.federationUser(t, map[string]any{"Effect": "Allow", "Action": "sts:GetFederationToken", "Resource": "*"}, list(tt.cond))
			caller, err := s.stsWith(keys).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			ok(t, err, "GetCallerIdentity")
			name := aws.ToString(caller.Arn)[len("arn:aws:iam::"+s.accountID+":user/"):]
			_, err = s.iamWith(developerKeys()).TagUser(ctx, &iam.TagUserInput{UserName: aws.String(name),
				Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}})
			ok(t, err, "TagUser")
			out, err := s.stsWith(keys).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("Fed"), Policy: aws.String(allowAll), Tags: tt.tags})
			ok(t, err, "GetFederationToken")
			fed := fromSTS(t, out.Credentials)
			want := map[bool]string{true: "allowed", false: "implicitDeny"}[tt.allowed]
			if got := s.authorizeDecision(t, fed.SessionToken, "cognito-identity:ListIdentityPools", "*", nil); got != want {
				t.Errorf("/_idpool/authorize: got %s, want %s", got, want)
			}
			_, err = s.identityWith(fed).ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(1)})
			if tt.allowed {
				ok(t, err, "ListIdentityPools")
				return
			}
			wantAPIError(t, err, codeDenied, msgDenied(aws.ToString(out.FederatedUser.Arn), "cognito-identity:ListIdentityPools",
				"arn:aws:cognito-identity:"+region+":"+s.accountID+":identitypool/"))
		})
	}
}
