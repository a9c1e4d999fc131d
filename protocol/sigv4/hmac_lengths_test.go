package sigv4

import (
	"bytes"
	"strconv"
	"testing"
)

// TestHMACKeyLengths: hmacSHA256 is crypto/hmac's HMAC-SHA256 for keys
// around the 64-byte block: one of exactly 64 bytes is used as is
// (RFC 2104 hashes only longer ones), as is the "AWS4"+secret of a
// 60-character secret.
func TestHMACKeyLengths(t *testing.T) {
	for _, n := range []int{0, 1, 63, 64, 65, 128, 129} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			key := bytes.Repeat([]byte("k"), n)
			if got, want := hmacSHA256(key, []byte("m")), stdHMAC(key, []byte("m")); got != want {
				t.Errorf("key of %d bytes: got %x, want %x", n, got, want)
			}
		})
	}
	t.Run("signing key of a 60-character secret", func(t *testing.T) {
		s := string(bytes.Repeat([]byte("s"), 60))
		want := refSigningKey(s, "20260101", "us-east-1", "sts")
		if got := signingKey(s, "20260101", "us-east-1", "sts"); got != want {
			t.Errorf("got %x, want %x", got, want)
		}
	})
}

// refSigningKey derives the SigV4 signing key with crypto/hmac, as AWS's
// SigV4 documentation gives the steps.
func refSigningKey(secret, date, region, service string) [32]byte {
	k := stdHMAC([]byte("AWS4"+secret), []byte(date))
	k = stdHMAC(k[:], []byte(region))
	k = stdHMAC(k[:], []byte(service))
	return stdHMAC(k[:], []byte("aws4_request"))
}
