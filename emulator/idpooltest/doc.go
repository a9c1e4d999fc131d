// Package idpooltest runs an idpool server inside a Go test, as
// net/http/httptest runs an HTTP server: on a loopback port, with an
// in-memory store, closed when the test ends.
//
//	func TestSignIn(t *testing.T) {
//		srv := idpooltest.New(t, idpooltest.WithFixtureFile("testdata/pools.json"))
//		client := cognitoidentity.NewFromConfig(srv.AWSConfig())
//		// … GetId, GetCredentialsForIdentity, STS with the credentials …
//	}
//
// AWSConfig returns an aws.Config of the AWS SDK for Go v2 aimed at the
// server, with dummy keys (or the fixture's first developer credentials),
// so that the Cognito Identity and STS clients built from it talk to
// idpool; Cognito Sync, which only the v1 SDK has, takes URL as its
// endpoint. Start and Close serve TestMain and programs that have no
// *testing.T.
package idpooltest
