package outbound

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"

	"github.com/idpool/idpool/storage"
)

// PathPrefix is the path under which idpool serves each issuer, followed
// by the issuer's id.
const PathPrefix = "/_idpool/outbound/"

// The discovery documents, under the issuer (the EnableOutboundWebIdentityFederation
// API reference: "hosts the OpenID Connect (OIDC) discovery endpoints at
// /.well-known/openid-configuration and /.well-known/jwks.json").
const (
	ConfigurationPath = "/.well-known/openid-configuration"
	JWKSPath          = "/.well-known/jwks.json"
)

// The algorithms GetWebIdentityToken signs with (its SigningAlgorithm).
const (
	RS256 = "RS256"
	ES384 = "ES384"
)

// Algorithms lists the signing algorithms, in the order the documents
// list them: AWS's id_token_signing_alg_values_supported, and its JWKS,
// which lists the RSA key first (see JWKS).
var Algorithms = []string{RS256, ES384}

// ClaimNamespace is the claim that holds AWS's own claims of a web
// identity token.
const ClaimNamespace = "https://sts.amazonaws.com/"

// ClaimsSupported is the claims_supported of the issuer's configuration,
// in AWS's order: the configuration an account's issuer serves, as quoted
// in "Outbound Identity Federation OpenID Configuration seems to be not
// valid" (repost.aws, questions/QUNyrKNpikQTqTIgWhn8qS4Q) and in a test
// fixture "extracted from a AWS Federated Web Identity endpoint" (a Go
// test of Forgejo's package auth: its awsOIDC and awsJWKS constants).
var ClaimsSupported = []string{"sub", "iss", "aud", "exp", "iat", "jti", ClaimNamespace}

// KeyID returns the kid of the issuer's key of alg, AWS's: "RSA_0" for
// RS256 and "EC384_0" for ES384 (the keys of the JWKS of Forgejo's
// fixture above, and the headers of AWS's tokens shown in public write-ups:
// {"kid":"RSA_0","typ":"JWT","alg":"RS256"}, {"kid": "EC384_0", "typ":
// "JWT", "alg": "ES384"}). The suffix would count rotations, which idpool
// never does. "" for another algorithm.
func KeyID(alg string) string {
	switch alg {
	case RS256:
		return "RSA_0"
	case ES384:
		return "EC384_0"
	}
	return ""
}

// MaxPayload is the largest token payload, in bytes of its JSON, that
// Sign signs. AWS documents a limit (JWTPayloadSizeExceededException:
// "The requested token payload size exceeds the maximum allowed size")
// but not its value; idpool takes 16 KiB, which ten audiences of 1000
// characters stay well within and fifty request tags of the longest
// keys and values (50 × (128 + 256) characters) exceed, as the error's
// advice ("Reduce the number of request tags") expects.
const MaxPayload = 16 << 10

// Errors of the federation; the services answer them with AWS's codes.
var (
	// ErrEnabled: Enable when the feature is enabled already.
	ErrEnabled = errors.New("outbound: outbound identity federation is enabled already")
	// ErrDisabled: Disable, Info or Sign when the feature is disabled,
	// or was never enabled.
	ErrDisabled = errors.New("outbound: outbound identity federation is disabled")
	// ErrUnknownIssuer: a document asked of an id that is not the issuer's.
	ErrUnknownIssuer = errors.New("outbound: no such issuer")
	// ErrPayloadTooLarge: Sign of claims larger than MaxPayload.
	ErrPayloadTooLarge = errors.New("outbound: token payload too large")
)

// Federation is the account's outbound issuer on a store. It keeps
// nothing in memory: every call reads the store, so that a reset or
// another server on the store is seen at once. It is safe for concurrent
// use.
type Federation struct {
	store     storage.Store
	publicURL string
	now       func() time.Time
	random    io.Reader
}

// New returns the federation on store. publicURL, when not empty, is the
// base of the issuer (an absolute URL without a trailing slash), whatever
// base the store holds (see issuerOf); now is the clock and random the
// source of the keys.
func New(store storage.Store, publicURL string, now func() time.Time, random io.Reader) *Federation {
	return &Federation{store: store, publicURL: publicURL, now: now, random: random}
}

type baseKey struct{}

// WithRequestBase returns ctx carrying base, the scheme and host of the
// request being served ("http://localhost:9230"), which the first Enable
// stores as the issuer's base when the federation has no public URL.
func WithRequestBase(ctx context.Context, base string) context.Context {
	return context.WithValue(ctx, baseKey{}, base)
}

// Enable enables the feature and returns the issuer (see issuerOf). The
// first enable makes the issuer's id and its keys, in one transaction, and
// stores the issuer under the base of the moment; later ones find them.
// ErrEnabled when the feature is enabled.
func (f *Federation) Enable(ctx context.Context) (string, error) {
	base := f.publicURL
	if base == "" {
		base, _ = ctx.Value(baseKey{}).(string)
	}
	if base == "" {
		return "", errors.New("outbound: no base URL for the issuer: the federation has no public URL, and ctx no request base (WithRequestBase)")
	}
	have, err := f.store.OutboundFederation(ctx)
	fresh := errors.Is(err, storage.ErrNotFound)
	if err != nil && !fresh {
		return "", err
	}
	if have.Enabled {
		return "", ErrEnabled
	}
	// The keys are made outside the transaction, which they would hold
	// for a tenth of a second; a racing enable that stored its own first
	// wins, and these are dropped.
	var keys []storage.OutboundKey
	if fresh {
		if keys, err = f.newKeys(); err != nil {
			return "", err
		}
	}
	id := uuid.NewString()
	var issuer string
	err = f.store.Update(ctx, func(tx storage.Tx) error {
		fed, err := tx.OutboundFederation(ctx)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			// Nothing removes the issuer once made, so it was not
			// made when read above either, and keys are made.
			fed = storage.OutboundFederation{Issuer: base + PathPrefix + id}
			for _, k := range keys {
				if err := tx.CreateOutboundKey(ctx, k); err != nil {
					return err
				}
			}
		case err != nil:
			return err
		case fed.Enabled:
			return ErrEnabled
		}
		fed.Enabled = true
		issuer = f.issuerOf(fed)
		return tx.SetOutboundFederation(ctx, fed)
	})
	return issuer, err
}

// Disable disables the feature; ErrDisabled when it is disabled (or was
// never enabled). The issuer and its keys stay.
func (f *Federation) Disable(ctx context.Context) error {
	return f.store.Update(ctx, func(tx storage.Tx) error {
		fed, err := tx.OutboundFederation(ctx)
		if errors.Is(err, storage.ErrNotFound) || err == nil && !fed.Enabled {
			return ErrDisabled
		}
		if err != nil {
			return err
		}
		fed.Enabled = false
		return tx.SetOutboundFederation(ctx, fed)
	})
}

// Info returns the issuer while the feature is enabled; ErrDisabled when
// it is disabled or was never enabled. AWS's
// GetOutboundWebIdentityFederationInfo is FeatureDisabled once the feature
// is disabled, not only before the first enable: the Terraform AWS
// provider (hashicorp/terraform-provider-aws,
// internal/service/iam/outbound_web_identity_federation.go) takes
// FeatureDisabledException, and nothing else, for "not found", and its
// acceptance tests, run against AWS, require not found once the resource's
// Delete disabled the feature (testAccCheckOutboundWebIdentityFederationDestroy)
// and a new Create after it disappears. So its JwtVendingEnabled is true
// whenever it answers.
func (f *Federation) Info(ctx context.Context) (string, error) {
	fed, err := f.store.OutboundFederation(ctx)
	if errors.Is(err, storage.ErrNotFound) || err == nil && !fed.Enabled {
		return "", ErrDisabled
	}
	if err != nil {
		return "", err
	}
	return f.issuerOf(fed), nil
}

// issuerOf returns the issuer URL of fed as idpool serves it now: under the
// public URL when the federation has one, whatever base the first enable
// stored, so that a restart with another --public-url (a TLS proxy put in
// front, a path it serves idpool under) moves the issuer and keeps its
// id; else fed.Issuer, the issuer as the first enable made it, as
// databases of every version hold it. AWS's issuer,
// https://<id>.tokens.sts.global.api.aws, is as stable: its id is the
// account's. Tokens signed before keep the iss they were signed with.
func (f *Federation) issuerOf(fed storage.OutboundFederation) string {
	if f.publicURL == "" {
		return fed.Issuer
	}
	return f.publicURL + PathPrefix + issuerID(fed.Issuer)
}

// issuerID returns the id of the stored issuer URL issuer: its last path
// segment, after PathPrefix, under whatever base. "" for a URL that has
// no PathPrefix, which Enable never stores.
func issuerID(issuer string) string {
	i := strings.LastIndex(issuer, PathPrefix)
	if i < 0 {
		return ""
	}
	return issuer[i+len(PathPrefix):]
}

// Sign signs claims, to which it adds iss, with the key of alg (RS256 or
// ES384); the JWS header names the key (kid, KeyID of alg) and the type
// JWT.
// ErrDisabled when the feature is disabled, ErrPayloadTooLarge when the
// payload exceeds MaxPayload.
func (f *Federation) Sign(ctx context.Context, alg string, claims map[string]any) (string, error) {
	fed, err := f.store.OutboundFederation(ctx)
	if errors.Is(err, storage.ErrNotFound) || err == nil && !fed.Enabled {
		return "", ErrDisabled
	}
	if err != nil {
		return "", err
	}
	claims["iss"] = f.issuerOf(fed)
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("outbound: marshal claims: %w", err)
	}
	if len(payload) > MaxPayload {
		return "", ErrPayloadTooLarge
	}
	keys, err := f.store.OutboundKeys(ctx)
	if err != nil {
		return "", err
	}
	for _, k := range keys {
		if k.Algorithm != alg {
			continue
		}
		priv, err := x509.ParsePKCS8PrivateKey(k.PrivateKey)
		if err != nil {
			return "", fmt.Errorf("outbound: key %s: %w", k.Algorithm, err)
		}
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(alg), Key: jose.JSONWebKey{Key: priv, KeyID: KeyID(alg)}},
			(&jose.SignerOptions{}).WithType("JWT"))
		if err != nil {
			return "", fmt.Errorf("outbound: signer of key %s: %w", k.Algorithm, err)
		}
		jws, err := signer.Sign(payload)
		if err != nil {
			return "", fmt.Errorf("outbound: sign: %w", err)
		}
		return jws.CompactSerialize()
	}
	return "", fmt.Errorf("outbound: the issuer has no %s key", alg)
}

// Configuration returns the OpenID Provider metadata of the issuer whose
// id is id, as AWS's issuers serve it (see ClaimsSupported for the
// sources): the members claims_supported,
// id_token_signing_alg_values_supported, issuer, jwks_uri and
// subject_types_supported, in that order, and no response_types_supported
// (which OpenID Connect Discovery requires: AWS leaves it out, and
// verifiers that insist on it fail against AWS as against idpool).
// ErrUnknownIssuer when id is not the account's issuer's.
func (f *Federation) Configuration(ctx context.Context, id string) ([]byte, error) {
	fed, err := f.issuer(ctx, id)
	if err != nil {
		return nil, err
	}
	issuer := f.issuerOf(fed)
	doc := struct {
		Claims            []string `json:"claims_supported"`
		SigningAlgorithms []string `json:"id_token_signing_alg_values_supported"`
		Issuer            string   `json:"issuer"`
		JWKSURI           string   `json:"jwks_uri"`
		SubjectTypes      []string `json:"subject_types_supported"`
	}{ClaimsSupported, Algorithms, issuer, issuer + JWKSPath, []string{"public"}}
	return json.Marshal(&doc)
}

// JWKS returns the public keys of the issuer whose id is id, as AWS's
// JWKS has them (Forgejo's fixture, see ClaimsSupported): the RSA key
// first, then the P-384 one, whatever order the store keeps them in; each
// with its kid (KeyID) and use sig, and only the P-384 one with an alg
// (ES384); their members in alphabetical order, as there.
// ErrUnknownIssuer when id is not the account's issuer's.
func (f *Federation) JWKS(ctx context.Context, id string) ([]byte, error) {
	if _, err := f.issuer(ctx, id); err != nil {
		return nil, err
	}
	keys, err := f.store.OutboundKeys(ctx)
	if err != nil {
		return nil, err
	}
	set := struct {
		Keys []map[string]string `json:"keys"`
	}{Keys: []map[string]string{}}
	for _, alg := range Algorithms {
		i := slices.IndexFunc(keys, func(k storage.OutboundKey) bool { return k.Algorithm == alg })
		if i < 0 {
			return nil, fmt.Errorf("outbound: the issuer has no %s key", alg)
		}
		jwk, err := publicJWK(keys[i])
		if err != nil {
			return nil, err
		}
		set.Keys = append(set.Keys, jwk)
	}
	return json.Marshal(&set)
}

// publicJWK returns the public JWK of k, as JWKS lists it. Its members
// are a map's so that json.Marshal writes them in alphabetical order.
func publicJWK(k storage.OutboundKey) (map[string]string, error) {
	priv, err := x509.ParsePKCS8PrivateKey(k.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("outbound: key %s: %w", k.Algorithm, err)
	}
	b64 := base64.RawURLEncoding.EncodeToString
	jwk := map[string]string{"kid": KeyID(k.Algorithm), "use": "sig"}
	switch key := priv.(type) {
	case *rsa.PrivateKey:
		jwk["kty"] = "RSA"
		jwk["n"] = b64(key.N.Bytes())
		jwk["e"] = b64(big.NewInt(int64(key.E)).Bytes())
	case *ecdsa.PrivateKey:
		// The uncompressed point: 0x04, then X and Y of 48 bytes each.
		pub, err := key.PublicKey.ECDH()
		if err != nil {
			return nil, fmt.Errorf("outbound: key %s: %w", k.Algorithm, err)
		}
		point := pub.Bytes()
		size := (len(point) - 1) / 2
		jwk["kty"] = "EC"
		jwk["crv"] = key.Curve.Params().Name
		jwk["alg"] = k.Algorithm
		jwk["x"] = b64(point[1 : 1+size])
		jwk["y"] = b64(point[1+size:])
	default:
		return nil, fmt.Errorf("outbound: key %s is a %T", k.Algorithm, priv)
	}
	return jwk, nil
}

// issuer returns the federation when id is its issuer's id (see
// issuerID).
func (f *Federation) issuer(ctx context.Context, id string) (storage.OutboundFederation, error) {
	fed, err := f.store.OutboundFederation(ctx)
	if errors.Is(err, storage.ErrNotFound) || err == nil && (id == "" || issuerID(fed.Issuer) != id) {
		return fed, ErrUnknownIssuer
	}
	return fed, err
}

// newKeys makes the issuer's keys, one per algorithm.
func (f *Federation) newKeys() ([]storage.OutboundKey, error) {
	rk, err := rsa.GenerateKey(f.random, 2048)
	if err != nil {
		return nil, fmt.Errorf("outbound: generate RSA key: %w", err)
	}
	ek, err := ecdsa.GenerateKey(elliptic.P384(), f.random)
	if err != nil {
		return nil, fmt.Errorf("outbound: generate P-384 key: %w", err)
	}
	now := f.now().UTC()
	keys := make([]storage.OutboundKey, 0, 2)
	for _, k := range []struct {
		alg  string
		priv crypto.Signer
	}{{RS256, rk}, {ES384, ek}} {
		der, err := x509.MarshalPKCS8PrivateKey(k.priv)
		if err != nil {
			return nil, fmt.Errorf("outbound: encode %s key: %w", k.alg, err)
		}
		keys = append(keys, storage.OutboundKey{Algorithm: k.alg, PrivateKey: der, CreatedAt: now})
	}
	return keys, nil
}
