package conformance

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
)

// closedURL returns the http URL of a local port nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	return url
}

// TestSTSUnreachableProvider: a declared provider whose keys cannot be
// fetched is, for AssumeRoleWithWebIdentity, AWS's InvalidIdentityToken
// "Couldn't retrieve verification key from your identity provider" (two
// blanks after the comma, as AWS writes it: repost.aws's
// iam-sts-invalididentitytoken, aws/aws-cli#7194), not the
// IDPCommunicationError the SDKs retry; Cognito Identity keeps its own
// ExternalServiceException.
func TestSTSUnreachableProvider(t *testing.T) {
	down := closedURL(t)
	host := down[len("http://"):]
	const pool = "us-east-1:0f0f0f0f-1111-2222-3333-666666666666"
	provider := "arn:aws:iam::123456789012:oidc-provider/" + host
	fx, err := json.Marshal(map[string]any{
		"AccountId": "123456789012",
		"Providers": []any{map[string]any{"Name": down, "ClientIds": []string{localApp}}},
		"Roles": []any{map[string]any{"Arn": "arn:aws:iam::123456789012:role/Down", "AssumeRolePolicyDocument": map[string]any{
			"Version": "2012-10-17", "Statement": []any{map[string]any{
				"Effect": "Allow", "Principal": map[string]any{"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity",
			}},
		}}},
		"IdentityPools": []any{map[string]any{
			"IdentityPoolId": pool, "IdentityPoolName": "down", "AllowUnauthenticatedIdentities": false,
			"OpenIdConnectProviderARNs": []string{provider},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "down.json")
	if err := os.WriteFile(path, fx, 0o644); err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	token := signJWT(t, key, "k1", map[string]any{"iss": down, "aud": localApp, "sub": "user-123456", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
	bothModes(t, path, func(t *testing.T, s *server) {
		_, err := s.assumeWeb(token, "arn:aws:iam::123456789012:role/Down", "s1", nil)
		wantSTSError(t, err, codeInvalidToken, http.StatusBadRequest,
			"Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements")
		_, err = s.anon.GetId(context.Background(), &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(pool), Logins: map[string]string{host: token}})
		var ext *types.ExternalServiceException
		if !errors.As(err, &ext) || ext.ErrorMessage() != "Error contacting the identity provider of '"+host+"'." {
			t.Errorf("GetId: got %v, want ExternalServiceException as before", err)
		}
	})
}
