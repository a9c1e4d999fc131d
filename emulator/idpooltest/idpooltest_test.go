package idpooltest_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/smithy-go"

	"github.com/idpool/idpool/emulator/idpooltest"
	"github.com/idpool/idpool/fixtures"
)

// composePool is the pool of the sample fixture the Compose example
// mounts.
const composePool = "us-east-1:0a0a0a0a-0000-4000-8000-000000000001"

func TestNewFixtureFile(t *testing.T) {
	srv := idpooltest.New(t, idpooltest.WithFixtureFile("../../conformance/testdata/compose"))
	ctx := t.Context()
	ci := cognitoidentity.NewFromConfig(srv.AWSConfig())
	id, err := ci.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(composePool)})
	if err != nil {
		t.Fatalf("GetId: %v", err)
	}
	out, err := ci.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: id.IdentityId})
	if err != nil {
		t.Fatalf("GetCredentialsForIdentity: %v", err)
	}
	if got := aws.ToString(out.Credentials.AccessKeyId); !strings.HasPrefix(got, "ASIA") {
		t.Errorf("AccessKeyId: got %q, want ASIA…", got)
	}
	if srv.Region() != "us-east-1" || !strings.HasPrefix(srv.URL(), "http://127.0.0.1:") {
		t.Errorf("got region %q, URL %q; want us-east-1 on the loopback", srv.Region(), srv.URL())
	}
}

// TestCleanup: the server New starts is gone once its test has ended.
func TestCleanup(t *testing.T) {
	var url string
	t.Run("inner", func(t *testing.T) {
		url = idpooltest.New(t).URL()
	})
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url), RetryMaxAttempts: 1}
	_, err := cognitoidentity.NewFromConfig(cfg).GetId(t.Context(), &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(composePool)})
	var api smithy.APIError
	if err == nil || errors.As(err, &api) {
		t.Errorf("GetId after the test ended: got %v, want a connection error", err)
	}
}

// TestCloseEndsActivityStreams: Close returns while a console Activity
// page is still open: its live stream, which lasts until the client
// leaves, is ended rather than waited for.
func TestCloseEndsActivityStreams(t *testing.T) {
	s, err := idpooltest.Start()
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(s.URL() + "/_idpool/console/activity/events")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if l, err := bufio.NewReader(res.Body).ReadString('\n'); err != nil || !strings.HasPrefix(l, ": idpool activity") {
		t.Fatalf("stream start: got %q, %v, want the stream's first comment", l, err)
	}
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		t.Fatal("Close has not returned after 30s with an activity stream open, want it to end the stream")
	}
}

func TestStrictUsesFixtureKeys(t *testing.T) {
	ctx := t.Context()
	srv := idpooltest.New(t, idpooltest.WithFixtureFile("../../fixtures/testdata/valid.json"), idpooltest.WithStrict())
	if _, err := cognitoidentity.NewFromConfig(srv.AWSConfig()).ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(10)}); err != nil {
		t.Errorf("ListIdentityPools with AWSConfig's keys: got %v, want nil", err)
	}
	cfg := srv.AWSConfig()
	cfg.Credentials = aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKIAUNKNOWN000000000", SecretAccessKey: "x"}, nil
	}))
	_, err := cognitoidentity.NewFromConfig(cfg).ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(10)})
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "UnrecognizedClientException" {
		t.Errorf("ListIdentityPools with unknown keys in strict mode: got %v, want UnrecognizedClientException", err)
	}
}

// TestStrictUsesUserKeys: a fixture whose only keys are an IAM user's
// gives AWSConfig that key, which strict mode accepts for what the user's
// policies allow.
func TestStrictUsesUserKeys(t *testing.T) {
	f := &fixtures.Fixture{Users: []fixtures.User{{UserName: "ci",
		AccessKeys: []fixtures.DeveloperCredential{{AccessKeyId: "AKIAUSERKEY000000001", SecretAccessKey: "user-secret"}},
		Policies: []fixtures.RolePolicy{{PolicyName: "pools",
			PolicyDocument: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cognito-identity:*","Resource":"*"}]}`)}}}}}
	srv := idpooltest.New(t, idpooltest.WithFixture(f), idpooltest.WithStrict())
	if _, err := cognitoidentity.NewFromConfig(srv.AWSConfig()).ListIdentityPools(t.Context(), &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(10)}); err != nil {
		t.Errorf("ListIdentityPools with AWSConfig's keys: got %v, want nil", err)
	}
}

func TestClockAndLogger(t *testing.T) {
	// A clock five minutes ahead: still within SigV4's allowed skew.
	start := time.Now().Add(5 * time.Minute).Truncate(time.Second)
	// Read only after Close, which waits for the requests that log.
	var logs bytes.Buffer
	srv, err := idpooltest.Start(
		idpooltest.WithClock(func() time.Time { return start }),
		idpooltest.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx := t.Context()
	ci := cognitoidentity.NewFromConfig(srv.AWSConfig())
	pool, err := ci.CreateIdentityPool(ctx, &cognitoidentity.CreateIdentityPoolInput{IdentityPoolName: aws.String("clock"), AllowUnauthenticatedIdentities: true})
	if err != nil {
		t.Fatalf("CreateIdentityPool: %v", err)
	}
	if _, err := ci.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{IdentityPoolId: pool.IdentityPoolId, Roles: map[string]string{"unauthenticated": "arn:aws:iam::123456789012:role/G"}}); err != nil {
		t.Fatalf("SetIdentityPoolRoles: %v", err)
	}
	id, err := ci.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: pool.IdentityPoolId})
	if err != nil {
		t.Fatalf("GetId: %v", err)
	}
	out, err := ci.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: id.IdentityId})
	if err != nil {
		t.Fatalf("GetCredentialsForIdentity: %v", err)
	}
	if got, want := aws.ToTime(out.Credentials.Expiration), start.Add(time.Hour); !got.Equal(want) {
		t.Errorf("Expiration: got %v, want %v (the injected clock plus one hour)", got, want)
	}
	srv.Close()
	if !strings.Contains(logs.String(), "GetCredentialsForIdentity") {
		t.Errorf("log: got %q, want the request lines in the given logger", logs.String())
	}
}

func TestStartErrors(t *testing.T) {
	if _, err := idpooltest.Start(idpooltest.WithFixtureFile("testdata/missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("a missing fixture file: got %v, want an error naming it", err)
	}
	if _, err := idpooltest.Start(idpooltest.WithRegion("mars")); err == nil || !strings.Contains(err.Error(), "region") {
		t.Errorf("a bad region: got %v, want an error naming the region", err)
	}
	const valid = "../../fixtures/testdata/valid.json"
	if _, err := idpooltest.Start(idpooltest.WithFixtureFile(valid), idpooltest.WithFixtureFile(valid)); err == nil || !strings.Contains(err.Error(), "WithFixtureFile given 2 times") {
		t.Errorf("two fixture files: got %v, want an error (the first would be ignored)", err)
	}
}
