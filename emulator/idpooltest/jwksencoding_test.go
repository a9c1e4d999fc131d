package idpooltest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/idpool/idpool/emulator/idpooltest"
)

// TestWithJWKSEncoding: WithJWKSEncoding("aws") serves the key set at
// JWKSURL in Cognito Identity's own form, which go-jose refuses as it
// refuses AWS's; "rfc" is the default form, which it reads; another value
// stops Start.
func TestWithJWKSEncoding(t *testing.T) {
	tests := []struct {
		encoding   string
		wantGoJose bool   // whether go-jose reads the set
		wantN      string // suffix of every n
	}{
		{"aws", false, "="},
		{"rfc", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.encoding, func(t *testing.T) {
			srv := idpooltest.New(t, idpooltest.WithFixtureFile("testdata/pools.json"), idpooltest.WithJWKSEncoding(tt.encoding))
			openIDToken(t, srv, poolID) // the first token makes the first key
			res, err := http.Get(srv.JWKSURL())
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var set struct {
				Keys []json.RawMessage `json:"keys"`
			}
			if err := json.NewDecoder(res.Body).Decode(&set); err != nil || len(set.Keys) == 0 {
				t.Fatalf("key set: got %d keys (%v), want some", len(set.Keys), err)
			}
			var k struct{ N string }
			if err := json.Unmarshal(set.Keys[0], &k); err != nil || !strings.HasSuffix(k.N, tt.wantN) || strings.HasSuffix(k.N, "=") != (tt.wantN == "=") {
				t.Errorf("n %q: want it to end in %q only in the aws form", k.N, tt.wantN)
			}
			var jk jose.JSONWebKey
			if err := json.Unmarshal(set.Keys[0], &jk); (err == nil) != tt.wantGoJose {
				t.Errorf("go-jose: got error %v, want one %v", err, !tt.wantGoJose)
			}
		})
	}
	if _, err := idpooltest.Start(idpooltest.WithJWKSEncoding("base64")); err == nil || !strings.Contains(err.Error(), "jwks-encoding") {
		t.Errorf("a bad encoding: got %v, want an error naming jwks-encoding", err)
	}
}
