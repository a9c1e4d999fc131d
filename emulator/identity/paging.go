package identity

import (
	"github.com/idpool/idpool/protocol"
)

// The kinds of this service's pagination tokens (protocol.EncodePageToken);
// a position is the last id (or developer user id) returned.
const (
	pageIdentityPools = "pools"
	pageIdentities    = "identities"
	pageDeveloperIDs  = "developer"
)

// decodePage returns the position a token holds; "" with no token. A token
// that is not one this listing issued fails with InvalidParameterException.
func decodePage(token, kind, scope string) (string, error) {
	pos, ok := protocol.DecodePageToken(token, kind, scope)
	if !ok {
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
