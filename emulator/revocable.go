package emulator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/storage"
)

// revocable is the token issuer the services use: idpool's tokens, minus
// those the test controls expired early, which verify as expired.
type revocable struct {
	*tokens.Issuer
	log *creds.Log
	now func() time.Time
}

func (r revocable) Verify(ctx context.Context, token string) (*tokens.Claims, error) {
	c, err := r.Issuer.Verify(ctx, token)
	if err != nil {
		return nil, err
	}
	if r.log.Revoked(storage.RevokedToken, tokenID(token)) {
		now := r.now()
		return nil, &tokens.ExpiredError{Expiry: now, Now: now}
	}
	return c, nil
}

// tokenID names a token in revocations: tokens have no id claim of
// their own (AWS's have none), so their hash stands in for one.
func tokenID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
