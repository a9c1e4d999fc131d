package iam

import "context"

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
