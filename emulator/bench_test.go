package emulator

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkGetIdKnown measures the server side of GetId for a login that
// already has an identity, the hottest read, without the network.
func BenchmarkGetIdKnown(b *testing.B) {
	ctx := context.Background()
	cfg, _ := Load([]string{"--db", ":memory:", "--log-level", "info"}, func(string) string { return "" })
	srv, err := New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	h := srv.Handler()
	call := func(target, body string, signed bool) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set("X-Amz-Target", "AWSCognitoIdentityService."+target)
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")
		if signed {
			r.Header.Set("X-Amz-Date", "20260101T000000Z")
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/cognito-identity/aws4_request, SignedHeaders=host;x-amz-date, Signature="+strings.Repeat("0", 64))
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
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
