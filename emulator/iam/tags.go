package iam

import (
	"context"

	"github.com/idpool/idpool/storage"
)

// The tag operations of OpenID Connect providers, managed policies and
// virtual MFA devices: at most 50 tags, a tag of a key already there
// replaced; a provider's and a device's keys are unique whatever their
// case, as a role's are, a policy's are case-sensitive (tagRule).

// tagPage is one page of ts, by key, that operation op answers.
func tagPage(op string, ts []storage.Tag, marker *string, maxItems *int32) (*ListTagsOutput, error) {
	got, more, next, err := page(op, ts, func(t storage.Tag) string { return t.Key }, marker, maxItems)
	if err != nil {
		return nil, err
	}
	return &ListTagsOutput{Tags: append([]Tag{}, wireTags(got)...), IsTruncated: more, Marker: next}, nil
}

// TagOpenIDConnectProvider adds or replaces tags of a provider.
func (s *Service) TagOpenIDConnectProvider(ctx context.Context, in *TagProviderInput) (*Empty, error) {
	add, err := providerKeys.check(in.Tags)
	if err != nil {
		return nil, err
	}
	return nil, s.modifyProvider(ctx, in.OpenIDConnectProviderArn, func(p *storage.OIDCProvider) error {
		p.Tags, err = providerKeys.merge(p.Tags, add)
		return err
	})
}

// UntagOpenIDConnectProvider removes tags of a provider by key.
func (s *Service) UntagOpenIDConnectProvider(ctx context.Context, in *UntagProviderInput) (*Empty, error) {
	return nil, s.modifyProvider(ctx, in.OpenIDConnectProviderArn, func(p *storage.OIDCProvider) error {
		p.Tags = providerKeys.without(p.Tags, in.TagKeys)
		return nil
	})
}

// ListOpenIDConnectProviderTags lists a provider's tags.
func (s *Service) ListOpenIDConnectProviderTags(ctx context.Context, in *ListProviderTagsInput) (*ListTagsOutput, error) {
	p, err := s.store.GetOIDCProvider(ctx, in.OpenIDConnectProviderArn)
	if err != nil {
		return nil, translate(err, noSuchProvider(in.OpenIDConnectProviderArn), nil)
	}
	return tagPage("ListOpenIDConnectProviderTags", p.Tags, in.Marker, in.MaxItems)
}

// modifyPolicy runs fn on the stored managed policy in one transaction
// and stores what fn left in it; notFound is the answer when the policy
// is missing.
func (s *Service) modifyPolicy(ctx context.Context, arn string, notFound error, fn func(p *storage.ManagedPolicy) error) error {
	return s.update(ctx, func(tx storage.Tx) error {
		p, err := tx.GetManagedPolicy(ctx, arn)
		if err != nil {
			return translate(err, notFound, nil)
		}
		if err := fn(&p); err != nil {
			return err
		}
		return tx.UpdateManagedPolicy(ctx, p)
	})
}

// TagPolicy adds or replaces tags of a customer managed policy.
func (s *Service) TagPolicy(ctx context.Context, in *TagPolicyInput) (*Empty, error) {
	add, err := exactKeys.check(in.Tags)
	if err != nil {
		return nil, err
	}
	return nil, s.modifyPolicy(ctx, in.PolicyArn, noSuchPolicy(in.PolicyArn), func(p *storage.ManagedPolicy) error {
		p.Tags, err = exactKeys.merge(p.Tags, add)
		return err
	})
}

// UntagPolicy removes tags of a customer managed policy by key.
func (s *Service) UntagPolicy(ctx context.Context, in *UntagPolicyInput) (*Empty, error) {
	return nil, s.modifyPolicy(ctx, in.PolicyArn, noSuchPolicy(in.PolicyArn), func(p *storage.ManagedPolicy) error {
		p.Tags = exactKeys.without(p.Tags, in.TagKeys)
		return nil
	})
}

// ListPolicyTags lists a customer managed policy's tags.
func (s *Service) ListPolicyTags(ctx context.Context, in *ListPolicyTagsInput) (*ListTagsOutput, error) {
	p, err := s.store.GetManagedPolicy(ctx, in.PolicyArn)
	if err != nil {
		return nil, translate(err, noSuchPolicy(in.PolicyArn), nil)
	}
	return tagPage("ListPolicyTags", p.Tags, in.Marker, in.MaxItems)
}

// modifyDevice runs fn on the stored virtual MFA device of serial in one
// transaction and stores what fn left in it.
func (s *Service) modifyDevice(ctx context.Context, serial string, fn func(d *storage.MFADevice) error) error {
	return s.update(ctx, func(tx storage.Tx) error {
		d, err := tx.GetMFADevice(ctx, serial)
		if err != nil {
			return translate(err, noSuchDevice(serial), nil)
		}
		if err := fn(&d); err != nil {
			return err
		}
		return tx.UpdateMFADevice(ctx, d)
	})
}

// TagMFADevice adds or replaces tags of a virtual MFA device, as
// CreateVirtualMFADevice's Tags: keys unique whatever their case.
func (s *Service) TagMFADevice(ctx context.Context, in *TagMFADeviceInput) (*Empty, error) {
	add, err := foldKeys.check(in.Tags)
	if err != nil {
		return nil, err
	}
	return nil, s.modifyDevice(ctx, in.SerialNumber, func(d *storage.MFADevice) error {
		d.Tags, err = foldKeys.merge(d.Tags, add)
		return err
	})
}

// UntagMFADevice removes tags of a virtual MFA device by key.
func (s *Service) UntagMFADevice(ctx context.Context, in *UntagMFADeviceInput) (*Empty, error) {
	return nil, s.modifyDevice(ctx, in.SerialNumber, func(d *storage.MFADevice) error {
		d.Tags = foldKeys.without(d.Tags, in.TagKeys)
		return nil
	})
}

// ListMFADeviceTags lists a virtual MFA device's tags, which Terraform's
// aws_iam_virtual_mfa_device reads on every refresh.
func (s *Service) ListMFADeviceTags(ctx context.Context, in *ListMFADeviceTagsInput) (*ListTagsOutput, error) {
	d, err := s.store.GetMFADevice(ctx, in.SerialNumber)
	if err != nil {
		return nil, translate(err, noSuchDevice(in.SerialNumber), nil)
	}
	return tagPage("ListMFADeviceTags", d.Tags, in.Marker, in.MaxItems)
}
