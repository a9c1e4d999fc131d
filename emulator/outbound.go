package emulator

import (
	"context"
	"errors"
	"net/http"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/outbound"
	"github.com/idpool/idpool/protocol"
)

// The account's outbound identity federation (package outbound): the
// issuer's discovery documents, which external services fetch without
// signing, and what its services need of the server.

// outboundDocument serves the document doc returns for the issuer id of
// the path, unauthenticated, whether or not the feature is enabled (the
// tokens issued before it was disabled still verify). An id that is not
// the account's issuer is answered 404 in the control plane's shape.
func (s *Server) outboundDocument(doc func(ctx context.Context, id string) ([]byte, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, err := doc(r.Context(), r.PathValue("id"))
		if errors.Is(err, outbound.ErrUnknownIssuer) {
			s.adminError(w, r, http.StatusNotFound, "no outbound identity federation issuer "+r.PathValue("id")+
				" (IAM's EnableOutboundWebIdentityFederation makes the account's, and GetOutboundWebIdentityFederationInfo names it)", nil)
			return
		}
		if err != nil {
			s.adminError(w, r, http.StatusServiceUnavailable, "outbound identity federation keys unavailable", err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	}
}

// withRequestBase gives IAM's requests the scheme and host they were made
// to, which the first EnableOutboundWebIdentityFederation stores as the
// issuer's base, the base while idpool runs without --public-url.
func withRequestBase(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(outbound.WithRequestBase(r.Context(), requestBase(r))))
	})
}

// heldPrincipalTags returns the principal tags of the caller p as IAM
// holds them now, the principal_tags of its web identity tokens: for c,
// the credentials of a role session idpool issued that p signs with, its
// role's tags under its session tags (see heldSessionTags); else the tags
// of the IAM user p signs as, none when IAM holds no such user (see
// heldUser), and none for the account's root.
func (s *Server) heldPrincipalTags(ctx context.Context, p *protocol.Principal, c *creds.Credentials) (map[string]string, error) {
	if issuedRole(c) {
		return heldSessionTags(ctx, s.store, &c.Session)
	}
	if !isUser(p) {
		return nil, nil
	}
	u, held, err := heldUser(ctx, s.store, p)
	if err != nil || !held || len(u.Tags) == 0 {
		return nil, err
	}
	tags := make(map[string]string, len(u.Tags))
	for _, t := range u.Tags {
		tags[t.Key] = t.Value
	}
	return tags, nil
}
