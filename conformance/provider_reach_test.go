package conformance

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestIAMProviderRedirectNotFollowed: IAM's provider made with the https
// URL of a local host whose server answers with a redirect to another
// port, serving there a discovery document and the key set of an
// attacker's key, does not take that key's http token: the redirect to
// another host is refused, strict or not. idpool had followed it and
// issued credentials.
func TestIAMProviderRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	attacker := newLocalOIDC(t)
	var redirects atomic.Int32
	moved := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		redirects.Add(1)
		http.Redirect(w, r, attacker.URL+r.URL.Path, http.StatusMovedPermanently)
	}))
	t.Cleanup(moved.Close)
	host := strings.TrimPrefix(moved.URL, "http://")
	for _, strict := range []string{"false", "true"} {
		t.Run("strict "+strict, func(t *testing.T) {
			// Strict IAM takes only declared developer keys.
			path := writeJSON(t, t.TempDir(), "keys.json", map[string]any{
				"DeveloperCredentials": []any{map[string]string{"AccessKeyId": accessKey, "SecretAccessKey": secretKey}}})
			s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path, "IDPOOL_STRICT": strict})
			arn := "arn:aws:iam::123456789012:oidc-provider/" + host
			_, err := s.iamWith(developerKeys()).CreateOpenIDConnectProvider(context.Background(), &iam.CreateOpenIDConnectProviderInput{
				Url: aws.String("https://" + host), ClientIDList: []string{localApp}})
			ok(t, err, "CreateOpenIDConnectProvider")
			role := s.createRole(t, "Redirected", map[string]any{"Effect": "Allow", "Principal": map[string]any{"Federated": arn},
				"Action": "sts:AssumeRoleWithWebIdentity"})
			now := time.Now()
			tok := signJWT(t, attacker.key, attacker.kid, map[string]any{"iss": moved.URL, "aud": localApp, "sub": "redirected-user",
				"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
			_, err = s.assumeWeb(tok, role, "redirected", nil)
			wantSTSError(t, err, codeInvalidToken, http.StatusBadRequest, "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements")
			if page := s.activityReasons(t, "AssumeRoleWithWebIdentity"); !strings.Contains(page, "redirect from") {
				t.Errorf("got activity %s, want the reason to say the redirect was refused", page)
			}
		})
	}
	if redirects.Load() == 0 {
		t.Error("got no request to the provider, want its redirect refused")
	}
}
