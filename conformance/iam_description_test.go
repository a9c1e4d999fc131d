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

// TestIAMUpdateRoleDescription: UpdateRoleDescription, which Terraform's
// aws_iam_role calls whenever its description changes, sets the role's
// description, answers the updated role (without its MaxSessionDuration,
// as AWS answers it), and refuses a missing role and a
// description the model does not allow as UpdateRole does.
func TestIAMUpdateRoleDescription(t *testing.T) {
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	name := uniqueName("Describe")
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(ec2Trust(t)),
		Description: aws.String("before"), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}}})
	ok(t, err, "CreateRole")

	tests := []struct {
		name, description string
		want              *string // the description GetRole shows after
	}{
		{"set", "after", aws.String("after")},
		{"the model's widest characters", "tab\tand é", aws.String("tab\tand é")},
		{"empty clears it", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.UpdateRoleDescription(ctx, &iam.UpdateRoleDescriptionInput{RoleName: aws.String(name), Description: aws.String(tt.description)})
			ok(t, err, "UpdateRoleDescription")
			if r := out.Role; r == nil || aws.ToString(r.RoleName) != name || !equalPtr(r.Description, tt.want) || len(r.Tags) != 1 {
				t.Fatalf("UpdateRoleDescription: got role %+v, want %s described %v with its tag", r, name, aws.ToString(tt.want))
			}
			// AWS's answer has no MaxSessionDuration, which GetRole shows
			// (test_iam_roles.snapshot.json test_update_role
			// update-role-description-response).
			if d := out.Role.MaxSessionDuration; d != nil {
				t.Errorf("UpdateRoleDescription: got MaxSessionDuration %d, want none", *d)
			}
			got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
			ok(t, err, "GetRole")
			if !equalPtr(got.Role.Description, tt.want) {
				t.Errorf("GetRole: got description %v, want %v", aws.ToString(got.Role.Description), aws.ToString(tt.want))
			}
		})
	}

	missing := uniqueName("Missing")
	_, err = c.UpdateRoleDescription(ctx, &iam.UpdateRoleDescriptionInput{RoleName: aws.String(missing), Description: aws.String("d")})
	wantIAMRefusal(t, "UpdateRoleDescription of a missing role", err, "NoSuchEntity", http.StatusNotFound, "The role with name "+missing+" cannot be found.")

	// The description rule is the model's roleDescriptionType, the one
	// UpdateRole and CreateRole take.
	for _, d := range []string{strings.Repeat("d", 1001), "emoji 🙂"} {
		_, err = c.UpdateRoleDescription(ctx, &iam.UpdateRoleDescriptionInput{RoleName: aws.String(name), Description: aws.String(d)})
		wantIAMError(t, err, "ValidationError", http.StatusBadRequest, nil)
		_, err = c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String(name), Description: aws.String(d)})
		wantIAMError(t, err, "ValidationError", http.StatusBadRequest, nil)
	}
}

// equalPtr reports whether two optional strings are both absent or equal.
func equalPtr(a, b *string) bool {
	return (a == nil) == (b == nil) && aws.ToString(a) == aws.ToString(b)
}
