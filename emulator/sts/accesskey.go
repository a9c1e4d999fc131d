package sts

import (
	"context"

	"github.com/idpool/idpool/protocol"
)

// GetAccessKeyInfoInput is the model's GetAccessKeyInfoRequest.
type GetAccessKeyInfoInput struct{ AccessKeyId string }

// GetAccessKeyInfoOutput is the model's GetAccessKeyInfoResponse.
type GetAccessKeyInfoOutput struct{ Account string }

// GetAccessKeyInfo answers the account an access key id belongs to. AWS
// reads it from the id itself, whatever the key's state, without looking
// the key up; idpool plays one account, so every key id (a developer's,
// an IAM user's, credentials it issued, or one it never saw) answers that
// account. The codec has checked the id's shape.
//
// A GetSessionToken or federated user session may not call it (see
// Refusal); a role session may.
func (s *Service) GetAccessKeyInfo(ctx context.Context, _ *GetAccessKeyInfoInput) (*GetAccessKeyInfoOutput, error) {
	caller, ok := protocol.PrincipalFrom(ctx)
	if !ok {
		return nil, errNotSigned()
	}
	if err := s.refuse(ctx, caller, "GetAccessKeyInfo"); err != nil {
		return nil, err
	}
	return &GetAccessKeyInfoOutput{Account: s.cfg.AccountID}, nil
}
