package protocol

import (
	"context"
	"testing"
)

// TestSetSubject: SetSubject records the pool and identity in the request
// ctx carries, and is a no-op on a context without one.
func TestSetSubject(t *testing.T) {
	tests := []struct {
		name string
		req  *Request
	}{
		{"with a request", &Request{}},
		{"without a request", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.req != nil {
				ctx = WithRequest(ctx, tt.req)
			}
			SetSubject(ctx, "us-east-1:pool", "us-east-1:identity")
			if tt.req != nil && (tt.req.Pool != "us-east-1:pool" || tt.req.Identity != "us-east-1:identity") {
				t.Errorf("got pool %q identity %q, want us-east-1:pool and us-east-1:identity", tt.req.Pool, tt.req.Identity)
			}
		})
	}
}
