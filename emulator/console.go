package emulator

import (
	"context"
	"errors"
	"time"

	"github.com/idpool/idpool/emulator/console"
	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/emulator/providers"
	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/storage"
)

// newConsole builds the web console over the server's own operations.
func (s *Server) newConsole(ids *identity.Service, reg *providers.Registry) (*console.Console, error) {
	return console.New(console.Config{
		Store:  s.store,
		Logger: s.logger,
		Now:    s.now,
		Describe: func(ctx context.Context, id string) (any, error) {
			return ids.DescribeIdentityPool(ctx, &identity.DescribeIdentityPoolInput{IdentityPoolId: id})
		},
		Roles: func(ctx context.Context, id string) (any, error) {
			return ids.GetIdentityPoolRoles(ctx, &identity.GetIdentityPoolRolesInput{IdentityPoolId: id})
		},
		Verify: func(ctx context.Context, token string) []console.Check {
			return s.verifyChecks(ctx, reg, token)
		},
		DeleteIdentity: func(ctx context.Context, id string) error {
			return s.store.Update(ctx, func(tx storage.Tx) error { return tx.DeleteIdentity(ctx, id) })
		},
		Expire: func(ctx context.Context, key string, expiry time.Time) error {
			return s.revoked.Revoke(ctx, storage.RevokedCredentials, key, expiry)
		},
		CredentialsExpired: func(key string) bool {
			return s.revoked.Any(storage.RevokedCredentials) && s.revoked.Revoked(storage.RevokedCredentials, key)
		},
		TokenExpired: s.tokenExpiredEarly,
		RotateKey: func(ctx context.Context) (string, error) {
			if err := s.tokens.Rotate(ctx); err != nil {
				return "", err
			}
			return s.tokens.ActiveKeyID(ctx)
		},
		Reset: s.resetStore,
	})
}

// issueRecorder records for the console the credentials and tokens issued
// to identities. to is set once, before the server serves, when the
// console is on; while it is nil nothing is recorded.
type issueRecorder struct {
	to  *console.Issued
	now func() time.Time
}

// credentials records credentials of a Cognito identity, whether
// GetCredentialsForIdentity or STS issued them.
func (r *issueRecorder) credentials(c creds.Credentials) {
	if r.to == nil || c.Session.IdentityID == "" {
		return
	}
	r.to.Add(console.Issue{IdentityID: c.Session.IdentityID, Kind: "credentials", ID: c.AccessKeyID, Role: c.Session.RoleARN, At: r.now(), Expires: c.Expiration})
}

// recordingIssuer is the identity service's token issuer: it records each
// OpenID token signed for an identity.
type recordingIssuer struct {
	*verified
	r *issueRecorder
}

func (ri recordingIssuer) Sign(ctx context.Context, c tokens.Claims) (string, error) {
	tok, err := ri.verified.Sign(ctx, c)
	if err == nil && ri.r.to != nil {
		ri.r.to.Add(console.Issue{IdentityID: c.Subject, Kind: "OpenID token", At: ri.r.now(), Expires: c.Expiry})
	}
	return tok, err
}

// trustReason says which condition of role's trust policy refused pr, or
// refused the sts:TagSession a tagged session also needs.
func trustReason(role string, doc *policy.Document, pr policy.Request) string {
	why := doc.Explain(pr)
	if why == "" {
		pr.Action = "sts:TagSession"
		why = doc.Explain(pr)
	}
	return "trust policy of " + role + ": " + why
}

// verifyChecks says whether token verifies against idpool's own keys, and
// against the declared provider its iss names, in words.
func (s *Server) verifyChecks(ctx context.Context, reg *providers.Registry, token string) []console.Check {
	var checks []console.Check
	t, err := tokens.Parse(token)
	if err != nil {
		return nil
	}
	iss := t.Issuer()
	if iss == s.cfg.Issuer {
		c := console.Check{Name: "Signed by idpool's keys (" + iss + ")"}
		if _, err := s.tokens.Verify(ctx, token); err != nil {
			c.Detail = err.Error()
			if errors.Is(err, tokens.ErrExpired) {
				c.Detail += " (the signature is good; the token is past its expiry)"
			}
		} else {
			c.OK = true
			c.Detail = "signature, issuer and expiry check out"
			if s.tokenExpiredEarly(token) {
				c.OK, c.Detail = false, "expired early by the test controls"
			}
		}
		return append(checks, c)
	}
	if iss == "" || !reg.Has(iss) {
		return append(checks, console.Check{Name: "Issuer known", Detail: "iss " + iss + " is neither idpool's (" + s.cfg.Issuer + ") nor a declared provider's; idpool cannot check its signature"})
	}
	c := console.Check{Name: "Verifies against the declared provider " + iss}
	if _, err := reg.Verify(ctx, iss, token, nil, providers.LoginSkew); err != nil {
		c.Detail = err.Error()
	} else {
		c.OK, c.Detail = true, "signature, issuer, audience and times check out"
	}
	return append(checks, c)
}

// tokenExpiredEarly reports whether the test controls expired one of
// idpool's tokens before its expiry.
func (s *Server) tokenExpiredEarly(token string) bool {
	return s.revoked.Any(storage.RevokedToken) && s.revoked.Revoked(storage.RevokedToken, tokenID(token))
}
