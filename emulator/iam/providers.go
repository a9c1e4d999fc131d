package iam

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// ProviderARNSuffix is the resource of an OpenID Connect provider's ARN:
// "oidc-provider/" and the issuer URL without its scheme.
func ProviderARNSuffix(rawURL string) string {
	return "oidc-provider/" + strings.TrimPrefix(strings.TrimPrefix(rawURL, "https://"), "http://")
}

// maxProviderURL is the longest provider URL IAM takes (its
// OpenIDConnectProviderUrlType).
const maxProviderURL = 255

// ProviderURL reports whether raw is an OpenID Connect provider URL IAM
// takes: an absolute URL with a host and neither query nor fragment, of
// at most 255 printable ASCII characters (a URL's characters: an
// internationalized host is written in punycode). IAM takes https only;
// idpool also takes http, for issuers running beside it in tests. The
// identity service and the fixtures check provider ARNs and names with it,
// so that every provider IAM holds can be configured on a pool and
// exported.
func ProviderURL(raw string) bool {
	if len(raw) > maxProviderURL || strings.IndexFunc(raw, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
		return false
	}
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" &&
		u.RawQuery == "" && !u.ForceQuery && u.Fragment == ""
}

// providerURL checks an issuer URL with ProviderURL. IAM answers a URL
// it refuses with ValidationError (test_iam_oidc.snapshot.json
// invalid-url).
func providerURL(raw string) error {
	if !ProviderURL(raw) {
		return protocol.BadRequest("ValidationError", "Invalid Open ID Connect Provider URL")
	}
	return nil
}

// maxThumbprints is how many thumbprints a provider holds at most.
const maxThumbprints = 5

// thumbprints checks how many thumbprints a provider is given: more than
// five is InvalidInput, though its text says "fewer than 5"
// (test_iam_oidc.snapshot.json too-many-thumbprints). Each thumbprint is
// the model's thumbprintType, 40 characters, which the query codec checks;
// IAM is not known to check more (its model's own example,
// 3768084dfb3d2b68b7897bf5f565da8efEXAMPLE, is not hex).
func thumbprints(ts []string) error {
	if len(ts) > maxThumbprints {
		return errInvalid("Thumbprint list must contain fewer than %d entries.", maxThumbprints)
	}
	return nil
}

// Thumbprints returns ts in lower case, as IAM stores and answers them:
// given A053375BFE84E8B748782C7CEE15827A6AF5A405 (openssl's fingerprint
// form), GetOpenIDConnectProvider answers it in lower case (a user's pasted
// AWS session in the cipherduck hub's README; Terraform shows a change on
// every plan of an upper-case thumbprint_list, ministryofjustice
// analytics-platform-ops #190). Fixtures store them the same way.
func Thumbprints(ts []string) []string {
	if ts == nil {
		return nil
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = strings.ToLower(t)
	}
	return out
}

func noSuchProvider(arn string) error {
	return errNoSuch("OpenIDConnect Provider not found for arn %s", arn)
}

// CreateOpenIDConnectProvider registers an OpenID Connect provider, within
// the account's quota of 100 providers (providersQuota); STS and Cognito
// Identity then accept its tokens for its client ids.
func (s *Service) CreateOpenIDConnectProvider(ctx context.Context, in *CreateOpenIDConnectProviderInput) (*CreateOpenIDConnectProviderOutput, error) {
	if err := providerURL(in.Url); err != nil {
		return nil, err
	}
	if err := thumbprints(in.ThumbprintList); err != nil {
		return nil, err
	}
	if len(in.ClientIDList) > maxClientIDs {
		return nil, errLimit("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: %d", maxClientIDs)
	}
	ts, err := providerKeys.check(in.Tags)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range in.ClientIDList {
		if !slices.Contains(ids, c) {
			ids = append(ids, c)
		}
	}
	p := storage.OIDCProvider{
		ARN: s.arn(ctx, ProviderARNSuffix(in.Url)), URL: in.Url, ClientIDs: ids,
		Thumbprints: Thumbprints(in.ThumbprintList), Tags: ts, CreatedAt: s.now().UTC(),
	}
	err = s.update(ctx, func(tx storage.Tx) error {
		return providersQuota.create(ctx, tx, func() error { return tx.CreateOIDCProvider(ctx, p) })
	})
	if err := translate(err, nil, errExists("Provider with url %s already exists.", in.Url)); err != nil {
		return nil, err
	}
	return &CreateOpenIDConnectProviderOutput{OpenIDConnectProviderArn: p.ARN, Tags: wireTags(ts)}, nil
}

// GetOpenIDConnectProvider describes a provider. Its Url is written
// without the scheme, as IAM does.
func (s *Service) GetOpenIDConnectProvider(ctx context.Context, in *ProviderInput) (*GetOpenIDConnectProviderOutput, error) {
	p, err := s.store.GetOIDCProvider(ctx, in.OpenIDConnectProviderArn)
	if err != nil {
		return nil, translate(err, noSuchProvider(in.OpenIDConnectProviderArn), nil)
	}
	return &GetOpenIDConnectProviderOutput{
		Url:            strings.TrimPrefix(ProviderARNSuffix(p.URL), "oidc-provider/"),
		ClientIDList:   append([]string{}, p.ClientIDs...),
		ThumbprintList: append([]string{}, p.Thumbprints...),
		CreateDate:     protocol.At(p.CreatedAt),
		Tags:           append(TagList{}, wireTags(p.Tags)...), // [] when none, as AWS answers
	}, nil
}

// ListOpenIDConnectProviders lists every provider's ARN.
func (s *Service) ListOpenIDConnectProviders(ctx context.Context, _ *ListOpenIDConnectProvidersInput) (*ListOpenIDConnectProvidersOutput, error) {
	ps, err := s.store.ListOIDCProviders(ctx)
	if err != nil {
		return nil, err
	}
	out := &ListOpenIDConnectProvidersOutput{OpenIDConnectProviderList: []ProviderEntry{}}
	for _, p := range ps {
		out.OpenIDConnectProviderList = append(out.OpenIDConnectProviderList, ProviderEntry{Arn: p.ARN})
	}
	return out, nil
}

// DeleteOpenIDConnectProvider deletes a provider. A missing one is
// NoSuchEntity (404), with another text than elsewhere, though the model's
// documentation calls the operation idempotent: AWS was recorded so
// deleting a provider a second time (test_iam_oidc.snapshot.json
// deletion-not-found-error, 2026).
func (s *Service) DeleteOpenIDConnectProvider(ctx context.Context, in *ProviderInput) (*Empty, error) {
	err := s.update(ctx, func(tx storage.Tx) error { return tx.DeleteOIDCProvider(ctx, in.OpenIDConnectProviderArn) })
	return nil, translate(err, errNoSuch("OpenId connect Provider %s cannot be found.", in.OpenIDConnectProviderArn), nil)
}

// modifyProvider runs fn on the stored provider in one transaction and
// stores what fn left in it.
func (s *Service) modifyProvider(ctx context.Context, arn string, fn func(p *storage.OIDCProvider) error) error {
	return s.update(ctx, func(tx storage.Tx) error {
		p, err := tx.GetOIDCProvider(ctx, arn)
		if err != nil {
			return translate(err, noSuchProvider(arn), nil)
		}
		if err := fn(&p); err != nil {
			return err
		}
		return tx.UpdateOIDCProvider(ctx, p)
	})
}

// AddClientIDToOpenIDConnectProvider adds a client id (audience); adding
// one that is there already changes nothing.
func (s *Service) AddClientIDToOpenIDConnectProvider(ctx context.Context, in *ClientIDInput) (*Empty, error) {
	return nil, s.modifyProvider(ctx, in.OpenIDConnectProviderArn, func(p *storage.OIDCProvider) error {
		if slices.Contains(p.ClientIDs, in.ClientID) {
			return nil
		}
		if len(p.ClientIDs) >= maxClientIDs {
			return errLimit("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: %d", maxClientIDs)
		}
		p.ClientIDs = append(p.ClientIDs, in.ClientID)
		return nil
	})
}

// RemoveClientIDFromOpenIDConnectProvider removes a client id; removing
// one that is not there changes nothing, as in IAM.
func (s *Service) RemoveClientIDFromOpenIDConnectProvider(ctx context.Context, in *ClientIDInput) (*Empty, error) {
	return nil, s.modifyProvider(ctx, in.OpenIDConnectProviderArn, func(p *storage.OIDCProvider) error {
		p.ClientIDs = slices.DeleteFunc(p.ClientIDs, func(c string) bool { return c == in.ClientID })
		return nil
	})
}

// UpdateOpenIDConnectProviderThumbprint replaces the thumbprints.
func (s *Service) UpdateOpenIDConnectProviderThumbprint(ctx context.Context, in *UpdateThumbprintInput) (*Empty, error) {
	if err := thumbprints(in.ThumbprintList); err != nil {
		return nil, err
	}
	return nil, s.modifyProvider(ctx, in.OpenIDConnectProviderArn, func(p *storage.OIDCProvider) error {
		p.Thumbprints = Thumbprints(in.ThumbprintList)
		return nil
	})
}
