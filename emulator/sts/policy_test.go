package sts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/idpool/idpool/protocol"
)

// TestCheckSessionTags: the tags Cognito hands STS are held to the limits of
// AssumeRole's Tags parameter, each tag and all of them together.
func TestCheckSessionTags(t *testing.T) {
	many := make(map[string]string)
	for i := range 51 {
		many[fmt.Sprintf("k%02d", i)] = "v"
	}
	tests := []struct {
		name string
		tags map[string]string
		code string // "" when the tags pass
		msg  string // the message, msgBadTags when ""
	}{
		{"none", nil, "", ""},
		{"letters, blanks, digits and _.:/=+-@", map[string]string{"Dépt 1_.:/=+-@": "Ünï cødé 9_.:/=+-@"}, "", ""},
		{"empty value", map[string]string{"k": ""}, "", ""},
		{"key of 128 and value of 256", map[string]string{strings.Repeat("k", 128): strings.Repeat("v", 256)}, "", ""},
		{"key of 129", map[string]string{strings.Repeat("k", 129): "v"}, CodeValidation, ""},
		{"value of 257", map[string]string{"k": strings.Repeat("v", 257)}, CodeValidation, ""},
		{"key with !", map[string]string{"k!": "v"}, CodeValidation, ""},
		{"value with a comma", map[string]string{"groups": "g1,g2"}, CodeValidation, ""},
		{"51 tags", many, CodeValidation, ""},
		// A token's tag keys are compared whatever their case, as
		// AssumeRole's are.
		{"keys differing in case", map[string]string{"Repo": "a", "repo": "b"}, CodeInvalidParameterValue, msgDuplicateTags},
		{"distinct keys", map[string]string{"Repo": "a", "Repos": "b"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckSessionTags(context.Background(), tt.tags)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			msg := tt.msg
			if msg == "" {
				msg = msgBadTags
			}
			var e *protocol.Error
			if !errors.As(err, &e) || e.Code != tt.code || e.Message != msg {
				t.Fatalf("got %v, want %s %q", err, tt.code, msg)
			}
		})
	}
}

// TestDuplicateKeys: the first pair of tag keys that differ only in case,
// in sorted order; none of no tag, one, or distinct keys. Checking no tag
// or one, as most issuances do, allocates nothing: it had sorted the keys
// into a new slice and map every time.
func TestDuplicateKeys(t *testing.T) {
	tests := []struct {
		name       string
		tags       map[string]string
		a, b       string
		dup        bool
		wantAllocs float64 // -1: not measured
	}{
		{name: "none", tags: nil},
		{name: "one", tags: map[string]string{"Repo": "x"}},
		{name: "distinct", tags: map[string]string{"Repo": "x", "Team": "y", "env": "z"}, wantAllocs: -1},
		{name: "case pair", tags: map[string]string{"repo": "x", "Repo": "y", "Team": "z"}, a: "Repo", b: "repo", dup: true, wantAllocs: -1},
		{name: "first pair in order", tags: map[string]string{"team": "a", "TEAM": "b", "Env": "c", "ENV": "d"}, a: "ENV", b: "Env", dup: true, wantAllocs: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b, dup := duplicateKeys(tt.tags)
			if a != tt.a || b != tt.b || dup != tt.dup {
				t.Errorf("got %q, %q, %v, want %q, %q, %v", a, b, dup, tt.a, tt.b, tt.dup)
			}
			if tt.wantAllocs < 0 {
				return
			}
			if got := testing.AllocsPerRun(100, func() { duplicateKeys(tt.tags) }); got != tt.wantAllocs {
				t.Errorf("got %v allocations, want %v", got, tt.wantAllocs)
			}
		})
	}
}
