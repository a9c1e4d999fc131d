package storage

import (
	"context"
	"time"
)

// IssuedCredentials records temporary credentials idpool issued, so that
// local tools can look them up by access key id alone. The session token
// carries the session itself; the store keeps it opaque.
type IssuedCredentials struct {
	AccessKeyID  string
	SessionToken string
	Expiration   time.Time
}

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

// CredentialReader is the read half of the credentials log.
type CredentialReader interface {
	// IssuedCredentials returns the record of an access key id, or
	// ErrNotFound.
	IssuedCredentials(ctx context.Context, accessKeyID string) (IssuedCredentials, error)
	// Revocations returns every revocation that has not expired by now.
	Revocations(ctx context.Context, now time.Time) ([]Revocation, error)
}

// CredentialWriter is the write half, used inside Store.Update.
type CredentialWriter interface {
	// RecordCredentials stores records; an access key id already stored
	// is left as it is.
	RecordCredentials(ctx context.Context, cs []IssuedCredentials) error
	// Revoke stores a revocation; revoking twice is not an error.
	Revoke(ctx context.Context, r Revocation) error
	// ForgetExpired deletes credentials records and revocations that
	// expired before t.
	ForgetExpired(ctx context.Context, t time.Time) error
}
