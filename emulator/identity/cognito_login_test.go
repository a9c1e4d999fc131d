package identity

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// TestCognitoLoginOfIdpoolToken: an idpool token given as a login of
// pool p must be p's (its aud), or the refusal says whose it is; the amr
// it adds is what follows "authenticated" in the token's, and nothing for
// a token not authenticated.
func TestCognitoLoginOfIdpoolToken(t *testing.T) {
	e := newEnv(t)
	const pool = "us-east-1:b73cb2d2-0d00-4e77-8e80-f99d9c13da3b"
	const other = "us-east-1:00000000-0000-4000-8000-000000000000"
	const id = "us-east-1:157d6171-ee37-c0dd-c6c5-ce7afc0154ab"
	tests := []struct {
		name    string
		aud     string
		amr     []string
		reason  string // in the refusal's reason; "" when taken
		wantAMR []string
	}{
		{name: "another pool's token", aud: other, amr: []string{"authenticated", testDev},
			reason: "idpool token refused: its aud " + other + " is not the pool " + pool},
		{name: "authenticated", aud: pool, amr: []string{"authenticated", testDev, testDev + ":x"}, wantAMR: []string{testDev, testDev + ":x"}},
		{name: "authenticated alone", aud: pool, amr: []string{"authenticated"}},
		{name: "guest", aud: pool, amr: []string{"unauthenticated", "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := e.issuer.Sign(e.ctx, tokens.Claims{Subject: id, Audience: tt.aud, AMR: tt.amr, Expiry: e.clock.Now().Add(10 * time.Minute)})
			if err != nil {
				t.Fatal(err)
			}
			req := &protocol.Request{}
			l, err := e.svc.cognitoLogin(protocol.WithRequest(context.Background(), req), &storage.Pool{ID: pool}, tok)
			if tt.reason != "" {
				wantErr(t, err, CodeNotAuthorized, msgAudience)
				if !strings.Contains(req.Reason, tt.reason) {
					t.Errorf("reason: got %q, want it to contain %q", req.Reason, tt.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("got %v, want the login", err)
			}
			if !slices.Equal(l.amr, tt.wantAMR) || len(l.amr) == 0 && l.amr != nil {
				t.Errorf("amr: got %q, want %q", l.amr, tt.wantAMR)
			}
		})
	}
}
