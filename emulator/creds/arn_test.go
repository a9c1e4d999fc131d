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
		{"china", "arn:aws-cn:iam::123456789012:role/R", "s", "arn:aws-cn:sts::123456789012:assumed-role/R/s"},
		{"govcloud", "arn:aws-us-gov:iam::123456789012:role/p/R", "s", "arn:aws-us-gov:sts::123456789012:assumed-role/R/s"},
		{"not an arn", "just-a-name", "s", "arn:aws:sts:::assumed-role/just-a-name/s"},
		{"too few fields", "arn:aws:iam::111111111111", "s", "arn:aws:sts:::assumed-role/arn:aws:iam::111111111111/s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arn, id := AssumedRole(tt.role, "", tt.session)
			if arn != tt.wantARN {
				t.Errorf("arn: got %q, want %q", arn, tt.wantARN)
			}
			if !strings.HasPrefix(id, "AROA") || !strings.HasSuffix(id, ":"+tt.session) || len(id) != 21+1+len(tt.session) {
				t.Errorf("user id: got %q, want AROA + 17 characters + :%s", id, tt.session)
			}
			if _, again := AssumedRole(tt.role, "", tt.session); again != id {
				t.Errorf("user id not stable: got %q then %q", id, again)
			}
		})
	}
}

// TestAssumedRoleID: the session of a role IAM holds carries the RoleId
// IAM gave it; the derived id stands in only for roles IAM does not hold.
func TestAssumedRoleID(t *testing.T) {
	const role = "arn:aws:iam::123456789012:role/Dev"
	tests := []struct {
		name, roleID, want string
	}{
		{"IAM's role id", "AROAMD26YKITUKMQ2WJZ7", "AROAMD26YKITUKMQ2WJZ7:s"},
		{"no role in IAM", "", RoleID(role) + ":s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, got := AssumedRole(role, tt.roleID, "s"); got != tt.want {
				t.Errorf("got user id %q, want %q", got, tt.want)
			}
		})
	}
}

// The role id derives from the whole role ARN, so roles of one name in two
// partitions have two ids, as two real roles have.
func TestRoleIDPartition(t *testing.T) {
	aws, cn := RoleID("arn:aws:iam::123456789012:role/R"), RoleID("arn:aws-cn:iam::123456789012:role/R")
	if aws == cn {
		t.Errorf("got role id %q for both partitions, want two ids", aws)
	}
}
