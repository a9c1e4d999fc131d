package protocol

import "testing"

func TestPageToken(t *testing.T) {
	tok := EncodePageToken("records", "id\x00ds\x000", "5\x00key")
	tests := []struct {
		name, token, kind, scope string
		wantPos                  string
		wantOK                   bool
	}{
		{"first page", "", "records", "id\x00ds\x000", "", true},
		{"round trip", tok, "records", "id\x00ds\x000", "5\x00key", true},
		{"other listing", tok, "datasets", "id\x00ds\x000", "", false},
		{"other scope", tok, "records", "id\x00other\x000", "", false},
		{"not base64", "!!", "records", "id", "", false},
		{"empty position", EncodePageToken("k", "s", ""), "k", "s", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pos, ok := DecodePageToken(tt.token, tt.kind, tt.scope)
			if pos != tt.wantPos || ok != tt.wantOK {
				t.Errorf("got %q, %v, want %q, %v", pos, ok, tt.wantPos, tt.wantOK)
			}
		})
	}
}
