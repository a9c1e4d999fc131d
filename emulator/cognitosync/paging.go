package cognitosync

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// Pagination tokens are opaque to clients: base64url of
// "<kind>\x00<scope>\x00<position>". kind names the listing and scope what
// it lists (an identity, a dataset at a sync count), so a token is refused
// by any other call; position is where the next page starts.
const (
	pagePools    = "pools"
	pageDatasets = "datasets"
	pageRecords  = "records"
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
	if !ok1 || k != kind || !strings.HasPrefix(rest, scope+"\x00") {
		return "", badParam(msgBadNextToken)
	}
	pos := rest[len(scope)+1:]
	if pos == "" {
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
