package emulator

import (
	"reflect"
	"testing"
	"time"

	"github.com/idpool/idpool/emulator/policy"
)

// TestDecisionKeys: the keys a session's request is decided with hold the
// time, the caller's request keys, and the session's own keys, which no
// caller key replaces or adds to.
func TestDecisionKeys(t *testing.T) {
	now := time.Date(2026, 12, 6, 13, 0, 0, 0, time.UTC)
	issued := now.Add(-time.Hour)
	cognito := policy.Session{Account: "123456789012", RoleARN: "arn:aws:iam::123456789012:role/Auth", RoleID: "AROAX", Name: "CognitoIdentityCredentials",
		Provider: policy.Cognito, Subject: "us-east-1:me", Audience: "us-east-1:pool", AMR: []string{"authenticated"}, IssuedAt: issued}
	plain := policy.Session{Account: "123456789012", RoleARN: "arn:aws:iam::123456789012:role/Cond", RoleID: "AROAY", Name: "dev", IssuedAt: issued}

	tests := []struct {
		name    string
		who     policy.Session
		request map[string][]string
		want    map[string][]string // keys that must have these values
		absent  []string            // keys that must not be there
	}{
		{name: "time and issue time", who: plain,
			want: map[string][]string{"aws:CurrentTime": {"2026-12-06T13:00:00Z"}, "aws:EpochTime": {"1796562000"}, "aws:TokenIssueTime": {"2026-12-06T12:00:00Z"}}},
		{name: "caller's request keys win", who: plain,
			request: map[string][]string{"aws:currenttime": {"2030-01-01T00:00:00Z"}, "aws:SourceIp": {"10.0.0.1"}, "s3:prefix": {"home/"}},
			want:    map[string][]string{"aws:currenttime": {"2030-01-01T00:00:00Z"}, "aws:SourceIp": {"10.0.0.1"}, "s3:prefix": {"home/"}, "aws:EpochTime": {"1796562000"}},
			absent:  []string{"aws:CurrentTime"}},
		{name: "caller cannot be another identity", who: cognito,
			request: map[string][]string{"cognito-identity.amazonaws.com:sub": {"victim"}, "COGNITO-IDENTITY.AMAZONAWS.COM:SUB": {"victim"}, "Cognito-Identity.amazonaws.com:amr": {"unauthenticated"}},
			want:    map[string][]string{"cognito-identity.amazonaws.com:sub": {"us-east-1:me"}, "cognito-identity.amazonaws.com:amr": {"authenticated"}},
			absent:  []string{"COGNITO-IDENTITY.AMAZONAWS.COM:SUB", "Cognito-Identity.amazonaws.com:amr"}},
		{name: "caller cannot add principal keys", who: plain,
			request: map[string][]string{
				"aws:PrincipalTag/team": {"admin"}, "aws:principalarn": {"arn:aws:iam::123456789012:role/Admin"}, "aws:userid": {"AROAZ:x"},
				"aws:TokenIssueTime": {"2000-01-01T00:00:00Z"}, "aws:MultiFactorAuthPresent": {"true"}, "aws:FederatedProvider": {policy.Cognito},
				"cognito-identity.amazonaws.com:sub": {"victim"}, "token.example.com/path:sub": {"victim"}, "localhost:8080:sub": {"victim"},
			},
			want:   map[string][]string{"aws:userid": {"AROAY:dev"}, "aws:PrincipalArn": {plain.RoleARN}, "aws:TokenIssueTime": {"2026-12-06T12:00:00Z"}},
			absent: []string{"aws:PrincipalTag/team", "aws:principalarn", "aws:MultiFactorAuthPresent", "aws:FederatedProvider", "cognito-identity.amazonaws.com:sub", "token.example.com/path:sub", "localhost:8080:sub"}},
		{name: "service keys with colons in tag keys pass", who: plain,
			request: map[string][]string{"aws:RequestTag/a:b": {"v"}, "s3:ExistingObjectTag/x:1": {"v"}, "dynamodb:LeadingKeys": {"k"}},
			want:    map[string][]string{"aws:RequestTag/a:b": {"v"}, "s3:ExistingObjectTag/x:1": {"v"}, "dynamodb:LeadingKeys": {"k"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decisionKeys(&tt.who, tt.request, now)
			for k, v := range tt.want {
				if !reflect.DeepEqual(got[k], v) {
					t.Errorf("%s: got %q, want %q", k, got[k], v)
				}
			}
			for _, k := range tt.absent {
				if v, ok := got[k]; ok {
					t.Errorf("%s: got %q, want no such key", k, v)
				}
			}
		})
	}
}
