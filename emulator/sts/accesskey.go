package sts

import (
	"context"
	"errors"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/protocol"
)

// GetAccessKeyInfoInput is the model's GetAccessKeyInfoRequest.
type GetAccessKeyInfoInput struct{ AccessKeyId string }

// GetAccessKeyInfoOutput is the model's GetAccessKeyInfoResponse.
type GetAccessKeyInfoOutput struct{ Account string }

// GetAccessKeyInfo answers the account an access key id belongs to. AWS
// reads it from the id itself, whatever the key's state, without looking
// the key up. idpool's ids do not encode an account, so it answers the
// account of the credentials it issued under the id when it still knows
// them (those issued or used since start, expired ones too: see
// creds.Issuer.Lookup), which is that of their principal, as
// GetCallerIdentity answers it (a session of another account's role is
// that account's); and for any other key id (a developer's, an IAM
// user's, or one it never saw) the one account it plays. The codec has
// checked the id's shape.
//
// A GetSessionToken or federated user session may not call it (see
// Refusal); a role session may.
func (s *Service) GetAccessKeyInfo(ctx context.Context, in *GetAccessKeyInfoInput) (*GetAccessKeyInfoOutput, error) {
	caller, ok := protocol.PrincipalFrom(ctx)
	if !ok {
		return nil, errNotSigned()
	}
	if err := s.refuse(ctx, caller, "GetAccessKeyInfo"); err != nil {
		return nil, err
	}
	if s.issuer != nil {
		c, err := s.issuer.Lookup(in.AccessKeyId)
		if err == nil || errors.Is(err, creds.ErrExpired) {
			if acct := Principal(c).Account; acct != "" {
				return &GetAccessKeyInfoOutput{Account: acct}, nil
			}
		}
	}
	return &GetAccessKeyInfoOutput{Account: s.cfg.AccountID}, nil
}
