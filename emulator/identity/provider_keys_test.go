package identity

import (
	"context"
	"strings"
	"testing"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// keysPool is a pool configuring one provider of each kind that
// LoginProvider and userPoolAlias read.
func keysPool() *storage.Pool {
	return &storage.Pool{
		ID:                        "us-east-1:b73cb2d2-0d00-4e77-8e80-f99d9c13da3b",
		SupportedLoginProviders:   map[string]string{"accounts.google.com": "app"},
		DeveloperProviderName:     "login.example",
		OpenIDConnectProviderARNs: []string{"arn:aws:iam::123456789012:oidc-provider/token.example.com"},
		CognitoIdentityProviders:  []storage.CognitoProvider{{ProviderName: "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc", ClientID: "client"}},
	}
}

// TestOIDCHostOfARN: an IAM OpenID Connect provider ARN has a host after
// "oidc-provider/"; an ARN without one, or of nothing after it, has none.
func TestOIDCHostOfARN(t *testing.T) {
	tests := []struct {
		name, arn, want string
		ok              bool
	}{
		{"host", "arn:aws:iam::123456789012:oidc-provider/token.example.com", "token.example.com", true},
		{"host and path", "arn:aws:iam::123456789012:oidc-provider/token.example.com/tenant", "token.example.com/tenant", true},
		{"nothing after the marker", "arn:aws:iam::123456789012:oidc-provider/", "", false},
		{"no marker", "arn:aws:iam::123456789012:saml-provider/corp", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := oidcHost(tt.arn)
			if got != tt.want || ok != tt.ok {
				t.Errorf("oidcHost(%q): got %q, %v; want %q, %v", tt.arn, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestUserPoolAliasNeedsHost: a Logins key <host>/<userPoolId> stands
// for the configured user pool of that id; a key with nothing before the
// slash names no host and stands for none.
func TestUserPoolAliasNeedsHost(t *testing.T) {
	const configured = "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc"
	tests := []struct {
		name, key, want string
		ok              bool
	}{
		{"local host", "localhost:9229/us-east-1_abc", configured, true},
		{"empty host", "/us-east-1_abc", "", false},
		{"no slash", "us-east-1_abc", "", false},
		{"another pool", "localhost:9229/us-east-1_xyz", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := userPoolAlias(keysPool(), tt.key)
			if got != tt.want || ok != tt.ok {
				t.Errorf("userPoolAlias(%q): got %q, %v; want %q, %v", tt.key, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestLoginProviderKeys: LoginProvider holds for the keys of the
// providers a pool configures, and not for idpool's own key or a key the
// pool does not configure.
func TestLoginProviderKeys(t *testing.T) {
	tests := []struct {
		key  string
		want bool
	}{
		{"accounts.google.com", true},
		{"login.example", true},
		{"token.example.com", true},
		{"cognito-idp.us-east-1.amazonaws.com/us-east-1_abc", true},
		{CognitoProvider, false},
		{"graph.facebook.com", false},
		{"unknown.example.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if got := LoginProvider(keysPool(), tt.key); got != tt.want {
				t.Errorf("LoginProvider(%q): got %v, want %v", tt.key, got, tt.want)
			}
		})
	}
}

// TestPoolPartitionReason: a role of another partition than the pool's
// is refused with a reason for the console; a role of the pool's
// partition is taken without one.
func TestPoolPartitionReason(t *testing.T) {
	tests := []struct {
		name, pool, role string
		want             bool
	}{
		{"same partition", "us-east-1:b73cb2d2-0d00-4e77-8e80-f99d9c13da3b", "arn:aws:iam::123456789012:role/R", true},
		{"China role for a commercial pool", "us-east-1:b73cb2d2-0d00-4e77-8e80-f99d9c13da3b", "arn:aws-cn:iam::123456789012:role/R", false},
		{"commercial role for a GovCloud pool", "us-gov-west-1:b73cb2d2-0d00-4e77-8e80-f99d9c13da3b", "arn:aws:iam::123456789012:role/R", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &protocol.Request{}
			got := PoolPartition(protocol.WithRequest(context.Background(), req), tt.pool, tt.role)
			if got != tt.want {
				t.Errorf("PoolPartition(%s, %s): got %v, want %v", tt.pool, tt.role, got, tt.want)
			}
			if hasReason := strings.Contains(req.Reason, "a pool's roles are of its partition"); hasReason == tt.want {
				t.Errorf("reason: got %q, want one only when refused", req.Reason)
			}
		})
	}
}
