package iam

import (
	"context"
	"errors"
	"net/http"

	"github.com/idpool/idpool/emulator/outbound"
	"github.com/idpool/idpool/protocol"
)

// Outbound identity federation (package outbound): the account's issuer
// of the tokens STS's GetWebIdentityToken signs. The three operations
// take no input, as the model declares.

// Wire codes of the outbound federation's errors (the IAM API reference
// of EnableOutboundWebIdentityFederation: FeatureEnabled, 409; of
// DisableOutboundWebIdentityFederation and
// GetOutboundWebIdentityFederationInfo: FeatureDisabled, 404).
const (
	CodeFeatureEnabled  = "FeatureEnabled"
	CodeFeatureDisabled = "FeatureDisabled"
)

// OutboundInput is the model's empty input of the outbound federation's
// operations.
type OutboundInput struct{}

// EnableOutboundWebIdentityFederationOutput is the model's
// EnableOutboundWebIdentityFederationResponse.
type EnableOutboundWebIdentityFederationOutput struct {
	IssuerIdentifier string
}

// EnableOutboundWebIdentityFederation enables the feature and answers the
// account's issuer, made at the first enable and the same at every later
// one. FeatureEnabled when it is enabled already.
func (s *Service) EnableOutboundWebIdentityFederation(ctx context.Context, _ *OutboundInput) (*EnableOutboundWebIdentityFederationOutput, error) {
	issuer, err := s.cfg.Outbound.Enable(ctx)
	if errors.Is(err, outbound.ErrEnabled) {
		return nil, protocol.Errorf(http.StatusConflict, CodeFeatureEnabled,
			"Outbound identity federation is already enabled for account %s.", s.cfg.AccountID)
	}
	if err != nil {
		return nil, err
	}
	return &EnableOutboundWebIdentityFederationOutput{IssuerIdentifier: issuer}, nil
}

// DisableOutboundWebIdentityFederation disables the feature: STS signs
// no more tokens, while the issuer's documents stay served so that the
// tokens signed before still verify. FeatureDisabled when it is disabled
// already, or was never enabled.
func (s *Service) DisableOutboundWebIdentityFederation(ctx context.Context, _ *OutboundInput) (*Empty, error) {
	err := s.cfg.Outbound.Disable(ctx)
	if errors.Is(err, outbound.ErrDisabled) {
		return nil, protocol.Errorf(http.StatusNotFound, CodeFeatureDisabled,
			"Outbound identity federation is already disabled for account %s.", s.cfg.AccountID)
	}
	return nil, err
}

// GetOutboundWebIdentityFederationInfoOutput is the model's
// GetOutboundWebIdentityFederationInfoResponse.
type GetOutboundWebIdentityFederationInfoOutput struct {
	IssuerIdentifier  string
	JwtVendingEnabled bool
}

// GetOutboundWebIdentityFederationInfo answers the issuer while the
// feature is enabled, and FeatureDisabled while it is not, before the
// first enable as after a disable (see outbound.Federation.Info for the
// evidence): JwtVendingEnabled is true whenever it answers.
func (s *Service) GetOutboundWebIdentityFederationInfo(ctx context.Context, _ *OutboundInput) (*GetOutboundWebIdentityFederationInfoOutput, error) {
	issuer, err := s.cfg.Outbound.Info(ctx)
	if errors.Is(err, outbound.ErrDisabled) {
		return nil, protocol.Errorf(http.StatusNotFound, CodeFeatureDisabled,
			"Outbound identity federation is not enabled for account %s.", s.cfg.AccountID)
	}
	if err != nil {
		return nil, err
	}
	return &GetOutboundWebIdentityFederationInfoOutput{IssuerIdentifier: issuer, JwtVendingEnabled: true}, nil
}
