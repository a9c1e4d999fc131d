package conformance

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// jsDir holds the JavaScript SDK v3 conformance tests and their npm
// dependencies (installed by `npm ci --prefix conformance/js`).
const jsDir = "js"

// TestJavaScriptSDK runs conformance/js/*.test.mjs with node's test runner
// against s: the AWS SDK for JavaScript v3 credential providers
// (fromCognitoIdentityPool, fromCognitoIdentity) and an STS client signed
// with their credentials. The Go SDK sets up the pool and the developer
// identity; everything the JavaScript side needs comes through its
// environment.
//
// Without node or the installed packages the test skips, except under CI
// (CI set), where a missing install step must fail rather than hide.
func TestJavaScriptSDK(t *testing.T) {
	t.Parallel()
	node := needNode(t)
	files, err := filepath.Glob(filepath.Join(jsDir, "*.test.mjs"))
	if err != nil || len(files) == 0 {
		t.Fatalf("got no %s/*.test.mjs (err %v), want the JavaScript tests", jsDir, err)
	}
	for i, f := range files {
		files[i] = filepath.Base(f) // node runs in jsDir
	}

	s := testServer(t)
	ctx := context.Background()
	dev := uniqueDev()
	pool := s.rolePool(t, &cognitoidentity.CreateIdentityPoolInput{
		AllowUnauthenticatedIdentities: true,
		DeveloperProviderName:          aws.String(dev),
		SupportedLoginProviders:        map[string]string{googleKey: googleClient},
	}, map[string]string{
		"authenticated":   s.roleARN("Cognito_JSAuth"),
		"unauthenticated": s.roleARN("Cognito_JSGuest"),
	})
	devOut, err := s.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
		IdentityPoolId: aws.String(pool),
		Logins:         map[string]string{dev: "js-user-1"},
	})
	ok(t, err, "GetOpenIdTokenForDeveloperIdentity")
	if aws.ToString(devOut.IdentityId) == "" || aws.ToString(devOut.Token) == "" {
		t.Fatalf("GetOpenIdTokenForDeveloperIdentity: got IdentityId %q and a token of %d bytes, want both",
			aws.ToString(devOut.IdentityId), len(aws.ToString(devOut.Token)))
	}

	env := map[string]string{
		"IDPOOL_ENDPOINT":           s.endpoint,
		"IDPOOL_REGION":             region,
		"IDPOOL_JS_POOL_ID":         pool,
		"IDPOOL_JS_MISSING_POOL_ID": region + ":00000000-0000-4000-8000-000000000000",
		"IDPOOL_JS_GUEST_ARN":       s.assumedARN("Cognito_JSGuest", cognitoSession),
		"IDPOOL_JS_AUTH_ARN":        s.assumedARN("Cognito_JSAuth", cognitoSession),
		"IDPOOL_JS_GOOGLE_KEY":      googleKey,
		"IDPOOL_JS_GOOGLE_TOKEN":    googleToken(t, "js-google-user"),
		"IDPOOL_JS_DEV_IDENTITY_ID": aws.ToString(devOut.IdentityId),
		"IDPOOL_JS_DEV_TOKEN":       aws.ToString(devOut.Token),
	}

	runNodeTests(t, node, env, files)
}

// runNodeTests runs files (relative to jsDir) with node's test runner and
// env, failing t with the output when a test fails.
func runNodeTests(t *testing.T, node string, env map[string]string, files []string) {
	t.Helper()
	runNodeIn(t, jsDir, node, env, files)
}

// runNodeIn runs files (relative to dir) with node's test runner and env,
// failing t with the output when a test fails.
func runNodeIn(t *testing.T, dir, node string, env map[string]string, files []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append([]string{"--test", "--test-reporter=spec"}, files...)
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = dir
	cmd.Env = nodeEnv(os.Environ(), env)
	dieWithTest(cmd)
	// node --test runs each file in a child process, which the context's
	// kill does not reach (they end when their tests do, or fail once the
	// runner is gone); stop waiting for their output soon after.
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	t.Logf("node %s:\n%s", strings.Join(args, " "), out)
}

// needNode returns the path of node, or skips t when node or the npm
// packages are missing: node_modules and each of paths, relative to jsDir.
// Under CI it fails instead.
func needNode(t *testing.T, paths ...string) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		unavailable(t, "JavaScript SDK conformance needs node on PATH: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(jsDir, "node_modules")); err != nil || !fi.IsDir() {
		unavailable(t, "JavaScript SDK conformance needs its packages: run `npm ci --prefix conformance/js`")
	}
	for _, p := range paths {
		if _, err := os.Stat(filepath.Join(jsDir, p)); err != nil {
			unavailable(t, "JavaScript conformance needs %s: run `npm ci --prefix conformance/js`", p)
		}
	}
	return node
}

// unavailable skips t for a missing tool or package, or fails it under CI
// (CI set), where a missing install step must fail rather than hide.
func unavailable(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf(format+" (CI is set, so this fails instead of skipping)", args...)
	}
	t.Skipf(format, args...)
}

// nodeEnv returns base without the AWS_* variables, which the JavaScript
// SDK would otherwise read (a developer's profile, AWS_ENDPOINT_URL), plus
// set. The tests' inputs all come from set.
func nodeEnv(base []string, set map[string]string) []string {
	env := make([]string, 0, len(base)+len(set))
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "AWS_") {
			continue
		}
		if _, ok := set[name]; ok {
			continue
		}
		env = append(env, kv)
	}
	for k, v := range set {
		env = append(env, k+"="+v)
	}
	return env
}
