package protocol

import (
	"strconv"
	"testing"
)

// TestErrorfSender: Errorf marks the statuses below 500 as the client's
// (sender's) faults and 500 and above as the service's.
func TestErrorfSender(t *testing.T) {
	tests := []struct {
		status int
		want   bool
	}{
		{400, true},
		{403, true},
		{404, true},
		{499, true},
		{500, false},
		{501, false},
		{503, false},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			if got := Errorf(tt.status, "Code", "m").Sender; got != tt.want {
				t.Errorf("Errorf(%d).Sender: got %v, want %v", tt.status, got, tt.want)
			}
		})
	}
}

// TestRoleSession: only temporary credentials of an assumed role are a
// role session; a GetSessionToken session is temporary but has its IAM
// user's (or the root's) ARN, and long-term keys are never one.
func TestRoleSession(t *testing.T) {
	tests := []struct {
		name string
		p    Principal
		want bool
	}{
		{"AssumeRole session", Principal{Temporary: true, ARN: "arn:aws:sts::123456789012:assumed-role/R/s"}, true},
		{"GetSessionToken session of a user", Principal{Temporary: true, ARN: "arn:aws:iam::123456789012:user/alice"}, false},
		{"GetSessionToken session of the root", Principal{Temporary: true, ARN: "arn:aws:iam::123456789012:root"}, false},
		{"IAM user's long-term key", Principal{ARN: "arn:aws:iam::123456789012:user/alice"}, false},
		{"long-term key with an assumed-role ARN", Principal{ARN: "arn:aws:sts::123456789012:assumed-role/R/s"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.RoleSession(); got != tt.want {
				t.Errorf("RoleSession(%+v): got %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}
