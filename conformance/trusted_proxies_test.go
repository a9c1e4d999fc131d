package conformance

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// forwardingProxy sends a request as a reverse proxy passes it on: signed
// by the SDK, with forwarding headers added after the signature, which
// they are not part of.
type forwardingProxy struct{ header map[string]string }

func (p forwardingProxy) Do(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range p.header {
		r.Header.Set(k, v)
	}
	return http.DefaultClient.Do(r)
}

// The IAM users of proxyServer's fixture, and the role its users assume.
const (
	httpsOnlyKey  = "AKIAHTTPSONLYUSER001"
	fromClientKey = "AKIAFROMCLIENTUSER01"
	httpsRole     = "HttpsOnly"
)

// proxyServer returns a strict in-process server that trusts the reverse
// proxies proxies (--trusted-proxies; "" for none), whose fixture holds
// two IAM users: one (httpsOnlyKey) may call Cognito Identity but, by the
// statement AWS publishes for sts:* and cognito-identity:*
// (aws-samples/resource-control-policy-examples), nothing over plain
// HTTP; the other (fromClientKey) may list pools from 203.0.113.0/24 only,
// and assume roles. httpsRole trusts the account over TLS only.
func proxyServer(t *testing.T, proxies string) *server {
	t.Helper()
	const account = "123456789012"
	fx, err := json.Marshal(map[string]any{
		"DeveloperCredentials": []any{map[string]string{"AccessKeyId": accessKey, "SecretAccessKey": secretKey}},
		"Users": []any{
			map[string]any{"UserName": "https-only", "AccessKeys": []any{map[string]string{"AccessKeyId": httpsOnlyKey, "SecretAccessKey": secretKey}},
				"Policies": []any{map[string]any{"PolicyName": "https-only", "PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{
					map[string]any{"Effect": "Allow", "Action": "cognito-identity:*", "Resource": "*"},
					map[string]any{"Sid": "EnforceSecureTransport", "Effect": "Deny", "Action": "*", "Resource": "*",
						"Condition": map[string]any{"BoolIfExists": map[string]any{"aws:SecureTransport": "false"}}},
				}}}}},
			map[string]any{"UserName": "from-client", "AccessKeys": []any{map[string]string{"AccessKeyId": fromClientKey, "SecretAccessKey": secretKey}},
				"Policies": []any{map[string]any{"PolicyName": "from-client", "PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{
					map[string]any{"Effect": "Allow", "Action": "cognito-identity:ListIdentityPools", "Resource": "*",
						"Condition": map[string]any{"IpAddress": map[string]any{"aws:SourceIp": "203.0.113.0/24"}}},
					map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
				}}}}},
		},
		"Roles": []any{map[string]any{
			"Arn": "arn:aws:iam::" + account + ":role/" + httpsRole,
			"AssumeRolePolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
				"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": map[string]any{"AWS": "arn:aws:iam::" + account + ":root"},
				"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "true"}},
			}}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "proxy.json")
	if err := os.WriteFile(file, fx, 0o644); err != nil {
		t.Fatal(err)
	}
	return testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": file, "IDPOOL_STRICT": "true", "IDPOOL_TRUSTED_PROXIES": proxies})
}

// TestTrustedProxies: behind a reverse proxy that terminates TLS, strict
// mode's policies see the client's aws:SecureTransport and aws:SourceIp
// that the proxy forwards in X-Forwarded-Proto and X-Forwarded-For, but
// only when the proxy's address is in --trusted-proxies: without the
// flag, or from a peer the flag does not list, the headers are ignored
// and the connection's own origin decides, so a client cannot forge them.
// The test's requests come from 127.0.0.1.
func TestTrustedProxies(t *testing.T) {
	servers := map[string]*server{
		"trusted":   proxyServer(t, "127.0.0.1/32"),
		"no flag":   proxyServer(t, ""),
		"untrusted": proxyServer(t, "192.0.2.0/24, ::1"),
	}
	https := map[string]string{"X-Forwarded-Proto": "https"}
	tests := []struct {
		name, server, key string
		header            map[string]string
		allowed           bool
	}{
		{name: "https forwarded by a trusted proxy", server: "trusted", key: httpsOnlyKey, header: https, allowed: true},
		{name: "plain HTTP through a trusted proxy", server: "trusted", key: httpsOnlyKey},
		{name: "http forwarded by a trusted proxy", server: "trusted", key: httpsOnlyKey, header: map[string]string{"X-Forwarded-Proto": "http"}},
		{name: "https forwarded without the flag", server: "no flag", key: httpsOnlyKey, header: https},
		{name: "https forged from an untrusted peer", server: "untrusted", key: httpsOnlyKey, header: https},
		{name: "client forwarded by a trusted proxy", server: "trusted", key: fromClientKey,
			header: map[string]string{"X-Forwarded-For": "203.0.113.7"}, allowed: true},
		{name: "client behind a chain of proxies", server: "trusted", key: fromClientKey,
			header: map[string]string{"X-Forwarded-For": "198.51.100.1, 203.0.113.7, 127.0.0.1"}, allowed: true},
		{name: "client's forged start of the list", server: "trusted", key: fromClientKey,
			header: map[string]string{"X-Forwarded-For": "203.0.113.7, 198.51.100.1"}},
		{name: "no client forwarded: the proxy's address", server: "trusted", key: fromClientKey},
		{name: "client forwarded without the flag", server: "no flag", key: fromClientKey,
			header: map[string]string{"X-Forwarded-For": "203.0.113.7"}},
		{name: "client forged from an untrusted peer", server: "untrusted", key: fromClientKey,
			header: map[string]string{"X-Forwarded-For": "203.0.113.7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := servers[tt.server]
			c := cognitoidentity.New(s.identityWith(aws.Credentials{AccessKeyID: tt.key, SecretAccessKey: secretKey}).Options(),
				func(o *cognitoidentity.Options) { o.HTTPClient = forwardingProxy{tt.header} })
			_, err := c.ListIdentityPools(context.Background(), &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(5)})
			user := map[string]string{httpsOnlyKey: "https-only", fromClientKey: "from-client"}[tt.key]
			if tt.allowed {
				ok(t, err, "ListIdentityPools")
			} else {
				wantAPIError(t, err, codeDenied, msgDenied("arn:aws:iam::"+s.accountID+":user/"+user,
					"cognito-identity:ListIdentityPools", "arn:aws:cognito-identity:"+region+":"+s.accountID+":identitypool/"))
			}
		})
	}
}

// TestTrustedProxiesTrustPolicy: a role's trust policy sees the
// aws:SecureTransport a trusted proxy forwards, as permission policies do;
// the caller's own policies allow sts:AssumeRole without a condition.
func TestTrustedProxiesTrustPolicy(t *testing.T) {
	tests := []struct {
		name, proxies string
		allowed       bool
	}{
		{name: "trusted proxy", proxies: "127.0.0.1", allowed: true},
		{name: "no flag", proxies: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := proxyServer(t, tt.proxies)
			c := sts.New(s.stsWith(aws.Credentials{AccessKeyID: fromClientKey, SecretAccessKey: secretKey}).Options(),
				func(o *sts.Options) { o.HTTPClient = forwardingProxy{map[string]string{"X-Forwarded-Proto": "https"}} })
			role := "arn:aws:iam::" + s.accountID + ":role/" + httpsRole
			_, err := c.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("session")})
			if tt.allowed {
				ok(t, err, "AssumeRole")
			} else {
				wantAPIError(t, err, "AccessDenied", msgDenied("arn:aws:iam::"+s.accountID+":user/from-client", "sts:AssumeRole", role))
			}
		})
	}
}

// TestTrustedProxiesDiscovery: without --public-url, the discovery
// document's jwks_uri takes its scheme from how the client reached idpool,
// so behind a trusted proxy that ended TLS (X-Forwarded-Proto https) it is
// an https URL, as the client must fetch it; a peer that is not trusted
// cannot make it one.
func TestTrustedProxiesDiscovery(t *testing.T) {
	tests := []struct {
		name, proxies, want string
	}{
		{name: "trusted proxy", proxies: "127.0.0.1", want: "https://"},
		{name: "no flag", proxies: "", want: "http://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := proxyServer(t, tt.proxies)
			req, err := http.NewRequest(http.MethodGet, s.endpoint+"/.well-known/openid-configuration", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := forwardingProxy{map[string]string{"X-Forwarded-Proto": "https"}}.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var doc struct {
				JWKSURI string `json:"jwks_uri"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
				t.Fatalf("decode the discovery document: %v", err)
			}
			host := strings.TrimPrefix(strings.TrimPrefix(s.endpoint, "http://"), "https://")
			if want := tt.want + host + "/.well-known/jwks_uri"; doc.JWKSURI != want {
				t.Errorf("got jwks_uri %q, want %q", doc.JWKSURI, want)
			}
		})
	}
}
