package creds

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/idpool/idpool/storage"
)

// KeySize is the length of the server key in bytes.
const KeySize = 32

// Errors returned by Open.
var (
	// ErrNotIssued: the token was not sealed by this server key (or was
	// tampered with, or is not a token at all).
	ErrNotIssued = errors.New("creds: session token not issued by idpool")
	// ErrExpired: the credentials were issued here but have expired.
	ErrExpired = errors.New("creds: credentials expired")
)

// Session is who temporary credentials act as.
type Session struct {
	RoleARN     string `json:"r"`
	SessionName string `json:"s"`
	// RoleID is the RoleId IAM gave the role when the session was
	// issued; "" for a role IAM does not hold (see AssumedRole).
	RoleID string `json:"rid,omitempty"`
	// IdentityID and PoolID are set for credentials of a Cognito identity.
	IdentityID string `json:"i,omitempty"`
	PoolID     string `json:"p,omitempty"`
	// Subject, Audience, Provider and AMR describe the web identity that
	// was federated (empty for AssumeRole/GetSessionToken sessions).
	Subject       string            `json:"sub,omitempty"`
	Audience      string            `json:"aud,omitempty"`
	Provider      string            `json:"prv,omitempty"`
	AMR           []string          `json:"amr,omitempty"`
	PrincipalTags map[string]string `json:"tag,omitempty"`
	// TransitiveTagKeys are the keys of PrincipalTags that pass to the
	// sessions this one assumes (role chaining), and stay transitive there.
	TransitiveTagKeys []string `json:"tt,omitempty"`
	// SourceAccessKeyID is the developer key that called AssumeRole or
	// GetSessionToken, if any; UserARN the IAM user of GetSessionToken,
	// and UserID its UserId when IAM holds the user. A session with
	// UserARN and SessionName is GetFederationToken's federated user of
	// that Name (see sts.Federated).
	SourceAccessKeyID string `json:"src,omitempty"`
	UserARN           string `json:"usr,omitempty"`
	UserID            string `json:"uid,omitempty"`
	// Policy and PolicyARNs are the session policies given to AssumeRole
	// or AssumeRoleWithWebIdentity: the inline document as given and the
	// managed policies' ARNs. The session may do only what both its role's
	// policies and these allow; they apply to this session only, and pass
	// to no session it assumes.
	Policy     string   `json:"pol,omitempty"`
	PolicyARNs []string `json:"pa,omitempty"`
	// SourceIdentity is the source identity set when the session, or the
	// first session of its role chain, was assumed: it cannot change
	// afterwards and passes to every session this one assumes. Its
	// requests carry it as aws:SourceIdentity.
	SourceIdentity string `json:"si,omitempty"`
	// MFA is when the session's principal last authenticated with MFA, in
	// unix seconds: when AssumeRole or GetSessionToken was given an MFA
	// code, or, for a role session assumed without one, when the session
	// that assumed it did. 0 for a session without MFA, as every token
	// sealed before idpool recorded it is. Its requests carry
	// aws:MultiFactorAuthPresent and aws:MultiFactorAuthAge from it.
	MFA int64 `json:"mfa,omitempty"`
}

// Credentials are issued temporary credentials with their session.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
	// Issued is when the credentials were issued, to the second: the
	// session's aws:TokenIssueTime. Zero for a token sealed before idpool
	// recorded it.
	Issued  time.Time
	Session Session
}

// Issuer mints and opens credentials under one server key. It is safe for
// concurrent use.
type Issuer struct {
	revoked *Revocations
	recent  *recent
	notify  func(Credentials) // see WithNotify
	aead    cipher.AEAD
	mac     []byte
	now     func() time.Time
	random  io.Reader
	// mu guards random, which need not be safe for concurrent use.
	mu sync.Mutex
	// macs holds HMACs keyed with mac, reset and reused: a secret is
	// derived on every issue and every first use of a token, and a fresh
	// HMAC (hmac.New) costs it about 1 to 2 µs more (BenchmarkIssue).
	macs sync.Pool // hash.Hash
}

// Option configures an Issuer.
type Option func(*Issuer)

// WithRevocations makes the credentials r revoked expired.
func WithRevocations(r *Revocations) Option { return func(i *Issuer) { i.revoked = r } }

// WithNotify calls fn with every set of credentials issued, after it is
// issued (the web console lists them by identity). fn must be quick and
// must not modify them.
func WithNotify(fn func(Credentials)) Option { return func(i *Issuer) { i.notify = fn } }

// recentSize is how many recently issued or used credentials an Issuer
// remembers, about 1.4 KB each. It is kept small: every garbage collection
// marks them, and a request that arrives with its session token finds its
// credentials whether they are remembered or not.
const recentSize = 1024

// New returns an Issuer for the server key (KeySize bytes). now is the
// clock and random the entropy source for access key ids and nonces.
func New(key []byte, now func() time.Time, random io.Reader, opts ...Option) (*Issuer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("creds: server key is %d bytes, want %d", len(key), KeySize)
	}
	// Separate keys for sealing and for secrets, so that neither use can
	// leak material of the other.
	block, err := aes.NewCipher(derive(key, "seal"))
	if err != nil {
		return nil, fmt.Errorf("creds: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("creds: %w", err)
	}
	i := &Issuer{aead: aead, mac: derive(key, "secret"), now: now, random: random, recent: newRecent(recentSize)}
	i.macs.New = func() any { return hmac.New(sha256.New, i.mac) }
	for _, o := range opts {
		o(i)
	}
	return i, nil
}

func derive(key []byte, purpose string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("idpool creds " + purpose))
	return m.Sum(nil)
}

// sealed is what a session token carries.
type sealed struct {
	AccessKeyID string  `json:"k"`
	Expiry      int64   `json:"e"`           // unix seconds
	Issued      int64   `json:"t,omitempty"` // unix seconds
	Session     Session `json:"x"`
}

const tokenVersion = 1

var keyIDEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Issue mints credentials for s, valid for d from now.
func (i *Issuer) Issue(s Session, d time.Duration) (Credentials, error) {
	var rnd [10 + 12]byte // access key id, nonce
	i.mu.Lock()
	_, err := io.ReadFull(i.random, rnd[:])
	i.mu.Unlock()
	if err != nil {
		return Credentials{}, fmt.Errorf("creds: random: %w", err)
	}
	// "ASIA" + 16 base32 characters: the 20-character shape of AWS's
	// temporary access key ids.
	akid := "ASIA" + keyIDEncoding.EncodeToString(rnd[:10])
	clock := i.now()
	now, exp := clock.Truncate(time.Second), clock.Add(d).Truncate(time.Second)
	payload, err := json.Marshal(sealed{AccessKeyID: akid, Expiry: exp.Unix(), Issued: now.Unix(), Session: s})
	if err != nil {
		return Credentials{}, fmt.Errorf("creds: %w", err)
	}
	// The token is the version, the nonce and the sealed payload, the
	// version authenticated with it.
	nonce := rnd[10:]
	buf := make([]byte, 0, 1+len(nonce)+len(payload)+i.aead.Overhead())
	buf = append(append(buf, tokenVersion), nonce...)
	buf = i.aead.Seal(buf, nonce, payload, []byte{tokenVersion})
	// The session's strings are often slices of a request body; the
	// credentials outlive the request in recent, and must not keep the
	// whole body alive.
	s.RoleARN, s.SessionName = strings.Clone(s.RoleARN), strings.Clone(s.SessionName)
	s.Subject, s.Audience, s.Provider = strings.Clone(s.Subject), strings.Clone(s.Audience), strings.Clone(s.Provider)
	s.SourceIdentity = strings.Clone(s.SourceIdentity)
	c := Credentials{
		AccessKeyID:     akid,
		SecretAccessKey: i.Secret(akid),
		SessionToken:    base64.StdEncoding.EncodeToString(buf),
		Expiration:      exp,
		Issued:          now.UTC(),
		Session:         s,
	}
	i.recent.add(c)
	if i.notify != nil {
		i.notify(c)
	}
	return c, nil
}

// Secret returns the secret access key belonging to an access key id this
// server issued.
func (i *Issuer) Secret(accessKeyID string) string {
	m := i.macs.Get().(hash.Hash)
	m.Reset()
	io.WriteString(m, accessKeyID)
	var sum [sha256.Size]byte
	m.Sum(sum[:0])
	i.macs.Put(m)
	// 40 characters, as AWS secrets have: the first 30 bytes encode to
	// exactly 40 base64 characters.
	var out [40]byte
	base64.StdEncoding.Encode(out[:], sum[:30])
	return string(out[:])
}

// Open recovers the credentials a session token was issued with. It
// returns ErrNotIssued for a token this server did not seal, and the
// credentials together with ErrExpired for an expired or revoked one.
func (i *Issuer) Open(sessionToken string) (Credentials, error) {
	c, ok := i.recent.token(sessionToken)
	if !ok {
		var err error
		if c, err = i.open(sessionToken); err != nil {
			return Credentials{}, err
		}
		i.recent.add(c)
	}
	return c, i.expired(c)
}

// Lookup returns the credentials of an access key id among those issued or
// used most recently (the last 1,024 since start), or ErrNotIssued.
func (i *Issuer) Lookup(accessKeyID string) (Credentials, error) {
	c, ok := i.recent.key(accessKeyID)
	if !ok {
		return Credentials{}, ErrNotIssued
	}
	return c, i.expired(c)
}

// expired returns ErrExpired for credentials past their expiration or
// revoked.
func (i *Issuer) expired(c Credentials) error {
	if !i.now().Before(c.Expiration) || i.revoked != nil && i.revoked.Revoked(storage.RevokedCredentials, c.AccessKeyID) {
		return ErrExpired
	}
	return nil
}

// open unseals a session token.
func (i *Issuer) open(sessionToken string) (Credentials, error) {
	raw, err := base64.StdEncoding.DecodeString(sessionToken)
	ns := i.aead.NonceSize()
	if err != nil || len(raw) < 1+ns+i.aead.Overhead() || raw[0] != tokenVersion {
		return Credentials{}, ErrNotIssued
	}
	payload, err := i.aead.Open(nil, raw[1:1+ns], raw[1+ns:], raw[:1])
	if err != nil {
		return Credentials{}, ErrNotIssued
	}
	var sl sealed
	if err := json.Unmarshal(payload, &sl); err != nil || !strings.HasPrefix(sl.AccessKeyID, "ASIA") {
		return Credentials{}, ErrNotIssued
	}
	c := Credentials{
		AccessKeyID:     sl.AccessKeyID,
		SecretAccessKey: i.Secret(sl.AccessKeyID),
		SessionToken:    sessionToken,
		Expiration:      time.Unix(sl.Expiry, 0).UTC(),
		Session:         sl.Session,
	}
	if sl.Issued != 0 {
		c.Issued = time.Unix(sl.Issued, 0).UTC()
	}
	return c, nil
}
