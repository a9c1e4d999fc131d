package identity

import (
	"encoding/base64"
	"slices"
	"strings"
)

// Pagination tokens are opaque to clients: base64url of
// "<kind>\x00<scope>\x00<position>". kind names the listing and scope what
// it lists (a pool, an identity), so a token is refused by any other call;
// position is the last id returned, or an offset.
const (
	pageIdentityPools = "pools"
	pageIdentities    = "identities"
	pageDeveloperIDs  = "developer"
)

func encodePage(kind, scope, pos string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + "\x00" + scope + "\x00" + pos))
}

// decodePage returns the position a token holds; "" with no token. A token
// that is not one this listing issued fails with InvalidParameterException.
func decodePage(token, kind, scope string) (string, error) {
	if token == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", badParam(msgBadNextToken)
	}
	k, rest, ok1 := strings.Cut(string(b), "\x00")
	sc, pos, ok2 := strings.Cut(rest, "\x00")
	if !ok1 || !ok2 || k != kind || sc != scope || pos == "" {
		return "", badParam(msgBadNextToken)
	}
	return pos, nil
}

// pageSize bounds a requested page size to 1…maxPageSize; zero means the
// maximum.
func pageSize(n int) int {
	if n <= 0 || n > maxPageSize {
		return maxPageSize
	}
	return n
}

// sortedKeys returns m's keys in ascending order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
