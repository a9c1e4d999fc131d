package conformance

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// The operations on the account itself, which AWS's documentation examples
// (awsdocs/aws-doc-sdk-examples: gov2/iam/actions/account.go,
// python/example_code/iam/account_wrapper.py) call.

// TestIAMAccountPasswordPolicy: idpool holds no password policy, so
// GetAccountPasswordPolicy answers as AWS does for an account without
// one, the SDK's typed NoSuchEntity naming the account id, which the
// examples take for "no policy set".
func TestIAMAccountPasswordPolicy(t *testing.T) {
	s := testServer(t)
	c := s.iamWith(developerKeys())
	_, err := c.GetAccountPasswordPolicy(context.Background(), &iam.GetAccountPasswordPolicyInput{})
	wantIAMRefusal(t, "GetAccountPasswordPolicy", err, "NoSuchEntity", http.StatusNotFound,
		"The Password Policy with domain name "+s.accountID+" cannot be found.")
	if nse := (*iamtypes.NoSuchEntityException)(nil); !errors.As(err, &nse) {
		t.Errorf("GetAccountPasswordPolicy: got %T, want *types.NoSuchEntityException", err)
	}
}
