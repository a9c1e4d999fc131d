package sts

import (
	"context"
	"net/http"
	"testing"

	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
)

// TestSourceIdentityChain: the source identity AssumeRole sets is in the
// session and its answer, passes to the sessions it assumes whether they
// name it again or not, and cannot change; Roles sees it on every hop.
func TestSourceIdentityChain(t *testing.T) {
	roles := &fakeRoles{}
	e := newEnv(t, Config{Roles: roles}, tokens.Config{})
	first, err := e.svc.AssumeRole(protocol.WithPrincipal(context.Background(), root),
		&AssumeRoleInput{RoleArn: roleARN, RoleSessionName: "s1", SourceIdentity: ptr("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if got := deref(first.SourceIdentity); got != "alice" {
		t.Errorf("AssumeRole SourceIdentity: got %q, want alice", got)
	}
	c := openCreds(t, e, first.Credentials)
	if c.Session.SourceIdentity != "alice" {
		t.Fatalf("session: got source identity %q, want alice", c.Session.SourceIdentity)
	}
	chained := protocol.WithPrincipal(context.Background(), Principal(c))

	tests := []struct {
		name   string
		asked  *string
		code   string
		status int
	}{
		{"not given", nil, "", 0},
		{"the same", ptr("alice"), "", 0},
		{"another", ptr("bob"), CodeAccessDenied, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			roles.got = nil
			out, err := e.svc.AssumeRole(chained, &AssumeRoleInput{RoleArn: roleARN, RoleSessionName: "s2", SourceIdentity: tt.asked})
			if tt.code != "" {
				wantError(t, err, tt.code, tt.status, "User: "+Principal(c).ARN+" is not authorized to perform: sts:SetSourceIdentity on resource: "+roleARN)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := deref(out.SourceIdentity); got != "alice" {
				t.Errorf("chained SourceIdentity: got %q, want alice", got)
			}
			if got := openCreds(t, e, out.Credentials).Session.SourceIdentity; got != "alice" {
				t.Errorf("chained session: got source identity %q, want alice", got)
			}
			if roles.got == nil || roles.got.SourceIdentity != "alice" {
				t.Errorf("Roles: got %+v, want source identity alice", roles.got)
			}
		})
	}
}

// TestSourceIdentityToken: AssumeRoleWithWebIdentity takes the source
// identity of the token's https://aws.amazon.com/source_identity claim.
func TestSourceIdentityToken(t *testing.T) {
	ctx := context.Background()
	claims := func(extra map[string]any) string {
		c := map[string]any{"iss": "https://accounts.example.com", "sub": "user-123456", "aud": "client-1"}
		for k, v := range extra {
			c[k] = v
		}
		return unsigned(map[string]any{"alg": "RS256", "kid": "k"}, c)
	}
	tests := []struct {
		name  string
		token string
		want  string
		code  string
	}{
		{"claim", claims(map[string]any{SourceIdentityClaim: "alice@example.com"}), "alice@example.com", ""},
		{"no claim", claims(nil), "", ""},
		{"not a source identity", claims(map[string]any{SourceIdentityClaim: "aws:x"}), "", CodeInvalidIdentityToken},
		{"not a string", claims(map[string]any{SourceIdentityClaim: 7}), "", CodeInvalidIdentityToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := &WebIdentity{Issuer: "https://accounts.example.com", Provider: "accounts.example.com", Subject: "user-123456", Audience: "client-1"}
			roles := &fakeRoles{}
			e := newEnv(t, Config{Providers: fakeProviders{id}, Roles: roles}, tokens.Config{})
			out, err := e.svc.AssumeRoleWithWebIdentity(ctx, &AssumeRoleWithWebIdentityInput{RoleArn: roleARN, RoleSessionName: "s1", WebIdentityToken: tt.token})
			if tt.code != "" {
				wantError(t, err, tt.code, http.StatusBadRequest, "")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := deref(out.SourceIdentity); got != tt.want {
				t.Errorf("SourceIdentity: got %q, want %q", got, tt.want)
			}
			if got := openCreds(t, e, out.Credentials).Session.SourceIdentity; got != tt.want {
				t.Errorf("session: got source identity %q, want %q", got, tt.want)
			}
			if roles.got.SourceIdentity != tt.want {
				t.Errorf("Roles: got source identity %q, want %q", roles.got.SourceIdentity, tt.want)
			}
			if id.SourceIdentity != "" {
				t.Errorf("the verifier's identity was changed: %+v", id)
			}
		})
	}
}
