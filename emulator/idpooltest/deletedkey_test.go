package idpooltest_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/idpool/idpool/emulator/idpooltest"
)

// TestExpiredTokenOfDeletedKey: an expired OpenID token is refused as
// expired, with the same code and message, before and after RotateKey
// deletes the key that signed it (retired more than 24 hours before by
// the server's clock): GetCredentialsForIdentity with it in Logins
// answers NotAuthorizedException "Invalid login token. Token expired: …",
// not "Not a Cognito token.", and AssumeRoleWithWebIdentity
// ExpiredTokenException. (GetId refuses any Cognito token in Logins
// without verifying it, so its answer does not depend on the key.)
func TestExpiredTokenOfDeletedKey(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().Truncate(time.Second).Unix())
	clock := func() time.Time { return time.Unix(now.Load(), 0) }
	srv := idpooltest.New(t, idpooltest.WithClock(clock), idpooltest.WithFixtureFile("../../conformance/testdata/compose"))
	ctx := t.Context()
	cfg := srv.AWSConfig()
	id, token := openIDToken(t, srv, composePool)
	if err := srv.RotateKey(ctx); err != nil {
		t.Fatalf("RotateKey: %v", err)
	}
	now.Add(int64((25 * time.Hour).Seconds()))

	ci := cognitoidentity.NewFromConfig(cfg)
	logins := map[string]string{"cognito-identity.amazonaws.com": token}
	anon := sts.NewFromConfig(cfg, func(o *sts.Options) { o.Credentials = aws.AnonymousCredentials{} })
	calls := []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"GetCredentialsForIdentity", func() error {
			_, err := ci.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: aws.String(id), Logins: logins})
			return err
		}, "NotAuthorizedException", "Invalid login token. Token expired: "},
		{"AssumeRoleWithWebIdentity", func() error {
			_, err := anon.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
				RoleArn: aws.String(composeGuest), RoleSessionName: aws.String("session"), WebIdentityToken: aws.String(token)})
			return err
		}, "ExpiredTokenException", ""},
	}
	// The answers while the token's key is still held, retired 25 hours ago.
	before := map[string]string{}
	for _, c := range calls {
		before[c.name] = apiError(t, c.name+" before the key is deleted", c.call(), c.code, c.msg)
	}
	if err := srv.RotateKey(ctx); err != nil {
		t.Fatalf("RotateKey: %v", err)
	}
	kid := parseToken(t, token).Signatures[0].Header.KeyID
	if kids := jwksKIDs(t, srv.JWKSURL()); slices.Contains(kids, kid) {
		t.Fatalf("JWKS kids after the second RotateKey: got %v, want %s deleted", kids, kid)
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			got := apiError(t, c.name+" after the key is deleted", c.call(), c.code, c.msg)
			if got != before[c.name] {
				t.Errorf("message: got %q, want %q, as before the key was deleted", got, before[c.name])
			}
		})
	}
}

// apiError checks that err is an API error with code and a message
// starting with prefix, and returns the message.
func apiError(t *testing.T, what string, err error, code, prefix string) string {
	t.Helper()
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != code || !strings.HasPrefix(api.ErrorMessage(), prefix) {
		t.Errorf("%s: got %v, want %s %q…", what, err, code, prefix)
		return ""
	}
	return api.ErrorMessage()
}

// jwksKIDs returns the kids of the key set at url.
func jwksKIDs(t *testing.T, url string) []string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var set struct {
		Keys []struct {
			Kid string `json:"kid"`
		} `json:"keys"`
	}
	if err := json.NewDecoder(res.Body).Decode(&set); err != nil {
		t.Fatal(err)
	}
	var kids []string
	for _, k := range set.Keys {
		kids = append(kids, k.Kid)
	}
	return kids
}
