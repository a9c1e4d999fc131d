package protocol

import (
	"context"

	"github.com/google/uuid"
)

type requestIDKey struct{}

// NewRequestID returns a fresh request id in the form AWS uses (a UUID).
func NewRequestID() string { return uuid.NewString() }

// WithRequestID returns a context carrying the request id, so that services
// and loggers deep in a call can name the request they serve.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id carried by ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
