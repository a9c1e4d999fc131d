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
// endpoint. JWKSURL is where the keys of the server's OpenID tokens are,
// whose issuer stays AWS's. WithTLS serves HTTPS instead, which AWSConfig
// and Client trust. Start and Close serve TestMain and programs
// that have no *testing.T; Log returns the end of the server's log, which
// New shows when a test fails.
//
// Reset, ExpireToken, ExpireCredentials and RotateKey are the server's
// test controls (README, "Test controls"). A reset is global: it takes
// away what every test using the server wrote, at whatever point each
// is. Tests that run in parallel should each start their own server with
// New, which takes a fraction of a second, rather than share one and
// reset it: a shared server's reset deletes the identities and pools of
// the tests running beside the one that asked for it.
package idpooltest
