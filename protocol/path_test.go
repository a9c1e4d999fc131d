package protocol

import (
	"net/http/httptest"
	"testing"
)

func TestRawPath(t *testing.T) {
	tests := []struct {
		name, target string
		requestURI   string // replaces what NewRequest sets, unless ""; "-" clears it
		want         string
	}{
		{"as sent", "/identitypools/us-east-1%3Aa/identities/i%2Fj", "", "/identitypools/us-east-1%3Aa/identities/i%2Fj"},
		{"query dropped", "/identitypools/p/identities/i/datasets/d/records?lastSyncCount=1", "", "/identitypools/p/identities/i/datasets/d/records"},
		{"encoding kept", "/identitypools/p/%65vents", "", "/identitypools/p/%65vents"},
		{"no RequestURI, as a client builds it", "/identitypools/us-east-1%3Aa/x%2Fy?q=1", "-", "/identitypools/us-east-1%3Aa/x%2Fy"},
		{"absolute form", "http://localhost/identitypools/a%2Fb", "http://localhost/identitypools/a%2Fb", "/identitypools/a%2Fb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tt.target, nil)
			switch tt.requestURI {
			case "-":
				r.RequestURI = ""
			case "":
			default:
				r.RequestURI = tt.requestURI
			}
			if got := RawPath(r); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
