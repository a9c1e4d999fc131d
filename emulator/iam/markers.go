package iam

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"sort"
	"strings"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// Markers.
//
// A list operation sorts its items by a key (a name, a tag key, an access
// key id) and pages through them in that order. The Marker it answers is
// opaque to the client and is the operation's own: the URL-safe base64 of
// the sort key of the last item returned, after a checksum of the
// operation's name and that sort key. The next page starts at the first item whose
// sort key is greater, so an item added or removed between pages moves no
// other item: every item there all along is listed exactly once.
//
// The model holds a Marker to 1 to 320 characters of [\u0020-\u00FF], and
// a client sends back what it was given: every marker idpool answers must
// pass that check, whatever the item. Base64 keeps to ASCII, and 320
// characters carry 240 bytes, so a sort key is at most maxSortKey bytes.
// An item's sort key is its key when that fits, and otherwise the key's
// first bytes followed by a digest of the whole key (boundedKey). Items
// whose keys share that many first bytes are then in the order of their
// digests rather than of their keys, and still each listed once. Only tag
// keys of many multi-byte letters can: a policy's key (nameKey) differs
// from any other's within its name and the account of its ARN.
//
// A marker that does not decode, or whose checksum is not that of the
// operation's name and its key (garbage, or another operation's marker),
// is refused with ValidationError "Invalid Marker.": what IAM is reported
// to answer (by other emulators and clients; not seen from AWS here).

const (
	// markerSum is the length of a marker's checksum, in bytes.
	markerSum = 8
	// maxSortKey is the longest sort key in bytes: what is left of the
	// 240 bytes a 320-character marker carries.
	maxSortKey = 320/4*3 - markerSum
	// keyDigest is the length of the digest that ends a bounded sort key.
	keyDigest = 16
)

var markerEncoding = base64.RawURLEncoding

// errMarker is IAM's answer to a marker it did not issue.
func errMarker() error { return protocol.BadRequest("ValidationError", "Invalid Marker.") }

// boundedKey returns the sort key of an item whose key is k: k itself when
// it is at most maxSortKey bytes, or else its first bytes and a digest of
// it, maxSortKey bytes in all.
func boundedKey(k string) string {
	if len(k) <= maxSortKey {
		return k
	}
	d := sha256.Sum256([]byte(k))
	return k[:maxSortKey-keyDigest] + string(d[:keyDigest])
}

func markerChecksum(op, key string) []byte {
	d := sha256.Sum256([]byte(op + "\x00" + key))
	return d[:markerSum]
}

// newMarker returns the marker op answers after the item of sort key key.
func newMarker(op, key string) *string {
	m := markerEncoding.EncodeToString(append(markerChecksum(op, key), key...))
	return &m
}

// readMarker returns the sort key that marker m, which op issued, holds.
func readMarker(op, m string) (string, error) {
	b, err := markerEncoding.DecodeString(m)
	if err != nil || len(b) < markerSum {
		return "", errMarker()
	}
	key := string(b[markerSum:])
	if !bytes.Equal(b[:markerSum], markerChecksum(op, key)) {
		return "", errMarker()
	}
	return key, nil
}

// page returns the items of operation op after marker, sorted by key, at
// most maxItems of them (100 when nil), whether more follow, and the
// marker of the next page. A marker op did not issue is ValidationError.
func page[T any](op string, items []T, key func(T) string, marker *string, maxItems *int32) ([]T, bool, *string, error) {
	n := pageSize(maxItems)
	type sorted struct {
		key  string
		item T
	}
	all := make([]sorted, len(items))
	for i, v := range items {
		all[i] = sorted{boundedKey(key(v)), v}
	}
	slices.SortFunc(all, func(a, b sorted) int { return strings.Compare(a.key, b.key) })
	start := 0
	if marker != nil {
		after, err := readMarker(op, *marker)
		if err != nil {
			return nil, false, nil, err
		}
		start = sort.Search(len(all), func(i int) bool { return all[i].key > after })
	}
	rest := all[start:]
	more := len(rest) > n
	if more {
		rest = rest[:n]
	}
	got := make([]T, len(rest))
	for i, s := range rest {
		got[i] = s.item
	}
	if !more {
		return got, false, nil, nil
	}
	return got, true, newMarker(op, rest[n-1].key), nil
}

// pageSize is the most items a page of maxItems holds.
func pageSize(maxItems *int32) int {
	if maxItems == nil {
		return defaultMaxItems
	}
	return max(int(*maxItems), 1)
}

// storedPage is page of items the store pages itself: fetch answers at
// most limit items, those page would answer of them all after a marker of
// sort key after ("" for the first page), in page's order. It reads the
// page and no other item.
func storedPage[T any](op string, key func(T) string, marker *string, maxItems *int32, fetch func(after string, limit int) ([]T, error)) ([]T, bool, *string, error) {
	n := pageSize(maxItems)
	after := ""
	if marker != nil {
		var err error
		if after, err = readMarker(op, *marker); err != nil {
			return nil, false, nil, err
		}
	}
	got, err := fetch(after, n+1)
	if err != nil || len(got) <= n {
		return got, false, nil, err
	}
	got = got[:n]
	return got, true, newMarker(op, boundedKey(key(got[n-1]))), nil
}

// namePage asks the store for a page of a listing by name after after,
// of the path prefix prefix ("/" when nil), at most limit.
func namePage(after string, prefix *string, limit int) storage.NamePage {
	p := storage.NamePage{After: after, PathPrefix: "/", Limit: limit}
	if prefix != nil {
		p.PathPrefix = *prefix
	}
	return p
}

// pageByPath is page of the items whose path starts with prefix ("/"
// when nil), by name; pathName gives an item's path and name.
func pageByPath[T any](op string, items []T, pathName func(T) (string, string), prefix, marker *string, maxItems *int32) ([]T, bool, *string, error) {
	p := "/"
	if prefix != nil {
		p = *prefix
	}
	items = slicesFilter(items, func(v T) bool { path, _ := pathName(v); return strings.HasPrefix(path, p) })
	return page(op, items, func(v T) string { _, name := pathName(v); return name }, marker, maxItems)
}
