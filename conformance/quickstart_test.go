package conformance

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// The README's quick start, as the AWS CLI commands a person pastes, with
// continuation lines joined and runs of blanks made one. The test below
// runs each through the Go SDK; TestQuickStartREADME fails when the
// README's block and this list part.
var quickStartCLI = []string{
	`export AWS_ENDPOINT_URL=http://localhost:9230 AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1`,
	`export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`,
	`pool=$(aws cognito-identity create-identity-pool --identity-pool-name demo --allow-unauthenticated-identities --query IdentityPoolId --output text)`,
	`aws cognito-identity set-identity-pool-roles --identity-pool-id "$pool" --roles unauthenticated=` + quickGuestRole + `,authenticated=` + quickUserRole,
	`id=$(aws cognito-identity get-id --identity-pool-id "$pool" --query IdentityId --output text)`,
	`read -r key secret token <<EOF`,
	`$(aws cognito-identity get-credentials-for-identity --identity-id "$id" --query '[Credentials.AccessKeyId,Credentials.SecretKey,Credentials.SessionToken]' --output text)`,
	`EOF`,
	`AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret AWS_SESSION_TOKEN=$token aws sts get-caller-identity`,
}

const (
	quickGuestRole = "arn:aws:iam::123456789012:role/Guest"
	quickUserRole  = "arn:aws:iam::123456789012:role/User"
	quickEndpoint  = "http://localhost:9230"
	// quickARN is who the guest's credentials are, as the README says.
	quickARN = "arn:aws:sts::123456789012:assumed-role/Guest/CognitoIdentityCredentials"
)

// readmeSection returns the text of the README section titled title, up
// to the next section.
func readmeSection(t *testing.T, title string) string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, found := strings.Cut(string(b), "\n## "+title+"\n")
	if !found {
		t.Fatalf("README.md has no section %q", title)
	}
	sec, _, _ := strings.Cut(rest, "\n## ")
	return sec
}

// codeBlocks returns the fenced blocks of lang in text, in order.
func codeBlocks(text, lang string) []string {
	re := regexp.MustCompile("(?s)```" + regexp.QuoteMeta(lang) + "\n(.*?)```")
	var blocks []string
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		blocks = append(blocks, m[1])
	}
	return blocks
}

// shellLines joins the continuation lines of a shell block and makes every
// run of blanks one, dropping comments and empty lines.
func shellLines(block string) []string {
	block = regexp.MustCompile(`\\\n\s*`).ReplaceAllString(block, " ")
	var lines []string
	for _, l := range strings.Split(block, "\n") {
		l = strings.Join(strings.Fields(l), " ")
		if l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestQuickStartREADME: the README's quick start is the sequence this
// test runs, sets the region for every SDK, and states the result.
func TestQuickStartREADME(t *testing.T) {
	sec := readmeSection(t, "Quick start")
	blocks := codeBlocks(sec, "sh")
	if len(blocks) != 2 {
		t.Fatalf("got %d sh blocks in the quick start, want 2 (start, AWS CLI)", len(blocks))
	}
	if !strings.Contains(blocks[0], "go run ./cmd/idpool --db :memory:") {
		t.Errorf("the first block: got %q, want it to start idpool with go run", blocks[0])
	}
	got := shellLines(blocks[1])
	if strings.Join(got, "\n") != strings.Join(quickStartCLI, "\n") {
		t.Errorf("the README's AWS CLI block and quickStartCLI differ; update both together.\nREADME:\n%s\ntest:\n%s",
			strings.Join(got, "\n"), strings.Join(quickStartCLI, "\n"))
	}
	for _, w := range []string{`"Arn": "` + quickARN + `"`, "AWS_DEFAULT_REGION", "InvalidIdentityPoolConfigurationException", "compiles SQLite"} {
		if !strings.Contains(sec, w) {
			t.Errorf("the quick start does not mention %s", w)
		}
	}
}

// TestQuickStart runs the README's AWS CLI quick start through the Go SDK,
// call for call: a new user reaches credentials and STS in these steps.
func TestQuickStart(t *testing.T) {
	t.Parallel()
	if os.Getenv("IDPOOL_ENDPOINT") != "" && envOr("IDPOOL_ACCOUNT_ID", "123456789012") != "123456789012" {
		t.Skip("the README's role ARNs are in account 123456789012")
	}
	s := testServer(t)
	ctx := context.Background()
	// create-identity-pool --identity-pool-name demo --allow-unauthenticated-identities
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{
		IdentityPoolName:               aws.String(uniqueName("demo")),
		AllowUnauthenticatedIdentities: true,
	})
	// Before the roles step, as the README warns: AWS's configuration error.
	guest := s.guestID(t, pool)
	_, err := s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: aws.String(guest)})
	wantAPIError(t, err, codeInvalidConfig, "")
	// set-identity-pool-roles --roles unauthenticated=…,authenticated=…
	_, err = s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(pool),
		Roles:          map[string]string{"unauthenticated": quickGuestRole, "authenticated": quickUserRole},
	})
	ok(t, err, "SetIdentityPoolRoles")
	// get-id, signed with the dummy keys as the CLI signs.
	id, err := s.signed.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(pool)})
	ok(t, err, "GetId")
	// get-credentials-for-identity
	out, err := s.signed.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: id.IdentityId})
	ok(t, err, "GetCredentialsForIdentity")
	// sts get-caller-identity with those credentials
	s.wantCaller(t, fromCognito(t, out.Credentials), quickARN)
}

// TestQuickStartSDKs runs the README's boto3 and JavaScript quick starts
// as written, aimed at the test server. boto3 is optional (CI does not
// install it); the JavaScript SDK is the conformance suite's own.
func TestQuickStartSDKs(t *testing.T) {
	t.Parallel()
	if os.Getenv("IDPOOL_ENDPOINT") != "" && envOr("IDPOOL_ACCOUNT_ID", "123456789012") != "123456789012" {
		t.Skip("the README's role ARNs are in account 123456789012")
	}
	sec := readmeSection(t, "Quick start")
	tests := []struct {
		lang string
		// interp returns the interpreter, its arguments before the code,
		// and the directory to run in; it skips t when it is missing.
		interp func(t *testing.T) (string, []string, string)
	}{
		{"python", func(t *testing.T) (string, []string, string) {
			py, err := exec.LookPath("python3")
			if err != nil || exec.Command(py, "-c", "import boto3").Run() != nil {
				t.Skip("no python3 with boto3")
			}
			return py, []string{"-c"}, ""
		}},
		{"js", func(t *testing.T) (string, []string, string) {
			// Bare imports of --eval code resolve from the working
			// directory: the conformance suite's packages.
			return needNode(t), []string{"--input-type=module", "-e"}, jsDir
		}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			blocks := codeBlocks(sec, tt.lang)
			if len(blocks) != 1 {
				t.Fatalf("got %d %s blocks in the quick start, want 1", len(blocks), tt.lang)
			}
			if !strings.Contains(blocks[0], quickEndpoint) {
				t.Fatalf("the %s block does not use %s", tt.lang, quickEndpoint)
			}
			bin, args, dir := tt.interp(t)
			s := testServer(t)
			code := strings.ReplaceAll(blocks[0], quickEndpoint, s.endpoint)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, append(args, code)...)
			cmd.Dir = dir
			cmd.Env = nodeEnv(os.Environ(), nil) // no AWS_* of the developer's
			var stderr strings.Builder
			cmd.Stderr = &stderr // warnings, such as node's about its version
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s quick start: %v\n%s%s", tt.lang, err, out, stderr.String())
			}
			if got := strings.TrimSpace(string(out)); got != quickARN {
				t.Errorf("%s quick start printed %q, want %q", tt.lang, got, quickARN)
			}
		})
	}
}
