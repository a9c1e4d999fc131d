package awsquery

import (
	"net/url"
	"reflect"
	"testing"
)

// TestDeclares: Declares reports the top-level members of an operation's
// input as the codec decodes them, and nothing for an operation it does
// not handle, so that an authorizer never consults a parameter the
// operation drops.
func TestDeclares(t *testing.T) {
	h := newHarness(t, nil)
	tests := []struct {
		name, op, member string
		want             bool
	}{
		{"declared member", "AssumeRole", "RoleArn", true},
		{"declared list member", "AssumeRole", "Tags", true},
		{"member of a list element", "AssumeRole", "Key", false},
		{"undeclared member", "AssumeRole", "UserName", false},
		{"member case differs", "AssumeRole", "rolearn", false},
		{"input without members", "GetCallerIdentity", "RoleArn", false},
		{"operation not handled", "GetSessionToken", "DurationSeconds", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := h.svc.Declares(tt.op, tt.member); got != tt.want {
				t.Errorf("Declares(%q, %q): got %v, want %v", tt.op, tt.member, got, tt.want)
			}
		})
	}
	for _, tt := range []struct{ name, want string }{{"assumerole", "AssumeRole"}, {"ASSUMEROLE", "AssumeRole"}, {"AssumeRole", "AssumeRole"}, {"GetSessionToken", ""}, {"Assume", ""}} {
		if got, ok := h.svc.Named(tt.name); got != tt.want || ok != (tt.want != "") {
			t.Errorf("Named(%q): got %q, %v; want %q", tt.name, got, ok, tt.want)
		}
	}
}

// TestInput: Input reads a request's lists as the operation decodes them,
// sparse indexes kept in order and the first value of a name winning, so
// that an authorizer sees the tags the operation gives.
func TestInput(t *testing.T) {
	h := newHarness(t, nil)
	tests := []struct {
		name string
		op   string
		form url.Values
		want map[string]any
	}{
		{"sparse list", "AssumeRole", url.Values{"Tags.member.2.Key": {"env"}, "Tags.member.2.Value": {"prod"}, "Tags.member.7.Key": {"b"}},
			map[string]any{"Tags": []any{map[string]any{"Key": "env", "Value": "prod"}, map[string]any{"Key": "b"}}}},
		{"indexes in numeric order", "AssumeRole", url.Values{"TransitiveTagKeys.member.10": {"x"}, "TransitiveTagKeys.member.9": {"y"}},
			map[string]any{"TransitiveTagKeys": []any{"y", "x"}}},
		{"first value wins", "AssumeRole", url.Values{"RoleArn": {"a", "b"}}, map[string]any{"RoleArn": "a"}},
		{"undeclared and malformed names dropped", "AssumeRole", url.Values{"UserName": {"u"}, "Tags.member.01.Key": {"k"}, "Tags.1.Key": {"k"}},
			map[string]any{}},
		{"operation not handled", "GetSessionToken", url.Values{"DurationSeconds": {"900"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.svc.Input(tt.op, tt.form)
			if err != nil {
				t.Fatalf("Input: got error %v, want none", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Input: got %#v, want %#v", got, tt.want)
			}
		})
	}
	if _, err := h.svc.Input("AssumeRole", url.Values{"DurationSeconds": {"x"}}); err == nil {
		t.Errorf("Input with DurationSeconds=x: got no error, want MalformedInput")
	}
}
