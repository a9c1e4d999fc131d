package sigv4

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	akid   = "AKIAIOSFODNN7EXAMPLE"
	secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	token  = "IQoJb3JpZ2luX2VjEXAMPLETOKEN//////////wEaCXVzLWVhc3QtMSJH"
)

var signTime = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func hashHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// seen is a request as the server received it.
type seen struct {
	r    *http.Request
	body []byte
}

// server records every request it receives, so tests verify the exact
// server-side view (raw path, Host, Content-Length handling) of what a real
// client put on the wire.
func server(t *testing.T) (*httptest.Server, <-chan seen) {
	t.Helper()
	ch := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ch <- seen{r, body}
	}))
	t.Cleanup(srv.Close)
	return srv, ch
}

func send(t *testing.T, req *http.Request, ch <-chan seen) seen {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return <-ch
}

type signCase struct {
	name   string
	method string
	path   string // with query, appended to the server URL
	// signPath, when set, is the path (with query) the SDK signs, sent
	// as path: botocore and the JS SDK sign a path's normalised form.
	signPath string
	body     string
	headers  map[string]string
	service  string
	token    string
	// unsigned signs with X-Amz-Content-Sha256: UNSIGNED-PAYLOAD.
	unsigned bool
	presign  bool
	// tamper changes the request after signing, before sending.
	tamper func(r *http.Request)
	// verify with these instead of the defaults
	secret string
	now    time.Time
	want   error
}

func TestVerifyWithSDKSigner(t *testing.T) {
	identityHeaders := map[string]string{
		"X-Amz-Target": "AWSCognitoIdentityService.ListIdentityPools",
		"Content-Type": "application/x-amz-json-1.1",
	}
	const syncPath = "/identitypools/us-east-1%3Aabc/identities/us-east-1%3Adef/datasets"
	const json = `{"MaxResults":10}`
	tests := []signCase{
		{name: "post json", method: "POST", path: "/", body: json, headers: identityHeaders, service: "cognito-identity"},
		{name: "post json tampered body", method: "POST", path: "/", body: json, headers: identityHeaders, service: "cognito-identity",
			tamper: func(r *http.Request) { setBody(r, `{"MaxResults":60}`) }, want: ErrSignatureMismatch},
		{name: "post json tampered header", method: "POST", path: "/", body: json, headers: identityHeaders, service: "cognito-identity",
			tamper: func(r *http.Request) { r.Header.Set("X-Amz-Target", "AWSCognitoIdentityService.DeleteIdentityPool") },
			want:   ErrSignatureMismatch},
		{name: "extra whitespace in signed header", method: "POST", path: "/", body: json, service: "cognito-identity",
			headers: map[string]string{"X-Amz-Target": "AWSCognitoIdentityService.GetId", "X-Amz-Meta": "  a   b  c "}},
		{name: "unsigned header added", method: "POST", path: "/", body: json, headers: identityHeaders, service: "cognito-identity",
			tamper: func(r *http.Request) { r.Header.Set("X-Forwarded-For", "10.0.0.1") }},
		{name: "wrong secret", method: "POST", path: "/", body: json, headers: identityHeaders, service: "cognito-identity",
			secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ", want: ErrSignatureMismatch},
		{name: "expired", method: "POST", path: "/", body: json, headers: identityHeaders, service: "cognito-identity",
			now: signTime.Add(16 * time.Minute), want: ErrExpired},
		{name: "not yet current", method: "POST", path: "/", body: json, headers: identityHeaders, service: "cognito-identity",
			now: signTime.Add(-16 * time.Minute), want: ErrExpired},
		{name: "within skew", method: "POST", path: "/", body: json, headers: identityHeaders, service: "cognito-identity",
			now: signTime.Add(-14 * time.Minute)},
		{name: "tampered date", method: "POST", path: "/", body: json, headers: identityHeaders, service: "cognito-identity",
			tamper: func(r *http.Request) { r.Header.Set("X-Amz-Date", "20260101T120100Z") }, want: ErrSignatureMismatch},
		{name: "tampered date other day", method: "POST", path: "/", body: json, headers: identityHeaders, service: "cognito-identity",
			tamper: func(r *http.Request) { r.Header.Set("X-Amz-Date", "20260102T000100Z") },
			now:    time.Date(2026, 1, 2, 0, 1, 0, 0, time.UTC), want: ErrSignatureMismatch},
		{name: "unparseable date", method: "POST", path: "/", body: json, headers: identityHeaders, service: "cognito-identity",
			tamper: func(r *http.Request) { r.Header.Set("X-Amz-Date", "yesterday") }, want: ErrMalformed},
		{name: "get with query", method: "GET", path: "/?b=2&a=1&a=0&sp=x+y&t=%7E&e=&enc=a%2Fb%3Dc", service: "sts"},
		{name: "get tampered query", method: "GET", path: "/?Action=GetCallerIdentity&Version=2011-06-15", service: "sts",
			tamper: func(r *http.Request) { r.URL.RawQuery = "Action=AssumeRole&Version=2011-06-15" }, want: ErrSignatureMismatch},
		{name: "get added query", method: "GET", path: "/?Action=GetCallerIdentity", service: "sts",
			tamper: func(r *http.Request) { r.URL.RawQuery += "&x=1" }, want: ErrSignatureMismatch},
		{name: "encoded path", method: "GET", path: syncPath + "?maxResults=5", service: "cognito-sync"},
		{name: "encoded path with spaces and unicode", method: "POST", path: "/identitypools/us-east-1%3Aabc/identities/x/datasets/my%20data%C3%A9", body: `{}`, service: "cognito-sync"},
		{name: "tampered path", method: "GET", path: syncPath, service: "cognito-sync",
			tamper: func(r *http.Request) {
				r.URL.Path = strings.Replace(r.URL.Path, "def", "xyz", 1)
				r.URL.RawPath = strings.Replace(r.URL.RawPath, "def", "xyz", 1)
			}, want: ErrSignatureMismatch},
		// The path verified is the path served, as sent (the Go SDKs sign
		// it so): a signature of the path without its dot or empty
		// segments (AWS's rule, botocore's and the JS SDK's) would verify
		// a request served on another path than the one signed.
		{name: "dot segment signed normalised", method: "GET", path: syncPath + "/./records?maxResults=5",
			signPath: syncPath + "/records?maxResults=5", service: "cognito-sync", token: token, want: ErrSignatureMismatch},
		{name: "dot-dot segment signed normalised", method: "GET", path: syncPath + "/../records",
			signPath: "/identitypools/us-east-1%3Aabc/identities/us-east-1%3Adef/records", service: "cognito-sync", want: ErrSignatureMismatch},
		{name: "final dot segment signed normalised", method: "POST", path: syncPath + "/.", body: `{}`,
			signPath: syncPath, service: "cognito-sync", want: ErrSignatureMismatch},
		{name: "empty segments signed normalised", method: "GET", path: syncPath + "//x//",
			signPath: syncPath + "/x/", service: "cognito-sync", want: ErrSignatureMismatch},
		{name: "dot segment signed as sent", method: "GET", path: syncPath + "/./records?maxResults=5", service: "cognito-sync", token: token},
		{name: "dot-dot segment signed as sent", method: "POST", path: syncPath + "/..", body: `{}`, service: "cognito-sync"},
		{name: "escaped dot signed as sent", method: "GET", path: syncPath + "/%2E/records", service: "cognito-sync"},
		{name: "dot segment, signature of another dataset", method: "GET", path: syncPath + "/./records",
			signPath: syncPath + "/x/records", service: "cognito-sync", want: ErrSignatureMismatch},
		{name: "dot-dot segment, signature of another identity", method: "GET", path: syncPath + "/../records",
			signPath: "/identitypools/us-east-1%3Aabc/identities/us-east-1%3Axyz/records", service: "cognito-sync", want: ErrSignatureMismatch},
		{name: "dot segment removed after signing", method: "GET", path: syncPath + "/records",
			signPath: syncPath + "/./records", service: "cognito-sync", want: ErrSignatureMismatch},
		{name: "escaped dot is no dot segment", method: "GET", path: syncPath + "/%2E/records",
			signPath: syncPath + "/records", service: "cognito-sync", want: ErrSignatureMismatch},
		{name: "session token", method: "POST", path: syncPath, body: `{"SyncSessionToken":"x"}`, service: "cognito-sync", token: token},
		{name: "session token tampered", method: "POST", path: syncPath, body: `{}`, service: "cognito-sync", token: token,
			tamper: func(r *http.Request) { r.Header.Set("X-Amz-Security-Token", token+"x") }, want: ErrSignatureMismatch},
		// Only S3 takes UNSIGNED-PAYLOAD; other services sign the body's
		// hash, so a signature of the literal does not match.
		{name: "unsigned payload", method: "POST", path: "/", body: json, headers: identityHeaders, service: "cognito-identity",
			unsigned: true, want: ErrSignatureMismatch},
		{name: "unsigned payload, body changed", method: "POST", path: "/", body: json, headers: identityHeaders, service: "cognito-identity",
			unsigned: true, tamper: func(r *http.Request) { setBody(r, `{"MaxResults":60}`) }, want: ErrSignatureMismatch},
		{name: "unsigned payload header removed", method: "POST", path: "/", body: json, headers: identityHeaders, service: "cognito-identity",
			unsigned: true, tamper: func(r *http.Request) { r.Header.Del("X-Amz-Content-Sha256") }, want: ErrSignatureMismatch},
		{name: "presigned get", method: "GET", path: "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60", service: "sts", presign: true},
		{name: "presigned with token", method: "GET", path: "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=900", service: "sts",
			presign: true, token: token, headers: map[string]string{"X-K8s-Aws-Id": "cluster"}},
		{name: "presigned unsigned payload", method: "GET", path: "/?Action=GetCallerIdentity&Version=2011-06-15", service: "sts",
			presign: true, unsigned: true},
		{name: "presigned unsigned payload with a body", method: "POST", path: "/?Action=GetCallerIdentity&Version=2011-06-15", service: "sts",
			presign: true, unsigned: true, tamper: func(r *http.Request) { setBody(r, "Action=GetSessionToken&Version=2011-06-15") },
			want: ErrSignatureMismatch},
		{name: "presigned default window", method: "GET", path: "/?Action=GetCallerIdentity&Version=2011-06-15", service: "sts", presign: true},
		{name: "presigned past X-Amz-Expires, within 15 minutes", method: "GET", path: "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60", service: "sts",
			presign: true, now: signTime.Add(14 * time.Minute)},
		{name: "presigned expired", method: "GET", path: "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60", service: "sts",
			presign: true, now: signTime.Add(16 * time.Minute), want: ErrExpired},
		{name: "presigned for a day, after 15 minutes", method: "GET", path: "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=86400", service: "sts",
			presign: true, now: signTime.Add(16 * time.Minute), want: ErrExpired},
		{name: "presigned tampered query", method: "GET", path: "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60", service: "sts",
			presign: true, tamper: func(r *http.Request) {
				r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "X-Amz-Expires=60", "X-Amz-Expires=600", 1)
			}, want: ErrSignatureMismatch},
		{name: "presigned wrong secret", method: "GET", path: "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60", service: "sts",
			presign: true, secret: "nope", want: ErrSignatureMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, ch := server(t)
			target := tt.path
			if tt.signPath != "" {
				target = tt.signPath
			}
			req, err := http.NewRequest(tt.method, srv.URL+target, bodyReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			payload := hashHex([]byte(tt.body))
			if tt.unsigned {
				// A presigned URL carries no such header: S3-style
				// presigners sign the literal alone.
				payload = "UNSIGNED-PAYLOAD"
				if !tt.presign {
					req.Header.Set("X-Amz-Content-Sha256", payload)
				}
			}
			creds := aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret, SessionToken: tt.token}
			signer := v4.NewSigner()
			if tt.presign {
				u, hdr, err := signer.PresignHTTP(context.Background(), creds, req, payload, tt.service, "us-east-1", signTime)
				if err != nil {
					t.Fatal(err)
				}
				req, err = http.NewRequest(tt.method, u, nil)
				if err != nil {
					t.Fatal(err)
				}
				for k, vs := range hdr {
					if !strings.EqualFold(k, "host") {
						req.Header[k] = vs
					}
				}
			} else if err := signer.SignHTTP(context.Background(), creds, req, payload, tt.service, "us-east-1", signTime); err != nil {
				t.Fatal(err)
			}
			if tt.signPath != "" {
				if req.URL, err = url.Parse(srv.URL + tt.path); err != nil {
					t.Fatal(err)
				}
			}
			if tt.tamper != nil {
				tt.tamper(req)
			}
			got := send(t, req, ch)

			sig, err := Parse(got.r)
			if err != nil {
				if tt.want != nil && errors.Is(err, tt.want) {
					return
				}
				t.Fatalf("Parse: %v", err)
			}
			if sig.AccessKeyID != akid || sig.Region != "us-east-1" || sig.Service != tt.service ||
				sig.Date != "20260101" || sig.Presigned != tt.presign || (tt.tamper == nil && sig.SessionToken != tt.token) {
				t.Errorf("Parse: got %+v, want key %s scope 20260101/us-east-1/%s presigned %v token %q",
					sig, akid, tt.service, tt.presign, tt.token)
			}
			key, now := secret, signTime.Add(time.Minute)
			if tt.secret != "" {
				key = tt.secret
			}
			if !tt.now.IsZero() {
				now = tt.now
			}
			for _, verify := range []struct {
				name string
				fn   func(*http.Request, []byte, *Signature, string, time.Time, time.Duration) error
			}{{"Verify", Verify}, {"Verifier", NewVerifier(2).Verify}} {
				err = verify.fn(got.r, got.body, sig, key, now, MaxSkew)
				if tt.want == nil && err != nil {
					t.Errorf("%s: got %v, want nil", verify.name, err)
				}
				if tt.want != nil && !errors.Is(err, tt.want) {
					t.Errorf("%s: got %v, want %v", verify.name, err, tt.want)
				}
			}
		})
	}
}

func bodyReader(s string) io.Reader {
	if s == "" {
		return nil
	}
	return strings.NewReader(s)
}

func setBody(r *http.Request, s string) {
	r.Body = io.NopCloser(strings.NewReader(s))
	r.ContentLength = int64(len(s))
}

func stdHMAC(key, msg []byte) (out [32]byte) {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	copy(out[:], m.Sum(nil))
	return out
}

// TestVerifierCacheBound checks that the key cache stays within its bound
// and that cached keys still verify.
func TestVerifierCacheBound(t *testing.T) {
	v := NewVerifier(2)
	for _, region := range []string{"us-east-1", "eu-west-1", "ap-south-1", "us-east-1"} {
		sig := &Signature{Date: "20260101", Region: region, Service: "sts"}
		got := v.signingKey(secret, sig)
		if want := signingKey(secret, sig.Date, region, "sts"); got != want {
			t.Errorf("%s: cached key differs from derived key", region)
		}
		if len(v.keys) > 2 {
			t.Fatalf("cache size: got %d, want at most 2", len(v.keys))
		}
	}
}

// TestSigningKeyKnownAnswer checks the key derivation and HMAC against the
// example in AWS's SigV4 documentation.
func TestSigningKeyKnownAnswer(t *testing.T) {
	key := signingKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam")
	const want = "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
	if got := hex.EncodeToString(key[:]); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	long := bytes.Repeat([]byte("k"), 100) // longer than the HMAC block
	if got, want := hmacSHA256(long, []byte("m")), stdHMAC(long, []byte("m")); got != want {
		t.Errorf("long key: got %x, want %x", got, want)
	}
}

func TestParse(t *testing.T) {
	const good = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/cognito-identity/aws4_request, SignedHeaders=host;x-amz-date, Signature=" +
		"5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
	tests := []struct {
		name    string
		authz   string
		date    string
		query   string
		want    error
		wantMsg string // substring
	}{
		{name: "header", authz: good, date: "20260101T000000Z"},
		{name: "date header fallback", authz: good, date: "-Thu, 01 Jan 2026 00:00:00 GMT"},
		{name: "nothing", want: ErrMissing, wantMsg: "Missing Authentication Token"},
		{name: "unrelated query", query: "Action=GetCallerIdentity", want: ErrMissing},
		{name: "bearer", authz: "Bearer abc", date: "20260101T000000Z", want: ErrMalformed,
			wantMsg: "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer abc"},
		{name: "all missing", authz: "AWS4-HMAC-SHA256 ", want: ErrMalformed,
			wantMsg: "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 "},
		{name: "other algorithm", authz: "AWS4-ECDSA-P256-SHA256 Credential=x", date: "20260101T000000Z", want: ErrMalformed, wantMsg: "Unsupported AWS 'algorithm'"},
		{name: "missing equal sign", authz: "AWS4-HMAC-SHA256 Credential", date: "20260101T000000Z", want: ErrMalformed, wantMsg: "missing equal-sign"},
		{name: "short credential", authz: strings.Replace(good, "AKID/", "", 1), date: "20260101T000000Z", want: ErrMalformed, wantMsg: "exactly 5 slash-delimited"},
		{name: "bad terminator", authz: strings.Replace(good, "aws4_request", "aws5_request", 1), date: "20260101T000000Z", want: ErrMalformed, wantMsg: "valid terminator"},
		{name: "bad scope date", authz: strings.Replace(good, "20260101", "2026-1-1", 1), date: "20260101T000000Z", want: ErrMalformed, wantMsg: "yyyyMMdd"},
		{name: "host not signed", authz: strings.Replace(good, "host;", "", 1), date: "20260101T000000Z", want: ErrSignatureMismatch,
			wantMsg: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
		{name: "bad signature hex", authz: strings.Replace(good, "5d67", "zz67", 1), date: "20260101T000000Z", want: ErrMalformed},
		{name: "presigned", query: "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"},
		{name: "presigned incomplete", query: "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fsts%2Faws4_request", want: ErrMalformed,
			wantMsg: "AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters."},
		{name: "presigned expires too long", query: "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=604801&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
			want: ErrMalformed, wantMsg: "604800"},
		{name: "presigned expires not a number", query: "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a&X-Amz-Date=1&X-Amz-Expires=soon&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
			want: ErrMalformed},
		{name: "both forms", authz: good, date: "20260101T000000Z", query: "X-Amz-Signature=00", want: ErrMalformed, wantMsg: "Only one auth mechanism"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/?"+tt.query, nil)
			if tt.authz != "" {
				r.Header.Set("Authorization", tt.authz)
			}
			if d, ok := strings.CutPrefix(tt.date, "-"); ok {
				r.Header.Set("Date", d)
			} else if tt.date != "" {
				r.Header.Set("X-Amz-Date", tt.date)
			}
			sig, err := Parse(r)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				if sig.AccessKeyID != "AKID" || sig.Date != "20260101" || len(sig.Signature) != 32 {
					t.Errorf("got %+v, want key AKID, date 20260101, 32-byte signature", sig)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("message: got %q, want it to contain %q", err.Error(), tt.wantMsg)
			}
		})
	}
}

// TestVerifyRequiresHostSigned checks that the host the client signed is
// bound into the signature.
func TestVerifyRequiresHostSigned(t *testing.T) {
	r := httptest.NewRequest("POST", "http://example.com/", strings.NewReader("{}"))
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret},
		r, hashHex([]byte("{}")), "cognito-identity", "us-east-1", signTime); err != nil {
		t.Fatal(err)
	}
	sig, err := Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(r, []byte("{}"), sig, secret, signTime, MaxSkew); err != nil {
		t.Errorf("got %v, want nil", err)
	}
	r.Host = "evil.example.com"
	if err := Verify(r, []byte("{}"), sig, secret, signTime, MaxSkew); !errors.Is(err, ErrSignatureMismatch) {
		t.Errorf("other host: got %v, want ErrSignatureMismatch", err)
	}
}

func BenchmarkVerify(b *testing.B) {
	body := []byte(`{"IdentityPoolId":"us-east-1:b73cb2d2-0d00-4e77-8e80-f99d9c13da3b","MaxResults":10}`)
	r := httptest.NewRequest("POST", "http://cognito-identity.us-east-1.amazonaws.com/", bytes.NewReader(body))
	r.Header.Set("X-Amz-Target", "AWSCognitoIdentityService.ListIdentities")
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret},
		r, hashHex(body), "cognito-identity", "us-east-1", signTime); err != nil {
		b.Fatal(err)
	}
	sig, err := Parse(r)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		fn   func(*http.Request, []byte, *Signature, string, time.Time, time.Duration) error
	}{{"uncached", Verify}, {"cached", NewVerifier(0).Verify}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := bc.fn(r, body, sig, secret, signTime, MaxSkew); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/cognito-identity/aws4_request, SignedHeaders=host;x-amz-date, Signature=00", "20260101T000000Z", "")
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/e,SignedHeaders=;;,Signature=zz", "", "X-Amz-Signature=1")
	f.Add("AWS4-HMAC-SHA256 ,,,=,", "x", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=-1")
	f.Add("", "", "X-Amz-Credential=%2F%2F%2F%2F&X-Amz-SignedHeaders=host&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=1&X-Amz-Signature=00")
	f.Fuzz(func(t *testing.T, authz, date, query string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.URL.RawQuery = query
		r.Header.Set("Authorization", authz)
		r.Header.Set("X-Amz-Date", date)
		r.Header.Set("X-Amz-Meta", authz)
		sig, err := Parse(r)
		if err != nil {
			if !errors.Is(err, ErrMissing) && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrSignatureMismatch) {
				t.Fatalf("got %v, want ErrMissing, ErrMalformed or ErrSignatureMismatch", err)
			}
			return
		}
		// A parsed signature must be safe to verify, whatever it holds.
		if err := Verify(r, nil, sig, "secret", signTime, MaxSkew); err == nil {
			t.Fatalf("random signature verified: %+v", sig)
		}
	})
}

// benchRequest signs a request with the SDK's signer and returns it as a
// server sees it: origin-form RequestURI and the headers that net/http
// clients add after signing.
func benchRequest(b *testing.B, method, target, body, service, token string, headers map[string]string) (*http.Request, []byte) {
	b.Helper()
	r := httptest.NewRequest(method, target, bodyReader(body))
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	creds := aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret, SessionToken: token}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hashHex([]byte(body)), service, "us-east-1", signTime); err != nil {
		b.Fatal(err)
	}
	r.RequestURI = r.URL.RequestURI()
	r.Header.Set("User-Agent", "aws-sdk-go-v2/1.47.7 os/linux lang/go#1.26 md/GOOS#linux md/GOARCH#amd64 api/sts#1.51.8")
	r.Header.Set("Accept-Encoding", "gzip")
	return r, []byte(body)
}

// BenchmarkVerifyShapes verifies the two request shapes that dominate the
// emulator's load: a header-signed Cognito Sync GET with an escaped path
// and a query, and an STS form POST signed with session credentials.
func BenchmarkVerifyShapes(b *testing.B) {
	const id = "us-east-1%3Ab73cb2d2-0d00-4e77-8e80-f99d9c13da3b"
	sdk := map[string]string{
		"Amz-Sdk-Invocation-Id": "0b7a3c5e-5b0e-4a43-9a4e-0e6f3d0c2d11",
		"Amz-Sdk-Request":       "attempt=1; max=3",
	}
	// idpool's session tokens are sealed JSON, about 560 base64 characters.
	token := strings.Repeat(token, 10)[:560]
	syncReq, syncBody := benchRequest(b, "GET",
		"http://cognito-sync.us-east-1.amazonaws.com/identitypools/"+id+"/identities/"+id+"/datasets/bench/records?lastSyncCount=0&maxResults=100",
		"", "cognito-sync", token, sdk)
	stsHeaders := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	for k, v := range sdk {
		stsHeaders[k] = v
	}
	stsReq, stsBody := benchRequest(b, "POST", "http://sts.us-east-1.amazonaws.com/",
		"Action=GetCallerIdentity&Version=2011-06-15", "sts", token, stsHeaders)
	for _, rc := range []struct {
		name string
		r    *http.Request
		body []byte
	}{{"sync-get", syncReq, syncBody}, {"sts-post-token", stsReq, stsBody}} {
		sig, err := Parse(rc.r)
		if err != nil {
			b.Fatal(err)
		}
		for _, bc := range []struct {
			name string
			fn   func(*http.Request, []byte, *Signature, string, time.Time, time.Duration) error
		}{{"uncached", Verify}, {"cached", NewVerifier(0).Verify}} {
			b.Run(rc.name+"/"+bc.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := bc.fn(rc.r, rc.body, sig, secret, signTime, MaxSkew); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		b.Run(rc.name+"/parse", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(rc.r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// refQuery is the canonical query built the straightforward way, with
// net/url decoding every component, as this package did before its fast
// paths; appendQuery must agree with it on every input.
func refQuery(raw string, presigned bool) string {
	if raw == "" {
		return ""
	}
	unescape := func(s string) string {
		if u, err := url.QueryUnescape(s); err == nil {
			return u
		}
		return s
	}
	var params []param
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k = unescape(k)
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		params = append(params, param{string(appendEscaped(nil, k)), string(appendEscaped(nil, unescape(v)))})
	}
	slices.SortFunc(params, compareParams)
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.key + "=" + p.value)
	}
	return b.String()
}

func checkQuery(t *testing.T, raw string, presigned bool) {
	t.Helper()
	got := string(appendQuery(nil, raw, presigned, &scratch{}))
	if want := refQuery(raw, presigned); got != want {
		t.Errorf("appendQuery(%q, %v): got %q, want %q", raw, presigned, got, want)
	}
}

func TestAppendQuery(t *testing.T) {
	tests := []struct {
		name      string
		raw       string
		presigned bool
	}{
		{name: "empty", raw: ""},
		{name: "canonical sorted", raw: "lastSyncCount=0&maxResults=100"},
		{name: "canonical unsorted", raw: "maxResults=100&lastSyncCount=0"},
		{name: "same key sorted by value", raw: "a=2&a=10&a=1"},
		{name: "canonical escapes", raw: "id=us-east-1%3Aabc%2Fdef&t=%20"},
		{name: "lower-case hex", raw: "id=us-east-1%3aabc"},
		{name: "escaped unreserved", raw: "t=%7E&u=%41"},
		{name: "plus as space", raw: "sp=x+y"},
		{name: "raw reserved", raw: "id=us-east-1:abc&p=a/b"},
		{name: "malformed escape", raw: "bad=%zz%41&trunc=%4&end=%"},
		{name: "no value", raw: "flag&e=&=v"},
		{name: "empty parts", raw: "&&b=1&&a=2&"},
		{name: "unicode", raw: "n=%C3%A9&m=é"},
		{name: "long non-canonical", raw: "v=" + strings.Repeat("a:b+", 100)},
		{name: "many params", raw: "p19=1&p18=1&p17=1&p16=1&p15=1&p14=1&p13=1&p12=1&p11=1&p10=1&p9=1&p8=1&p7=1&p6=1&p5=1&p4=1&p3=1&p2=1&p1=1"},
		{name: "presigned drops signature", raw: "X-Amz-Signature=00&Action=GetCallerIdentity&X-Amz-Date=20260101T000000Z", presigned: true},
		{name: "presigned drops escaped signature", raw: "X%2DAmz-Signature=00&X-Amz-Expires=60", presigned: true},
		{name: "header form keeps signature", raw: "X-Amz-Signature=00&Action=GetCallerIdentity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkQuery(t, tt.raw, tt.presigned)
		})
	}
}

func FuzzAppendQuery(f *testing.F) {
	for _, raw := range []string{"a=1&b=2", "b=%3a&a=%3A", "x+y=%zz&&=", "X-Amz-Signature=1&k=%7e", "%C3%A9=%41%2"} {
		f.Add(raw, false)
		f.Add(raw, true)
	}
	f.Fuzz(func(t *testing.T, raw string, presigned bool) {
		checkQuery(t, raw, presigned)
	})
}

// refHeader is the canonical value of a non-host header found by comparing
// every key, as this package did before looking canonical keys up.
func refHeader(r *http.Request, name string) string {
	var vals []string
	found := false
	for k, vs := range r.Header {
		if strings.EqualFold(k, name) {
			found = true
			for _, v := range vs {
				v = strings.Trim(v, " \t")
				for strings.Contains(v, "  ") {
					v = strings.ReplaceAll(v, "  ", " ")
				}
				vals = append(vals, v)
			}
		}
	}
	if !found && strings.EqualFold(name, "content-length") && r.ContentLength >= 0 {
		return strconv.FormatInt(r.ContentLength, 10)
	}
	return strings.Join(vals, ",")
}

func TestAppendHeader(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		length int64
		signed string
	}{
		{name: "canonical keys", header: http.Header{"X-Amz-Date": {"20260101T000000Z"}}, signed: "x-amz-date"},
		{name: "signed in other case", header: http.Header{"X-Amz-Date": {"d"}}, signed: "X-AMZ-DATE"},
		{name: "absent", header: http.Header{"X-Amz-Date": {"d"}}, signed: "x-amz-meta"},
		{name: "several values", header: http.Header{"X-Amz-Meta": {" a ", "b  c", "\td\t"}}, signed: "x-amz-meta"},
		{name: "empty value list", header: http.Header{"X-Amz-Meta": {}}, signed: "x-amz-meta"},
		{name: "spaces and tabs", header: http.Header{"X-Amz-Meta": {" \t a \t  b   c \t "}}, signed: "x-amz-meta"},
		{name: "only spaces", header: http.Header{"X-Amz-Meta": {"    "}}, signed: "x-amz-meta"},
		{name: "non-canonical key", header: http.Header{"x-amz-meta": {"a"}}, signed: "x-amz-meta"},
		{name: "two keys equal under folding", header: http.Header{"x-amz-meta": {"a"}, "X-Amz-Meta": {"a"}}, signed: "x-amz-meta"},
		{name: "kelvin sign in name", header: http.Header{"X-Amz-Security-Token": {"t"}}, signed: "x-amz-security-to\u212aen"},
		{name: "kelvin sign in key", header: http.Header{"X-Amz-Security-To\u212aen": {"t"}}, signed: "x-amz-security-token"},
		{name: "content-length from request", header: http.Header{}, length: 17, signed: "content-length"},
		{name: "content-length unknown", header: http.Header{}, length: -1, signed: "content-length"},
		{name: "content-length in header", header: http.Header{"Content-Length": {"3"}}, length: 17, signed: "Content-Length"},
		{name: "long name", header: http.Header{"X-" + strings.Repeat("A", 70): {"v"}}, signed: "x-" + strings.Repeat("a", 70)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &http.Request{Header: tt.header, ContentLength: tt.length}
			got := string(appendHeader(nil, r, tt.signed, keysCanonical(r.Header)))
			if want := refHeader(r, tt.signed); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

// TestVerifierConcurrent verifies with a shared Verifier from several
// goroutines and keys at once, for the race detector and for the last-used
// entry, which must never hand out another scope's key.
func TestVerifierConcurrent(t *testing.T) {
	v := NewVerifier(2)
	secrets := []string{secret, "other/secret", "third/secret"}
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 200 {
				s := secrets[(g+i)%len(secrets)]
				sig := &Signature{Date: "20260101", Region: "us-east-1", Service: "sts"}
				if got, want := v.signingKey(s, sig), signingKey(s, sig.Date, sig.Region, sig.Service); got != want {
					t.Errorf("secret %q: got key %x, want %x", s, got, want)
					return
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}

// refFill is fill as written before it avoided allocations, with
// strings.Split and hex.DecodeString; fill must agree with it.
func refFill(cred, signed, sig string) (*Signature, error) {
	s := &Signature{}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return nil, fail(ErrMalformed, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '"+cred+"'")
	}
	s.AccessKeyID, s.Date, s.Region, s.Service = parts[0], parts[1], parts[2], parts[3]
	switch {
	case s.AccessKeyID == "":
		return nil, fail(ErrMalformed, "Credential should have an access key id, got '"+cred+"'")
	case !isDate(s.Date):
		return nil, fail(ErrMalformed, "Invalid credential date \""+s.Date+"\". This date is not the required format: yyyyMMdd.")
	case s.Region == "":
		return nil, fail(ErrMalformed, "Credential should be scoped to a valid region, not ''. ")
	case s.Service == "":
		return nil, fail(ErrMalformed, "Credential should be scoped to correct service: ''. ")
	case parts[4] != "aws4_request":
		return nil, fail(ErrMalformed, "Credential should be scoped with a valid terminator: 'aws4_request', not '"+parts[4]+"'. ")
	}
	if signed == "" {
		return nil, fail(ErrMalformed, "SignedHeaders must not be empty")
	}
	s.signedHeaders = signed
	s.SignedHeaders = strings.Split(signed, ";")
	host := false
	for _, h := range s.SignedHeaders {
		if h == "" {
			return nil, fail(ErrMalformed, "SignedHeaders contains an empty header name: '"+signed+"'")
		}
		host = host || strings.EqualFold(h, "host") || h == ":authority"
	}
	if !host {
		return nil, fail(ErrMalformed, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	b, err := hex.DecodeString(sig)
	if err != nil || len(b) != 32 {
		return nil, fail(ErrMalformed, "Signature must be 64 hexadecimal characters, got '"+sig+"'")
	}
	s.Signature = b
	return s, nil
}

func FuzzFill(f *testing.F) {
	const sig = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
	f.Add("AKID/20260101/us-east-1/sts/aws4_request", "host;x-amz-date", sig)
	f.Add("AKID/20260101/us-east-1/sts/aws4_request", "a;b;c;d;e;f;g;h;i;host", strings.ToUpper(sig))
	f.Add("a//b/c/d/e", ";;", "zz")
	f.Add("/2026010/x/y/aws5_request", "HOST", sig[:63]+"g")
	f.Fuzz(func(t *testing.T, cred, signed, sig string) {
		want, wantErr := refFill(cred, signed, sig)
		got := &Signature{}
		err := got.fill(cred, signed, sig)
		switch {
		case (err == nil) != (wantErr == nil):
			t.Fatalf("got error %v, want %v", err, wantErr)
		case err != nil:
			if err.Error() != wantErr.Error() {
				t.Fatalf("got error %q, want %q", err, wantErr)
			}
		case got.AccessKeyID != want.AccessKeyID || got.Date != want.Date || got.Region != want.Region ||
			got.Service != want.Service || got.signedHeaders != want.signedHeaders ||
			!slices.Equal(got.SignedHeaders, want.SignedHeaders) || !bytes.Equal(got.Signature, want.Signature):
			t.Fatalf("got %+v, want %+v", got, want)
		}
	})
}
