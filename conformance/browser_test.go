package conformance

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	awsv1 "github.com/aws/aws-sdk-go/aws/credentials"
)

// browserDir holds the console's browser test and its npm package
// (playwright-core, installed by `npm ci --prefix conformance/browser`);
// screenshotDir, under it, receives a screenshot of every page the test
// visits, for a person to look at (the README names it).
const (
	browserDir    = "browser"
	screenshotDir = "browser/screenshots"
)

// TestConsoleInBrowser drives idpool's web console in real headless
// Chromium (Debian's chromium package) through playwright-core. The Go SDKs
// seed what the console must show: a pool with a Google login and a
// developer provider, an identity with a login and a Cognito Sync dataset
// (one value is markup, one 200,000 letters), a developer identity with credentials, and a
// GetCredentialsForIdentity refused by a role mapping. The browser then
// finds the identity by its login, opens it, reads its dataset, sees the
// refusal and its reason in Activity (live), decodes a token, and deletes
// an identity, which the SDK then no longer finds. No page makes the
// browser ask for a favicon, values keep their whitespace, a long value is
// cut and its page loads in seconds, live rows show
// times as the server renders them, and long names and ids neither push a
// 360-pixel window sideways nor wrap an id a few characters a line.
//
// Without node, the packages or chromium the test skips, except under CI.
func TestConsoleInBrowser(t *testing.T) {
	t.Parallel()
	node := needBrowser(t)
	s := testServer(t)
	ctx := context.Background()
	dev := uniqueDev()
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{
		// Long names must wrap, not push a narrow window sideways.
		IdentityPoolName:               aws.String(uniqueName("console") + "_" + strings.Repeat("LongPoolName", 8)),
		AllowUnauthenticatedIdentities: true,
		DeveloperProviderName:          aws.String(dev),
		SupportedLoginProviders:        map[string]string{googleKey: googleClient},
	})
	_, err := s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(pool),
		Roles:          map[string]string{"authenticated": s.roleARN("ConsoleAuth"), "unauthenticated": s.roleARN("ConsoleGuest")},
		RoleMappings: map[string]types.RoleMapping{googleKey: {
			Type:                    types.RoleMappingTypeRules,
			AmbiguousRoleResolution: types.AmbiguousRoleResolutionTypeDeny,
			RulesConfiguration: &types.RulesConfigurationType{Rules: []types.MappingRule{{
				Claim: aws.String("hd"), MatchType: types.MappingRuleMatchTypeEquals,
				Value: aws.String("example.com"), RoleARN: aws.String(s.roleARN("ConsoleStaff")),
			}}},
		}},
	})
	ok(t, err, "SetIdentityPoolRoles")

	user := uniqueName("browser-user") + strings.Repeat("x", 90)
	google := googleToken(t, user)
	loginID := s.loginID(t, pool, map[string]string{googleKey: google})
	// The Google login carries no hd claim: the Deny mapping refuses it.
	_, err = s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{
		IdentityId: aws.String(loginID), Logins: map[string]string{googleKey: google},
	})
	if !isCode(err, "NotAuthorizedException") {
		t.Fatalf("GetCredentialsForIdentity with the unmatched Google login: got %v, want NotAuthorizedException", err)
	}

	sp := &syncPool{s: s, id: pool, dev: newSyncClient(t, s.endpoint, awsv1.NewStaticCredentials(accessKey, secretKey, ""))}
	u := sp.as(loginID)
	u.write(t, "profile", replacePatch("color", "<script>alert(1)</script>", 0), replacePatch("city", "Lisbon", 0), replacePatch("temp", "x", 0),
		replacePatch("spaced", "  two  spaces", 0), replacePatch(hugeKey, strings.Repeat("A", hugeLen), 0))
	longDataset := "ds-" + strings.Repeat("d", 120)
	u.write(t, longDataset, replacePatch(strings.Repeat("k", 200), strings.Repeat("v", 300), 0))
	u.write(t, "profile", removePatch("temp", 1))

	devUser := uniqueName("dev-user")
	devOut, err := s.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
		IdentityPoolId: aws.String(pool), Logins: map[string]string{dev: devUser},
	})
	ok(t, err, "GetOpenIdTokenForDeveloperIdentity")
	devID, devToken := aws.ToString(devOut.IdentityId), aws.ToString(devOut.Token)
	credOut, err := s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{
		IdentityId: aws.String(devID), Logins: map[string]string{"cognito-identity.amazonaws.com": devToken},
	})
	ok(t, err, "GetCredentialsForIdentity (developer identity)")

	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	shots, err := filepath.Abs(screenshotDir)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"IDPOOL_ENDPOINT":       s.endpoint,
		"IDPOOL_CHROMIUM":       chromiumPath(),
		"IDPOOL_SCREENSHOTS":    shots,
		"IDPOOL_POOL_ID":        pool,
		"IDPOOL_LOGIN_USER":     user,
		"IDPOOL_LOGIN_ID":       loginID,
		"IDPOOL_DEV_USER":       devUser,
		"IDPOOL_DEV_ID":         devID,
		"IDPOOL_DEV_TOKEN":      devToken,
		"IDPOOL_DEV_ACCESS_KEY": aws.ToString(credOut.Credentials.AccessKeyId),
		"IDPOOL_LONG_DATASET":   longDataset,
		"IDPOOL_HUGE_KEY":       hugeKey,
		"IDPOOL_HUGE_LEN":       strconv.Itoa(hugeLen),
	}
	runNodeIn(t, browserDir, node, env, []string{"console.test.mjs"})

	// The browser deleted the developer identity.
	_, err = s.signed.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: aws.String(devID)})
	if !isCode(err, "ResourceNotFoundException") {
		t.Errorf("DescribeIdentity of the identity deleted in the console: got %v, want ResourceNotFoundException", err)
	}
	_, err = s.signed.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: aws.String(loginID)})
	ok(t, err, "DescribeIdentity of the identity the console left alone")
}

// hugeKey is the key of a record whose value is hugeLen letters without a
// space, which the identity page must show cut, and quickly: a browser lays
// out such a run in a table in time that grows faster than its length.
const (
	hugeKey = "hugevalue"
	hugeLen = 200000
)

// chromiumPath is Debian's chromium, or the one IDPOOL_CHROMIUM names.
func chromiumPath() string {
	if p := os.Getenv("IDPOOL_CHROMIUM"); p != "" {
		return p
	}
	p, _ := exec.LookPath("chromium")
	return p
}

// needBrowser returns node's path, or skips t when node, the packages of
// browserDir or chromium are missing; under CI it fails instead.
func needBrowser(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		unavailable(t, "the console's browser test needs node on PATH: %v", err)
	}
	if _, err := os.Stat(filepath.Join(browserDir, "node_modules", "playwright-core")); err != nil {
		unavailable(t, "the console's browser test needs playwright-core: run `npm ci --prefix conformance/browser`")
	}
	if chromiumPath() == "" {
		unavailable(t, "the console's browser test needs chromium: apt-get install chromium")
	}
	return node
}
