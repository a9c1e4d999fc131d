package storage

import (
	"context"
	"time"
)

// OutboundFederation is the account's outbound identity federation
// (IAM's EnableOutboundWebIdentityFederation): the issuer of the tokens
// STS's GetWebIdentityToken signs, and whether it signs any now. The
// issuer is made by the first enable and kept from then on: disabling
// and enabling again gives the same one, as AWS gives an account one
// issuer URL.
type OutboundFederation struct {
	// Issuer is the issuer URL as the first enable made it, whose last
	// path segment, its id, names it in idpool's paths
	// (/_idpool/outbound/<id>/.well-known/…). It is the tokens' iss while
	// idpool runs without a public URL; with one, that URL takes the place
	// of its base (package outbound), and the id stays.
	Issuer string
	// Enabled reports whether GetWebIdentityToken signs tokens.
	Enabled bool
}

// OutboundKey is a key GetWebIdentityToken signs with: one per algorithm,
// made with the issuer and never rotated. Its kid is its algorithm's.
type OutboundKey struct {
	// Algorithm is the JWS algorithm the key signs with: "RS256" or "ES384".
	Algorithm string
	// PrivateKey is the PKCS#8 DER encoding of the private key.
	PrivateKey []byte
	CreatedAt  time.Time
}

// OutboundReader reads the account's outbound identity federation.
type OutboundReader interface {
	// OutboundFederation returns the account's outbound federation, or
	// ErrNotFound when it was never enabled.
	OutboundFederation(ctx context.Context) (OutboundFederation, error)
	// OutboundKeys returns the keys of the outbound issuer, oldest first
	// (none before the first enable).
	OutboundKeys(ctx context.Context) ([]OutboundKey, error)
}

// OutboundWriter writes the account's outbound identity federation.
type OutboundWriter interface {
	// SetOutboundFederation stores f in place of the account's outbound
	// federation, if any.
	SetOutboundFederation(ctx context.Context, f OutboundFederation) error
	// CreateOutboundKey stores a key of the outbound issuer;
	// ErrAlreadyExists if its algorithm has one.
	CreateOutboundKey(ctx context.Context, k OutboundKey) error
}
