package identity

import (
	"testing"

	"github.com/idpool/idpool/storage"
)

// TestUnmatchedAndDeveloperReasons: the console's reasons for an authenticated identity
// asked for without its logins, and for a developer provider name a pool
// does not have, say which case it is.
func TestUnmatchedAndDeveloperReasons(t *testing.T) {
	const pool = "us-east-1:b73cb2d2-0d00-4e77-8e80-f99d9c13da3b"
	const id = "us-east-1:157d6171-ee37-c0dd-c6c5-ce7afc0154ab"
	x := &storage.Identity{ID: id, PoolID: pool, Logins: []storage.Login{
		{Provider: "accounts.google.com", UserID: "1"}, {Provider: "accounts.google.com", UserID: "2"}, {Provider: "login.example", UserID: "u"}}}
	tests := []struct {
		name, got, want string
	}{
		{"no login given", unmatchedReason(x, nil),
			"identity " + id + " is authenticated (linked to accounts.google.com, login.example), and the request has no login of it"},
		{"other logins given", unmatchedReason(x, []login{{key: "graph.facebook.com"}, {key: "www.amazon.com"}}),
			"identity " + id + " is linked to accounts.google.com, login.example, and none of the logins given (graph.facebook.com, www.amazon.com) is one of its own"},
		{"pool without a developer provider", developerReason(&storage.Pool{ID: pool}, "login.example"),
			"pool " + pool + " has no developer provider, and the request names login.example"},
		{"pool of another developer provider", developerReason(&storage.Pool{ID: pool, DeveloperProviderName: "login.mine"}, "login.example"),
			"the developer provider of pool " + pool + " is login.mine, and the request names login.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
