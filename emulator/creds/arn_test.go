package creds

import (
	"strings"
	"testing"
)

func TestAssumedRole(t *testing.T) {
	tests := []struct {
		name, role, session, wantARN string
	}{
		{"plain", "arn:aws:iam::123456789012:role/Cognito_Auth", "CognitoIdentityCredentials", "arn:aws:sts::123456789012:assumed-role/Cognito_Auth/CognitoIdentityCredentials"},
		{"path", "arn:aws:iam::111111111111:role/path/to/App", "app1", "arn:aws:sts::111111111111:assumed-role/App/app1"},
		{"colon in resource", "arn:aws:iam::111111111111:role/a:b", "s", "arn:aws:sts::111111111111:assumed-role/a:b/s"},
		{"not an arn", "just-a-name", "s", "arn:aws:sts:::assumed-role/just-a-name/s"},
		{"too few fields", "arn:aws:iam::111111111111", "s", "arn:aws:sts:::assumed-role/arn:aws:iam::111111111111/s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arn, id := AssumedRole(tt.role, tt.session)
			if arn != tt.wantARN {
				t.Errorf("arn: got %q, want %q", arn, tt.wantARN)
			}
			if !strings.HasPrefix(id, "AROA") || !strings.HasSuffix(id, ":"+tt.session) || len(id) != 21+1+len(tt.session) {
				t.Errorf("user id: got %q, want AROA + 17 characters + :%s", id, tt.session)
			}
			if _, again := AssumedRole(tt.role, tt.session); again != id {
				t.Errorf("user id not stable: got %q then %q", id, again)
			}
		})
	}
}
