package idpooltest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/idpool/idpool/emulator/idpooltest"
	"github.com/idpool/idpool/fixtures"
)

// TestClockFarAhead moves idpool's clock two hours ahead, far past the 15
// minutes SigV4 allows between a request's date and the server's clock,
// and signs with the credentials idpool issued: the Date header of every
// answer is idpool's clock, as AWS's is AWS's, so the SDK's clock-skew
// correction (aws-sdk-go-v2 aws/retry reads Date on a refused signature)
// signs the retry in idpool's time, and the call succeeds.
func TestClockFarAhead(t *testing.T) {
	const poolID = "us-east-1:0f0f0f0f-1111-2222-3333-444444444444"
	start := time.Now().Add(2 * time.Hour).Truncate(time.Second)
	srv := idpooltest.New(t, idpooltest.WithClock(func() time.Time { return start }), idpooltest.WithFixture(&fixtures.Fixture{
		IdentityPools: []fixtures.IdentityPool{{IdentityPoolId: poolID, IdentityPoolName: "ahead", AllowUnauthenticatedIdentities: true,
			Roles: map[string]string{"unauthenticated": "arn:aws:iam::123456789012:role/Guest"}}},
	}))
	ctx := t.Context()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL()+"/_idpool/health", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := srv.AWSConfig().HTTPClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got, want := res.Header.Get("Date"), start.UTC().Format(http.TimeFormat); got != want {
		t.Errorf("Date: got %q, want %q (the server's clock)", got, want)
	}

	cfg := srv.AWSConfig()
	ci := cognitoidentity.NewFromConfig(cfg)
	id, err := ci.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(poolID)})
	if err != nil {
		t.Fatalf("GetId: %v", err)
	}
	out, err := ci.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: id.IdentityId})
	if err != nil {
		t.Fatalf("GetCredentialsForIdentity: %v", err)
	}
	c := out.Credentials
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretKey), aws.ToString(c.SessionToken))
	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity with idpool's credentials, its clock 2 hours ahead: got %v, want the SDK to correct its clock from the Date header", err)
	}
	if got, want := aws.ToString(who.Arn), "arn:aws:sts::123456789012:assumed-role/Guest/CognitoIdentityCredentials"; got != want {
		t.Errorf("GetCallerIdentity: got Arn %q, want %q", got, want)
	}
}
