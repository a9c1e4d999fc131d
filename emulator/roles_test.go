package emulator

import (
	"context"
	"errors"
	"testing"

	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/protocol"
)

const authOnly = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"Federated":"cognito-identity.amazonaws.com"},
 "Action":"sts:AssumeRoleWithWebIdentity",
 "Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:pool"},
  "ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}]}`

const trustsDeveloper = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`

func mustParse(t *testing.T, doc string) *policy.Document {
	t.Helper()
	d, err := policy.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRolesAuthorize(t *testing.T) {
	docs := map[string]*policy.Document{
		"arn:aws:iam::123456789012:role/Auth": mustParse(t, authOnly),
		"arn:aws:iam::123456789012:role/Dev":  mustParse(t, trustsDeveloper),
	}
	web := func(aud string, amr ...string) *sts.WebIdentity {
		return &sts.WebIdentity{Provider: cognitoProvider, Audience: aud, Subject: "us-east-1:id", AMR: amr}
	}
	guestSession := &protocol.Principal{ARN: "arn:aws:sts::123456789012:assumed-role/Unauth/CognitoIdentityCredentials", Temporary: true}
	tests := []struct {
		name   string
		strict bool
		req    sts.RoleRequest
		want   bool
	}{
		{"authenticated token", false, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/Auth", WebIdentity: web("us-east-1:pool", "authenticated", "graph.facebook.com")}, true},
		{"guest token refused", false, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/Auth", WebIdentity: web("us-east-1:pool", "unauthenticated")}, false},
		{"other pool refused", false, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/Auth", WebIdentity: web("us-east-1:other", "authenticated")}, false},
		{"tags need TagSession", false, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/Auth", WebIdentity: &sts.WebIdentity{Provider: cognitoProvider, Audience: "us-east-1:pool", AMR: []string{"authenticated"}, PrincipalTags: map[string]string{"k": "v"}}}, false},
		{"role without a policy", false, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/Open", WebIdentity: web("us-east-1:x", "unauthenticated")}, true},
		{"developer caller trusted", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/Dev", Caller: &protocol.Principal{ARN: "arn:aws:iam::123456789012:root"}}, true},
		{"other account refused", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/Dev", Caller: &protocol.Principal{ARN: "arn:aws:iam::999999999999:root"}}, false},
		{"chaining into a role without a policy", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/Open", Caller: guestSession}, true},
		{"strict: chaining into a role without a policy refused", true, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/Open", Caller: guestSession}, false},
		{"strict: developer assumes a role without a policy", true, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/Open", Caller: &protocol.Principal{ARN: "arn:aws:iam::123456789012:root"}}, true},
		{"strict: web identity into a role without a policy", true, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/Open", WebIdentity: web("us-east-1:x", "unauthenticated")}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := roles{docs: docs, strict: tt.strict}
			_, err := rs.Authorize(context.Background(), tt.req)
			if tt.want && err != nil {
				t.Fatalf("got %v, want allowed", err)
			}
			if !tt.want {
				var e *protocol.Error
				if !errors.As(err, &e) || e.Code != sts.CodeAccessDenied || e.Status != 403 {
					t.Errorf("got %v, want 403 AccessDenied", err)
				}
			}
		})
	}
}

func TestRolesAllowEnhanced(t *testing.T) {
	rs := roles{docs: map[string]*policy.Document{"arn:aws:iam::123456789012:role/Auth": mustParse(t, authOnly)}}
	ok := identity.Session{RoleARN: "arn:aws:iam::123456789012:role/Auth", PoolID: "us-east-1:pool", IdentityID: "us-east-1:id", AMR: []string{"authenticated", "x"}}
	if err := rs.allowEnhanced(context.Background(), ok); err != nil {
		t.Errorf("authenticated: got %v, want nil", err)
	}
	guest := ok
	guest.AMR = []string{"unauthenticated"}
	var e *protocol.Error
	if err := rs.allowEnhanced(context.Background(), guest); !errors.As(err, &e) || e.Code != identity.CodeInvalidIdentityPoolConfiguration {
		t.Errorf("guest: got %v, want InvalidIdentityPoolConfigurationException", err)
	}
}
