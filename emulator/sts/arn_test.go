package sts

import (
	"context"
	"errors"
	"testing"

	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
)

// TestInRole: an OIDC provider is reported in the role's partition and
// account, where STS looks it up.
func TestInRole(t *testing.T) {
	const provider = "arn:aws:iam::123456789012:oidc-provider/login.example.com"
	tests := []struct{ name, provider, role, want string }{
		{"same account", provider, "arn:aws:iam::123456789012:role/R", provider},
		{"role of aws-cn", provider, "arn:aws-cn:iam::123456789012:role/R", "arn:aws-cn:iam::123456789012:oidc-provider/login.example.com"},
		{"role of another account", provider, "arn:aws:iam::999999999999:role/p/R", "arn:aws:iam::999999999999:oidc-provider/login.example.com"},
		{"another account of aws-us-gov", provider, "arn:aws-us-gov:iam::999999999999:role/R", "arn:aws-us-gov:iam::999999999999:oidc-provider/login.example.com"},
		{"Cognito", CognitoProvider, "arn:aws:iam::999999999999:role/R", CognitoProvider},
		{"built-in provider", "accounts.google.com", "arn:aws:iam::999999999999:role/R", "accounts.google.com"},
		{"not a provider ARN", "arn:aws:iam::123456789012:role/X", "arn:aws:iam::999999999999:role/R", "arn:aws:iam::123456789012:role/X"},
		{"no fields", "arn:aws-cn", "arn:aws:iam::999999999999:role/R", "arn:aws-cn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := inRole(tt.provider, tt.role); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPartitions checks that a session of a role of another partition or
// account acts there, and names its OIDC provider there.
func TestPartitions(t *testing.T) {
	const provider = "arn:aws:iam::123456789012:oidc-provider/accounts.example.com"
	ext := unsigned(map[string]any{"alg": "RS256", "kid": "k"}, map[string]any{"iss": "https://accounts.example.com", "sub": "user-123456", "aud": "client-1"})
	tests := []struct{ role, wantARN, wantProvider string }{
		{"arn:aws:iam::123456789012:role/R", "arn:aws:sts::123456789012:assumed-role/R/s1", provider},
		{"arn:aws-cn:iam::123456789012:role/R", "arn:aws-cn:sts::123456789012:assumed-role/R/s1", "arn:aws-cn:iam::123456789012:oidc-provider/accounts.example.com"},
		{"arn:aws-us-gov:iam::123456789012:role/p/R", "arn:aws-us-gov:sts::123456789012:assumed-role/R/s1", "arn:aws-us-gov:iam::123456789012:oidc-provider/accounts.example.com"},
		{"arn:aws:iam::999999999999:role/R", "arn:aws:sts::999999999999:assumed-role/R/s1", "arn:aws:iam::999999999999:oidc-provider/accounts.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.role, func(t *testing.T) {
			id := &WebIdentity{Issuer: "https://accounts.example.com", Provider: provider, Subject: "user-123456", Audience: "client-1"}
			roles := &fakeRoles{}
			e := newEnv(t, Config{Providers: fakeProviders{id}, Roles: roles}, tokens.Config{})
			out, err := e.svc.AssumeRoleWithWebIdentity(context.Background(), &AssumeRoleWithWebIdentityInput{RoleArn: tt.role, RoleSessionName: "s1", WebIdentityToken: ext})
			if err != nil {
				t.Fatal(err)
			}
			if out.AssumedRoleUser.Arn != tt.wantARN || out.Provider != tt.wantProvider {
				t.Errorf("got Arn %q Provider %q, want %q and %q", out.AssumedRoleUser.Arn, out.Provider, tt.wantARN, tt.wantProvider)
			}
			if roles.got == nil || roles.got.WebIdentity.Provider != tt.wantProvider {
				t.Errorf("trust policy saw %+v, want provider %q", roles.got, tt.wantProvider)
			}
			if id.Provider != provider {
				t.Errorf("the verifier's identity changed to provider %q", id.Provider)
			}
			if p := Principal(openCreds(t, e, out.Credentials)); p.ARN != tt.wantARN {
				t.Errorf("principal of the credentials: got %q, want %q", p.ARN, tt.wantARN)
			}
		})
	}
}

// TestOtherPartition: a role is assumed only in the caller's partition,
// the signer's ARN's or, for a Cognito token, its pool region's.
func TestOtherPartition(t *testing.T) {
	root := func(p string) *protocol.Principal {
		return &protocol.Principal{ARN: "arn:" + p + ":iam::123456789012:root"}
	}
	tests := []struct {
		name string
		req  RoleRequest
		want string // the refusal's message, "" for none
	}{
		{"same partition", RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws-cn:iam::123456789012:role/R", Caller: root("aws-cn")}, ""},
		{"caller of aws-cn, role of aws", RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/R", Caller: root("aws-cn")},
			"User: arn:aws-cn:iam::123456789012:root is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/R"},
		{"Cognito token of a GovCloud pool, role of aws", RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/R",
			WebIdentity: &WebIdentity{Provider: CognitoProvider, PoolID: "us-gov-west-1:p"}}, "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{"Cognito token of a GovCloud pool, its role", RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws-us-gov:iam::123456789012:role/R",
			WebIdentity: &WebIdentity{Provider: CognitoProvider, PoolID: "us-gov-west-1:p"}}, ""},
		{"OpenID Connect token, any partition", RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws-cn:iam::123456789012:role/R",
			WebIdentity: &WebIdentity{Provider: "arn:aws-cn:iam::123456789012:oidc-provider/example.com"}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := otherPartition(context.Background(), tc.req)
			var pe *protocol.Error
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("otherPartition: got %v, want none", err)
			case tc.want == "":
			case !errors.As(err, &pe) || pe.Code != CodeAccessDenied || pe.Message != tc.want:
				t.Errorf("otherPartition: got %v, want AccessDenied %q", err, tc.want)
			}
		})
	}
}

// TestRoleARNKinds: AssumeRole answers a RoleArn that is not a
// well-formed ARN "… is invalid" (ValidationError), and a well-formed ARN
// that names no IAM role (a user's, an sts one) as a role that does not
// let the caller in (AccessDenied, amzn/selling-partner-api-models#2523);
// AssumeRoleWithWebIdentity answers both "Request ARN is invalid"
// (ValidationError; repost.aws/knowledge-center/eks-troubleshoot-irsa-errors
// and users' reports of provider and certificate ARNs).
func TestRoleARNKinds(t *testing.T) {
	caller := &protocol.Principal{ARN: "arn:aws:iam::123456789012:user/qik", Account: "123456789012", AccessKeyID: "AKIAEXAMPLE"}
	tests := []struct {
		name, arn string
		code      string // "" when assumed
	}{
		{"role", "arn:aws:iam::123456789012:role/R", ""},
		{"role with a path", "arn:aws:iam::123456789012:role/some/path/R", ""},
		{"user", "arn:aws:iam::123456789012:user/qik", CodeAccessDenied},
		{"sts role", "arn:aws:sts::123456789012:role/rd_role", CodeAccessDenied},
		{"assumed role", "arn:aws:sts::123456789012:assumed-role/R/s", CodeAccessDenied},
		{"role with a region", "arn:aws:iam:us-east-1:123456789012:role/R", CodeAccessDenied},
		{"role without a name", "arn:aws:iam::123456789012:role/", CodeAccessDenied},
		{"policy", "arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess", CodeValidation},
		{"OpenID Connect provider", "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC", CodeAccessDenied},
		{"a colon for the slash", "arn:aws:iam::123456789012:role:R", CodeAccessDenied},
		{"certificate", "arn:aws:acm:us-east-1:123456789012:certificate/0b0b0b0b", CodeAccessDenied},
		{"extra colons", "arn:aws:iam::::123456789012:role/R", CodeValidation},
		{"not an ARN", "not-a-role-arn-at-all", CodeValidation},
		{"five fields", "arn:aws:iam::123456789012", CodeValidation},
		{"no partition", "arn::iam::123456789012:role/R", CodeValidation},
		{"no service", "arn:aws:::123456789012:role/R", CodeValidation},
		{"short account", "arn:aws:iam::12345:role/R", CodeValidation},
		{"no resource", "arn:aws:iam::123456789012:", CodeValidation},
	}
	e := newEnv(t, Config{AccountID: "123456789012"}, tokens.Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := protocol.WithPrincipal(context.Background(), caller)
			_, err := e.svc.AssumeRole(ctx, &AssumeRoleInput{RoleArn: tt.arn, RoleSessionName: "s1"})
			web := e.sign(t, tokens.Claims{})
			_, werr := e.svc.AssumeRoleWithWebIdentity(context.Background(), &AssumeRoleWithWebIdentityInput{RoleArn: tt.arn, RoleSessionName: "s1", WebIdentityToken: web})
			switch tt.code {
			case "":
				if err != nil || werr != nil {
					t.Fatalf("got %v and %v, want the role assumed", err, werr)
				}
			case CodeAccessDenied:
				wantError(t, err, CodeAccessDenied, 403, "User: arn:aws:iam::123456789012:user/qik is not authorized to perform: sts:AssumeRole on resource: "+tt.arn)
				wantError(t, werr, CodeValidation, 400, "Request ARN is invalid")
			default:
				wantError(t, err, CodeValidation, 400, tt.arn+" is invalid")
				wantError(t, werr, CodeValidation, 400, "Request ARN is invalid")
			}
		})
	}
}
