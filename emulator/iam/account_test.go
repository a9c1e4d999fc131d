package iam

import (
	"net/http"
	"strings"
	"testing"
)

// TestCheckAccountAlias: the hand-written check holds an alias to the model's
// pattern ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$, lookahead included.
func TestCheckAccountAlias(t *testing.T) {
	tests := []struct {
		name, alias string
		ok          bool
	}{
		{"letters and digits", "examplecorp1", true},
		{"single dashes", "my-company-2", true},
		{"shortest", "a1b", true},
		{"longest", strings.Repeat("a", 63), true},
		{"dash before the last", "ab-c", true},
		{"digits only", "123", true},
		{"two dashes in a row", "my--company", false},
		{"two dashes before the last", "ab--c", false},
		{"leading dash", "-abc", false},
		{"trailing dash", "abc-", false},
		{"upper case", "MyCompany", false},
		{"underscore", "my_company", false},
		{"dot", "my.company", false},
		{"too short", "ab", false},
		{"too long", strings.Repeat("a", 64), false},
		{"non-ASCII", "café", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckAccountAlias(tt.alias)
			if !tt.ok {
				wantError(t, err, "ValidationError", http.StatusBadRequest,
					"1 validation error detected: Value at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: "+aliasPattern)
				return
			}
			if err != nil {
				t.Errorf("CheckAccountAlias(%q): got %v, want nil", tt.alias, err)
			}
		})
	}
}

// TestAccountAlias: an account holds one alias at most; creating another
// replaces it, the same one succeeds again, and DeleteAccountAlias removes
// only the alias it names.
func TestAccountAlias(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	create := func(a string) func() error {
		return func() error { _, err := s.CreateAccountAlias(ctx, &AccountAliasInput{AccountAlias: a}); return err }
	}
	remove := func(a string) func() error {
		return func() error { _, err := s.DeleteAccountAlias(ctx, &AccountAliasInput{AccountAlias: a}); return err }
	}
	steps := []struct {
		name      string
		call      func() error
		code      string
		wantAlias []string
	}{
		{"none at first", func() error { return nil }, "", []string{}},
		{"delete when none", remove("first"), CodeNoSuchEntity, []string{}},
		{"create", create("first"), "", []string{"first"}},
		{"create the same", create("first"), "", []string{"first"}},
		{"create another replaces", create("second"), "", []string{"second"}},
		{"delete the replaced one", remove("first"), CodeNoSuchEntity, []string{"second"}},
		{"delete", remove("second"), "", []string{}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			wantCode(t, st.call(), st.code, statusOf(st.code))
			out, err := s.ListAccountAliases(ctx, &ListAccountAliasesInput{})
			if err != nil {
				t.Fatalf("ListAccountAliases: got error %v, want nil", err)
			}
			if strings.Join(out.AccountAliases, ",") != strings.Join(st.wantAlias, ",") || out.AccountAliases == nil || out.IsTruncated {
				t.Errorf("ListAccountAliases: got %#v truncated %v, want %#v, not truncated", out.AccountAliases, out.IsTruncated, st.wantAlias)
			}
		})
	}
}

// statusOf is the HTTP status of the IAM codes TestAccountAlias expects.
func statusOf(code string) int {
	if code == CodeNoSuchEntity {
		return http.StatusNotFound
	}
	return 0
}
