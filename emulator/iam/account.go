package iam

import (
	"context"

	"github.com/idpool/idpool/protocol"
)

// The operations on the account itself rather than on an entity of it.

// GetAccountPasswordPolicyInput is the model's empty input of
// GetAccountPasswordPolicy.
type GetAccountPasswordPolicyInput struct{}

// GetAccountPasswordPolicy answers the account's password policy for its
// users' console passwords. idpool holds none (its users have no
// passwords), so it answers as AWS answers for an account that never set
// one: NoSuchEntity naming the account id as the "domain name" (moto's
// test_get_account_password_policy_errors, and a real account's CLI
// output quoted in public audit notes: "The Password Policy with domain
// name 302146782327 cannot be found"). AWS's documentation examples read
// it and take NoSuchEntity for "no policy set".
func (s *Service) GetAccountPasswordPolicy(ctx context.Context, _ *GetAccountPasswordPolicyInput) (*Empty, error) {
	return nil, errNoSuch("The Password Policy with domain name %s cannot be found.", s.cfg.AccountID)
}

// ListSAMLProvidersInput is the model's empty ListSAMLProvidersRequest.
type ListSAMLProvidersInput struct{}

// SAMLProviderEntry is the model's SAMLProviderListEntry.
type SAMLProviderEntry struct {
	Arn                    string
	ValidUntil, CreateDate protocol.Time
}

// ListSAMLProvidersOutput is the model's ListSAMLProvidersResponse.
type ListSAMLProvidersOutput struct {
	SAMLProviderList []SAMLProviderEntry `xml:"SAMLProviderList>member"`
}

// ListSAMLProviders lists the account's SAML providers: none, as idpool
// serves no SAML federation, so that code that reads the account's
// identity providers (AWS's documentation examples list them beside the
// OpenID Connect ones) runs. The other SAML operations stay unserved
// (InvalidAction): creating a provider idpool would not honour should
// fail where it is made.
func (s *Service) ListSAMLProviders(ctx context.Context, _ *ListSAMLProvidersInput) (*ListSAMLProvidersOutput, error) {
	return &ListSAMLProvidersOutput{SAMLProviderList: []SAMLProviderEntry{}}, nil
}
