package conformance

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// stacksDir holds the tests of the login stacks people run locally, under
// jsDir so that they share its node_modules.
const stacksDir = "stacks"

// The fixed names of the stack tests' world; js/stacks/oidc-config.mjs
// names the same OIDC clients.
const (
	stackPool          = "us-east-1:5a5a5a5a-0000-4000-8000-000000000001"
	stackUntrustedPool = "us-east-1:5a5a5a5a-0000-4000-8000-000000000002"
	stackOIDCClient    = "app"
	stackSession       = "stack-session"
	// stackOtherProvider is the only provider the untrusting role trusts.
	stackOtherProvider = "login.other.example"
)

// TestJavaScriptStacks runs js/stacks/*.test.mjs: idpool with the login
// stacks people run locally, driven by their real clients.
//
//   - cognito-local (the npm package's own binary, default configuration,
//     tokens issued by http://localhost:PORT/<userPoolId>) as the user pool
//     of Amplify v6 (fetchAuthSession for a guest and for a signed-in user,
//     configured in code and from a Gen 2 amplify_outputs.json, and a
//     forced refresh through a token refresher of the app's) and of the
//     SDK's fromCognitoIdentityPool, its groups choosing a role through a
//     Rules mapping on cognito:groups;
//   - oidc-provider (js/stacks/oidc-server.mjs, issuer http://localhost:PORT)
//     as an OpenID Connect provider whose ID tokens, from a real
//     authorization-code flow, go through GetId + GetCredentialsForIdentity
//     and STS AssumeRoleWithWebIdentity, and are refused as AWS refuses them.
//
// The providers run as child processes on free local ports and are
// killed when the test ends. Two in-process idpool servers are seeded with
// the same fixture (stackFixture): one permissive, one strict that knows the
// OIDC issuer as a fixture provider and finds its keys by discovery.
//
// Without node or the installed packages the test skips, except under CI.
func TestJavaScriptStacks(t *testing.T) {
	t.Parallel()
	if os.Getenv("IDPOOL_ENDPOINT") != "" {
		t.Skip("the stack tests start servers with their own fixtures; unset IDPOOL_ENDPOINT to run them")
	}
	cognitoBin := filepath.Join("node_modules", ".bin", "cognito-local")
	node := needNode(t, cognitoBin, filepath.Join("node_modules", "oidc-provider"), filepath.Join("node_modules", "aws-amplify"))
	files, err := filepath.Glob(filepath.Join(jsDir, stacksDir, "*.test.mjs"))
	if err != nil || len(files) == 0 {
		t.Fatalf("got no %s/%s/*.test.mjs (err %v), want the stack tests", jsDir, stacksDir, err)
	}
	for i, f := range files {
		files[i], _ = filepath.Rel(jsDir, f) // node runs in jsDir
	}

	// Both providers start at once; each takes seconds to load.
	oidc := startNode(t, "oidc-provider", node, jsDir, nil, filepath.Join(stacksDir, "oidc-server.mjs"))
	cognitoPort := freePort(t)
	cognitoLocal := fmt.Sprintf("http://localhost:%d", cognitoPort)
	// cognito-local keeps its state in .cognito under its working directory
	// and derives its issuer from PORT and HOST (here its defaults' form).
	bin, err := filepath.Abs(filepath.Join(jsDir, cognitoBin))
	if err != nil {
		t.Fatal(err)
	}
	startNode(t, "cognito-local", node, t.TempDir(), map[string]string{
		"PORT": fmt.Sprint(cognitoPort), "HOST": "localhost",
	}, bin)
	issuer := oidcIssuer(t, oidc)
	waitHealthy(t, "cognito-local", cognitoLocal+"/health")

	dir := t.TempDir()
	permissive := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": writeJSON(t, dir, "permissive.json", stackFixture(issuer, false))})
	verified := testServerEnv(t, map[string]string{
		"IDPOOL_FIXTURES": writeJSON(t, dir, "verified.json", stackFixture(issuer, true)),
		"IDPOOL_STRICT":   "true",
	})

	s := permissive
	env := map[string]string{
		"IDPOOL_REGION":                 region,
		"IDPOOL_ACCOUNT_ID":             s.accountID,
		"IDPOOL_ENDPOINT":               permissive.endpoint,
		"IDPOOL_VERIFIED_ENDPOINT":      verified.endpoint,
		"IDPOOL_COGNITO_LOCAL_ENDPOINT": cognitoLocal,
		"IDPOOL_CL_AUTH_ROLE":           s.roleARN("StackUserPoolAuth"),
		"IDPOOL_CL_GUEST_ROLE":          s.roleARN("StackUserPoolGuest"),
		"IDPOOL_CL_AUTH_ARN":            s.assumedARN("StackUserPoolAuth", cognitoSession),
		"IDPOOL_CL_GUEST_ARN":           s.assumedARN("StackUserPoolGuest", cognitoSession),
		"IDPOOL_CL_GROUP_ROLE":          s.roleARN("StackUserPoolAdmins"),
		"IDPOOL_CL_GROUP_ARN":           s.assumedARN("StackUserPoolAdmins", cognitoSession),
		"IDPOOL_OIDC_ISSUER":            issuer,
		"IDPOOL_OIDC_POOL_ID":           stackPool,
		"IDPOOL_OIDC_UNTRUSTED_POOL_ID": stackUntrustedPool,
		"IDPOOL_OIDC_POOL_CALLER_ARN":   s.assumedARN("StackOIDCPoolAuth", cognitoSession),
		"IDPOOL_OIDC_WEB_ROLE":          s.roleARN("StackOIDCWeb"),
		"IDPOOL_OIDC_WEB_ARN":           s.assumedARN("StackOIDCWeb", stackSession),
		"IDPOOL_OIDC_UNTRUSTING_ROLE":   s.roleARN("StackOIDCUntrusting"),
		"IDPOOL_OIDC_SESSION":           stackSession,
	}
	runNodeTests(t, node, env, files)
}

// stackFixture is the fixture of the OIDC tests' world (the cognito-local
// tests make theirs through the API): a pool whose authenticated role
// trusts Cognito Identity for that pool, a pool whose authenticated role
// trusts only another provider, a role for STS that trusts the OIDC
// provider for the app client, and, when verified, the provider itself,
// named by its issuer URL, with no key set: idpool finds it by discovery.
func stackFixture(issuer string, verified bool) map[string]any {
	const account = "arn:aws:iam::123456789012:"
	key := strings.TrimPrefix(strings.TrimPrefix(issuer, "http://"), "https://")
	trust := func(federated string, cond map[string]any) map[string]any {
		st := map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Federated": federated},
			"Action":    "sts:AssumeRoleWithWebIdentity",
		}
		if cond != nil {
			st["Condition"] = cond
		}
		return map[string]any{"Version": "2012-10-17", "Statement": []any{st}}
	}
	role := func(name string, doc map[string]any) map[string]any {
		return map[string]any{"Arn": account + "role/" + name, "AssumeRolePolicyDocument": doc}
	}
	pool := func(id, name, authRole string) map[string]any {
		return map[string]any{
			"IdentityPoolId":                 id,
			"IdentityPoolName":               name,
			"AllowUnauthenticatedIdentities": false,
			"OpenIdConnectProviderARNs":      []string{account + "oidc-provider/" + key},
			"Roles":                          map[string]string{"authenticated": account + "role/" + authRole},
		}
	}
	fx := map[string]any{
		"AccountId": "123456789012",
		"Region":    region,
		"Roles": []any{
			role("StackOIDCPoolAuth", trust(cognitoKey, map[string]any{
				"StringEquals":           map[string]any{cognitoKey + ":aud": stackPool},
				"ForAnyValue:StringLike": map[string]any{cognitoKey + ":amr": "authenticated"},
			})),
			role("StackOIDCWeb", trust(account+"oidc-provider/"+key, map[string]any{
				"StringEquals": map[string]any{key + ":aud": stackOIDCClient},
			})),
			role("StackOIDCUntrusting", trust(account+"oidc-provider/"+stackOtherProvider, nil)),
		},
		"IdentityPools": []any{
			pool(stackPool, "stack_oidc", "StackOIDCPoolAuth"),
			pool(stackUntrustedPool, "stack_oidc_untrusted", "StackOIDCUntrusting"),
		},
	}
	if verified {
		fx["Providers"] = []any{map[string]any{"Name": issuer, "ClientIds": []string{stackOIDCClient}}}
	}
	return fx
}

// writeJSON writes v as JSON to dir/name and returns the path.
func writeJSON(t *testing.T, dir, name string, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// nodeProc is a node process the test started, with its output.
type nodeProc struct {
	name   string
	stdout *lockedBuffer
	stderr *lockedBuffer
	exited chan struct{}
}

// startNode starts node with args in dir, with the environment of nodeEnv
// plus env. The process is killed when t ends, and its output is logged if
// t failed.
func startNode(t *testing.T, name, node, dir string, env map[string]string, args ...string) *nodeProc {
	t.Helper()
	p := &nodeProc{name: name, stdout: new(lockedBuffer), stderr: new(lockedBuffer), exited: make(chan struct{})}
	cmd := exec.Command(node, args...)
	cmd.Dir = dir
	cmd.Env = nodeEnv(os.Environ(), env)
	cmd.Stdout = p.stdout
	cmd.Stderr = p.stderr
	dieWithTest(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	var waitErr error // written before exited is closed
	go func() {
		waitErr = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
			t.Errorf("%s (pid %d) did not exit after kill", name, cmd.Process.Pid)
			return
		}
		if t.Failed() {
			t.Logf("%s ended (%v); stdout:\n%s\nstderr:\n%s", name, waitErr, p.stdout, p.stderr)
		}
	})
	return p
}

// startTimeout bounds how long a provider may take to serve: loading its
// packages takes seconds on a busy machine.
const startTimeout = 60 * time.Second

// oidcIssuer waits for oidc-server.mjs's line {"issuer": …} and returns
// the issuer.
func oidcIssuer(t *testing.T, p *nodeProc) string {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for {
		if line, _, ok := strings.Cut(p.stdout.String(), "\n"); ok {
			var v struct{ Issuer string }
			if err := json.Unmarshal([]byte(line), &v); err != nil || v.Issuer == "" {
				t.Fatalf("%s: got first line %q, want {\"issuer\": …} (err %v)", p.name, line, err)
			}
			return v.Issuer
		}
		select {
		case <-p.exited:
			t.Fatalf("%s exited before serving; stderr:\n%s", p.name, p.stderr)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not serve within %v", p.name, startTimeout)
		}
	}
}

// waitHealthy waits until url answers 200.
func waitHealthy(t *testing.T, name, url string) {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(startTimeout)
	for {
		res, err := client.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s did not answer 200 within %v (last: %v)", name, url, startTimeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// freePort returns a TCP port of 127.0.0.1 that was free a moment ago, for
// a server that must know its port before it starts (cognito-local writes
// it into its tokens' issuer).
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
