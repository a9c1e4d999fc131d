package cognitosync

import (
	"strings"
	"testing"
	"time"
)

// FuzzSessionToken feeds SyncSessionToken values, which clients send as
// they please, to validSession: it must never panic, and must accept a
// token only for the identity and dataset it was issued for.
func FuzzSessionToken(f *testing.F) {
	svc := New(Config{SessionKey: testKey}, nil, time.Now, nil)
	now := time.Date(2025, 5, 26, 12, 0, 0, 0, time.UTC)
	f.Add(svc.issueSession(idA1, "notes", now), idA1, "notes")
	f.Add("a.b", idA1, "")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, token, identity, dataset string) {
		svc.validSession(token, identity, dataset, now)
		if strings.ContainsRune(identity, 0) || strings.ContainsRune(dataset, 0) {
			return // ids and dataset names never hold NUL
		}
		tok := svc.issueSession(identity, dataset, now)
		if !svc.validSession(tok, identity, dataset, now) {
			t.Fatalf("a token issued for (%q, %q) is refused", identity, dataset)
		}
		if svc.validSession(tok, identity, dataset+"x", now) || svc.validSession(tok, identity+"x", dataset, now) {
			t.Fatalf("a token issued for (%q, %q) is accepted for another dataset or identity", identity, dataset)
		}
	})
}

// FuzzRecordsPos feeds ListRecords positions (the inside of a NextToken)
// to parseRecordsPos: it must never panic, and must give back every
// position recordsPos made.
func FuzzRecordsPos(f *testing.F) {
	f.Add(recordsPos(3, "key"), int64(3), "key")
	f.Add("-1\x00k", int64(0), "k\x00k")
	f.Fuzz(func(t *testing.T, pos string, n int64, key string) {
		if sc, k, err := parseRecordsPos(pos); err == nil && (sc < 0 || k == "") {
			t.Fatalf("parseRecordsPos(%q): got %d, %q, want a sync count >= 0 and a key", pos, sc, k)
		}
		if n < 0 || key == "" {
			return
		}
		sc, k, err := parseRecordsPos(recordsPos(n, key))
		if err != nil || sc != n || k != key {
			t.Fatalf("parseRecordsPos(recordsPos(%d, %q)): got %d, %q, %v", n, key, sc, k, err)
		}
	})
}
