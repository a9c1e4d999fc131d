package iam

import (
	"context"
	"strings"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
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

// AccountAliasInput is the model's CreateAccountAliasRequest, and
// DeleteAccountAliasRequest, which is alike.
type AccountAliasInput struct{ AccountAlias string }

// ListAccountAliasesInput is the model's ListAccountAliasesRequest.
type ListAccountAliasesInput struct {
	Marker   *string
	MaxItems *int32
}

// ListAccountAliasesOutput is the model's ListAccountAliasesResponse.
type ListAccountAliasesOutput struct {
	AccountAliases []string `xml:"AccountAliases>member"`
	IsTruncated    bool
	Marker         *string `xml:",omitempty"`
}

// aliasPattern is the model's accountAliasType pattern, as IAM's
// refusal quotes it.
const aliasPattern = `^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`

// CheckAccountAlias checks an account alias (CreateAccountAlias's,
// DeleteAccountAlias's, a fixture's) against the model's pattern, which
// the codec cannot (Go's regexp has no lookahead, so protocol/shape skips
// the pattern and checks only the length): 3 to 63 lowercase letters,
// digits and dashes, neither first nor last a dash, and no two dashes in
// a row. A refusal is IAM's ValidationError, worded as the codec words a
// pattern it checks (IAM leaves the value out).
func CheckAccountAlias(a string) error {
	ok := len(a) >= 3 && len(a) <= 63 && a[0] != '-' && a[len(a)-1] != '-' && !strings.Contains(a, "--")
	for i := 0; ok && i < len(a); i++ {
		c := a[i]
		ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
	}
	if !ok {
		return protocol.BadRequest("ValidationError", "1 validation error detected: Value at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", aliasPattern)
	}
	return nil
}

// CreateAccountAlias makes AccountAlias the account's alias. An account
// has one alias at most, and AWS enforces it by replacement: a second
// alias of another name takes the place of the first (observed on a live
// account, floci-io/floci#2103; aws-sdk-ruby v1's AccountAliasCollection:
// "creating a 2nd alias replaces the first"), and the alias it already
// has succeeds again. AWS's EntityAlreadyExists is for a name another
// account holds, which idpool's one account never meets.
func (s *Service) CreateAccountAlias(ctx context.Context, in *AccountAliasInput) (*Empty, error) {
	if err := CheckAccountAlias(in.AccountAlias); err != nil {
		return nil, err
	}
	return nil, s.update(ctx, func(tx storage.Tx) error { return tx.SetAccountAlias(ctx, in.AccountAlias) })
}

// DeleteAccountAlias removes the account's alias, which AccountAlias must
// name: another name, or any when the account has none, is NoSuchEntity,
// so that a stale name never removes the alias set since.
func (s *Service) DeleteAccountAlias(ctx context.Context, in *AccountAliasInput) (*Empty, error) {
	if err := CheckAccountAlias(in.AccountAlias); err != nil {
		return nil, err
	}
	return nil, s.update(ctx, func(tx storage.Tx) error {
		have, err := tx.AccountAlias(ctx)
		if err != nil {
			return err
		}
		if have != in.AccountAlias {
			return errNoSuch("The account alias %s cannot be found.", in.AccountAlias)
		}
		return tx.SetAccountAlias(ctx, "")
	})
}

// ListAccountAliases lists the account's alias, if it has one, paged as
// IAM's other lists are (Marker, MaxItems, IsTruncated).
func (s *Service) ListAccountAliases(ctx context.Context, in *ListAccountAliasesInput) (*ListAccountAliasesOutput, error) {
	alias, err := s.store.AccountAlias(ctx)
	if err != nil {
		return nil, err
	}
	var aliases []string
	if alias != "" {
		aliases = []string{alias}
	}
	got, more, next, err := page("ListAccountAliases", aliases, func(a string) string { return a }, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &ListAccountAliasesOutput{AccountAliases: got, IsTruncated: more, Marker: next}, nil
}
