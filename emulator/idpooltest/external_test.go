package idpooltest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// consumerTest is the test of a module outside idpool's: what a user of
// idpooltest writes.
const consumerTest = `package consumer

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/idpool/idpool/emulator/idpooltest"
)

func TestGuest(t *testing.T) {
	srv := idpooltest.New(t)
	ctx := t.Context()
	cfg := srv.AWSConfig()
	ci := cognitoidentity.NewFromConfig(cfg)
	pool, err := ci.CreateIdentityPool(ctx, &cognitoidentity.CreateIdentityPoolInput{
		IdentityPoolName: aws.String("consumer"), AllowUnauthenticatedIdentities: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ci.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: pool.IdentityPoolId,
		Roles:          map[string]string{"unauthenticated": "arn:aws:iam::123456789012:role/Guest"},
	}); err != nil {
		t.Fatal(err)
	}
	id, err := ci.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: pool.IdentityPoolId})
	if err != nil {
		t.Fatal(err)
	}
	out, err := ci.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: id.IdentityId})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	who, err := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretKey, *c.SessionToken)
	}).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(who.Arn), "arn:aws:sts::123456789012:assumed-role/Guest/CognitoIdentityCredentials"; got != want {
		t.Errorf("GetCallerIdentity: got %s, want %s", got, want)
	}
}
`

// TestExternalModule builds a throwaway module that requires idpool
// (replaced by this checkout) and runs its test, which uses idpooltest.New
// with the AWS SDK for Go v2: the package works from outside the module,
// with nothing internal. It works offline: the throwaway module requires
// the checkout's own versions, which .ci/run's `go mod download` put in
// the module cache.
func TestExternalModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests another module; skipped with -short")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	gosum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	// The checkout's requirements, so that every version is one the
	// module cache holds and go.sum lists.
	mod := strings.Replace(string(gomod), "module github.com/idpool/idpool", "module example.com/consumer", 1) +
		"\nrequire github.com/idpool/idpool v0.0.0\n\nreplace github.com/idpool/idpool => " + root + "\n"
	dir := t.TempDir()
	for name, data := range map[string]string{
		"go.mod":           mod,
		"go.sum":           string(gosum),
		"consumer_test.go": consumerTest,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(gobin, "test", "-count=1", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test in the external module: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "ok") {
		t.Errorf("go test in the external module: got %s, want ok", out)
	}
}
