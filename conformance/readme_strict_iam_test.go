package conformance

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// The README's AWS CLI commands that make strict mode's credentials the
// AWS way (its IAM section), as shellLines gives them, but for their
// exports, which TestREADMEStrictIAMUser reads from the README.
var readmeStrictIAM = []string{
	`aws --endpoint-url http://localhost:9230 iam create-user --user-name dev`,
	`aws --endpoint-url http://localhost:9230 iam put-user-policy --user-name dev --policy-name admin --policy-document '` + readmeAdminPolicy + `'`,
	`aws --endpoint-url http://localhost:9230 iam create-access-key --user-name dev`,
}

const readmeAdminPolicy = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}`

// TestREADMEStrictIAMUser runs the README's commands that make an IAM
// user's key for strict mode through the Go SDK, signed with the keys the
// block exports, against a --strict server seeded with the README's
// fixture example: the exported keys must be a developer credential of
// that example, since a strict server refuses any other key
// (InvalidClientTokenId) until it holds a user. The user's new key then
// calls IAM as its policy allows.
func TestREADMEStrictIAMUser(t *testing.T) {
	t.Parallel()
	var block string
	for _, b := range codeBlocks(readmeSection(t, "IAM"), "sh") {
		if strings.Contains(b, "iam create-access-key --user-name dev") {
			block = b
		}
	}
	if block == "" {
		t.Fatal("got no sh block with iam create-access-key in the README's IAM, want the strict-mode user's")
	}
	env := map[string]string{}
	var commands []string
	for _, l := range shellLines(block) {
		vars, found := strings.CutPrefix(l, "export ")
		if !found {
			commands = append(commands, l)
			continue
		}
		for _, v := range strings.Fields(vars) {
			name, value, _ := strings.Cut(v, "=")
			env[name] = value
		}
	}
	if !slices.Equal(commands, readmeStrictIAM) {
		t.Errorf("the README's block and readmeStrictIAM differ; update both together.\nREADME:\n%s\ntest:\n%s",
			strings.Join(commands, "\n"), strings.Join(readmeStrictIAM, "\n"))
	}
	for _, name := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if env[name] != region {
			t.Errorf("the block's %s: got %q, want %q (the AWS CLI v1 reads only AWS_DEFAULT_REGION)", name, env[name], region)
		}
	}

	fixtures := codeBlocks(readmeSection(t, "Fixtures"), "json")
	if len(fixtures) == 0 {
		t.Fatal("got no json block in the README's Fixtures, want the example")
	}
	path := filepath.Join(t.TempDir(), "app.json")
	if err := os.WriteFile(path, []byte(fixtures[0]), 0o600); err != nil {
		t.Fatal(err)
	}
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path, "IDPOOL_STRICT": "true"})
	ctx := context.Background()
	dev := s.iamWith(aws.Credentials{AccessKeyID: env["AWS_ACCESS_KEY_ID"], SecretAccessKey: env["AWS_SECRET_ACCESS_KEY"]})
	_, err := dev.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dev")})
	ok(t, err, "CreateUser signed with the block's exported keys")
	_, err = dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("dev"), PolicyName: aws.String("admin"),
		PolicyDocument: aws.String(readmeAdminPolicy)})
	ok(t, err, "PutUserPolicy")
	key, err := dev.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev")})
	ok(t, err, "CreateAccessKey")
	user := s.iamWith(aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId),
		SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)})
	got, err := user.GetUser(ctx, &iam.GetUserInput{})
	ok(t, err, "GetUser with the new key")
	if want := "arn:aws:iam::" + s.accountID + ":user/dev"; aws.ToString(got.User.Arn) != want {
		t.Errorf("GetUser with the new key: got %q, want %q", aws.ToString(got.User.Arn), want)
	}
}
