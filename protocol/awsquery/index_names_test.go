package awsquery

import (
	"net/url"
	"reflect"
	"testing"
)

// TestInputIndexNames: a list index is a decimal number from 1, of at
// most nine digits, without leading zeros; a name with any other index (an
// empty one among them) is dropped, never a panic.
func TestInputIndexNames(t *testing.T) {
	h := newHarness(t, nil)
	tests := []struct {
		name string
		form url.Values
		want map[string]any
	}{
		{"empty index", url.Values{"Tags.member..Key": {"x"}}, map[string]any{}},
		{"empty index, value member", url.Values{"Tags.member..Value": {"x"}}, map[string]any{}},
		{"ten digits", url.Values{"Tags.member.1234567890.Key": {"x"}}, map[string]any{}},
		{"leading zero", url.Values{"Tags.member.01.Key": {"x"}}, map[string]any{}},
		{"sign", url.Values{"Tags.member.+1.Key": {"x"}}, map[string]any{}},
		{"nine digits", url.Values{"Tags.member.123456789.Key": {"x"}},
			map[string]any{"Tags": []any{map[string]any{"Key": "x"}}}},
		{"empty scalar list index", url.Values{"TransitiveTagKeys.member.": {"x"}}, map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.svc.Input("AssumeRole", tt.form)
			if err != nil {
				t.Fatalf("Input(%v): got error %v, want none", tt.form, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Input(%v): got %#v, want %#v", tt.form, got, tt.want)
			}
		})
	}
}

// TestParseFormPlus: '+' is a space wherever it stands in a form value or
// name, its first byte included, with or without escapes beside it.
func TestParseFormPlus(t *testing.T) {
	tests := []struct {
		name, form string
		want       []pair
	}{
		{"leading plus", "RoleSessionName=+a", []pair{{"RoleSessionName", " a"}}},
		{"plus alone", "RoleSessionName=+", []pair{{"RoleSessionName", " "}}},
		{"inner plus", "RoleSessionName=a+b", []pair{{"RoleSessionName", "a b"}}},
		{"plus and escape", "RoleSessionName=+%2B", []pair{{"RoleSessionName", " +"}}},
		{"leading plus in a name", "+k=v", []pair{{" k", "v"}}},
		{"neither", "RoleSessionName=ab", []pair{{"RoleSessionName", "ab"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseForm(nil, tt.form)
			if err != nil {
				t.Fatalf("parseForm(%q): got error %v, want none", tt.form, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseForm(%q): got %q, want %q", tt.form, got, tt.want)
			}
		})
	}
}
