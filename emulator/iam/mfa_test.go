package iam

import (
	"testing"
	"time"
)

// TestTOTP checks totp against the SHA-1 vectors of RFC 6238 appendix B,
// whose eight-digit codes end in the six digits a virtual MFA device shows.
func TestTOTP(t *testing.T) {
	secret := []byte("12345678901234567890")
	tests := []struct {
		name string
		unix int64
		want string // last six digits of the RFC's code
	}{
		{"59", 59, "287082"},
		{"1111111109", 1111111109, "081804"},
		{"1111111111", 1111111111, "050471"},
		{"1234567890", 1234567890, "005924"},
		{"2000000000", 2000000000, "279037"},
		{"20000000000", 20000000000, "353130"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := totp(secret, step(time.Unix(tt.unix, 0))); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestConsecutive: EnableMFADevice's two codes must be consecutive, in
// order, and recent.
func TestConsecutive(t *testing.T) {
	secret := []byte("12345678901234567890")
	now := time.Unix(1_700_000_000, 0)
	at := func(d time.Duration) string { return totp(secret, step(now.Add(d))) }
	tests := []struct {
		name         string
		code1, code2 string
		want         bool
	}{
		{"the last two", at(-30 * time.Second), at(0), true},
		{"a minute ago", at(-90 * time.Second), at(-60 * time.Second), true},
		{"the next", at(0), at(30 * time.Second), true},
		{"swapped", at(0), at(-30 * time.Second), false},
		{"the same twice", at(0), at(0), false},
		{"too old", at(-150 * time.Second), at(-120 * time.Second), false},
		{"a gap", at(-60 * time.Second), at(0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := consecutive(secret, tt.code1, tt.code2, now, enableWindow); got != tt.want {
				t.Errorf("consecutive(%s, %s): got %v, want %v", tt.code1, tt.code2, got, tt.want)
			}
		})
	}
}
