package sts

import (
	"context"
	"testing"
	"time"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/protocol"
)

// TestGetWebIdentityTokenSessionClaims: the claims AWS adds for temporary
// credentials (see sessionClaims): original_session_exp, the credentials'
// expiration, for every session; source_identity when the session has
// one; federated_provider, idpool's aws:FederatedProvider, for a Cognito
// identity's credentials (the GovCloud principal in us-gov-west-1); none
// of the three for an IAM user's or the root's long-term keys.
func TestGetWebIdentityTokenSessionClaims(t *testing.T) {
	e, _ := outboundEnv(t, false)
	role := "arn:aws:iam::123456789012:role/App"
	tests := []struct {
		name string
		sess *creds.Session // nil: caller's long-term keys
		who  *protocol.Principal
		d    time.Duration
		want map[string]string // the three claims that must be there; the others must not
	}{
		{name: "role session", sess: &creds.Session{RoleARN: role, SessionName: "s"}, d: 15 * time.Minute},
		{name: "role session with source identity", sess: &creds.Session{RoleARN: role, SessionName: "s", SourceIdentity: "alice"}, d: time.Hour,
			want: map[string]string{"source_identity": "alice"}},
		{name: "Cognito identity's credentials", d: time.Hour, sess: &creds.Session{RoleARN: role, SessionName: "CognitoIdentityCredentials",
			IdentityID: "us-east-1:11111111-2222-3333-4444-555555555555", PoolID: "us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
			Subject: "us-east-1:11111111-2222-3333-4444-555555555555", Audience: "us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
			Provider: CognitoProvider, AMR: []string{"unauthenticated"}},
			want: map[string]string{"federated_provider": "cognito-identity.amazonaws.com"}},
		{name: "Cognito identity's credentials in GovCloud", d: time.Hour, sess: &creds.Session{RoleARN: role, SessionName: "web",
			Subject: "us-gov-west-1:11111111-2222-3333-4444-555555555555", Audience: "us-gov-west-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
			Provider: CognitoProvider, SourceIdentity: "bob"},
			want: map[string]string{"federated_provider": "cognito-identity-us-gov.amazonaws.com", "source_identity": "bob"}},
		{name: "IAM user", who: iamUser},
		{name: "root", who: root},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			who := tt.who
			want := map[string]string{}
			for k, v := range tt.want {
				want[k] = v
			}
			if tt.sess != nil {
				c, err := e.creds.Issue(*tt.sess, tt.d)
				if err != nil {
					t.Fatal(err)
				}
				who = Principal(c)
				want["original_session_exp"] = e.clock.now().Add(tt.d).UTC().Truncate(time.Second).Format(time.RFC3339)
			}
			ctx := protocol.WithPrincipal(context.Background(), who)
			out, err := e.svc.GetWebIdentityToken(ctx, &GetWebIdentityTokenInput{Audience: []string{"https://api.example.com"}, SigningAlgorithm: "ES384"})
			if err != nil {
				t.Fatalf("got %v, want nil", err)
			}
			_, claims := payload(t, out.WebIdentityToken)
			ns, _ := claims[ClaimNamespace].(map[string]any)
			for _, k := range []string{"original_session_exp", "source_identity", "federated_provider"} {
				got, has := ns[k]
				if w, ok := want[k]; has != ok || ok && got != w {
					t.Errorf("%s: got %v (present %v), want %q (present %v)", k, got, has, w, ok)
				}
			}
		})
	}
}
