package idpooltest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"

	"github.com/idpool/idpool/emulator/idpooltest"
)

// TestWithTLS: a server started WithTLS serves HTTPS, which the clients
// the harness hands out trust (AWSConfig's SDK, Client, the test
// controls) and a client that does not know its certificate refuses; the
// discovery document it serves names its key set by an https URL.
func TestWithTLS(t *testing.T) {
	srv := idpooltest.New(t, idpooltest.WithTLS(), idpooltest.WithFixtureFile("../../conformance/testdata/compose"))
	ctx := t.Context()
	if !strings.HasPrefix(srv.URL(), "https://127.0.0.1:") || !strings.HasPrefix(srv.JWKSURL(), "https://") {
		t.Errorf("got URL %q, JWKSURL %q; want https on the loopback", srv.URL(), srv.JWKSURL())
	}
	if srv.Certificate() == nil {
		t.Error("Certificate: got nil, want the server's")
	}

	ci := cognitoidentity.NewFromConfig(srv.AWSConfig())
	id, err := ci.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(composePool)})
	if err != nil {
		t.Fatalf("GetId over https: %v", err)
	}
	if _, err := ci.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: id.IdentityId}); err != nil {
		t.Fatalf("GetCredentialsForIdentity over https: %v", err)
	}
	if err := srv.Reset(ctx); err != nil {
		t.Errorf("Reset over https: got %v, want nil", err)
	}

	res, err := srv.Client().Get(srv.URL() + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatalf("discovery with Client: %v", err)
	}
	var doc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	err = json.NewDecoder(res.Body).Decode(&doc)
	res.Body.Close()
	if err != nil || doc.JWKSURI != srv.JWKSURL() {
		t.Errorf("jwks_uri: got %q, %v, want %q", doc.JWKSURI, err, srv.JWKSURL())
	}

	if res, err := http.Get(srv.URL() + "/_idpool/health"); err == nil {
		res.Body.Close()
		t.Errorf("a client without the certificate: got %s, want a refused certificate", res.Status)
	}
}
