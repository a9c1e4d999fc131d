package protocol

import (
	"context"
	"testing"

	"github.com/google/uuid"
)

func TestNewRequestID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := NewRequestID()
		u, err := uuid.Parse(id)
		if err != nil || len(id) != 36 {
			t.Fatalf("NewRequestID: got %q (%v), want a UUID in canonical form", id, err)
		}
		if u.Version() != 4 || u.Variant() != uuid.RFC4122 {
			t.Errorf("NewRequestID %q: got version %d variant %v, want a random (version 4) RFC 4122 UUID", id, u.Version(), u.Variant())
		}
		if seen[id] {
			t.Fatalf("NewRequestID: got %q twice", id)
		}
		seen[id] = true
	}
}

func TestRequest(t *testing.T) {
	tests := []struct {
		name           string
		ctx            context.Context
		wantID, wantOp string
	}{
		{"no request", context.Background(), "", ""},
		{"request", WithRequest(context.Background(), &Request{ID: "id-1"}), "id-1", "GetId"},
		{"request id only", WithRequestID(context.Background(), "id-2"), "id-2", "GetId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			SetOperation(tt.ctx, "GetId")
			if got := RequestID(tt.ctx); got != tt.wantID {
				t.Errorf("RequestID: got %q, want %q", got, tt.wantID)
			}
			var op string
			if r := RequestFrom(tt.ctx); r != nil {
				op = r.Operation
			}
			if op != tt.wantOp {
				t.Errorf("operation: got %q, want %q", op, tt.wantOp)
			}
		})
	}
}

// TestPrincipal: a principal is found through the context it was given
// to, recorded in the request when the context carries one.
func TestPrincipal(t *testing.T) {
	p := &Principal{AccessKeyID: "AKIDEXAMPLE"}
	tests := []struct {
		name    string
		ctx     context.Context
		wantNew bool // WithPrincipal derives a new context
	}{
		{"with request", WithRequestID(context.Background(), "id"), false},
		{"without request", context.Background(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := PrincipalFrom(tt.ctx); ok {
				t.Fatal("PrincipalFrom before WithPrincipal: got a principal, want none")
			}
			ctx := WithPrincipal(tt.ctx, p)
			if got := ctx != tt.ctx; got != tt.wantNew {
				t.Errorf("new context: got %v, want %v", got, tt.wantNew)
			}
			if got, ok := PrincipalFrom(ctx); !ok || got != p {
				t.Errorf("PrincipalFrom: got %v, %v, want %v", got, ok, p)
			}
		})
	}
}

// TestSetNote: a request's notes all reach the console, the first one
// first (a role mapping's fallback, then the undeclared role it chose),
// and a request without a Request in its context takes none.
func TestSetNote(t *testing.T) {
	tests := []struct {
		name  string
		notes []string
		want  string
	}{
		{"none", nil, ""},
		{"one", []string{"a"}, "a"},
		{"two", []string{"a", "b"}, "a; b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := WithRequestID(context.Background(), "r")
			for _, n := range tt.notes {
				SetNote(ctx, n)
			}
			if got := RequestFrom(ctx).Note; got != tt.want {
				t.Errorf("got note %q, want %q", got, tt.want)
			}
		})
	}
	SetNote(context.Background(), "nowhere") // must not panic
}
