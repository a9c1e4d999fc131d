package conformance

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	credsv2 "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/service/cognitosync"
	"github.com/go-jose/go-jose/v4"

	"github.com/idpool/idpool/emulator"
)

// The world the fixture tests seed: a pool with a fixed id, a Facebook
// login already linked to a fixed identity, a dataset, an OIDC provider
// whose tokens are verified against its key set, a role that only
// authenticated identities may assume, and developer credentials.
const (
	fxPool       = "us-east-1:0f0f0f0f-1111-2222-3333-444444444444"
	fxIdentity   = "us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
	fxFacebook   = "fb-user-1"
	fxOIDC       = "login.example.test"
	fxClient     = "app-client"
	fxKid        = "ext-1"
	fxDevKey     = "AKIAFIXTUREDEVKEY001"
	fxDevSecret  = "fixture-developer-secret-0000000000000000"
	fxAuthOnly   = "arn:aws:iam::123456789012:role/AuthOnly"
	fxOIDCRole   = "arn:aws:iam::123456789012:role/OIDCRole"
	fxDatasetKey = "color"
)

// fixtureWorld writes the fixture file into dir and returns its path and
// the provider's signing key.
func fixtureWorld(t *testing.T, dir string) (string, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	jwks := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: key.Public(), KeyID: fxKid, Algorithm: "RS256", Use: "sig"}}}
	authOnly := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Federated": "cognito-identity.amazonaws.com"},
			"Action":    "sts:AssumeRoleWithWebIdentity",
			"Condition": map[string]any{
				"StringEquals":           map[string]any{"cognito-identity.amazonaws.com:aud": fxPool},
				"ForAnyValue:StringLike": map[string]any{"cognito-identity.amazonaws.com:amr": "authenticated"},
			},
		}},
	}
	oidcTrust := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Federated": "arn:aws:iam::123456789012:oidc-provider/" + fxOIDC},
			"Action":    "sts:AssumeRoleWithWebIdentity",
			"Condition": map[string]any{"StringEquals": map[string]any{fxOIDC + ":aud": fxClient}},
		}},
	}
	fx := map[string]any{
		"AccountId":            "123456789012",
		"Region":               "us-east-1",
		"DeveloperCredentials": []any{map[string]any{"AccessKeyId": fxDevKey, "SecretAccessKey": fxDevSecret}},
		"Providers":            []any{map[string]any{"Name": fxOIDC, "Jwks": jwks, "ClientIds": []string{fxClient}}},
		"Roles": []any{
			map[string]any{"Arn": fxAuthOnly, "AssumeRolePolicyDocument": authOnly},
			map[string]any{"Arn": fxOIDCRole, "AssumeRolePolicyDocument": oidcTrust},
		},
		"IdentityPools": []any{map[string]any{
			"IdentityPoolId":                 fxPool,
			"IdentityPoolName":               "seeded",
			"AllowUnauthenticatedIdentities": true,
			"SupportedLoginProviders":        map[string]string{"graph.facebook.com": "fb-app"},
			"OpenIdConnectProviderARNs":      []string{"arn:aws:iam::123456789012:oidc-provider/" + fxOIDC},
			"Roles":                          map[string]string{"authenticated": fxAuthOnly, "unauthenticated": fxAuthOnly},
			"Identities":                     []any{map[string]any{"IdentityId": fxIdentity, "Logins": map[string]string{"graph.facebook.com": fxFacebook}}},
			"Datasets":                       []any{map[string]any{"IdentityId": fxIdentity, "DatasetName": "profile", "Records": map[string]string{fxDatasetKey: "blue"}}},
		}},
	}
	b, err := json.MarshalIndent(fx, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "world.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, key
}

// providerToken signs an OIDC ID token of the fixture's provider with key.
func providerToken(t *testing.T, key *rsa.PrivateKey, sub string) string {
	t.Helper()
	now := time.Now()
	return signJWT(t, key, fxKid, map[string]any{"iss": "https://" + fxOIDC, "aud": fxClient, "sub": sub, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
}

// TestFixtureWorld: the seeded pool, identity and dataset are visible
// through the SDKs, the seeded login maps to the seeded identity, and a
// restart with the same file changes nothing.
func TestFixtureWorld(t *testing.T) {
	path, _ := fixtureWorld(t, t.TempDir())
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path})
	ctx := context.Background()
	devSync := newSyncClient(t, s.endpoint, credentials.NewStaticCredentials(fxDevKey, fxDevSecret, ""))

	type state struct {
		name       string
		identity   string
		value      string
		syncCount  int64
		modifiedAt time.Time
	}
	observe := func(t *testing.T) state {
		t.Helper()
		p, err := s.signed.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: awsv2.String(fxPool)})
		ok(t, err, "DescribeIdentityPool")
		id, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: awsv2.String(fxPool), Logins: map[string]string{"graph.facebook.com": fxFacebook}})
		ok(t, err, "GetId")
		recs, err := devSync.ListRecords(&cognitosync.ListRecordsInput{IdentityPoolId: aws.String(fxPool), IdentityId: aws.String(fxIdentity), DatasetName: aws.String("profile")})
		ok(t, err, "ListRecords")
		if len(recs.Records) != 1 || aws.StringValue(recs.Records[0].Key) != fxDatasetKey {
			t.Fatalf("ListRecords: got %v, want the seeded record", recs.Records)
		}
		d, err := devSync.DescribeDataset(&cognitosync.DescribeDatasetInput{IdentityPoolId: aws.String(fxPool), IdentityId: aws.String(fxIdentity), DatasetName: aws.String("profile")})
		ok(t, err, "DescribeDataset")
		return state{
			name: awsv2.ToString(p.IdentityPoolName), identity: awsv2.ToString(id.IdentityId),
			value: aws.StringValue(recs.Records[0].Value), syncCount: aws.Int64Value(recs.DatasetSyncCount),
			modifiedAt: aws.TimeValue(d.Dataset.LastModifiedDate),
		}
	}
	before := observe(t)
	want := state{name: "seeded", identity: fxIdentity, value: "blue", syncCount: 1, modifiedAt: before.modifiedAt}
	if before != want {
		t.Errorf("seeded world: got %+v, want %+v", before, want)
	}
	s.restart(t)
	if after := observe(t); after != before {
		t.Errorf("after a restart with the same fixtures: got %+v, want %+v", after, before)
	}

	// A reset seeds the same pool again, and its usage starts afresh: the
	// sync sessions that observe opened before are not the new pool's.
	usage := func(t *testing.T) (sessions, datasets int64) {
		t.Helper()
		u, err := devSync.DescribeIdentityPoolUsage(&cognitosync.DescribeIdentityPoolUsageInput{IdentityPoolId: aws.String(fxPool)})
		ok(t, err, "DescribeIdentityPoolUsage")
		return aws.Int64Value(u.IdentityPoolUsage.SyncSessionsCount), aws.Int64Value(u.IdentityPoolUsage.DataStorage)
	}
	if sessions, _ := usage(t); sessions == 0 {
		t.Fatalf("SyncSessionsCount before the reset: got 0, want the sessions observe opened")
	}
	if res := s.post(t, "/_idpool/reset", ""); res.status != http.StatusOK {
		t.Fatalf("reset: got %d %s, want 200", res.status, res.body)
	}
	if sessions, storage := usage(t); sessions != 0 || storage == 0 {
		t.Errorf("usage after a reset: got %d sessions and %d bytes, want 0 sessions and the seeded dataset's bytes", sessions, storage)
	}
}

// TestFixtureProviderKeys: a token signed by the provider's key set is a
// valid login and a valid STS web identity; one signed by another key is
// refused by both.
func TestFixtureProviderKeys(t *testing.T) {
	path, key := fixtureWorld(t, t.TempDir())
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path})
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	getID := func(tok string) error {
		_, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: awsv2.String(fxPool), Logins: map[string]string{fxOIDC: tok}})
		return err
	}
	good, forged := providerToken(t, key, "oidc-user"), providerToken(t, other, "oidc-user")
	if err := getID(good); err != nil {
		t.Errorf("GetId with a token of the provider's key: %v", err)
	}
	wantAPIError(t, getID(forged), "NotAuthorizedException", "")

	if _, err := s.assumeWeb(good, fxOIDCRole, "oidc", nil); err != nil {
		t.Errorf("AssumeRoleWithWebIdentity with a token of the provider's key: %v", err)
	}
	_, err = s.assumeWeb(forged, fxOIDCRole, "oidc", nil)
	wantSTSError(t, err, "InvalidIdentityToken", http.StatusBadRequest, "")
}

// TestFixtureTrustPolicy: a role whose trust policy requires amr
// "authenticated" refuses guests through both flows and serves
// authenticated identities.
func TestFixtureTrustPolicy(t *testing.T) {
	path, _ := fixtureWorld(t, t.TempDir())
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path})
	ctx := context.Background()

	// Enhanced flow.
	guest := s.guestID(t, fxPool)
	_, err := s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: awsv2.String(guest)})
	wantAPIError(t, err, "InvalidIdentityPoolConfigurationException", "Invalid identity pool configuration. Check assigned IAM roles for this pool.")
	c, _ := s.enhancedCreds(t, fxIdentity, map[string]string{"graph.facebook.com": fxFacebook})
	s.wantCaller(t, c, "arn:aws:sts::123456789012:assumed-role/AuthOnly/CognitoIdentityCredentials")

	// Basic flow.
	out, err := s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: awsv2.String(guest)})
	ok(t, err, "GetOpenIdToken guest")
	_, err = s.assumeWeb(awsv2.ToString(out.Token), fxAuthOnly, "guest", nil)
	wantSTSError(t, err, "AccessDenied", http.StatusForbidden, "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	out, err = s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: awsv2.String(fxIdentity), Logins: map[string]string{"graph.facebook.com": fxFacebook}})
	ok(t, err, "GetOpenIdToken authenticated")
	if _, err := s.assumeWeb(awsv2.ToString(out.Token), fxAuthOnly, "user", nil); err != nil {
		t.Errorf("AssumeRoleWithWebIdentity authenticated: %v", err)
	}
}

// TestStrictMode: developer operations need the fixture's developer
// credentials; logins of a provider without a key set are refused.
func TestStrictMode(t *testing.T) {
	path, key := fixtureWorld(t, t.TempDir())
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path, "IDPOOL_STRICT": "true"})
	ctx := context.Background()
	in := &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: awsv2.String(fxPool)}

	_, err := s.signed.DescribeIdentityPool(ctx, in) // accessKey: unknown here
	wantAPIError(t, err, "UnrecognizedClientException", "The security token included in the request is invalid.")
	wrong := newClient(s.endpoint, credsv2.NewStaticCredentialsProvider(fxDevKey, "not-the-secret", ""))
	_, err = wrong.DescribeIdentityPool(ctx, in)
	wantAPIError(t, err, "InvalidSignatureException", "")
	dev := newClient(s.endpoint, credsv2.NewStaticCredentialsProvider(fxDevKey, fxDevSecret, ""))
	if _, err := dev.DescribeIdentityPool(ctx, in); err != nil {
		t.Errorf("DescribeIdentityPool with the fixture's developer credentials: %v", err)
	}

	// Facebook has no key set: its logins are refused; the OIDC provider's pass.
	_, err = s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: awsv2.String(fxPool), Logins: map[string]string{"graph.facebook.com": fxFacebook}})
	wantAPIError(t, err, "NotAuthorizedException", "")
	if _, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: awsv2.String(fxPool), Logins: map[string]string{fxOIDC: providerToken(t, key, "strict-user")}}); err != nil {
		t.Errorf("GetId with a verified provider token in strict mode: %v", err)
	}
}

// TestInvalidFixture: a bad fixture stops the server before it listens,
// with a message naming the file, the member and the value.
func TestInvalidFixture(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.json")
	bad := `{"IdentityPools":[{"IdentityPoolId":"us-east-1:0f0f0f0f-1111-2222-3333-444444444444","IdentityPoolName":"x",
 "AllowUnauthenticatedIdentities":true,"Identities":[{"IdentityId":"not-an-id"}]}]}`
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := emulator.Load([]string{"--db", filepath.Join(dir, "idpool.db"), "--fixtures", path}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	srv, err := emulator.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil {
		srv.Close()
		t.Fatal("emulator.New with an invalid fixture: got nil error")
	}
	for _, want := range []string{path, "IdentityPools[0].Identities[0].IdentityId", `"not-an-id"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("got %q, want it to name %s", err, want)
		}
	}
}
