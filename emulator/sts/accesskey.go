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
// A GetSessionToken session may call no STS operation but AssumeRole and
// GetCallerIdentity (the GetSessionToken API reference); a role session
// may call it.
func (s *Service) GetAccessKeyInfo(ctx context.Context, _ *GetAccessKeyInfoInput) (*GetAccessKeyInfoOutput, error) {
	caller, ok := protocol.PrincipalFrom(ctx)
	if !ok {
		return nil, errNotSigned()
	}
	if caller.Temporary && !caller.RoleSession() {
		protocol.SetReason(ctx, "credentials "+caller.AccessKeyID+" are a GetSessionToken session of "+caller.ARN+
			", which may call only AssumeRole and GetCallerIdentity among STS's operations")
		return nil, errAccessDenied("Cannot call GetAccessKeyInfo with session credentials")
	}
	return &GetAccessKeyInfoOutput{Account: s.cfg.AccountID}, nil
}
