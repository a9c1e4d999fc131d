package emulator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// verifiedSize bounds how many verified tokens are remembered.
const verifiedSize = 4096

// verified is the token issuer the services use: idpool's tokens, each
// verified once (an RSA verification is most of a web-identity call) and
// then trusted until it expires, minus those the test controls expired
// early, which verify as expired.
type verified struct {
	*tokens.Issuer
	revoked *creds.Revocations
	now     func() time.Time

	mu   sync.Mutex
	seen map[string]*tokens.Claims
}

func newVerified(tok *tokens.Issuer, revoked *creds.Revocations, now func() time.Time) *verified {
	return &verified{Issuer: tok, revoked: revoked, now: now, seen: make(map[string]*tokens.Claims)}
}

func (v *verified) Verify(ctx context.Context, token string) (*tokens.Claims, error) {
	v.mu.Lock()
	c, ok := v.seen[token]
	v.mu.Unlock()
	if !ok {
		var err error
		if c, err = v.Issuer.Verify(ctx, token); err != nil {
			return nil, err
		}
		v.mu.Lock()
		if len(v.seen) >= verifiedSize {
			clear(v.seen)
		}
		v.seen[token] = c
		v.mu.Unlock()
	}
	now := v.now()
	if !c.Expiry.After(now) {
		return nil, &tokens.ExpiredError{Expiry: c.Expiry, Now: now}
	}
	if v.revoked.Any(storage.RevokedToken) && v.revoked.Revoked(storage.RevokedToken, tokenID(token)) {
		protocol.SetReason(ctx, "idpool token refused: it was expired early by the test controls")
		// It counts as expired a second ago, so that STS's message
		// ("current date/time N must be before the expiration date/time
		// M") reads as a refusal, as AWS's does, and not with N = M.
		return nil, &tokens.ExpiredError{Expiry: now.Truncate(time.Second).Add(-time.Second), Now: now}
	}
	cp := *c
	cp.AMR = slices.Clone(c.AMR)
	cp.PrincipalTags = maps.Clone(c.PrincipalTags)
	return &cp, nil
}

// tokenID names a token in revocations: tokens have no id claim of
// their own (AWS's have none), so their hash stands in for one.
func tokenID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
