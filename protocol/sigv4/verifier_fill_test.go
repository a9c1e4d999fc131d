package sigv4

import (
	"strconv"
	"testing"
)

// TestVerifierCacheFills: a Verifier keeps as many signing keys as its
// size (1024 for a size of 0 or less), evicting only when full, so a
// client signing for a few scopes in turn derives each key once.
func TestVerifierCacheFills(t *testing.T) {
	tests := []struct {
		name         string
		size, scopes int
		want         int
	}{
		{"two of two", 2, 2, 2},
		{"three of two", 2, 3, 2},
		{"three of five", 5, 3, 3},
		{"default, 1025 scopes", 0, 1025, 1024},
		{"negative is the default", -1, 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := NewVerifier(tt.size)
			for i := range tt.scopes {
				sig := &Signature{Date: "20260101", Region: "region-" + strconv.Itoa(i), Service: "sts"}
				if got, want := v.signingKey(secret, sig), signingKey(secret, sig.Date, sig.Region, sig.Service); got != want {
					t.Fatalf("%s: cached key differs from derived key", sig.Region)
				}
			}
			if got := len(v.keys); got != tt.want {
				t.Errorf("cache size: got %d, want %d", got, tt.want)
			}
		})
	}
}
