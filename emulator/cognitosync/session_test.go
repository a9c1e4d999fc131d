package cognitosync

import (
	"strings"
	"testing"
	"time"
)

func TestSessionToken(t *testing.T) {
	e := newEnv(t, Config{SessionTTL: 10 * time.Minute})
	now := e.clock.Now()
	tok := e.svc.issueSession(idA1, "d", now)
	other := New(Config{SessionKey: []byte("another key of at least 16 bytes")}, e.store, e.clock.Now, nil)
	dot := strings.IndexByte(tok, '.')
	tests := []struct {
		name    string
		svc     *Service
		token   string
		id, ds  string
		at      time.Time
		isValid bool
	}{
		{"fresh", e.svc, tok, idA1, "d", now, true},
		{"reused later", e.svc, tok, idA1, "d", now.Add(9 * time.Minute), true},
		{"expired", e.svc, tok, idA1, "d", now.Add(10 * time.Minute), false},
		{"from the future", e.svc, tok, idA1, "d", now.Add(-2 * time.Minute), false},
		{"another dataset", e.svc, tok, idA1, "e", now, false},
		{"dataset name prefix", e.svc, e.svc.issueSession(idA1, "dd", now), idA1, "d", now, false},
		{"another identity", e.svc, tok, idA2, "d", now, false},
		{"another key", other, tok, idA1, "d", now, false},
		{"payload swapped", e.svc, e.svc.issueSession(idA2, "d", now)[:dot] + tok[dot:], idA2, "d", now, false},
		{"no signature", e.svc, tok[:dot], idA1, "d", now, false},
		{"empty", e.svc, "", idA1, "d", now, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.svc.validSession(tt.token, tt.id, tt.ds, tt.at); got != tt.isValid {
				t.Errorf("got valid %v, want %v", got, tt.isValid)
			}
		})
	}
}

func TestNewRefusesShortKey(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("got a Service without a session key, want a panic")
		}
	}()
	New(Config{}, nil, time.Now, nil)
}
