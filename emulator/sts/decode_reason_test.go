package sts

import (
	"context"
	"strings"
	"testing"

	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
)

// TestDecodeAuthorizationMessageReason: the refusal of a message idpool
// did not encode tells the console why, with the message's length, as the
// 400 alone does not.
func TestDecodeAuthorizationMessageReason(t *testing.T) {
	e := newEnv(t, Config{}, tokens.Config{})
	tests := []struct {
		name, message, want string
	}{
		{"short message", "this-is-not-valid", "the 17-character message is not one idpool encoded"},
		{"one character", "x", "the 1-character message is not one idpool encoded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &protocol.Request{}
			ctx := protocol.WithPrincipal(protocol.WithRequest(context.Background(), req), iamUser)
			_, err := e.svc.DecodeAuthorizationMessage(ctx, &DecodeAuthorizationMessageInput{EncodedMessage: tt.message})
			wantError(t, err, CodeInvalidAuthorization, 400, msgUndecodable)
			if !strings.Contains(req.Reason, tt.want) {
				t.Errorf("reason: got %q, want it to contain %q", req.Reason, tt.want)
			}
		})
	}
}
