package conformance

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/cognitosync"
)

// readmeURL is the endpoint the README's snippets name, which the tests
// replace with the test server's.
const readmeURL = "http://localhost:9230"

// TestREADMEConfigFile loads the README's config file, as written, with
// aws-sdk-go-v2 and calls idpool's services through its profile. The
// one-line form (sts = endpoint_url = …) crashes boto3 and sends the
// JavaScript SDK v3 to AWS, and keys spelled with hyphens are ignored
// (checked by hand with boto3 1.43, AWS CLI 1.45 and @aws-sdk v3.1178; see
// docs.aws.amazon.com/sdkref/latest/guide/ss-endpoints-table.html for the
// keys), so the block must keep the nested form and the table's keys.
func TestREADMEConfigFile(t *testing.T) {
	blocks := codeBlocks(readmeSection(t, "Point your SDK at it"), "ini")
	if len(blocks) != 1 {
		t.Fatalf("got %d ini blocks in the README's Point your SDK at it, want 1 (the config file)", len(blocks))
	}
	block := blocks[0]
	for _, key := range []string{"cognito_identity", "cognito_sync", "sts", "iam"} {
		if !strings.Contains(block, "\n"+key+" =\n  endpoint_url = "+readmeURL+"\n") {
			t.Errorf("README config file: got\n%s\nwant %s with endpoint_url indented on the next line", block, key)
		}
	}
	s := testServer(t)
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(block, readmeURL, s.endpoint)), 0o600); err != nil {
		t.Fatal(err)
	}
	// Only the file speaks: no endpoint or key of the environment.
	for _, v := range []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_COGNITO_IDENTITY", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_IAM",
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"} {
		t.Setenv(v, "")
	}
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigFiles([]string{path}),
		config.WithSharedCredentialsFiles([]string{}), config.WithSharedConfigProfile("idpool"), config.WithRetryMaxAttempts(1))
	ok(t, err, "LoadDefaultConfig")

	out, err := cognitoidentity.NewFromConfig(cfg).CreateIdentityPool(ctx, &cognitoidentity.CreateIdentityPoolInput{
		IdentityPoolName: awsv2.String(uniqueName("readme_config")),
	})
	ok(t, err, "CreateIdentityPool through the profile")
	pool := awsv2.ToString(out.IdentityPoolId)
	_, err = s.signed.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: awsv2.String(pool)})
	ok(t, err, "DescribeIdentityPool of the profile's pool")
	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	ok(t, err, "GetCallerIdentity through the profile")
	if got, want := awsv2.ToString(who.Arn), "arn:aws:iam::"+s.accountID+":root"; got != want {
		t.Errorf("GetCallerIdentity through the profile: got %q, want %q", got, want)
	}
	_, err = iam.NewFromConfig(cfg).ListRoles(ctx, &iam.ListRolesInput{})
	ok(t, err, "ListRoles through the profile")
}

// readmeGoV1 is the README's aws-sdk-go v1 snippet, which
// TestREADMEGoV1Endpoint runs.
const readmeGoV1 = `sess := session.Must(session.NewSession(aws.NewConfig().WithRegion("us-east-1")))
syncClient := cognitosync.New(sess, aws.NewConfig().WithEndpoint("` + readmeURL + `"))
`

// TestREADMEGoV1Endpoint: aws-sdk-go v1 reads no AWS_ENDPOINT_URL, so the
// README gives its endpoint in code; the snippet, run as written, reaches
// idpool's Cognito Sync.
func TestREADMEGoV1Endpoint(t *testing.T) {
	var found bool
	for _, b := range codeBlocks(readmeSection(t, "Point your SDK at it"), "go") {
		found = found || b == readmeGoV1
	}
	if !found {
		t.Fatalf("the README's Point your SDK at it has no go block\n%s\nupdate the README and readmeGoV1 together", readmeGoV1)
	}
	s := testServer(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	sess := session.Must(session.NewSession(aws.NewConfig().WithRegion("us-east-1")))
	syncClient := cognitosync.New(sess, aws.NewConfig().WithEndpoint(s.endpoint).WithMaxRetries(0))
	_, err := syncClient.ListIdentityPoolUsage(&cognitosync.ListIdentityPoolUsageInput{})
	ok(t, err, "ListIdentityPoolUsage with the README's aws-sdk-go v1 client")
}
