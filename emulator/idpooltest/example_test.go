package idpooltest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/idpool/idpool/emulator/idpooltest"
	"github.com/idpool/idpool/fixtures"
)

// A guest (unauthenticated) identity gets credentials of the pool's
// unauthenticated role, which sign STS calls. In a test, write
// srv := idpooltest.New(t) instead of Start and Close.
func Example_guest() {
	srv, err := idpooltest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	cfg := srv.AWSConfig()
	ci := cognitoidentity.NewFromConfig(cfg)

	pool, err := ci.CreateIdentityPool(ctx, &cognitoidentity.CreateIdentityPoolInput{
		IdentityPoolName:               aws.String("demo"),
		AllowUnauthenticatedIdentities: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	// Without roles, GetCredentialsForIdentity fails, as on AWS, with
	// InvalidIdentityPoolConfigurationException.
	_, err = ci.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: pool.IdentityPoolId,
		Roles:          map[string]string{"unauthenticated": "arn:aws:iam::123456789012:role/Guest"},
	})
	if err != nil {
		log.Fatal(err)
	}
	id, err := ci.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: pool.IdentityPoolId})
	if err != nil {
		log.Fatal(err)
	}
	out, err := ci.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: id.IdentityId})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(callerARN(ctx, cfg, out.Credentials))
	// Output: arn:aws:sts::123456789012:assumed-role/Guest/CognitoIdentityCredentials
}

// A backend registers its own user ids as developer-authenticated
// identities: GetOpenIdTokenForDeveloperIdentity (signed with the
// developer's keys, here AWSConfig's) maps the user to one identity and
// returns a token the app trades for credentials of the authenticated
// role.
func Example_developer() {
	srv, err := idpooltest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	cfg := srv.AWSConfig()
	ci := cognitoidentity.NewFromConfig(cfg)

	pool, err := ci.CreateIdentityPool(ctx, &cognitoidentity.CreateIdentityPoolInput{
		IdentityPoolName:      aws.String("backend"),
		DeveloperProviderName: aws.String("login.example.app"),
	})
	if err != nil {
		log.Fatal(err)
	}
	_, err = ci.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: pool.IdentityPoolId,
		Roles:          map[string]string{"authenticated": "arn:aws:iam::123456789012:role/User"},
	})
	if err != nil {
		log.Fatal(err)
	}
	login := func() *cognitoidentity.GetOpenIdTokenForDeveloperIdentityOutput {
		out, err := ci.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
			IdentityPoolId: pool.IdentityPoolId,
			Logins:         map[string]string{"login.example.app": "user-42"},
		})
		if err != nil {
			log.Fatal(err)
		}
		return out
	}
	first, second := login(), login()
	fmt.Println("same identity:", *first.IdentityId == *second.IdentityId)

	out, err := ci.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{
		IdentityId: first.IdentityId,
		Logins:     map[string]string{"cognito-identity.amazonaws.com": *first.Token},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(callerARN(ctx, cfg, out.Credentials))
	// Output:
	// same identity: true
	// arn:aws:sts::123456789012:assumed-role/User/CognitoIdentityCredentials
}

// A fixture gives the test a known world: a pool with a fixed id and its
// roles, without any setup calls. WithFixtureFile reads the same from a
// JSON file.
func Example_fixture() {
	const poolID = "us-east-1:0f0f0f0f-1111-2222-3333-444444444444"
	srv, err := idpooltest.Start(idpooltest.WithFixture(&fixtures.Fixture{
		IdentityPools: []fixtures.IdentityPool{{
			IdentityPoolId:                 poolID,
			IdentityPoolName:               "app",
			AllowUnauthenticatedIdentities: true,
			Roles:                          map[string]string{"unauthenticated": "arn:aws:iam::123456789012:role/AppGuest"},
		}},
	}))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	ci := cognitoidentity.NewFromConfig(srv.AWSConfig())

	pool, err := ci.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(poolID)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*pool.IdentityPoolName, pool.AllowUnauthenticatedIdentities)
	// Output: app true
}

// callerARN asks STS, with the credentials c, who they are.
func callerARN(ctx context.Context, cfg aws.Config, c *types.Credentials) string {
	client := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretKey, *c.SessionToken)
	})
	who, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		log.Fatal(err)
	}
	return *who.Arn
}
