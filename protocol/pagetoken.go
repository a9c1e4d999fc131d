package protocol

import (
	"encoding/base64"
	"strings"
)

// Pagination tokens (NextToken) are opaque to clients: base64url of
// "<kind>\x00<scope>\x00<position>". kind names the listing and scope what
// it lists (a pool, an identity, a dataset), so that a token is refused by
// any other call; position is where the next page starts. The scope may
// itself hold \x00; the position comes last and may hold anything.

// EncodePageToken returns the token of the next page of a listing.
func EncodePageToken(kind, scope, pos string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + "\x00" + scope + "\x00" + pos))
}

// DecodePageToken returns the position a token holds, or ok false for a
// token this listing did not issue. An empty token is the first page: "",
// true.
func DecodePageToken(token, kind, scope string) (pos string, ok bool) {
	if token == "" {
		return "", true
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", false
	}
	k, rest, found := strings.Cut(string(b), "\x00")
	if !found || k != kind || !strings.HasPrefix(rest, scope+"\x00") {
		return "", false
	}
	pos = rest[len(scope)+1:]
	return pos, pos != ""
}
