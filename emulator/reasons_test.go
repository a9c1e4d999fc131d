package emulator

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	jose "github.com/go-jose/go-jose/v4"

	"github.com/idpool/idpool/emulator/console"
	"github.com/idpool/idpool/emulator/policy"
)

// The world of TestRefusalReasons: a strict server with a developer key,
// an external OpenID Connect provider, a guest role whose permission
// policies deny and allow a little, and two pools.
const (
	reasonsAccount  = "123456789012"
	reasonsDevKey   = "AKIAREASONSDEV000001"
	reasonsDevSec   = "reasons-developer-secret-0000000000000000"
	reasonsIssuer   = "https://login.reasons.test"
	reasonsProvider = "login.reasons.test"
	reasonsClient   = "reasons-app"
	reasonsPool     = "us-east-1:00000000-0000-4000-8000-0000000000aa"
	reasonsOther    = "eu-west-1:00000000-0000-4000-8000-0000000000bb"
	reasonsSibling  = "us-east-1:00000000-0000-4000-8000-0000000000cc"
	reasonsDevName  = "login.reasons"
	reasonsGuest    = "arn:aws:iam::" + reasonsAccount + ":role/Guest"
	reasonsWeb      = "arn:aws:iam::" + reasonsAccount + ":role/Web"
	reasonsOIDC     = "arn:aws:iam::" + reasonsAccount + ":oidc-provider/" + reasonsProvider
)

const reasonsFixture = `{
 "AccountId": "` + reasonsAccount + `",
 "DeveloperCredentials": [{"AccessKeyId": "` + reasonsDevKey + `", "SecretAccessKey": "` + reasonsDevSec + `"}],
 "Providers": [{"Name": "` + reasonsIssuer + `", "Jwks": JWKS, "ClientIds": ["` + reasonsClient + `"]}],
 "Roles": [
  {"Arn": "` + reasonsGuest + `",
   "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": ["` + reasonsPool + `", "` + reasonsOther + `"]}}}]},
   "Policies": [{"PolicyName": "guest", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
    {"Sid": "NoDescribe", "Effect": "Deny", "Action": "cognito-identity:DescribeIdentityPool", "Resource": "*"},
    {"Sid": "OtherPoolOnly", "Effect": "Allow", "Action": "cognito-identity:*",
     "Resource": "arn:aws:cognito-identity:eu-west-1:` + reasonsAccount + `:identitypool/` + reasonsOther + `"},
    {"Sid": "Sync", "Effect": "Allow", "Action": "cognito-sync:*", "Resource": "*"}]}}]},
  {"Arn": "` + reasonsWeb + `",
   "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"Federated": "` + reasonsOIDC + `"}, "Action": "sts:AssumeRoleWithWebIdentity"}]}}
 ],
 "IdentityPools": [
  {"IdentityPoolId": "` + reasonsPool + `", "IdentityPoolName": "reasons", "AllowUnauthenticatedIdentities": true,
   "DeveloperProviderName": "` + reasonsDevName + `", "OpenIdConnectProviderARNs": ["` + reasonsOIDC + `"],
   "SupportedLoginProviders": {"accounts.google.com": "google-app"},
   "Roles": {"unauthenticated": "` + reasonsGuest + `", "authenticated": "` + reasonsGuest + `"}},
  {"IdentityPoolId": "` + reasonsOther + `", "IdentityPoolName": "other", "AllowUnauthenticatedIdentities": true,
   "DeveloperProviderName": "login.other", "Roles": {"unauthenticated": "` + reasonsGuest + `"}},
  {"IdentityPoolId": "` + reasonsSibling + `", "IdentityPoolName": "sibling", "AllowUnauthenticatedIdentities": true}
 ]}`

// reasonsWorld is a live server and what the cases need of it.
type reasonsWorld struct {
	t      *testing.T
	url    string
	events chan console.Entry
	key    *ecdsa.PrivateKey // the provider's signing key, kid "k1"
	dev    aws.Credentials
}

func newReasonsWorld(t *testing.T, strict bool) *reasonsWorld {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	jwks, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "ES256", Use: "sig"}}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "fixture.json")
	if err := os.WriteFile(path, []byte(strings.Replace(reasonsFixture, "JWKS", string(jwks), 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	srv, err := New(t.Context(), Config{DB: ":memory:", Strict: strict, Fixtures: path}, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)

	// The activity feed, as the console's page receives it.
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, hs.URL+"/_idpool/console/activity/events?errors=1", nil)
	resp, err := hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan console.Entry, 256)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var e console.Entry
			if json.Unmarshal([]byte(data), &e) != nil {
				continue
			}
			select {
			case events <- e:
			case <-ctx.Done():
				return
			}
		}
	}()
	return &reasonsWorld{t: t, url: hs.URL, events: events, key: key,
		dev: aws.Credentials{AccessKeyID: reasonsDevKey, SecretAccessKey: reasonsDevSec}}
}

// sign signs r, whose body is body, with c by the SDK's own signer, for
// service in region at time at.
func (w *reasonsWorld) sign(r *http.Request, body string, c aws.Credentials, service, region string, at time.Time) {
	w.t.Helper()
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), c, r, hex.EncodeToString(sum[:]), service, region, at); err != nil {
		w.t.Fatal(err)
	}
}

// identityReq is a Cognito Identity request of target with body.
func (w *reasonsWorld) identityReq(target, body string) *http.Request {
	r, _ := http.NewRequest(http.MethodPost, w.url+"/", strings.NewReader(body))
	r.Header.Set("X-Amz-Target", "AWSCognitoIdentityService."+target)
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	return r
}

// queryReq is an STS (or, signed for iam, IAM) request with form values.
func (w *reasonsWorld) queryReq(form url.Values) (*http.Request, string) {
	body := form.Encode()
	r, _ := http.NewRequest(http.MethodPost, w.url+"/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	return r, body
}

// do sends r and returns its status, body and request id.
func (w *reasonsWorld) do(r *http.Request) (int, string, string) {
	w.t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("x-amzn-RequestId")
}

// call sends a Cognito Identity call that must succeed and returns member
// name of its answer.
func (w *reasonsWorld) call(target, body string, signed bool, name string) string {
	w.t.Helper()
	r := w.identityReq(target, body)
	if signed {
		w.sign(r, body, w.dev, "cognito-identity", "us-east-1", time.Now())
	}
	status, out, _ := w.do(r)
	if status != http.StatusOK {
		w.t.Fatalf("%s: got %d %s, want 200", target, status, out)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		w.t.Fatalf("%s: %v", target, err)
	}
	if name == "" {
		return ""
	}
	switch v := m[name].(type) {
	case string:
		return v
	case map[string]any:
		b, _ := json.Marshal(v)
		return string(b)
	}
	w.t.Fatalf("%s: got no %s in %s", target, name, out)
	return ""
}

// guest returns a new guest identity of the pool and credentials of it.
func (w *reasonsWorld) guest() (string, aws.Credentials) {
	w.t.Helper()
	id := w.call("GetId", `{"IdentityPoolId":"`+reasonsPool+`"}`, false, "IdentityId")
	var c struct{ AccessKeyId, SecretKey, SessionToken string }
	if err := json.Unmarshal([]byte(w.call("GetCredentialsForIdentity", `{"IdentityId":"`+id+`"}`, false, "Credentials")), &c); err != nil {
		w.t.Fatal(err)
	}
	return id, aws.Credentials{AccessKeyID: c.AccessKeyId, SecretAccessKey: c.SecretKey, SessionToken: c.SessionToken}
}

// jwt returns a token of the provider with claims over the defaults,
// signed by key under kid.
func (w *reasonsWorld) jwt(key *ecdsa.PrivateKey, kid string, claims map[string]any) string {
	w.t.Helper()
	c := map[string]any{"iss": reasonsIssuer, "sub": "user-0001", "aud": reasonsClient,
		"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}
	for k, v := range claims {
		c[k] = v
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
	if err != nil {
		w.t.Fatal(err)
	}
	payload, _ := json.Marshal(c)
	jws, err := s.Sign(payload)
	if err != nil {
		w.t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		w.t.Fatal(err)
	}
	return out
}

// entry waits for the activity entry of request id.
func (w *reasonsWorld) entry(id string) console.Entry {
	w.t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case e := <-w.events:
			if e.RequestID == id {
				return e
			}
		case <-timeout:
			w.t.Fatalf("got no activity entry for request %s", id)
			return console.Entry{}
		}
	}
}

// TestRefusalReasons drives the server through each class of refusal with
// real requests, signed by the SDK's signer where signed, and checks that
// the console's activity entry says why in words (Reason), beyond AWS's
// code and message; and that a validation error, whose message names the
// member, carries no reason that would repeat it.
func TestRefusalReasons(t *testing.T) {
	w := newReasonsWorld(t, true)
	now := time.Now()
	webToken := func(claims map[string]any) string { return w.jwt(w.key, "k1", claims) }
	otherKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	guestID, guestCreds := w.guest()
	_, secondCreds := w.guest()
	_, expiredCreds := w.guest()

	// An identity of the developer provider, then unlinked: disabled.
	disabled := w.call("GetOpenIdTokenForDeveloperIdentity", `{"IdentityPoolId":"`+reasonsPool+`","Logins":{"`+reasonsDevName+`":"gone"}}`, true, "IdentityId")
	w.call("UnlinkDeveloperIdentity", `{"IdentityPoolId":"`+reasonsPool+`","IdentityId":"`+disabled+`","DeveloperProviderName":"`+reasonsDevName+`","DeveloperUserIdentifier":"gone"}`, true, "")
	// An authenticated identity of the developer provider.
	devID := w.call("GetOpenIdTokenForDeveloperIdentity", `{"IdentityPoolId":"`+reasonsPool+`","Logins":{"`+reasonsDevName+`":"alice"}}`, true, "IdentityId")
	// A token of a developer identity whose principal tag STS does not take.
	taggedBody := `{"IdentityPoolId":"` + reasonsPool + `","Logins":{"` + reasonsDevName + `":"tagged"},"PrincipalTags":{"bad key!":"v"}}`
	tagged := struct{ IdentityId, Token string }{
		w.call("GetOpenIdTokenForDeveloperIdentity", taggedBody, true, "IdentityId"),
		w.call("GetOpenIdTokenForDeveloperIdentity", taggedBody, true, "Token"),
	}
	// A guest of the other pool, and an idpool token of the first guest.
	otherID := w.call("GetId", `{"IdentityPoolId":"`+reasonsOther+`"}`, false, "IdentityId")
	// A guest of another pool of the same region.
	siblingID := w.call("GetId", `{"IdentityPoolId":"`+reasonsSibling+`"}`, false, "IdentityId")
	guestToken := w.call("GetOpenIdToken", `{"IdentityId":"`+guestID+`"}`, false, "Token")
	// A role IAM holds with the shortest maximum session.
	short := "arn:aws:iam::" + reasonsAccount + ":role/Short"
	{
		r, body := w.queryReq(url.Values{"Action": {"CreateRole"}, "Version": {"2010-05-08"}, "RoleName": {"Short"}, "MaxSessionDuration": {"3600"},
			"AssumeRolePolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + reasonsOIDC + `"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`}})
		w.sign(r, body, w.dev, "iam", "us-east-1", now)
		if status, out, _ := w.do(r); status != http.StatusOK {
			t.Fatalf("CreateRole: got %d %s, want 200", status, out)
		}
	}
	// A SyncSessionToken of the guest's dataset "a".
	var syncToken string
	{
		r, _ := http.NewRequest(http.MethodGet, w.url+"/identitypools/"+reasonsPool+"/identities/"+guestID+"/datasets/a/records", nil)
		w.sign(r, "", guestCreds, "cognito-sync", "us-east-1", now)
		status, out, _ := w.do(r)
		var lr struct{ SyncSessionToken string }
		if status != http.StatusOK || json.Unmarshal([]byte(out), &lr) != nil || lr.SyncSessionToken == "" {
			t.Fatalf("ListRecords: got %d %s, want 200 with a SyncSessionToken", status, out)
		}
		syncToken = lr.SyncSessionToken
	}
	// Expired early by the test controls.
	if status, out, _ := w.do(must(http.NewRequest(http.MethodPost, w.url+"/_idpool/credentials/"+expiredCreds.AccessKeyID+"/expire", nil))); status != http.StatusNoContent {
		t.Fatalf("expire: got %d %s", status, out)
	}

	web := func(role, token string, extra url.Values) func() *http.Request {
		return func() *http.Request {
			v := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {role},
				"RoleSessionName": {"reasons"}, "WebIdentityToken": {token}}
			for k, x := range extra {
				v[k] = x
			}
			r, _ := w.queryReq(v)
			return r
		}
	}
	identity := func(target, body string, c *aws.Credentials, region string, at time.Time) func() *http.Request {
		return func() *http.Request {
			r := w.identityReq(target, body)
			if c != nil {
				w.sign(r, body, *c, "cognito-identity", region, at)
			}
			return r
		}
	}
	sts := func(c aws.Credentials, v url.Values) func() *http.Request {
		return func() *http.Request {
			v.Set("Version", "2011-06-15")
			r, body := w.queryReq(v)
			w.sign(r, body, c, "sts", "us-east-1", now)
			return r
		}
	}
	wrongSecret := aws.Credentials{AccessKeyID: reasonsDevKey, SecretAccessKey: "not-the-secret"}
	unknownKey := aws.Credentials{AccessKeyID: "AKIANOBODYKNOWS00001", SecretAccessKey: "whatever"}
	mixed := aws.Credentials{AccessKeyID: secondCreds.AccessKeyID, SecretAccessKey: secondCreds.SecretAccessKey, SessionToken: guestCreds.SessionToken}
	bare := aws.Credentials{AccessKeyID: guestCreds.AccessKeyID, SecretAccessKey: guestCreds.SecretAccessKey}
	// A full-size session policy and ten managed policies: more than the
	// packed space.
	bigSession := url.Values{"Policy": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 1900) + `"}]}`}}
	for i := 1; i <= 10; i++ {
		n := strconv.Itoa(i)
		bigSession.Set("PolicyArns.member."+n+".arn", "arn:aws:iam::"+reasonsAccount+":policy/session-policy-number-"+n)
	}
	listPools := `{"MaxResults":10}`
	describe := `{"IdentityPoolId":"` + reasonsPool + `"}`

	tests := []struct {
		name     string
		req      func() *http.Request
		wantCode string
		want     []string // in the Reason; none: Reason must be empty
	}{
		// SigV4.
		{"unsigned developer call", identity("ListIdentityPools", listPools, nil, "", now), "MissingAuthenticationTokenException",
			[]string{"ListIdentityPools must be signed with SigV4"}},
		{"wrong secret", identity("ListIdentityPools", listPools, &wrongSecret, "us-east-1", now), "InvalidSignatureException",
			[]string{"fixture developer key " + reasonsDevKey, "string to sign", "/us-east-1/cognito-identity/aws4_request"}},
		{"body changed after signing", func() *http.Request {
			r := w.identityReq("DescribeIdentityPool", describe)
			sum := sha256.Sum256([]byte(listPools))
			r.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
			w.sign(r, listPools, w.dev, "cognito-identity", "us-east-1", now)
			return r
		}, "InvalidSignatureException", []string{"the body's SHA-256 is", "X-Amz-Content-Sha256 declares"}},
		{"unsigned x-amz header", func() *http.Request {
			r := identity("ListIdentityPools", listPools, &w.dev, "us-east-1", now)()
			r.Header.Set("X-Amz-Meta", "added")
			return r
		}, "InvalidSignatureException", []string{"fixture developer key", "'x-amz-meta' must be a 'SignedHeader'"}},
		{"pool of another region", identity("DescribeIdentityPool", describe, &w.dev, "eu-west-1", now), "ResourceNotFoundException",
			[]string{reasonsPool + " is not of eu-west-1, the region the request is signed for"}},
		{"scope not a region", identity("DescribeIdentityPool", describe, &w.dev, "local", now), "InvalidSignatureException",
			[]string{"the credential scope is local/cognito-identity, the request needs <a region name>/cognito-identity", "local is not a region name"}},
		{"stale signature", identity("ListIdentityPools", listPools, &w.dev, "us-east-1", now.Add(-time.Hour)), "InvalidSignatureException",
			[]string{"fixture developer key", "Signature expired"}},
		{"strict mode unknown key", identity("ListIdentityPools", listPools, &unknownKey, "us-east-1", now), "UnrecognizedClientException",
			[]string{"strict mode", "AKIANOBODYKNOWS00001", "neither a fixture developer key"}},
		{"credentials expired early", sts(expiredCreds, url.Values{"Action": {"GetCallerIdentity"}}), "ExpiredToken",
			[]string{"credentials " + expiredCreds.AccessKeyID, "expired early by the test controls"}},
		{"session token of other credentials", sts(mixed, url.Values{"Action": {"GetCallerIdentity"}}), "InvalidClientTokenId",
			[]string{"session token is that of credentials " + guestCreds.AccessKeyID, secondCreds.AccessKeyID}},
		{"temporary key without its token", sts(bare, url.Values{"Action": {"GetCallerIdentity"}}), "InvalidClientTokenId",
			[]string{"no X-Amz-Security-Token"}},

		// Strict mode: the role's permission policies.
		{"explicit deny", identity("DescribeIdentityPool", describe, &guestCreds, "us-east-1", now), "AccessDeniedException",
			[]string{"strict mode", "explicitly denied by statement 1 (NoDescribe) of policy guest of role " + reasonsGuest}},
		{"no allow", identity("ListIdentities", `{"IdentityPoolId":"`+reasonsPool+`","MaxResults":5}`, &guestCreds, "us-east-1", now), "AccessDeniedException",
			[]string{"no permission policy of role " + reasonsGuest + " allows cognito-identity:ListIdentities", "policy guest: statement 2 (OtherPoolOnly): resource not matched"}},
		{"role session calls IAM", func() *http.Request {
			r, body := w.queryReq(url.Values{"Action": {"GetRole"}, "Version": {"2010-05-08"}, "RoleName": {"Guest"}})
			w.sign(r, body, guestCreds, "iam", "us-east-1", now)
			return r
		}, "AccessDenied", []string{"no permission policy of role " + reasonsGuest + " allows iam:GetRole on " + reasonsGuest}},
		{"chaining into a role IAM does not hold", sts(guestCreds, url.Values{"Action": {"AssumeRole"},
			"RoleArn": {"arn:aws:iam::" + reasonsAccount + ":role/Nowhere"}, "RoleSessionName": {"hop"}}), "AccessDenied",
			[]string{"IAM holds no role arn:aws:iam::" + reasonsAccount + ":role/Nowhere"}},

		// STS.
		{"web token of another key", web(reasonsWeb, w.jwt(otherKey, "k1", nil), nil), "InvalidIdentityToken",
			[]string{"token of " + reasonsProvider + " failed the signature check"}},
		{"web token of an unknown kid", web(reasonsWeb, w.jwt(w.key, "k9", nil), nil), "InvalidIdentityToken",
			[]string{"failed the unknown kid check", `"k9"`}},
		{"web token for another audience", web(reasonsWeb, webToken(map[string]any{"aud": "someone-else"}), nil), "InvalidIdentityToken",
			[]string{"failed the audience check", "someone-else"}},
		{"web token expired", web(reasonsWeb, webToken(map[string]any{"exp": now.Add(-time.Hour).Unix()}), nil), "ExpiredTokenException",
			[]string{"failed the expiry check"}},
		{"web token of an undeclared issuer", web(reasonsWeb, webToken(map[string]any{"iss": "https://nobody.test"}), nil), "InvalidIdentityToken",
			[]string{"failed the unknown provider check", "https://nobody.test"}},
		{"web token not a JWT", web(reasonsWeb, "not-a-jwt-at-all", nil), "InvalidIdentityToken",
			[]string{"does not parse as a JWT"}},
		{"trust policy", web(reasonsGuest, webToken(nil), nil), "AccessDenied",
			[]string{"trust policy of " + reasonsGuest}},
		{"DurationSeconds over the role's maximum", web(short, webToken(nil), url.Values{"DurationSeconds": {"7200"}}), "ValidationError",
			[]string{"DurationSeconds 7200 exceeds the 3600 seconds of MaxSessionDuration of role " + short}},
		{"session policies too large", web(reasonsWeb, webToken(nil), bigSession),
			"PackedPolicyTooLarge", []string{"the session policy of", "10 policy ARNs", "over the 2048 bytes"}},
		{"web token with a tag STS does not take", web(reasonsWeb, webToken(map[string]any{"https://aws.amazon.com/tags": map[string]any{"principal_tags": map[string]any{"bad key!": []string{"v"}}}}), nil),
			"ValidationError", []string{`the session tag key "bad key!" is not one STS takes`}},
		{"session policy not JSON", web(reasonsWeb, webToken(nil), url.Values{"Policy": {`{"Statement":`}}), "MalformedPolicyDocument",
			[]string{"the session policy does not parse"}},
		{"GetSessionToken with session credentials", sts(guestCreds, url.Values{"Action": {"GetSessionToken"}}), "AccessDenied",
			[]string{"credentials " + guestCreds.AccessKeyID + " are session credentials"}},

		// Cognito Identity.
		{"login token for another audience", identity("GetId", `{"IdentityPoolId":"`+reasonsPool+`","Logins":{"`+reasonsProvider+`":"`+webToken(map[string]any{"aud": "someone-else"})+`"}}`, nil, "", now),
			"NotAuthorizedException", []string{"token of " + reasonsProvider + " failed the audience check"}},
		{"login token expired", identity("GetId", `{"IdentityPoolId":"`+reasonsPool+`","Logins":{"`+reasonsProvider+`":"`+webToken(map[string]any{"exp": now.Add(-time.Hour).Unix()})+`"}}`, nil, "", now),
			"NotAuthorizedException", []string{"failed the expiry check"}},
		{"login of a provider the pool lacks", identity("GetId", `{"IdentityPoolId":"`+reasonsPool+`","Logins":{"www.amazon.com":"x"}}`, nil, "", now),
			"NotAuthorizedException", []string{"Logins key www.amazon.com is not a login provider of pool " + reasonsPool, "accounts.google.com, " + reasonsProvider}},
		{"strict mode login of an undeclared provider", identity("GetId", `{"IdentityPoolId":"`+reasonsPool+`","Logins":{"accounts.google.com":"x"}}`, nil, "", now),
			"NotAuthorizedException", []string{"token of accounts.google.com failed the unknown provider check"}},
		{"developer provider in a public call", identity("GetId", `{"IdentityPoolId":"`+reasonsPool+`","Logins":{"`+reasonsDevName+`":"alice"}}`, nil, "", now),
			"InvalidParameterException", []string{reasonsDevName + " is the developer provider of pool " + reasonsPool}},
		{"disabled identity", identity("GetCredentialsForIdentity", `{"IdentityId":"`+disabled+`"}`, nil, "", now),
			"NotAuthorizedException", []string{"identity " + disabled + " is disabled: its last login was unlinked"}},
		{"authenticated identity without its login", identity("GetCredentialsForIdentity", `{"IdentityId":"`+devID+`"}`, nil, "", now),
			"NotAuthorizedException", []string{"identity " + devID + " is authenticated (linked to " + reasonsDevName + ")"}},
		{"principal tag STS does not take", identity("GetCredentialsForIdentity", `{"IdentityId":"`+tagged.IdentityId+`","Logins":{"cognito-identity.amazonaws.com":"`+tagged.Token+`"}}`, nil, "", now),
			"InvalidIdentityPoolConfigurationException", []string{`the session tag key "bad key!" is not one STS takes`}},
		{"idpool token of another identity", identity("GetOpenIdToken", `{"IdentityId":"`+devID+`","Logins":{"cognito-identity.amazonaws.com":"`+guestToken+`"}}`, nil, "", now),
			"NotAuthorizedException", []string{"token was issued for identity " + guestID + ", not " + devID}},
		{"developer provider mismatch", identity("MergeDeveloperIdentities", `{"IdentityPoolId":"`+reasonsPool+`","DeveloperProviderName":"login.wrong","SourceUserIdentifier":"a","DestinationUserIdentifier":"b"}`, &w.dev, "us-east-1", now),
			"InvalidParameterException", []string{"the developer provider of pool " + reasonsPool + " is " + reasonsDevName}},
		{"identity of another pool", identity("LookupDeveloperIdentity", `{"IdentityPoolId":"`+reasonsPool+`","IdentityId":"`+siblingID+`"}`, &w.dev, "us-east-1", now),
			"ResourceNotFoundException", []string{"identity " + siblingID + " belongs to pool " + reasonsSibling}},
		{"identity of another region", identity("LookupDeveloperIdentity", `{"IdentityPoolId":"`+reasonsPool+`","IdentityId":"`+otherID+`"}`, &w.dev, "us-east-1", now),
			"ResourceNotFoundException", []string{otherID + " is not of us-east-1"}},

		// Cognito Sync: only an identity's own data.
		{"sync data of another identity", func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, w.url+"/identitypools/"+reasonsPool+"/identities/"+devID+"/datasets", nil)
			w.sign(r, "", guestCreds, "cognito-sync", "us-east-1", now)
			return r
		}, "NotAuthorizedException", []string{"credentials of identity " + guestID, "request names identity " + devID}},

		{"sync session token of another dataset", func() *http.Request {
			body := `{"SyncSessionToken":"` + syncToken + `","RecordPatches":[{"Op":"replace","Key":"k","Value":"v","SyncCount":0}]}`
			r, _ := http.NewRequest(http.MethodPost, w.url+"/identitypools/"+reasonsPool+"/identities/"+guestID+"/datasets/b", strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			w.sign(r, body, guestCreds, "cognito-sync", "us-east-1", now)
			return r
		}, "InvalidParameterException", []string{"the SyncSessionToken was issued for dataset a, not b"}},

		// Validation: the message names the member; no reason repeats it.
		{"validation error", identity("GetId", `{"IdentityPoolId":"not a pool id"}`, nil, "", now), "ValidationException", nil},
	}
	secrets := []string{reasonsDevSec, guestCreds.SecretAccessKey, guestCreds.SessionToken, secondCreds.SessionToken, expiredCreds.SessionToken}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.check(t, tt.req(), tt.wantCode, tt.want, secrets)
		})
	}
}

// TestRefusalReasonsPermissive: in permissive mode, a login no declared
// provider knows has its claims checked offline, and the claim check that
// refused it is the reason.
func TestRefusalReasonsPermissive(t *testing.T) {
	w := newReasonsWorld(t, false)
	google := func(claims map[string]any) *http.Request {
		c := map[string]any{"iss": "https://accounts.google.com", "aud": "google-app"}
		for k, v := range claims {
			c[k] = v
		}
		body := `{"IdentityPoolId":"` + reasonsPool + `","Logins":{"accounts.google.com":"` + w.jwt(w.key, "g1", c) + `"}}`
		return w.identityReq("GetId", body)
	}
	tests := []struct {
		name     string
		req      *http.Request
		wantCode string
		want     []string
	}{
		{"audience", google(map[string]any{"aud": "another-app"}), "NotAuthorizedException",
			[]string{"token of accounts.google.com failed the audience check", "another-app", "google-app"}},
		{"issuer", google(map[string]any{"iss": "https://accounts.elsewhere.test"}), "NotAuthorizedException",
			[]string{"token of accounts.google.com failed the issuer check", "iss https://accounts.elsewhere.test"}},
		{"expiry", google(map[string]any{"exp": time.Now().Add(-time.Hour).Unix()}), "NotAuthorizedException",
			[]string{"token of accounts.google.com failed the expiry check", "of skew allowed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.check(t, tt.req, tt.wantCode, tt.want, nil)
		})
	}
}

// check sends r, which must be refused with code, and checks that the
// activity entry's reason holds each of want (none: no reason at all) and
// none of secrets.
func (w *reasonsWorld) check(t *testing.T, r *http.Request, code string, want, secrets []string) {
	t.Helper()
	status, body, id := w.do(r)
	if status < 400 {
		t.Fatalf("got %d %s, want a refusal", status, body)
	}
	e := w.entry(id)
	t.Logf("%s %s: %s", e.Code, e.Message, e.Reason)
	if e.Code != code {
		t.Errorf("code: got %q (%s), want %q", e.Code, e.Message, code)
	}
	if len(want) == 0 && e.Reason != "" {
		t.Errorf("reason: got %q, want none: the message %q says it", e.Reason, e.Message)
	}
	for _, x := range want {
		if !strings.Contains(e.Reason, x) {
			t.Errorf("reason: got %q, want it to contain %q", e.Reason, x)
		}
	}
	for _, secret := range secrets {
		if strings.Contains(e.Reason, secret) {
			t.Errorf("reason: got %q, which gives away a secret", e.Reason)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestDenyReason: each way permission policies refuse a role session is
// said in words.
func TestDenyReason(t *testing.T) {
	const role = "arn:aws:iam::123456789012:role/R"
	parse := func(doc string) *policy.Document {
		t.Helper()
		d, err := policy.ParsePermissions([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	allowList := policy.Named{ID: "list", Type: "role", Doc: parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cognito-identity:List*","Resource":"*"}]}`)}
	denyAll := policy.Named{ID: "arn:aws:iam::123456789012:policy/deny", Type: "user-managed", Doc: parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`)}
	onlyDeny := policy.Named{ID: "guard", Type: "role", Doc: parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`)}
	req := policy.Request{Action: "cognito-identity:DescribeIdentityPool", Resource: "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/p"}
	tests := []struct {
		name string
		held bool
		ps   []policy.Named
		want string
	}{
		{"role IAM does not hold", false, nil, "IAM holds no role " + role + ", so its sessions have no permission policies"},
		{"role without policies", true, nil, "role " + role + " has no permission policies"},
		{"explicit deny", true, []policy.Named{allowList, denyAll},
			req.Action + " on " + req.Resource + " is explicitly denied by statement 1 of policy arn:aws:iam::123456789012:policy/deny of role " + role},
		{"no allow", true, []policy.Named{allowList, onlyDeny},
			"no permission policy of role " + role + " allows " + req.Action + " on " + req.Resource + "; policy list: statement 1: action not allowed; policy guard: no Allow statement"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := policy.Evaluate(tt.ps, nil, req)
			if res.Decision == policy.Allowed {
				t.Fatalf("got Allowed, want a refusal to explain")
			}
			if got := denyReason(role, tt.held, tt.ps, res, req); !strings.HasPrefix(got, tt.want) {
				t.Errorf("got %q, want it to start %q", got, tt.want)
			}
		})
	}
}
