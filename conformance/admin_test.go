package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// post sends a POST with a JSON body to one of the /_idpool/ test controls.
func (s *server) post(t *testing.T, path, body string) rawResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.endpoint+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return s.do(t, req)
}

// TestControls drives the /_idpool/ test controls: who credentials are,
// expiring credentials and tokens now, rotating the signing key, reset.
func TestControls(t *testing.T) {
	s := testServer(t)
	guest, auth := s.roleARN("Controls_Guest"), s.roleARN("Controls_Auth")
	pool := s.rolePool(t, &cognitoidentity.CreateIdentityPoolInput{
		IdentityPoolName: aws.String(uniqueName("controls")), AllowUnauthenticatedIdentities: true,
	}, map[string]string{"unauthenticated": guest, "authenticated": auth})

	t.Run("credentials lookup", func(t *testing.T) {
		id := s.guestID(t, pool)
		c, _ := s.enhancedCreds(t, id, nil)
		res := s.get(t, "/_idpool/credentials/"+c.AccessKeyID)
		if res.status != http.StatusOK {
			t.Fatalf("got %d %s, want 200", res.status, res.body)
		}
		var got struct {
			AccessKeyId, Arn, RoleArn, IdentityId, IdentityPoolId, Expiration string
			Expired                                                           bool
		}
		if err := json.Unmarshal(res.body, &got); err != nil {
			t.Fatal(err)
		}
		want := s.assumedARN("Controls_Guest", "CognitoIdentityCredentials")
		if got.AccessKeyId != c.AccessKeyID || got.Arn != want || got.RoleArn != guest || got.IdentityId != id || got.IdentityPoolId != pool || got.Expired || got.Expiration == "" {
			t.Errorf("got %+v, want key %s, arn %s, role %s, identity %s of %s, not expired", got, c.AccessKeyID, want, guest, id, pool)
		}
		if res := s.get(t, "/_idpool/credentials/ASIAUNKNOWNKEY000000"); res.status != http.StatusNotFound {
			t.Errorf("unknown key: got %d, want 404", res.status)
		}
		if s.restartFn == nil {
			return
		}
		// After a restart the server knows credentials by their session
		// token, which is the whole record of them.
		s.restart(t)
		withToken := "/_idpool/credentials/" + c.AccessKeyID + "?SessionToken=" + url.QueryEscape(c.SessionToken)
		if res := s.get(t, withToken); res.status != http.StatusOK || !strings.Contains(string(res.body), id) {
			t.Errorf("lookup with the session token after a restart: got %d %s, want 200 naming %s", res.status, res.body, id)
		}
		other, _ := s.enhancedCreds(t, s.guestID(t, pool), nil)
		if res := s.get(t, "/_idpool/credentials/"+c.AccessKeyID+"?SessionToken="+url.QueryEscape(other.SessionToken)); res.status != http.StatusNotFound {
			t.Errorf("lookup with another key's session token: got %d, want 404", res.status)
		}
	})

	t.Run("expire credentials now", func(t *testing.T) {
		c, _ := s.enhancedCreds(t, s.guestID(t, pool), nil)
		s.wantCaller(t, c, s.assumedARN("Controls_Guest", "CognitoIdentityCredentials"))
		if res := s.post(t, "/_idpool/credentials/"+c.AccessKeyID+"/expire", ""); res.status != http.StatusNoContent {
			t.Fatalf("expire: got %d %s, want 204", res.status, res.body)
		}
		_, err := s.callerOf(c)
		wantSTSError(t, err, "ExpiredToken", http.StatusForbidden, "")
		res := s.get(t, "/_idpool/credentials/"+c.AccessKeyID)
		if !strings.Contains(string(res.body), `"Expired":true`) {
			t.Errorf("lookup after expiring: got %s, want Expired true", res.body)
		}
	})

	t.Run("expire a token now", func(t *testing.T) {
		_, token := s.guestToken(t, pool)
		if _, err := s.assumeWeb(token, guest, "before", nil); err != nil {
			t.Fatalf("AssumeRoleWithWebIdentity before expiring: %v", err)
		}
		body, _ := json.Marshal(map[string]string{"Token": token})
		if res := s.post(t, "/_idpool/tokens/expire", string(body)); res.status != http.StatusNoContent {
			t.Fatalf("expire: got %d %s, want 204", res.status, res.body)
		}
		_, err := s.assumeWeb(token, guest, "after", nil)
		wantSTSError(t, err, codeExpiredToken, http.StatusBadRequest, "")
		// STS's text must read as a refusal: the expiration before now.
		var now, exp int64
		if _, serr := fmt.Sscanf(err.Error()[strings.Index(err.Error(), "Token expired"):],
			"Token expired: current date/time %d must be before the expiration date/time %d", &now, &exp); serr != nil || exp >= now {
			t.Errorf("got %q, want an expiration date/time before the current one", err)
		}
		if res := s.post(t, "/_idpool/tokens/expire", `{"Token":"not.a.token"}`); res.status != http.StatusBadRequest {
			t.Errorf("expire garbage: got %d, want 400", res.status)
		}
	})

	t.Run("a token issued after expiring one is new", func(t *testing.T) {
		// Both tokens are asked for within one second: idpool signs whole
		// seconds, so the second one would have the expired one's bytes.
		time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second + 10*time.Millisecond)))
		id, token := s.guestToken(t, pool)
		body, _ := json.Marshal(map[string]string{"Token": token})
		if res := s.post(t, "/_idpool/tokens/expire", string(body)); res.status != http.StatusNoContent {
			t.Fatalf("expire: got %d %s, want 204", res.status, res.body)
		}
		out, err := s.anon.GetOpenIdToken(context.Background(), &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(id)})
		ok(t, err, "GetOpenIdToken after expiring")
		if aws.ToString(out.Token) == token {
			t.Fatal("GetOpenIdToken after expiring: got the expired token again, want a new one")
		}
		if _, err := s.assumeWeb(aws.ToString(out.Token), guest, "renewed", nil); err != nil {
			t.Errorf("AssumeRoleWithWebIdentity with the new token: %v", err)
		}
	})

	t.Run("rotate the signing key", func(t *testing.T) {
		_, before := s.guestToken(t, pool)
		res := s.post(t, "/_idpool/keys/rotate", "")
		var got struct{ KeyId string }
		if res.status != http.StatusOK || json.Unmarshal(res.body, &got) != nil || got.KeyId == "" {
			t.Fatalf("rotate: got %d %s, want 200 with the new key id", res.status, res.body)
		}
		_, after := s.guestToken(t, pool)
		if kid := s.verify(t, after).header["kid"]; kid != got.KeyId {
			t.Errorf("new token: got kid %v, want %s", kid, got.KeyId)
		}
		if kid := s.verify(t, before).header["kid"]; kid == got.KeyId {
			t.Errorf("old token: got kid %v, want the old key", kid)
		}
		if _, err := s.assumeWeb(before, guest, "old-key", nil); err != nil {
			t.Errorf("AssumeRoleWithWebIdentity with a token of the retired key: %v", err)
		}
	})

	t.Run("reset", func(t *testing.T) {
		if res := s.post(t, "/_idpool/reset", ""); res.status != http.StatusOK {
			t.Fatalf("reset: got %d %s, want 200", res.status, res.body)
		}
		_, err := s.signed.DescribeIdentityPool(context.Background(), &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(pool)})
		wantAPIError(t, err, "ResourceNotFoundException", msgPoolNotFound(pool))
	})
}
