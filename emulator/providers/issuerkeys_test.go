package providers

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/idpool/idpool/emulator/tokens"
)

// recorder is an http.RoundTripper that records the URLs asked for and
// sends only the http ones on: no test may reach the network.
type recorder struct {
	mu   sync.Mutex
	urls []string
	next http.RoundTripper
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.urls = append(r.urls, req.URL.String())
	r.mu.Unlock()
	if req.URL.Scheme != "http" {
		return nil, fmt.Errorf("test: no %s request may leave the test", req.URL.Scheme)
	}
	return r.next.RoundTrip(req)
}

func (r *recorder) asked() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.urls...)
}

func newRecorder() (*recorder, *http.Client) {
	r := &recorder{next: http.DefaultTransport}
	return r, &http.Client{Transport: r}
}

// TestKeysFromTokenIssuer: a provider named by its bare key, or IAM's
// provider of an https URL (AWS takes no other), finds its keys from the
// issuer its tokens carry, so a local provider's http:// tokens verify;
// an https issuer that only IAM names is never reached, and the error
// says how to declare its keys.
func TestKeysFromTokenIssuer(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	srv := newOIDCServer(t, jwks(t, k))
	key := strings.TrimPrefix(srv.URL, "http://")
	tests := []struct {
		name     string
		declared []Provider
		iam      mapSource
		iss      string
		want     error
		wantText string // in the error
		asked    []string
	}{
		{name: "declared by key, http iss", declared: []Provider{{Name: key}}, iss: srv.URL,
			asked: []string{srv.URL + discoveryPath, srv.URL + "/keys"}},
		{name: "IAM provider of https URL, http iss", iam: mapSource{key: {Name: "https://" + key}}, iss: srv.URL,
			asked: []string{srv.URL + discoveryPath, srv.URL + "/keys"}},
		{name: "IAM provider of http URL, http iss", iam: mapSource{key: {Name: srv.URL}}, iss: srv.URL,
			asked: []string{srv.URL + discoveryPath, srv.URL + "/keys"}},
		{name: "IAM provider of https URL, https iss not reached", iam: mapSource{key: {Name: "https://" + key}}, iss: "https://" + key,
			want: ErrFetch, wantText: `declare its keys in the fixtures' Providers, {"Name": "https://` + key + `", "Jwks"`},
		{name: "declared https issuer is reached", declared: []Provider{{Name: key}}, iss: "https://" + key,
			want: ErrFetch, asked: []string{"https://" + key + discoveryPath}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, client := newRecorder()
			reg, err := New(tt.declared, client, newClock().now, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.iam != nil {
				reg.SetSource(tt.iam)
			}
			_, err = reg.Verify(context.Background(), key, k.sign(t, claims(tt.iss, client0, nil)), nil, 0)
			wantErr(t, err, tt.want)
			if err != nil && !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("got error %v, want it to say %s", err, tt.wantText)
			}
			if got := rec.asked(); strings.Join(got, " ") != strings.Join(tt.asked, " ") {
				t.Errorf("got requests %q, want %q", got, tt.asked)
			}
		})
	}
}

// client0 is the audience of TestKeysFromTokenIssuer's tokens, whose
// providers name no client ids.
const client0 = "app"

// TestSTSKeysFromTokenIssuer: STS takes the http:// token of a local
// provider whose IAM provider has the https:// URL AWS requires, found
// by discovery from the token's iss, in strict mode too.
func TestSTSKeysFromTokenIssuer(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	srv := newOIDCServer(t, jwks(t, k))
	key := strings.TrimPrefix(srv.URL, "http://")
	for _, strict := range []bool{false, true} {
		t.Run(fmt.Sprint("strict ", strict), func(t *testing.T) {
			reg, err := New(nil, srv.Client(), newClock().now, nil)
			if err != nil {
				t.Fatal(err)
			}
			reg.SetSource(mapSource{key: {Name: "https://" + key}})
			tok, err := tokens.Parse(k.sign(t, claims(srv.URL, client0, nil)))
			if err != nil {
				t.Fatal(err)
			}
			id, err := reg.ForSTS("123456789012", strict).VerifyWebIdentity(context.Background(), tok)
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if want := "arn:aws:iam::123456789012:oidc-provider/" + key; id.Provider != want {
				t.Errorf("got provider %s, want %s", id.Provider, want)
			}
		})
	}
}

// TestUserPoolKeysAtIssuer: a user pool's keys are fetched from
// <issuer>/.well-known/jwks.json, where Cognito publishes them, without
// reading a discovery document, whose URLs a local stand-in may get
// wrong (cognito-local's names its default port whatever its port).
func TestUserPoolKeysAtIssuer(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	const pool = "us-east-1_abc"
	mux := http.NewServeMux()
	mux.HandleFunc("/"+pool+"/.well-known/jwks.json", func(w http.ResponseWriter, _ *http.Request) { w.Write(jwks(t, k)) })
	mux.HandleFunc("/"+pool+discoveryPath, func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, `{"issuer":"http://localhost:9229/%s","jwks_uri":"http://localhost:9229/%s/.well-known/jwks.json"}`, pool, pool)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	const name = "cognito-idp.us-east-1.amazonaws.com/" + pool
	iss := srv.URL + "/" + pool
	rec, client := newRecorder()
	reg, err := New([]Provider{{Name: name, Issuer: iss, ClientIDs: []string{client0}}}, client, newClock().now, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = reg.Verify(context.Background(), name, k.sign(t, claims(iss, client0, nil)), nil, 0)
	wantErr(t, err, nil)
	if got, want := rec.asked(), []string{iss + "/.well-known/jwks.json"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got requests %q, want %q", got, want)
	}
}

// TestDiscoveryIssuerMismatch: a discovery document that names another
// issuer than the one it was read for is still used (a local provider
// behind another host name names the one its clients reach), but a
// verification that then fails says so, naming both issuers.
func TestDiscoveryIssuerMismatch(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	other := rsaKey(t, "other", jose.RS256)
	const named = "http://localhost:9229/x"
	tests := []struct {
		name    string
		jwksURI string // "" is the server's own
		signer  signer
		want    error
	}{
		{name: "keys verify", signer: k},
		{name: "jwks_uri unreachable", jwksURI: "http://127.0.0.1:1/keys", signer: k, want: ErrFetch},
		{name: "kid unknown", signer: other, want: ErrUnknownKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newOIDCServer(t, jwks(t, k))
			uri := tt.jwksURI
			if uri == "" {
				uri = srv.URL + "/keys"
			}
			srv.setDoc(fmt.Sprintf(`{"issuer":%q,"jwks_uri":%q}`, named, uri))
			reg, err := New([]Provider{{Name: srv.URL}}, srv.Client(), newClock().now, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = reg.Verify(context.Background(), srv.URL, tt.signer.sign(t, claims(srv.URL, client0, nil)), nil, 0)
			wantErr(t, err, tt.want)
			if err == nil {
				return
			}
			for _, s := range []string{fmt.Sprintf("names issuer %q, not %q", named, srv.URL)} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("got error %v, want it to say %s", err, s)
				}
			}
		})
	}
}
