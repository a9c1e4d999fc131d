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
	name    string
	method  string
	path    string // with query, appended to the server URL
	body    string
	headers map[string]string
	service string
	token   string
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
		{name: "session token", method: "POST", path: syncPath, body: `{"SyncSessionToken":"x"}`, service: "cognito-sync", token: token},
		{name: "session token tampered", method: "POST", path: syncPath, body: `{}`, service: "cognito-sync", token: token,
			tamper: func(r *http.Request) { r.Header.Set("X-Amz-Security-Token", token+"x") }, want: ErrSignatureMismatch},
		{name: "unsigned payload", method: "POST", path: "/", body: json, headers: identityHeaders, service: "cognito-identity",
			unsigned: true, tamper: func(r *http.Request) { setBody(r, `{"MaxResults":60}`) }},
		{name: "unsigned payload header removed", method: "POST", path: "/", body: json, headers: identityHeaders, service: "cognito-identity",
			unsigned: true, tamper: func(r *http.Request) { r.Header.Del("X-Amz-Content-Sha256") }, want: ErrSignatureMismatch},
		{name: "presigned get", method: "GET", path: "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60", service: "sts", presign: true},
		{name: "presigned with token", method: "GET", path: "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=900", service: "sts",
			presign: true, token: token, headers: map[string]string{"X-K8s-Aws-Id": "cluster"}},
		{name: "presigned default window", method: "GET", path: "/?Action=GetCallerIdentity&Version=2011-06-15", service: "sts", presign: true},
		{name: "presigned expired", method: "GET", path: "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60", service: "sts",
			presign: true, now: signTime.Add(61 * time.Second), want: ErrExpired},
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
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, bodyReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			payload := hashHex([]byte(tt.body))
			if tt.unsigned {
				payload = "UNSIGNED-PAYLOAD"
				req.Header.Set("X-Amz-Content-Sha256", payload)
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
				fn   func(*http.Request, []byte, *Signature, string, time.Time) error
			}{{"Verify", Verify}, {"Verifier", NewVerifier(2).Verify}} {
				err = verify.fn(got.r, got.body, sig, key, now)
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
		{name: "host not signed", authz: strings.Replace(good, "host;", "", 1), date: "20260101T000000Z", want: ErrMalformed, wantMsg: "'Host'"},
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
	if err := Verify(r, []byte("{}"), sig, secret, signTime); err != nil {
		t.Errorf("got %v, want nil", err)
	}
	r.Host = "evil.example.com"
	if err := Verify(r, []byte("{}"), sig, secret, signTime); !errors.Is(err, ErrSignatureMismatch) {
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
		fn   func(*http.Request, []byte, *Signature, string, time.Time) error
	}{{"uncached", Verify}, {"cached", NewVerifier(0).Verify}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := bc.fn(r, body, sig, secret, signTime); err != nil {
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
			if !errors.Is(err, ErrMissing) && !errors.Is(err, ErrMalformed) {
				t.Fatalf("got %v, want ErrMissing or ErrMalformed", err)
			}
			return
		}
		// A parsed signature must be safe to verify, whatever it holds.
		if err := Verify(r, nil, sig, "secret", signTime); err == nil {
			t.Fatalf("random signature verified: %+v", sig)
		}
	})
}
