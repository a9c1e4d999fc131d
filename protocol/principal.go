package protocol

import (
	"context"
	"strings"
)

// Principal is who signed a request, as the authenticating codec found it.
// Services read it from the context (GetCallerIdentity, Cognito Sync's
// "only your own identity" rule). A Principal may be shared by concurrent
// requests of the same credentials: it is read-only.
type Principal struct {
	AccessKeyID string
	Account     string
	// ARN and UserID are what GetCallerIdentity answers: an assumed-role
	// ARN and "AROA…:session" for temporary credentials, the account root
	// for a developer's own keys.
	ARN    string
	UserID string
	// Temporary is true for credentials idpool issued (they carry a
	// session token); IdentityID and PoolID are set when a Cognito identity
	// got them through GetCredentialsForIdentity.
	Temporary  bool
	IdentityID string
	PoolID     string
	// SessionToken is the session token of temporary credentials idpool
	// issued, which holds their session: STS reads the caller's session
	// from it when the caller assumes a role.
	SessionToken string
}

// RoleSession reports whether p signed with credentials of an assumed
// role: those of a Cognito identity, of AssumeRole or of
// AssumeRoleWithWebIdentity. A GetSessionToken session is temporary but
// acts as its IAM user or root, whose ARN it has.
func (p *Principal) RoleSession() bool {
	return p.Temporary && strings.Contains(p.ARN, ":assumed-role/")
}

type principalKey struct{}

// WithPrincipal returns a context carrying p. When ctx carries a Request
// (every request the server serves does), p is recorded in it and ctx
// itself is returned: the codecs authenticate every signed request, and a
// derived context would cost a copy of the request to carry.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	if r := RequestFrom(ctx); r != nil {
		r.Principal = p
		return ctx
	}
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal carried by ctx, if the request was
// signed.
func PrincipalFrom(ctx context.Context) (*Principal, bool) {
	if r := RequestFrom(ctx); r != nil && r.Principal != nil {
		return r.Principal, true
	}
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok && p != nil
}
