package sts

import (
	"context"
	"fmt"
	"time"

	"github.com/idpool/idpool/emulator/arn"
	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/protocol"
)

// Federated users (GetFederationToken). A federated user's session is
// sealed in its credentials as a creds.Session with UserARN, the IAM user
// or root whose long-term key asked for it, and SessionName, the federated
// user's Name: a GetSessionToken session has no SessionName, a role
// session no UserARN. It acts as arn:<partition>:sts::<account>:
// federated-user/<Name>, whose UserId is "<account>:<Name>" (the
// GetCallerIdentity API reference, example "called by a federated user";
// spec sts.md §4), and may do what both its user's permission policies and
// its session policies allow: without session policies, nothing.

// Federation session limits, in seconds (the GetFederationToken API
// reference: 900 to 129600, 43200 by default, the root's at most 3600; a
// root's request for more gets an hour).
const (
	defaultFederationDuration = 43200
	rootFederationDuration    = 3600
)

// Federated reports whether sess is a federated user's session, issued by
// GetFederationToken.
func Federated(sess creds.Session) bool {
	return sess.UserARN != "" && sess.SessionName != ""
}

// FederatedUserARN returns the ARN of the federated user name of the IAM
// user or root userARN: arn:<partition>:sts::<account>:federated-user/<name>.
func FederatedUserARN(userARN, name string) string {
	a, _ := arn.Parse(userARN)
	return arn.ARN{Partition: a.Partition, Service: "sts", Account: a.Account, Resource: "federated-user/" + name}.String()
}

// federatedPrincipal fills p, the principal of federated user credentials
// c, as GetCallerIdentity answers it.
func federatedPrincipal(p *protocol.Principal, c creds.Credentials) {
	a, _ := arn.Parse(c.Session.UserARN)
	p.Account = a.Account
	p.ARN = FederatedUserARN(c.Session.UserARN, c.Session.SessionName)
	p.UserID = a.Account + ":" + c.Session.SessionName
}

// GetFederationToken mints credentials of a federated user for a caller
// that signs with long-term keys: an IAM user's access key, or the root's
// (the developer's own key). Temporary credentials are refused with AWS's
// text ("AccessDenied: Cannot call GetFederationToken with session
// credentials", as users paste it). Tags, Policy and PolicyArns are
// checked as AssumeRole checks them; the codec has checked Name (2 to 32
// characters of [\w+=,.@-]) and DurationSeconds (900 to 129600) against
// the model.
func (s *Service) GetFederationToken(ctx context.Context, in *GetFederationTokenInput) (*GetFederationTokenOutput, error) {
	caller, ok := protocol.PrincipalFrom(ctx)
	if !ok {
		return nil, errNotSigned()
	}
	if err := s.refuse(ctx, caller, "GetFederationToken"); err != nil {
		return nil, err
	}
	tags, err := sessionTags(ctx, in.Tags, nil)
	if err != nil {
		return nil, err
	}
	packed, err := packedSize(ctx, in.Policy, in.PolicyArns, tags)
	if err != nil {
		return nil, err
	}
	if err := sessionPolicy(ctx, in.Policy); err != nil {
		return nil, err
	}
	root := arn.IsRoot(caller.ARN)
	d := time.Duration(defaultFederationDuration) * time.Second
	if in.DurationSeconds != nil {
		d = time.Duration(*in.DurationSeconds) * time.Second
	}
	if root && d > rootFederationDuration*time.Second {
		d = rootFederationDuration * time.Second
	}
	sess := creds.Session{
		UserARN:           caller.ARN,
		SessionName:       in.Name,
		SourceAccessKeyID: caller.AccessKeyID,
		PrincipalTags:     tags,
		Policy:            deref(in.Policy),
		PolicyARNs:        policyARNs(in.PolicyArns),
	}
	if !root {
		sess.UserID = caller.UserID
	}
	c, err := s.issuer.Issue(sess, d)
	if err != nil {
		return nil, fmt.Errorf("sts: issue credentials: %w", err)
	}
	p := Principal(c)
	out := &GetFederationTokenOutput{
		Credentials:   credentials(c),
		FederatedUser: &FederatedUser{FederatedUserId: p.UserID, Arn: p.ARN},
	}
	if packed != nil {
		out.PackedPolicySize = *packed
	}
	return out, nil
}

// msgUndecodable is what DecodeAuthorizationMessage answers a message it
// cannot decode. AWS's own text was not found in any recording or paste;
// this is worded after the model's documentation of
// InvalidAuthorizationMessageException.
const msgUndecodable = "The encoded authorization message is invalid or has expired."

// DecodeAuthorizationMessage decodes an encoded authorization message of
// AWS's. idpool never answers one (its refusals say why in plain words),
// so every EncodedMessage, which the codec has checked against the model
// (1 to 10240 characters), is one it did not issue: it is answered 400
// InvalidAuthorizationMessageException, as AWS answers a message not its
// own. It is refused to a GetSessionToken or federated user session (see
// Refusal).
func (s *Service) DecodeAuthorizationMessage(ctx context.Context, in *DecodeAuthorizationMessageInput) (*DecodeAuthorizationMessageOutput, error) {
	caller, ok := protocol.PrincipalFrom(ctx)
	if !ok {
		return nil, errNotSigned()
	}
	if err := s.refuse(ctx, caller, "DecodeAuthorizationMessage"); err != nil {
		return nil, err
	}
	protocol.SetReason(ctx, fmt.Sprintf("the %d-character message is not one idpool encoded: idpool never encodes authorization messages, its refusals say why in words, as this one does", len(in.EncodedMessage)))
	return nil, protocol.BadRequest(CodeInvalidAuthorization, msgUndecodable)
}
