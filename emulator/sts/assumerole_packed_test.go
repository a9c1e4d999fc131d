package sts

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
)

// TestAssumeRolePackedSize: AssumeRole signed with long-term keys (the
// root's or an IAM user's) refuses session tags and policies that pack past
// the limit as PackedPolicyTooLarge, and a session policy that is not JSON
// with the message of that check, before any credentials are issued.
func TestAssumeRolePackedSize(t *testing.T) {
	e := newEnv(t, Config{}, tokens.Config{})
	// Ten tags of a 128-character key and a 256-character value pack to
	// 10*(128+256+4) = 3880 bytes, 190% of 2048.
	var bigTags []Tag
	for i := range 10 {
		k := fmt.Sprintf("k%d", i)
		bigTags = append(bigTags, Tag{Key: k + strings.Repeat("k", 128-len(k)), Value: strings.Repeat("v", 256)})
	}
	tests := []struct {
		name    string
		caller  *protocol.Principal
		in      AssumeRoleInput
		code    string
		message string
	}{
		{name: "root, tags past the limit", caller: root, in: AssumeRoleInput{Tags: bigTags},
			code: CodePackedPolicyTooLarge, message: "Packed size of session tags consumes 190% of allotted space."},
		{name: "IAM user, tags past the limit", caller: iamUser, in: AssumeRoleInput{Tags: bigTags},
			code: CodePackedPolicyTooLarge, message: "Packed size of session tags consumes 190% of allotted space."},
		{name: "IAM user, policies past the limit", caller: iamUser, in: AssumeRoleInput{Policy: ptr(bigPolicy(2000)), PolicyArns: manyARNs(10)},
			code: CodePackedPolicyTooLarge},
		{name: "IAM user, policy not JSON", caller: iamUser, in: AssumeRoleInput{Policy: ptr("{not json")},
			code: CodeMalformedPolicyDocument, message: "The policy is not in the valid JSON format."},
		{name: "root, policy a JSON array", caller: root, in: AssumeRoleInput{Policy: ptr("[]")},
			code: CodeMalformedPolicyDocument, message: "The policy is not in the valid JSON format."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := protocol.WithPrincipal(context.Background(), tt.caller)
			in := tt.in
			in.RoleArn, in.RoleSessionName = roleARN, "packed"
			out, err := e.svc.AssumeRole(ctx, &in)
			if out != nil {
				t.Errorf("got output %+v with the error", out)
			}
			wantError(t, err, tt.code, 400, tt.message)
		})
	}
}

// TestSourceIdentityLength: a source identity is 2 to 64 characters (the
// model's sourceIdentityType).
func TestSourceIdentityLength(t *testing.T) {
	tests := []struct {
		name, s string
		want    bool
	}{
		{"empty", "", false},
		{"one character", "a", false},
		{"two characters", "ab", true},
		{"three characters", "abc", true},
		{"64 characters", strings.Repeat("a", 64), true},
		{"65 characters", strings.Repeat("a", 65), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SourceIdentity(tt.s); got != tt.want {
				t.Errorf("SourceIdentity(%q): got %v, want %v", tt.s, got, tt.want)
			}
		})
	}
}
