package conformance

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
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

// TestIAMListSAMLProviders: idpool serves no SAML federation, so the
// account lists no SAML provider, as an account without one does; the
// operations that would make one stay unserved (InvalidAction), so that a
// setup that relies on SAML fails where it starts.
func TestIAMListSAMLProviders(t *testing.T) {
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	out, err := c.ListSAMLProviders(ctx, &iam.ListSAMLProvidersInput{})
	ok(t, err, "ListSAMLProviders")
	if out.SAMLProviderList == nil || len(out.SAMLProviderList) != 0 {
		t.Errorf("ListSAMLProviders: got %v, want an empty list", out.SAMLProviderList)
	}
	_, err = c.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("corp"),
		SAMLMetadataDocument: aws.String(strings.Repeat("m", 1000))})
	wantIAMError(t, err, "InvalidAction", http.StatusBadRequest, nil)
}
