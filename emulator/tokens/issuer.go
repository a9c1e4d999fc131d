package tokens

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/idpool/idpool/storage"
)

// DefaultIssuer is the iss of every Cognito Identity token, in every region.
const DefaultIssuer = "https://cognito-identity.amazonaws.com"

// DefaultRegion names the keys when Config.Region is empty.
const DefaultRegion = "us-east-1"

// Claim names beyond the registered JWT ones, as Cognito Identity spells them.
const (
	ClaimPoolARN = "https://cognito-identity.amazonaws.com/identity-pool-arn"
	ClaimTags    = "https://aws.amazon.com/tags"
)

// Errors Verify wraps; test them with errors.Is. Parse wraps ErrMalformed.
var (
	// ErrMalformed: the token is not a well-formed compact JWS with the
	// expected header and claims.
	ErrMalformed = errors.New("tokens: malformed token")
	// ErrUnknownKey: the kid names no key idpool holds.
	ErrUnknownKey = errors.New("tokens: unknown signing key")
	// ErrSignature: the signature does not verify, or its alg is not RS512.
	ErrSignature = errors.New("tokens: invalid signature")
	// ErrIssuer: iss is not the configured issuer.
	ErrIssuer = errors.New("tokens: wrong issuer")
	// ErrExpired: exp is not after the current time. The error in the chain
	// is an *ExpiredError carrying both times.
	ErrExpired = errors.New("tokens: token expired")
)

// ExpiredError reports a token whose exp is not after Now. It matches
// ErrExpired under errors.Is; STS quotes both times in its message.
type ExpiredError struct {
	Expiry time.Time
	Now    time.Time
}

func (e *ExpiredError) Error() string {
	return fmt.Sprintf("tokens: token expired: current date/time %d must be before the expiration date/time %d",
		e.Now.Unix(), e.Expiry.Unix())
}

// Is makes errors.Is(err, ErrExpired) true.
func (e *ExpiredError) Is(target error) bool { return target == ErrExpired }

// MaxLifetime is the longest an idpool token can live, from the time it
// is signed to its exp: 24 hours, the largest TokenDuration of
// GetOpenIdTokenForDeveloperIdentity (Cognito Identity's model bounds it to
// 86,400 seconds; GetOpenIdToken's tokens live 10 minutes, and the
// outbound federation tokens STS signs, of at most an hour, use keys of
// their own). Sign refuses a longer one, so that a key retired longer ago
// than this verifies no token that is still valid, and Rotate deletes it.
const MaxLifetime = 24 * time.Hour

// Config names the tokens an Issuer makes.
type Config struct {
	// Issuer is the iss claim; DefaultIssuer when empty.
	Issuer string
	// Region prefixes key ids: "<region>-1", "<region>-2", …; DefaultRegion
	// when empty.
	Region string
	// Keep names keys Rotate never deletes, however long ago they were
	// retired: those the fixtures declare, which the user holds and may
	// sign tokens with, and which a start or a reset would store again
	// (as the active key when none of the fixture's is).
	Keep []string
	// JWKSEncoding is how JWKS writes n and e; JWKSEncodingRFC when empty.
	// New refuses any other value than the two constants.
	JWKSEncoding JWKSEncoding
}

// Claims of an idpool OpenID token (its payload).
type Claims struct {
	Subject  string   // sub: the identity id
	Audience string   // aud: the pool id, a JSON string (never an array)
	AMR      []string // amr: always written as an array, [] when empty
	// PoolARN is the identity-pool-arn claim, omitted when "".
	PoolARN string
	// PrincipalTags is the https://aws.amazon.com/tags claim, written as
	// {"principal_tags": {k: [v]}} and omitted when empty.
	PrincipalTags map[string]string
	// IssuedAt is iat; Sign uses the clock when it is zero. Both times are
	// written as integer seconds (truncated).
	IssuedAt time.Time
	Expiry   time.Time // exp
	// Issuer is iss as found by Verify; Sign ignores it and writes
	// Config.Issuer.
	Issuer string
}

// payload is the wire form of Claims, in the member order Cognito uses.
type payload struct {
	Sub     string    `json:"sub"`
	Aud     string    `json:"aud"`
	AMR     []string  `json:"amr"`
	Tags    *tagClaim `json:"https://aws.amazon.com/tags,omitempty"`
	Iss     string    `json:"iss"`
	PoolARN string    `json:"https://cognito-identity.amazonaws.com/identity-pool-arn,omitempty"`
	Exp     int64     `json:"exp"`
	Iat     int64     `json:"iat"`
}

type tagClaim struct {
	PrincipalTags map[string][]string `json:"principal_tags"`
}

// maxTokenSize bounds every token this package decodes. Cognito limits a
// Logins token to 50,000 characters.
const maxTokenSize = 64 << 10

// reloadInterval is how often an unknown kid may make Verify re-read the
// keys from the store (another process may have rotated them).
const reloadInterval = time.Second

// Issuer signs and verifies idpool's tokens with keys kept in the store. It
// is safe for concurrent use.
type Issuer struct {
	store  storage.Store
	cfg    Config
	now    func() time.Time
	random io.Reader
	logger *slog.Logger

	// ring is nil until the first key is loaded; then it is replaced whole
	// whenever the keys change, so readers never lock.
	ring atomic.Pointer[keyring]

	// mu guards loading, the attempt to create the first key that is under
	// way (nil when none is), and closed, set by Close.
	mu      sync.Mutex
	loading *attempt
	closed  bool

	// writeMu serialises every store read or write that installs a ring,
	// so that an older snapshot never replaces a newer one.
	writeMu sync.Mutex

	reloadMu   sync.Mutex
	lastReload time.Time
}

// attempt is one background creation of the first key; err is set before
// done is closed.
type attempt struct {
	done chan struct{}
	err  error
}

// New loads the signing keys from the store. When there is none, the first
// Sign, Verify or JWKS generates an RSA-2048 key and stores it, so that the
// server answers its first requests within milliseconds of start-up; those
// calls wait for that key (respecting their ctx) and return the error if
// generating or storing it failed (a later call tries again). now is
// the clock, random the entropy source (crypto/rand.Reader when nil; since
// Go 1.26 crypto/rsa ignores it unless GODEBUG=cryptocustomrand=1), logger
// may be nil.
func New(ctx context.Context, store storage.Store, cfg Config, now func() time.Time, random io.Reader, logger *slog.Logger) (*Issuer, error) {
	if store == nil {
		return nil, errors.New("tokens: nil store")
	}
	if cfg.Issuer == "" {
		cfg.Issuer = DefaultIssuer
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if !cfg.JWKSEncoding.Valid() {
		return nil, fmt.Errorf("tokens: JWKS encoding %q: want %q or %q", cfg.JWKSEncoding, JWKSEncodingRFC, JWKSEncodingAWS)
	}
	if now == nil {
		now = time.Now
	}
	if random == nil {
		random = rand.Reader
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	i := &Issuer{store: store, cfg: cfg, now: now, random: random, logger: logger}

	keys, err := store.SigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("tokens: load signing keys: %w", err)
	}
	if len(keys) > 0 {
		r, err := newKeyring(keys, nil, i.cfg.JWKSEncoding)
		if err != nil {
			return nil, err
		}
		i.ring.Store(r)
		return i, nil
	}
	// The first key is made when something first needs it (keys): an
	// RSA-2048 key takes 20–100 ms of CPU, which start-up would share with
	// its first requests, and many test suites never sign a token.
	return i, nil
}

// startLocked starts a background attempt to create the first key. The
// attempt outlives ctx's cancellation: a caller that gives up must not make
// the others fail.
func (i *Issuer) startLocked(ctx context.Context) {
	a := &attempt{done: make(chan struct{})}
	i.loading = a
	ctx = context.WithoutCancel(ctx)
	go func() {
		start := time.Now()
		a.err = i.createFirst(ctx)
		if a.err != nil {
			i.logger.ErrorContext(ctx, "creating the first signing key failed", "err", a.err)
		} else {
			i.logger.InfoContext(ctx, "signing key ready", "kid", i.ring.Load().active.id,
				"elapsed", time.Since(start))
		}
		i.mu.Lock()
		i.loading = nil
		i.mu.Unlock()
		close(a.done)
	}()
}

// createFirst generates a key and stores it unless the store has keys by
// then (another process or Issuer won the race), in which case it uses
// those.
func (i *Issuer) createFirst(ctx context.Context) error {
	k, err := generateKey(i.random)
	if err != nil {
		return err
	}
	i.writeMu.Lock()
	defer i.writeMu.Unlock()

	var (
		keys    []storage.SigningKey
		created bool
	)
	err = i.store.Update(ctx, func(tx storage.Tx) error {
		var err error
		created = false
		keys, err = tx.SigningKeys(ctx)
		if err != nil || len(keys) > 0 {
			return err
		}
		k.id = nextKID(i.cfg.Region, nil)
		sk := storage.SigningKey{ID: k.id, PrivateKey: k.der, CreatedAt: i.now(), Active: true}
		if err := tx.CreateSigningKey(ctx, sk); err != nil {
			return err
		}
		keys, created = []storage.SigningKey{sk}, true
		return nil
	})
	if errors.Is(err, storage.ErrAlreadyExists) {
		// A concurrent writer created the key between our read and write.
		keys, err = i.store.SigningKeys(ctx)
		if err == nil && len(keys) == 0 {
			err = errors.New("tokens: signing key vanished after a create conflict")
		}
	}
	if err != nil {
		return fmt.Errorf("tokens: store signing key: %w", err)
	}
	parsed := map[string]*key{}
	if created {
		parsed[k.id] = k
	} else {
		i.logger.InfoContext(ctx, "using the signing key another writer created")
	}
	r, err := newKeyring(keys, parsed, i.cfg.JWKSEncoding)
	if err != nil {
		return err
	}
	i.ring.Store(r)
	return nil
}

// ErrClosed: the Issuer is closed and makes no key any more.
var ErrClosed = errors.New("tokens: issuer closed")

// Close waits for an attempt to create the first key that is under way, so
// that nothing uses the store once its owner closes it, and makes later
// calls that would start one fail with ErrClosed. Keys already made keep
// serving.
func (i *Issuer) Close() {
	i.mu.Lock()
	i.closed = true
	a := i.loading
	i.mu.Unlock()
	if a != nil {
		<-a.done
	}
}

// keys returns the current key ring, waiting for the first key if needed.
func (i *Issuer) keys(ctx context.Context) (*keyring, error) {
	if r := i.ring.Load(); r != nil {
		return r, nil
	}
	i.mu.Lock()
	if r := i.ring.Load(); r != nil {
		i.mu.Unlock()
		return r, nil
	}
	if i.closed {
		i.mu.Unlock()
		return nil, ErrClosed
	}
	if i.loading == nil {
		// The previous attempt failed; its callers have seen the error.
		i.startLocked(ctx)
	}
	a := i.loading
	i.mu.Unlock()

	select {
	case <-a.done:
	case <-ctx.Done():
		return nil, fmt.Errorf("tokens: waiting for the signing key: %w", ctx.Err())
	}
	if a.err != nil {
		return nil, a.err
	}
	return i.ring.Load(), nil
}

// Sign returns a compact RS512 JWS of c signed with the active key, with
// header {"kid":<active kid>,"typ":"JWS","alg":"RS512"} and iss
// Config.Issuer.
func (i *Issuer) Sign(ctx context.Context, c Claims) (string, error) {
	if c.Subject == "" || c.Audience == "" {
		return "", errors.New("tokens: sign: subject and audience are required")
	}
	now := i.now()
	if c.IssuedAt.IsZero() {
		c.IssuedAt = now
	}
	if !c.Expiry.After(c.IssuedAt) {
		return "", errors.New("tokens: sign: expiry must be after the issue time")
	}
	if c.Expiry.Sub(now) > MaxLifetime {
		return "", fmt.Errorf("tokens: sign: expiry %v is more than %v away", c.Expiry, MaxLifetime)
	}
	r, err := i.keys(ctx)
	if err != nil {
		return "", err
	}
	p := payload{
		Sub:     c.Subject,
		Aud:     c.Audience,
		AMR:     c.AMR,
		Iss:     i.cfg.Issuer,
		PoolARN: c.PoolARN,
		Exp:     c.Expiry.Unix(),
		Iat:     c.IssuedAt.Unix(),
	}
	if p.AMR == nil {
		p.AMR = []string{}
	}
	if len(c.PrincipalTags) > 0 {
		tags := make(map[string][]string, len(c.PrincipalTags))
		for k, v := range c.PrincipalTags {
			tags[k] = []string{v}
		}
		p.Tags = &tagClaim{PrincipalTags: tags}
	}
	b, err := json.Marshal(&p)
	if err != nil {
		return "", fmt.Errorf("tokens: sign: %w", err)
	}
	return signCompact(r.signer, b)
}

func signCompact(s jose.Signer, b []byte) (string, error) {
	jws, err := s.Sign(b)
	if err != nil {
		return "", fmt.Errorf("tokens: sign: %w", err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		return "", fmt.Errorf("tokens: sign: %w", err)
	}
	return out, nil
}

var rs512 = []jose.SignatureAlgorithm{jose.RS512}

// Verify checks an idpool token and returns its claims. In order it checks
// that the token is a compact JWS (ErrMalformed), that alg is RS512
// (ErrSignature), that kid names a key idpool holds, active or retired
// (ErrUnknownKey, or ErrExpired when its unverified claims say it is an
// expired idpool token, as one whose key Rotate deleted is), the signature (ErrSignature), the claims' shape
// (ErrMalformed), iss == Config.Issuer (ErrIssuer) and exp > now with no
// skew (ErrExpired, as an *ExpiredError).
func (i *Issuer) Verify(ctx context.Context, token string) (*Claims, error) {
	if err := checkCompact(token); err != nil {
		return nil, err
	}
	r, err := i.keys(ctx)
	if err != nil {
		return nil, err
	}
	jws, err := jose.ParseSignedCompact(token, rs512)
	if err != nil {
		var alg *jose.ErrUnexpectedSignatureAlgorithm
		if errors.As(err, &alg) {
			return nil, fmt.Errorf("%w: alg %q is not RS512", ErrSignature, alg.Got)
		}
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	kid := jws.Signatures[0].Header.KeyID
	k := r.byID[kid]
	if k == nil {
		if r2, ok := i.reloadForUnknownKey(ctx); ok {
			k = r2.byID[kid]
		}
		if k == nil {
			if err := i.expiredUnverified(jws); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("%w: kid %q", ErrUnknownKey, kid)
		}
	}
	b, err := jws.Verify(k.pub)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	var p payload
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrMalformed, err)
	}
	if p.Iss != i.cfg.Issuer {
		return nil, fmt.Errorf("%w: %q", ErrIssuer, p.Iss)
	}
	exp, err := i.unexpired(p.Exp)
	if err != nil {
		return nil, err
	}
	c := &Claims{
		Subject:  p.Sub,
		Audience: p.Aud,
		AMR:      p.AMR,
		PoolARN:  p.PoolARN,
		IssuedAt: time.Unix(p.Iat, 0).UTC(),
		Expiry:   exp,
		Issuer:   p.Iss,
	}
	if p.Tags != nil && len(p.Tags.PrincipalTags) > 0 {
		c.PrincipalTags = make(map[string]string, len(p.Tags.PrincipalTags))
		for k, v := range p.Tags.PrincipalTags {
			if len(v) > 0 {
				c.PrincipalTags[k] = v[0]
			} else {
				c.PrincipalTags[k] = ""
			}
		}
	}
	return c, nil
}

// expiredUnverified returns the *ExpiredError Verify gives for an expired
// token when jws, whose kid names no key idpool holds, claims idpool's
// issuer and an exp that is not after the clock's now; otherwise nil.
// Rotate deletes a key once every token it signed has expired, and the
// answer for such a token must not change from "expired" to "not a
// Cognito token" when its key goes.
//
// The claims are read without checking the signature, so anyone can make
// a token that gets this answer. That is safe because the answer is only
// ever a refusal: an unverified token is refused as expired here or as
// of an unknown key by the caller, never accepted.
func (i *Issuer) expiredUnverified(jws *jose.JSONWebSignature) error {
	var p payload
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &p); err != nil {
		return nil
	}
	if p.Iss != i.cfg.Issuer || p.Exp == 0 {
		return nil
	}
	_, err := i.unexpired(p.Exp)
	return err
}

// unexpired returns the time of the exp claim exp (Unix seconds), or the
// *ExpiredError of a token whose exp is not after the clock's now.
func (i *Issuer) unexpired(exp int64) (time.Time, error) {
	now, t := i.now(), time.Unix(exp, 0).UTC()
	if !t.After(now) {
		return t, &ExpiredError{Expiry: t, Now: now}
	}
	return t, nil
}

// checkCompact refuses anything but three dot-separated base64url segments
// of bounded size. go-jose's base64 decoding skips CR and LF, which would
// let distinct strings verify as the same token.
func checkCompact(s string) error {
	if len(s) == 0 {
		return fmt.Errorf("%w: empty", ErrMalformed)
	}
	if len(s) > maxTokenSize {
		return fmt.Errorf("%w: longer than %d bytes", ErrMalformed, maxTokenSize)
	}
	dots := 0
	for j := 0; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '.':
			dots++
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
		default:
			return fmt.Errorf("%w: byte %#02x at offset %d is not base64url", ErrMalformed, c, j)
		}
	}
	if dots != 2 {
		return fmt.Errorf("%w: %d segments, want 3", ErrMalformed, dots+1)
	}
	return nil
}

// JWKS returns the JSON Web Key Set of every key, the active one first and
// then the others newest first, with n and e written as
// Config.JWKSEncoding says (RFC 7518 base64url by default). The bytes
// are built once per key change and shared: callers must not modify them.
func (i *Issuer) JWKS(ctx context.Context) ([]byte, error) {
	r, err := i.keys(ctx)
	if err != nil {
		return nil, err
	}
	return r.jwks, nil
}

// ActiveKeyID returns the kid new tokens are signed with, waiting for the
// first key like Sign.
func (i *Issuer) ActiveKeyID(ctx context.Context) (string, error) {
	r, err := i.keys(ctx)
	if err != nil {
		return "", err
	}
	return r.active.id, nil
}

// Rotate generates a new active key. Older keys stay published and keep
// verifying the tokens they signed for MaxLifetime after they were
// retired; in the same transaction, Rotate deletes those retired longer
// ago (but those named in Config.Keep), which verify no valid token any
// more, so that the keys do not grow with every rotation.
func (i *Issuer) Rotate(ctx context.Context) error {
	if _, err := i.keys(ctx); err != nil {
		return err
	}
	k, err := generateKey(i.random)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("tokens: rotate: %w", err)
	}
	i.writeMu.Lock()
	defer i.writeMu.Unlock()
	var keys []storage.SigningKey
	var deleted []string
	err = i.store.Update(ctx, func(tx storage.Tx) error {
		old, err := tx.SigningKeys(ctx)
		if err != nil {
			return err
		}
		now := i.now()
		k.id = nextKID(i.cfg.Region, old)
		sk := storage.SigningKey{ID: k.id, PrivateKey: k.der, CreatedAt: now, Active: true}
		if err := tx.CreateSigningKey(ctx, sk); err != nil {
			return err
		}
		deleted = deleted[:0]
		for _, o := range old {
			if i.expired(o, now) {
				if err := tx.DeleteSigningKey(ctx, o.ID); err != nil {
					return err
				}
				deleted = append(deleted, o.ID)
			}
		}
		keys, err = tx.SigningKeys(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("tokens: rotate: %w", err)
	}
	if len(deleted) > 0 {
		i.logger.InfoContext(ctx, "deleted signing keys retired longer ago than a token lives", "kids", deleted, "lifetime", MaxLifetime)
	}
	return i.installLocked(keys, k)
}

// expired reports whether k is a key Rotate deletes at now: retired more
// than MaxLifetime ago, so that every token it signed has expired, and not
// one Config.Keep names. A key stored inactive and not retired since has
// no retirement time, and stays until a rotation gives it one.
func (i *Issuer) expired(k storage.SigningKey, now time.Time) bool {
	return !k.Active && !k.RetiredAt.IsZero() && now.Sub(k.RetiredAt) > MaxLifetime &&
		!slices.Contains(i.cfg.Keep, k.ID)
}

// Reload re-reads the keys from the store, picking up keys written by
// another process or by fixtures after New.
func (i *Issuer) Reload(ctx context.Context) error {
	if _, err := i.keys(ctx); err != nil {
		return err
	}
	i.writeMu.Lock()
	defer i.writeMu.Unlock()
	keys, err := i.store.SigningKeys(ctx)
	if err != nil {
		return fmt.Errorf("tokens: reload signing keys: %w", err)
	}
	if len(keys) == 0 {
		return errors.New("tokens: reload: the store holds no signing key")
	}
	return i.installLocked(keys, nil)
}

// installLocked replaces the ring with one built from keys, reusing the
// keys already parsed. i.writeMu must be held.
func (i *Issuer) installLocked(keys []storage.SigningKey, fresh *key) error {
	parsed := map[string]*key{}
	if old := i.ring.Load(); old != nil {
		for id, k := range old.byID {
			parsed[id] = k
		}
	}
	if fresh != nil {
		parsed[fresh.id] = fresh
	}
	r, err := newKeyring(keys, parsed, i.cfg.JWKSEncoding)
	if err != nil {
		return err
	}
	i.ring.Store(r)
	return nil
}

// reloadForUnknownKey re-reads the keys at most once per reloadInterval, so
// that a flood of made-up kids costs one store read per interval.
func (i *Issuer) reloadForUnknownKey(ctx context.Context) (*keyring, bool) {
	i.reloadMu.Lock()
	now := i.now()
	if !i.lastReload.IsZero() && now.Sub(i.lastReload) < reloadInterval {
		i.reloadMu.Unlock()
		return nil, false
	}
	i.lastReload = now
	i.reloadMu.Unlock()
	if err := i.Reload(ctx); err != nil {
		i.logger.WarnContext(ctx, "reloading signing keys failed", "err", err)
		return nil, false
	}
	return i.ring.Load(), true
}
