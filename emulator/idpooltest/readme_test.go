package idpooltest_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"

	"github.com/idpool/idpool/emulator/idpooltest"
)

// poolID is the pool testdata/pools.json declares.
const poolID = "us-east-1:0f0f0f0f-1111-2222-3333-444444444444"

func TestSignIn(t *testing.T) {
	srv := idpooltest.New(t, idpooltest.WithFixtureFile("testdata/pools.json"))
	client := cognitoidentity.NewFromConfig(srv.AWSConfig())
	out, err := client.GetId(t.Context(), &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(poolID)})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("identity", *out.IdentityId)
}
