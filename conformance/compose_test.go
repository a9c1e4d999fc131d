package conformance

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// TestComposeExample runs what the Compose example's app does, through
// the Go SDK, against a server seeded with the fixtures the example
// mounts: the pool id the app is configured with exists, and a guest of
// it reaches credentials and STS.
func TestComposeExample(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../docker-compose.example.yml")
	if err != nil {
		t.Fatal(err)
	}
	compose := string(b)
	find := func(re string) string {
		t.Helper()
		m := regexp.MustCompile(re).FindStringSubmatch(compose)
		if m == nil {
			t.Fatalf("docker-compose.example.yml: no match for %s", re)
		}
		return m[1]
	}
	poolID := find(`(?m)^\s+POOL_ID: (\S+)$`)
	source := find(`(?m)^\s+- (\./[^:]+):/fixtures:ro$`)
	for _, w := range []string{
		"AWS_DEFAULT_REGION: us-east-1", "IDPOOL_FIXTURES: /fixtures", `["CMD", "/idpool", "health"]`,
		"aws cognito-identity get-id", "aws cognito-identity get-credentials-for-identity", "aws sts get-caller-identity",
		`max-size: "10m"`, // the log of a line a request is bounded
	} {
		if !strings.Contains(compose, w) {
			t.Errorf("docker-compose.example.yml does not contain %q", w)
		}
	}

	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": filepath.Join("..", source)})
	ctx := context.Background()
	id, err := s.signed.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(poolID)})
	ok(t, err, "GetId of the example's pool")
	out, err := s.signed.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: id.IdentityId})
	ok(t, err, "GetCredentialsForIdentity")
	s.wantCaller(t, fromCognito(t, out.Credentials), s.assumedARN("AppGuest", cognitoSession))
}

// TestPublishedOnLoopback: the Compose example and the docker run lines
// of the README and the Dockerfile publish idpool's port on the host's
// loopback only. A port published on every interface bypasses the host's
// firewall, and idpool's test controls and console answer whoever
// addresses it by an IP address: anyone on the network could reset it or
// read its identities.
func TestPublishedOnLoopback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		re   string // its first group is a published port
	}{
		{"../docker-compose.example.yml", `(?m)^\s+ports:\n(?:\s+#.*\n)*\s+- "([^"]+)"$`},
		{"../Dockerfile", `(?m)^#\s+docker run .*?-p (\S+)`},
		{"../README.md", "(?m)^docker run .*?-p (\\S+)"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			b, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			ports := regexp.MustCompile(tt.re).FindAllStringSubmatch(string(b), -1)
			if len(ports) == 0 {
				t.Fatalf("%s: got no published port, want some (for %s)", tt.file, tt.re)
			}
			for _, p := range ports {
				if !strings.HasPrefix(p[1], "127.0.0.1:") {
					t.Errorf("%s: got published port %q, want 127.0.0.1:…, the host's loopback", tt.file, p[1])
				}
			}
		})
	}
}
