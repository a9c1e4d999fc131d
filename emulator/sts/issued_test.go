package sts

import (
	"context"
	"slices"
	"testing"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
)

// TestIssued: Config.Issued hears of every role session issued, with its
// request's context, and of nothing else: not a refused request, not a
// GetSessionToken session (which is no role's).
func TestIssued(t *testing.T) {
	type ctxKey struct{}
	var heard []string // role ARN and the context's mark, per call
	cfg := Config{AccountID: "123456789012", Region: "us-east-1", Issued: func(ctx context.Context, c creds.Credentials) {
		mark, _ := ctx.Value(ctxKey{}).(string)
		heard = append(heard, c.Session.RoleARN+" "+mark)
	}}
	e := newEnv(t, cfg, tokens.Config{})
	signed := func(mark string, p *protocol.Principal) context.Context {
		return protocol.WithPrincipal(context.WithValue(context.Background(), ctxKey{}, mark), p)
	}
	tests := []struct {
		name string
		call func() error
		want []string
	}{
		{"AssumeRole", func() error {
			_, err := e.svc.AssumeRole(signed("assume", root), &AssumeRoleInput{RoleArn: roleARN, RoleSessionName: "s"})
			return err
		}, []string{roleARN + " assume"}},
		{"AssumeRoleWithWebIdentity", func() error {
			_, err := e.svc.AssumeRoleWithWebIdentity(context.WithValue(context.Background(), ctxKey{}, "web"),
				&AssumeRoleWithWebIdentityInput{RoleArn: roleARN, RoleSessionName: "s", WebIdentityToken: e.sign(t, tokens.Claims{})})
			return err
		}, []string{roleARN + " web"}},
		{"refused AssumeRole", func() error {
			_, err := e.svc.AssumeRole(signed("refused", root), &AssumeRoleInput{RoleArn: roleARN, RoleSessionName: "s", Policy: ptr("[]")})
			if err == nil {
				t.Error("AssumeRole with a malformed policy: got no error")
			}
			return nil
		}, nil},
		{"GetSessionToken", func() error {
			_, err := e.svc.GetSessionToken(signed("token", iamUser), &GetSessionTokenInput{})
			return err
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			heard = nil
			if err := tt.call(); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(heard, tt.want) {
				t.Errorf("Issued heard %q, want %q", heard, tt.want)
			}
		})
	}
}
