package protocol

import (
	"strings"
	"testing"
)

// FuzzPageToken feeds NextToken values, which clients send back as they
// please, to DecodePageToken: it must never panic, must accept only what
// EncodePageToken could have issued for the listing, and must give back
// the position of every token it issued.
func FuzzPageToken(f *testing.F) {
	f.Add(EncodePageToken("identities", "us-east-1:pool", "us-east-1:last"), "identities", "us-east-1:pool", "pos")
	f.Add(EncodePageToken("records", "id\x00notes\x000", "3\x00key"), "records", "id\x00notes\x000", "3\x00k\x00ey")
	f.Add("", "pools", "", "")
	f.Add("not base64!", "pools", "", "x")
	f.Fuzz(func(t *testing.T, token, kind, scope, pos string) {
		if got, ok := DecodePageToken(token, kind, scope); ok && token != "" {
			if got == "" {
				t.Fatalf("DecodePageToken(%q): got ok with no position", token)
			}
			if again, ok := DecodePageToken(EncodePageToken(kind, scope, got), kind, scope); !ok || again != got {
				t.Fatalf("position %q of an accepted token does not survive re-encoding: got %q, %v", got, again, ok)
			}
		}
		if pos == "" || strings.Contains(kind, "\x00") {
			return // no position is the first page; kinds are constants without NUL
		}
		tok := EncodePageToken(kind, scope, pos)
		if got, ok := DecodePageToken(tok, kind, scope); !ok || got != pos {
			t.Fatalf("DecodePageToken(EncodePageToken(%q, %q, %q)): got %q, %v, want %q, true", kind, scope, pos, got, ok, pos)
		}
		if _, ok := DecodePageToken(tok, kind+"x", scope); ok {
			t.Fatalf("a token of kind %q was accepted for kind %q", kind, kind+"x")
		}
	})
}
