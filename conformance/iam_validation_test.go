package conformance

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestIAMValidationLeavesValuesOut: IAM's validation messages name where
// the value is, not the value (test_iam_roles.snapshot.json: "Value at
// 'tags.1.member.key' failed to satisfy constraint: …"), unlike STS's and
// Cognito's.
func TestIAMValidationLeavesValuesOut(t *testing.T) {
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	role := ec2Role(ctx, t, c, "Unquoted")
	tests := []struct {
		name string
		tag  iamtypes.Tag
		want string
	}{
		{"key too long", iamtypes.Tag{Key: aws.String(strings.Repeat("k", 129)), Value: aws.String("v")},
			"1 validation error detected: Value at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"key outside the pattern", iamtypes.Tag{Key: aws.String("bad#key"), Value: aws.String("v")},
			`1 validation error detected: Value at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(role), Tags: []iamtypes.Tag{tt.tag}})
			wantIAMRefusal(t, "TagRole", err, "ValidationError", http.StatusBadRequest, tt.want)
		})
	}
}
