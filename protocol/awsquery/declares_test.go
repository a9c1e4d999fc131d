package awsquery

import "testing"

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
	if !h.svc.Handles("AssumeRole") || h.svc.Handles("GetSessionToken") {
		t.Errorf("Handles: got AssumeRole %v, GetSessionToken %v; want true, false", h.svc.Handles("AssumeRole"), h.svc.Handles("GetSessionToken"))
	}
}
