package sts

import (
	"context"
	"strings"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/protocol"
)

// Refusal says why credentials c, which STS issued, may not do action
// ("iam:GetRole", "sts:AssumeRole", in any case) whatever any policy
// allows, as AWS refuses them before it reads one; "" when nothing refuses
// them so. The rules are the GetSessionToken and GetFederationToken API
// references': a GetSessionToken session calls no IAM operation unless it
// was made with MFA, and no STS operation but AssumeRole and
// GetCallerIdentity; a federated user's session (which carries UserARN
// too, and never MFA) calls no IAM operation and no STS operation but
// GetCallerIdentity; and no temporary credentials call GetSessionToken or
// GetFederationToken. A role session is refused nothing else here.
//
// The STS service refuses its own operations with it (see refuse); the
// request path refuses IAM's with it, and /_idpool/authorize answers
// implicitDeny for what it refuses.
func Refusal(c creds.Credentials, action string) string {
	sess := c.Session
	service, op, _ := strings.Cut(action, ":")
	is := func(name string) bool { return strings.EqualFold(op, name) }
	fed := Federated(sess)
	switch {
	case strings.EqualFold(service, "iam") && fed:
		return "a federated user's session (GetFederationToken) of " + sess.UserARN + ", which may call no IAM operation"
	case strings.EqualFold(service, "iam") && sess.UserARN != "" && sess.MFA == 0:
		return "a GetSessionToken session of " + sess.UserARN + " made without MFA, which IAM refuses: call GetSessionToken with SerialNumber and TokenCode"
	case !strings.EqualFold(service, "sts"):
		return ""
	case is("GetSessionToken") || is("GetFederationToken"):
		return "session credentials of " + Principal(c).ARN + ", which may not call " + op + ": it needs long-term keys"
	case fed && !is("GetCallerIdentity"):
		return "a federated user's session (GetFederationToken) of " + sess.UserARN + ", which may call no STS operation but GetCallerIdentity"
	case sess.UserARN != "" && !is("GetCallerIdentity") && !is("AssumeRole"):
		return "a GetSessionToken session of " + sess.UserARN + ", which may call no STS operation but AssumeRole and GetCallerIdentity"
	}
	return ""
}

// refuse refuses the STS operation op to the caller when its credentials
// may not call it (see Refusal), in AWS's words for every such refusal
// ("Cannot call GetSessionToken with session credentials", as users paste
// it). Long-term keys are refused nothing here.
func (s *Service) refuse(ctx context.Context, caller *protocol.Principal, op string) error {
	from := s.issued(caller)
	if from == nil {
		return nil
	}
	why := Refusal(*from, "sts:"+op)
	if why == "" {
		return nil
	}
	protocol.SetReason(ctx, "credentials "+caller.AccessKeyID+" are "+why)
	return errAccessDenied("Cannot call %s with session credentials", op)
}
