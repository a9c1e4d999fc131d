package tokens

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/idpool/idpool/storage"
)

// keyBits is the modulus size of the keys idpool generates, as Cognito's.
const keyBits = 2048

// minKeyBits is the smallest RSA modulus accepted from the store.
const minKeyBits = 2048

// key is one parsed signing key. Keys never change once stored, so a parsed
// key is reused across rings.
type key struct {
	id   string
	priv *rsa.PrivateKey
	pub  *rsa.PublicKey
	der  []byte // PKCS#8, set only for a key not stored yet
}

// keyring is an immutable snapshot of the keys: the active one with its
// signer, every key by kid, and the JWKS bytes.
type keyring struct {
	active *key
	// signer is built once per active key; go-jose signers hold no
	// per-call state, so one serves every goroutine.
	signer jose.Signer
	byID   map[string]*key
	jwks   []byte
}

// generateKey makes a new RSA key with its PKCS#8 encoding.
func generateKey(random io.Reader) (*key, error) {
	priv, err := rsa.GenerateKey(random, keyBits)
	if err != nil {
		return nil, fmt.Errorf("tokens: generate signing key: %w", err)
	}
	priv.Precompute()
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("tokens: encode signing key: %w", err)
	}
	return &key{priv: priv, pub: &priv.PublicKey, der: der}, nil
}

// parseKey decodes a stored key.
func parseKey(sk storage.SigningKey) (*key, error) {
	if sk.ID == "" {
		return nil, errors.New("tokens: stored signing key has an empty kid")
	}
	k, err := x509.ParsePKCS8PrivateKey(sk.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("tokens: signing key %q: %w", sk.ID, err)
	}
	priv, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("tokens: signing key %q is a %T, want RSA", sk.ID, k)
	}
	if priv.N.BitLen() < minKeyBits {
		return nil, fmt.Errorf("tokens: signing key %q has %d bits, want at least %d", sk.ID, priv.N.BitLen(), minKeyBits)
	}
	priv.Precompute()
	return &key{id: sk.ID, priv: priv, pub: &priv.PublicKey}, nil
}

// newKeyring builds a ring from the stored keys (oldest first, as
// Store.SigningKeys returns them), taking already parsed keys from parsed.
// The active key is the one marked active, or the newest when none is;
// enc is how the JWKS writes n and e.
func newKeyring(keys []storage.SigningKey, parsed map[string]*key, enc JWKSEncoding) (*keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("tokens: no signing key")
	}
	r := &keyring{byID: make(map[string]*key, len(keys))}
	order := make([]*key, 0, len(keys)) // newest first
	activeIdx := len(keys) - 1
	for j, sk := range keys {
		if sk.Active {
			activeIdx = j
		}
	}
	for j := len(keys) - 1; j >= 0; j-- {
		sk := keys[j]
		k := parsed[sk.ID]
		if k == nil {
			var err error
			if k, err = parseKey(sk); err != nil {
				return nil, err
			}
		}
		if _, dup := r.byID[sk.ID]; dup {
			return nil, fmt.Errorf("tokens: duplicate signing key id %q", sk.ID)
		}
		r.byID[sk.ID] = k
		if j == activeIdx {
			r.active = k
			order = append([]*key{k}, order...)
		} else {
			order = append(order, k)
		}
	}
	s, err := newSigner(r.active)
	if err != nil {
		return nil, err
	}
	r.signer = s
	if r.jwks, err = marshalJWKS(order, enc); err != nil {
		return nil, err
	}
	return r, nil
}

func newSigner(k *key) (jose.Signer, error) {
	s, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.RS512, Key: jose.JSONWebKey{Key: k.priv, KeyID: k.id}},
		(&jose.SignerOptions{}).WithType("JWS"),
	)
	if err != nil {
		return nil, fmt.Errorf("tokens: signer for key %q: %w", k.id, err)
	}
	return s, nil
}

// JWKSEncoding is how the JWKS writes the modulus n and the exponent e of
// each key.
type JWKSEncoding string

const (
	// JWKSEncodingRFC writes them as RFC 7518 §6.3.1 requires: unpadded
	// base64url of the unsigned big-endian integer, without leading zero
	// bytes. Every JOSE library reads it. The zero JWKSEncoding means it.
	JWKSEncodingRFC JWKSEncoding = "rfc"
	// JWKSEncodingAWS writes them as Cognito Identity's own key set did
	// (https://cognito-identity.amazonaws.com/.well-known/jwks_uri, as
	// copied on 25 February 2020 into lestrrat-go/jwx's jwk/jwk_test.go,
	// TestGitHubIssue136; its form since is not confirmed): padded
	// standard base64 ("+", "/", "=") of the two's-complement big-endian
	// integer, which begins with a zero byte when the high bit of its
	// first byte is set, as it is in every 2048-bit modulus (so n begins
	// with "A" and, of 257 bytes, ends with "="); e = 65537 stays "AQAB".
	// Go verifiers that decode n and e strictly (go-jose, go-oidc,
	// keyfunc) refuse this form; it lets a test find out whether its
	// verifier accepts AWS's keys.
	JWKSEncodingAWS JWKSEncoding = "aws"
)

// Valid reports whether e names an encoding ("" for JWKSEncodingRFC).
func (e JWKSEncoding) Valid() bool {
	return e == "" || e == JWKSEncodingRFC || e == JWKSEncodingAWS
}

// encodeInt writes the unsigned big-endian integer b (without leading zero
// bytes, as big.Int.Bytes returns it) in the encoding e.
func (e JWKSEncoding) encodeInt(b []byte) string {
	if e != JWKSEncodingAWS {
		return base64.RawURLEncoding.EncodeToString(b)
	}
	if len(b) > 0 && b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// jwk is one entry of the JWKS, in the member order AWS publishes.
type jwk struct {
	Kty string `json:"kty"`
	Alg string `json:"alg"`
	Use string `json:"use"`
	Kid string `json:"kid"`
	N   string `json:"n"`
	E   string `json:"e"`
}

func marshalJWKS(keys []*key, enc JWKSEncoding) ([]byte, error) {
	set := struct {
		Keys []jwk `json:"keys"`
	}{Keys: make([]jwk, len(keys))}
	for j, k := range keys {
		set.Keys[j] = jwk{
			Kty: "RSA",
			Alg: string(jose.RS512),
			Use: "sig",
			Kid: k.id,
			N:   enc.encodeInt(k.pub.N.Bytes()),
			E:   enc.encodeInt(big.NewInt(int64(k.pub.E)).Bytes()),
		}
	}
	b, err := json.Marshal(&set)
	if err != nil {
		return nil, fmt.Errorf("tokens: marshal JWKS: %w", err)
	}
	return b, nil
}

// nextKID returns "<region>-<n>" with n one more than the largest number
// already used under that region (1 for the first key), skipping ids taken
// by keys named otherwise.
func nextKID(region string, keys []storage.SigningKey) string {
	prefix := region + "-"
	taken := make(map[string]bool, len(keys))
	n := 0
	for _, k := range keys {
		taken[k.ID] = true
		if rest, ok := strings.CutPrefix(k.ID, prefix); ok {
			if m, err := strconv.Atoi(rest); err == nil && m > n {
				n = m
			}
		}
	}
	for {
		n++
		id := prefix + strconv.Itoa(n)
		if !taken[id] {
			return id
		}
	}
}
