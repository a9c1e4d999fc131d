package emulator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// BenchmarkGetIdKnown measures the server side of GetId for a login that
// already has an identity, the hottest read, without the network.
func BenchmarkGetIdKnown(b *testing.B) {
	ctx := context.Background()
	cfg, _ := Load([]string{"--db", ":memory:"}, func(string) string { return "" })
	srv, err := New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	h := srv.Handler()
	call := func(target, body string, signed bool) *httptest.ResponseRecorder {
		return apiCall(h, target, body, signed)
	}
	w := call("CreateIdentityPool", `{"IdentityPoolName":"bench","AllowUnauthenticatedIdentities":false,"SupportedLoginProviders":{"graph.facebook.com":"app"}}`, true)
	if w.Code != 200 {
		b.Fatalf("CreateIdentityPool: %d %s", w.Code, w.Body)
	}
	pool := w.Body.String()
	pool = pool[strings.Index(pool, `"IdentityPoolId":"`)+18:]
	pool = pool[:strings.IndexByte(pool, '"')]
	body := `{"IdentityPoolId":"` + pool + `","Logins":{"graph.facebook.com":"token-of-a-known-user"}}`
	if w := call("GetId", body, false); w.Code != 200 {
		b.Fatalf("GetId: %d %s", w.Code, w.Body)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if w := call("GetId", body, false); w.Code != 200 {
				b.Errorf("GetId: %d", w.Code)
				return
			}
		}
	})
}

// BenchmarkAssumeRoleWithWebIdentity measures the server side of the basic
// flow's STS call with an idpool token, without the network.
func BenchmarkAssumeRoleWithWebIdentity(b *testing.B) {
	ctx := context.Background()
	cfg, _ := Load([]string{"--db", ":memory:"}, func(string) string { return "" })
	srv, err := New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	h := srv.Handler()
	call := func(target, body string) string {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set("X-Amz-Target", "AWSCognitoIdentityService."+target)
		r.Header.Set("X-Amz-Date", "20260101T000000Z")
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/cognito-identity/aws4_request, SignedHeaders=host;x-amz-date, Signature="+strings.Repeat("0", 64))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("%s: %d %s", target, w.Code, w.Body)
		}
		return w.Body.String()
	}
	field := func(body, name string) string {
		v := body[strings.Index(body, `"`+name+`":"`)+len(name)+4:]
		return v[:strings.IndexByte(v, '"')]
	}
	pool := field(call("CreateIdentityPool", `{"IdentityPoolName":"bench","AllowUnauthenticatedIdentities":true}`), "IdentityPoolId")
	id := field(call("GetId", `{"IdentityPoolId":"`+pool+`"}`), "IdentityId")
	token := field(call("GetOpenIdToken", `{"IdentityId":"`+id+`"}`), "Token")
	form := "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fbench&RoleSessionName=bench&WebIdentityToken=" + token
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != 200 {
				b.Errorf("AssumeRoleWithWebIdentity: %d %s", w.Code, w.Body)
				return
			}
		}
	})
}

// benchServer is an in-memory server for the server-side benchmarks, with
// a pool whose guests have a role, one guest, and its credentials.
type benchServer struct {
	h     http.Handler
	pool  string
	id    string
	creds aws.Credentials
}

func newBenchServer(b *testing.B) *benchServer {
	b.Helper()
	cfg, _ := Load([]string{"--db", ":memory:"}, func(string) string { return "" })
	srv, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	s := &benchServer{h: srv.Handler()}
	s.pool = jsonField(s.identity(b, "CreateIdentityPool", `{"IdentityPoolName":"bench","AllowUnauthenticatedIdentities":true}`), "IdentityPoolId")
	s.identity(b, "SetIdentityPoolRoles", `{"IdentityPoolId":"`+s.pool+`","Roles":{"unauthenticated":"arn:aws:iam::123456789012:role/bench"}}`)
	s.id = jsonField(s.identity(b, "GetId", `{"IdentityPoolId":"`+s.pool+`"}`), "IdentityId")
	out := s.identity(b, "GetCredentialsForIdentity", `{"IdentityId":"`+s.id+`"}`)
	s.creds = aws.Credentials{AccessKeyID: jsonField(out, "AccessKeyId"), SecretAccessKey: jsonField(out, "SecretKey"), SessionToken: jsonField(out, "SessionToken")}
	return s
}

// identity calls a Cognito Identity operation (signed by any developer key).
func (s *benchServer) identity(b *testing.B, target, body string) string {
	b.Helper()
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("X-Amz-Target", "AWSCognitoIdentityService."+target)
	r.Header.Set("X-Amz-Date", "20260101T000000Z")
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/cognito-identity/aws4_request, SignedHeaders=host;x-amz-date, Signature="+strings.Repeat("0", 64))
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	if w.Code != 200 {
		b.Fatalf("%s: %d %s", target, w.Code, w.Body)
	}
	return w.Body.String()
}

func jsonField(body, name string) string {
	v := body[strings.Index(body, `"`+name+`":"`)+len(name)+4:]
	return v[:strings.IndexByte(v, '"')]
}

// signed returns r signed with the guest's credentials by the SDK's signer.
func (s *benchServer) signed(b *testing.B, r *http.Request, body, service string) *http.Request {
	b.Helper()
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), s.creds, r, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	return r
}

// run drives h with a request made by req in parallel.
func (s *benchServer) run(b *testing.B, req func() *http.Request) {
	b.Helper()
	if w := httptest.NewRecorder(); true {
		s.h.ServeHTTP(w, req())
		if w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			s.h.ServeHTTP(w, req())
			if w.Code != 200 {
				b.Errorf("%d %s", w.Code, w.Body)
				return
			}
		}
	})
}

func BenchmarkGetCredentialsForIdentity(b *testing.B) {
	s := newBenchServer(b)
	body := `{"IdentityId":"` + s.id + `"}`
	s.run(b, func() *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set("X-Amz-Target", "AWSCognitoIdentityService.GetCredentialsForIdentity")
		return r
	})
}

func BenchmarkGetCallerIdentity(b *testing.B) {
	s := newBenchServer(b)
	const body = "Action=GetCallerIdentity&Version=2011-06-15"
	signed := s.signed(b, httptest.NewRequest(http.MethodPost, "http://localhost/", strings.NewReader(body)), body, "sts")
	s.run(b, func() *http.Request {
		r := httptest.NewRequest(http.MethodPost, "http://localhost/", strings.NewReader(body))
		r.Header = signed.Header.Clone()
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		return r
	})
}

func BenchmarkListRecords20(b *testing.B) {
	s := newBenchServer(b)
	path := "/identitypools/" + url.PathEscape(s.pool) + "/identities/" + url.PathEscape(s.id) + "/datasets/bench"
	list := func() *http.Request {
		r := httptest.NewRequest(http.MethodGet, "http://localhost"+path+"/records", nil)
		return s.signed(b, r, "", "cognito-sync")
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, list())
	token := jsonField(w.Body.String(), "SyncSessionToken")
	var patches []string
	for i := range 20 {
		patches = append(patches, fmt.Sprintf(`{"Op":"replace","Key":"key-%02d","Value":"value number %d of the benchmark dataset","SyncCount":0}`, i, i))
	}
	body := `{"SyncSessionToken":"` + token + `","RecordPatches":[` + strings.Join(patches, ",") + `]}`
	w = httptest.NewRecorder()
	s.h.ServeHTTP(w, s.signed(b, httptest.NewRequest(http.MethodPost, "http://localhost"+path, strings.NewReader(body)), body, "cognito-sync"))
	if w.Code != 200 {
		b.Fatalf("UpdateRecords: %d %s", w.Code, w.Body)
	}
	signed := list()
	s.run(b, func() *http.Request {
		r := httptest.NewRequest(http.MethodGet, "http://localhost"+path+"/records", nil)
		r.Header = signed.Header.Clone()
		return r
	})
}
