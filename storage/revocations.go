package storage

import (
	"context"
	"time"
)

// Revocation kinds.
const (
	RevokedCredentials = "credentials" // ID is an access key id
	RevokedToken       = "token"       // ID is the SHA-256 (hex) of an OpenID token
)

// Revocation expires credentials or a token before their time.
type Revocation struct {
	Kind string
	ID   string
	// Expires is when the revoked thing would have expired anyway; the
	// revocation may be forgotten after it.
	Expires time.Time
}

// RevocationReader is the read half of the revocations.
type RevocationReader interface {
	// Revocations returns every revocation that has not expired by now.
	Revocations(ctx context.Context, now time.Time) ([]Revocation, error)
}

// RevocationWriter is the write half, used inside Store.Update.
type RevocationWriter interface {
	// Revoke stores a revocation; revoking twice keeps the later expiry.
	Revoke(ctx context.Context, r Revocation) error
	// ForgetExpired deletes the revocations that expired before t.
	ForgetExpired(ctx context.Context, t time.Time) error
}
