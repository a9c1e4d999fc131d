package emulator

import (
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/sigv4"
)

// failure is why a signed request was refused, before it is given the
// wire code of the protocol it came in on.
type failure int

const (
	failMissing      failure = iota + 1 // no signature at all
	failMalformed                       // a signature that does not parse
	failUnknownToken                    // a session token idpool did not issue
	failExpiredToken                    // idpool's credentials, expired
	failSignature                       // the signature does not match
	failStale                           // the signature's date is too far from now
)

// authenticate finds who signed r. The signature must be well formed.
// Credentials idpool issued (those with a session token, or an ASIA key id)
// are always verified, and so are the fixtures' developer credentials.
// Other keys are the developer's own, which idpool does not know: they act
// as the account's root in permissive mode and are refused in strict mode.
// On a refusal it returns the reason and AWS's message for it.
func (s *Server) authenticate(r *http.Request, body []byte) (*protocol.Principal, failure, string) {
	sig, err := sigv4.Parse(r)
	switch {
	case errors.Is(err, sigv4.ErrMissing):
		return nil, failMissing, "Missing Authentication Token"
	case err != nil:
		return nil, failMalformed, strings.TrimPrefix(err.Error(), "sigv4: ")
	}
	// The scope's region is the request's: one endpoint serves them all.
	if req := protocol.RequestFrom(r.Context()); req != nil {
		req.Region = sig.Region
	}
	if sig.SessionToken == "" && !strings.HasPrefix(sig.AccessKeyID, "ASIA") {
		secret, known := s.developers[sig.AccessKeyID]
		switch {
		case known:
			if f, msg := s.verify(r, body, sig, secret); f != 0 {
				return nil, f, msg
			}
		case s.cfg.Strict:
			return nil, failUnknownToken, "The security token included in the request is invalid."
		}
		return &protocol.Principal{
			AccessKeyID: sig.AccessKeyID,
			Account:     s.cfg.AccountID,
			ARN:         "arn:" + protocol.Partition(sig.Region) + ":iam::" + s.cfg.AccountID + ":root",
			UserID:      s.cfg.AccountID,
		}, 0, ""
	}
	c, err := s.creds.Open(sig.SessionToken)
	switch {
	case errors.Is(err, creds.ErrExpired):
		return nil, failExpiredToken, "The security token included in the request is expired"
	case err != nil || c.AccessKeyID != sig.AccessKeyID:
		return nil, failUnknownToken, "The security token included in the request is invalid."
	}
	if f, msg := s.verify(r, body, sig, c.SecretAccessKey); f != 0 {
		return nil, f, msg
	}
	return s.principals.of(c), 0, ""
}

// principalsSize bounds how many principals of issued credentials are
// remembered.
const principalsSize = 4096

// principals remembers the principal of each recently used issued
// credential, by access key id, which is unique to one issue: deriving the
// ARN and the role id costs a hash and string building that would
// otherwise be paid by every signed request.
type principals struct {
	mu sync.Mutex
	m  map[string]*protocol.Principal
}

// of returns the principal of the opened credentials c.
func (ps *principals) of(c creds.Credentials) *protocol.Principal {
	ps.mu.Lock()
	p, ok := ps.m[c.AccessKeyID]
	ps.mu.Unlock()
	if ok {
		return p
	}
	p = sts.Principal(c)
	ps.mu.Lock()
	if ps.m == nil || len(ps.m) >= principalsSize {
		ps.m = make(map[string]*protocol.Principal)
	}
	ps.m[c.AccessKeyID] = p
	ps.mu.Unlock()
	return p
}

// verify checks sig with secret.
func (s *Server) verify(r *http.Request, body []byte, sig *sigv4.Signature, secret string) (failure, string) {
	if err := s.verifier.Verify(r, body, sig, secret, s.now()); err != nil {
		if errors.Is(err, sigv4.ErrExpired) {
			return failStale, "Signature expired: the request time is more than 15 minutes away from the server time."
		}
		return failSignature, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	}
	return 0, ""
}

// authJSON authenticates for the AWS JSON services, which answer every
// authentication failure with 400 and their own codes.
func (s *Server) authJSON(r *http.Request, body []byte) (*protocol.Principal, error) {
	p, f, msg := s.authenticate(r, body)
	if f == 0 {
		return p, nil
	}
	code := map[failure]string{
		failMissing:      "MissingAuthenticationTokenException",
		failMalformed:    "IncompleteSignatureException",
		failUnknownToken: "UnrecognizedClientException",
		failExpiredToken: "ExpiredTokenException",
		failSignature:    "InvalidSignatureException",
		failStale:        "InvalidSignatureException",
	}[f]
	return nil, protocol.BadRequest(code, "%s", msg)
}

// authQuery authenticates for STS, whose codes differ and whose refusals of
// credentials are 403.
func (s *Server) authQuery(r *http.Request, body []byte) (*protocol.Principal, error) {
	p, f, msg := s.authenticate(r, body)
	if f == 0 {
		return p, nil
	}
	switch f {
	case failMissing:
		return nil, protocol.Errorf(http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
	case failMalformed:
		return nil, protocol.BadRequest("IncompleteSignature", "%s", msg)
	case failUnknownToken:
		return nil, protocol.Errorf(http.StatusForbidden, "InvalidClientTokenId", "%s", msg)
	case failExpiredToken:
		return nil, protocol.Errorf(http.StatusForbidden, "ExpiredToken", "%s", msg)
	default:
		return nil, protocol.Errorf(http.StatusForbidden, "SignatureDoesNotMatch", "%s", msg)
	}
}

// authREST authenticates for Cognito Sync, which refuses credentials with
// 403 and the JSON services' codes.
func (s *Server) authREST(r *http.Request, body []byte) (*protocol.Principal, error) {
	p, err := s.authJSON(r, body)
	if e, ok := protocol.As(err); ok && e.Code != "IncompleteSignatureException" {
		e.Status = http.StatusForbidden
	}
	return p, err
}
