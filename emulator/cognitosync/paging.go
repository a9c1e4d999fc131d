package cognitosync

import (
	"strconv"
	"strings"

	"github.com/idpool/idpool/protocol"
)

// The kinds of this service's pagination tokens (protocol.EncodePageToken).
// They differ from Cognito Identity's, so that a token of its
// ListIdentityPools is not taken by ListIdentityPoolUsage.
const (
	pagePools    = "usage"
	pageDatasets = "datasets"
	pageRecords  = "records"
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

// recordsScope is the scope of a ListRecords token: the dataset and the
// lastSyncCount the listing started from.
func recordsScope(identity, dataset string, since int64) string {
	return identity + "\x00" + dataset + "\x00" + strconv.FormatInt(since, 10)
}

// A ListRecords position is "<sync count>\x00<last key>": the dataset's
// sync count when the first page was read, which every later page reports,
// and the last key returned. Keys may hold any character, so the key comes
// last.
func recordsPos(syncCount int64, key string) string {
	return strconv.FormatInt(syncCount, 10) + "\x00" + key
}

func parseRecordsPos(pos string) (syncCount int64, key string, err error) {
	n, key, ok := strings.Cut(pos, "\x00")
	if !ok || key == "" {
		return 0, "", badParam(msgBadNextToken)
	}
	syncCount, perr := strconv.ParseInt(n, 10, 64)
	if perr != nil || syncCount < 0 {
		return 0, "", badParam(msgBadNextToken)
	}
	return syncCount, key, nil
}

// pageSize bounds a requested page size to 1…max; absent, zero or
// negative means max.
func pageSize(n *int32, max int) int {
	if n == nil || *n <= 0 || int(*n) > max {
		return max
	}
	return int(*n)
}
