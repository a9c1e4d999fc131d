package emulator

import (
	"errors"
	"net/http"
	"strings"
	"time"

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
	failSignature                       // the signature does not match, or is not made as AWS requires
	failStale                           // the signature's date is too far from now
)

// authenticate finds who signed r, a request to api. The signature must be
// well formed. Credentials idpool issued (those with a session token, or an
// ASIA key id) are always verified, and so are the fixtures' developer
// credentials and IAM users' active access keys (which sign as their user;
// an inactive one is refused in either mode). Other keys are the
// developer's own, which idpool does not know: they act as the account's
// root in permissive mode and are refused in strict mode (as the root of
// the default region's partition when the scope names no region). A
// verified signature must also be scoped to api's service and to a region
// name, which AWS checks before the key. Whatever the key, a scope that
// names a region has made the request Regional before it gets here (see
// scopeRegion): the services know only that region's pools and identities
// (protocol.Elsewhere), as AWS's endpoint of the region does, since on AWS
// the client's configured region picks the endpoint whether or not idpool
// knows the key. On a refusal it returns the reason and AWS's message for
// it, and states in words what AWS's message leaves out (see
// protocol.SetReason): whose key signed, which check failed.
func (s *Server) authenticate(r *http.Request, body []byte, a *api, res *resource) (*protocol.Principal, failure, string) {
	ctx := r.Context()
	sig, err := sigv4.Parse(r)
	switch {
	case errors.Is(err, sigv4.ErrMissing):
		protocol.SetReason(ctx, operation(r)+" must be signed with SigV4, and the request has neither an Authorization header nor a presigned X-Amz-Signature")
		return nil, failMissing, "Missing Authentication Token"
	case errors.Is(err, sigv4.ErrSignatureMismatch):
		return nil, failSignature, err.Error()
	case err != nil:
		return nil, failMalformed, strings.TrimPrefix(err.Error(), "sigv4: ")
	}
	issued := sig.SessionToken != "" || strings.HasPrefix(sig.AccessKeyID, "ASIA")
	secret, known := s.developers[sig.AccessKeyID]
	var user *protocol.Principal // set for an IAM user's access key
	if !issued && !known {
		var status string
		secret, user, status = s.userKey(r.Context(), sig.AccessKeyID)
		known = status == "Active"
		if status != "" && !known {
			// A key its user deactivated (UpdateAccessKey) signs nothing,
			// in either mode, as AWS refuses it.
			protocol.SetReason(ctx, "access key "+sig.AccessKeyID+" of "+user.ARN+" is "+status+": UpdateAccessKey makes it Active again")
			return nil, failUnknownToken, "The security token included in the request is invalid."
		}
	}
	if issued || known || s.cfg.Strict {
		if s.cfg.Strict {
			// Only strict mode's authorization reads what the request
			// names: permissive mode reads the body once, in its codec.
			*res = a.resource(r, body)
		}
		if protocol.IsRegion(sig.Region) {
			res.Region = sig.Region
		}
		if err := sig.CheckScope(res.Region, a.scope); err != nil {
			protocol.SetReason(ctx, scopeReason(err, sig))
			return nil, failSignature, err.Error()
		}
	}
	if !issued {
		switch {
		case known:
			whose := func() string {
				if user != nil {
					return "access key " + sig.AccessKeyID + " of " + user.ARN
				}
				return "fixture developer key " + sig.AccessKeyID
			}
			if f, msg := s.verify(r, body, sig, secret, a.skew, whose); f != 0 {
				return nil, f, msg
			}
		case s.cfg.Strict:
			protocol.SetReason(ctx, "strict mode: access key "+sig.AccessKeyID+" is neither a fixture developer key nor an active IAM user's access key, and the request carries no session token idpool issued")
			return nil, failUnknownToken, "The security token included in the request is invalid."
		}
		if user != nil {
			// An IAM user's key is its partition's, as credentials are.
			if part := protocol.Partition(sig.Region); protocol.ARNPartition(user.ARN) != part {
				protocol.SetReason(ctx, "access key "+sig.AccessKeyID+" of "+user.ARN+" belongs to another partition than "+part+", that of "+sig.Region+" the request is signed for")
				return nil, failUnknownToken, "The security token included in the request is invalid."
			}
			s.iamSvc.KeyUsed(sig.AccessKeyID, sig.Service, sig.Region, s.now())
			return user, 0, ""
		}
		return &protocol.Principal{
			AccessKeyID: sig.AccessKeyID,
			Account:     s.cfg.AccountID,
			ARN:         "arn:" + protocol.Partition(protocol.RegionFrom(ctx, s.cfg.Region)) + ":iam::" + s.cfg.AccountID + ":root",
			UserID:      s.cfg.AccountID,
		}, 0, ""
	}
	c, err := s.creds.Open(sig.SessionToken)
	switch {
	case errors.Is(err, creds.ErrExpired):
		if now := s.now(); now.Before(c.Expiration) {
			protocol.SetReason(ctx, "credentials "+c.AccessKeyID+" were expired early by the test controls")
		} else {
			protocol.SetReason(ctx, "credentials "+c.AccessKeyID+" expired at "+c.Expiration.UTC().Format(time.RFC3339)+", "+now.Sub(c.Expiration).Round(time.Second).String()+" ago")
		}
		return nil, failExpiredToken, "The security token included in the request is expired"
	case err != nil:
		protocol.SetReason(ctx, tokenReason(sig))
		return nil, failUnknownToken, "The security token included in the request is invalid."
	case c.AccessKeyID != sig.AccessKeyID:
		protocol.SetReason(ctx, "the session token is that of credentials "+c.AccessKeyID+", and the request is signed with access key "+sig.AccessKeyID)
		return nil, failUnknownToken, "The security token included in the request is invalid."
	}
	p := sts.Principal(c)
	// Credentials are their partition's: another partition's endpoint does
	// not know them (a region name is sure here: CheckScope required one).
	if part := protocol.Partition(sig.Region); protocol.ARNPartition(p.ARN) != part {
		protocol.SetReason(ctx, "credentials "+c.AccessKeyID+" of "+p.ARN+" belong to another partition than "+part+", that of "+sig.Region+" the request is signed for")
		return nil, failUnknownToken, "The security token included in the request is invalid."
	}
	if f, msg := s.verify(r, body, sig, c.SecretAccessKey, a.skew, func() string { return "credentials " + c.AccessKeyID + " of " + p.ARN }); f != 0 {
		return nil, f, msg
	}
	if a == &iamAPI {
		// IAM refuses them as an invalid token whatever the caller may
		// do, so in both modes. (STS refuses its own operations itself,
		// in its own words.)
		if why := sts.Refusal(c, "iam:"+operation(r)); why != "" {
			protocol.SetReason(ctx, "credentials "+c.AccessKeyID+" are "+why)
			return nil, failUnknownToken, "The security token included in the request is invalid"
		}
	}
	res.cred = &c
	return p, 0, ""
}

// scopeRegion returns the region of r's SigV4 credential scope, "" when r
// carries none. One endpoint serves every region, so the scope's region is
// the request's: that of a signed operation, and that of an operation the
// model leaves unsigned whose client signs it anyway, such as
// AssumeRoleWithWebIdentity, whose aws:RequestedRegion AWS takes from the
// endpoint the client is configured for. A scope that names a region
// makes the request Regional (protocol.Request): AWS's endpoint of that
// region knows only its own pools and identities, whichever key signed,
// and whether or not the operation needs a signature. It only reads the
// scope, which every request pays: authenticate parses and checks the
// signature, and protocol.RegionFrom takes the value only if it is a
// region name.
func scopeRegion(r *http.Request) string {
	cred := r.Header.Get("Authorization")
	if _, c, ok := strings.Cut(cred, "Credential="); ok {
		cred = c
	} else if strings.Contains(r.URL.RawQuery, "X-Amz-Credential=") {
		cred = r.URL.Query().Get("X-Amz-Credential")
	} else {
		return ""
	}
	// <access key>/<date>/<region>/<service>/aws4_request
	_, rest, _ := strings.Cut(cred, "/")
	_, rest, _ = strings.Cut(rest, "/")
	region, _, ok := strings.Cut(rest, "/")
	if !ok {
		return ""
	}
	return region
}

// tokenReason says why a session token idpool cannot open is refused.
func tokenReason(sig *sigv4.Signature) string {
	if sig.SessionToken == "" {
		return "access key " + sig.AccessKeyID + " is a temporary one (ASIA…), and the request carries no X-Amz-Security-Token"
	}
	return "the session token of access key " + sig.AccessKeyID + " is not one idpool issued: AWS's own, another idpool's, one issued before an in-memory idpool restarted, or cut short"
}

// scopeReason says which scope a signature needed, and why a scope of no
// region fails: any region name will do, since one endpoint serves them
// all, and that region is then the request's.
func scopeReason(err error, sig *sigv4.Signature) string {
	var se *sigv4.Error
	if !errors.As(err, &se) || se.Detail == "" {
		return ""
	}
	if !protocol.IsRegion(sig.Region) {
		return se.Detail + " (" + sig.Region + " is not a region name)"
	}
	return se.Detail
}

// verify checks sig with secret, the secret of the key whose owner whose
// names in words, allowing the request's date window (the API's skew) from
// the server's clock; whose runs only for a refusal's reason, so that a
// request that verifies pays nothing for it.
func (s *Server) verify(r *http.Request, body []byte, sig *sigv4.Signature, secret string, window time.Duration, whose func() string) (failure, string) {
	err := s.verifier.Verify(r, body, sig, secret, s.now(), window)
	if err == nil {
		return 0, ""
	}
	// sigv4's own message names the times of a stale signature, and its
	// Detail the check behind a mismatch that AWS's message leaves open.
	why := err.Error()
	if se := (*sigv4.Error)(nil); errors.As(err, &se) && se.Detail != "" {
		why = se.Detail
	}
	protocol.SetReason(r.Context(), "signed with "+whose()+": "+why)
	switch {
	case errors.Is(err, sigv4.ErrExpired):
		// AWS's own words, with the times: clients that correct their
		// clock read them.
		return failStale, err.Error()
	case errors.Is(err, sigv4.ErrMalformed):
		return failMalformed, err.Error()
	}
	return failSignature, err.Error()
}

// auth authenticates r for api, then authorizes the principal for the
// operation and the resource r names.
func (s *Server) auth(a *api, r *http.Request, body []byte) (*protocol.Principal, error) {
	var res resource
	p, f, msg := s.authenticate(r, body, a, &res)
	if f != 0 {
		return nil, a.refuse(f, msg)
	}
	if err := s.authorize(r, a, operation(r), p, &res); err != nil {
		return nil, err
	}
	return p, nil
}

// operation is the name of the operation the codec routed r to.
func operation(r *http.Request) string {
	if req := protocol.RequestFrom(r.Context()); req != nil {
		return req.Operation
	}
	return ""
}

// authJSON authenticates for Cognito Identity.
func (s *Server) authJSON(r *http.Request, body []byte) (*protocol.Principal, error) {
	return s.auth(&identityAPI, r, body)
}

// authQuery authenticates for STS.
func (s *Server) authQuery(r *http.Request, body []byte) (*protocol.Principal, error) {
	return s.auth(&stsAPI, r, body)
}

// authIAM authenticates for IAM.
func (s *Server) authIAM(r *http.Request, body []byte) (*protocol.Principal, error) {
	return s.auth(&iamAPI, r, body)
}

// authREST authenticates for Cognito Sync.
func (s *Server) authREST(r *http.Request, body []byte) (*protocol.Principal, error) {
	return s.auth(&syncAPI, r, body)
}

// refuseJSON answers an authentication failure as the AWS JSON services
// do: 400 and their own codes.
func refuseJSON(f failure, msg string) error {
	code := map[failure]string{
		failMissing:      "MissingAuthenticationTokenException",
		failMalformed:    "IncompleteSignatureException",
		failUnknownToken: "UnrecognizedClientException",
		failExpiredToken: "ExpiredTokenException",
		failSignature:    "InvalidSignatureException",
		failStale:        "InvalidSignatureException",
	}[f]
	return protocol.BadRequest(code, "%s", msg)
}

// refuseQuery answers an authentication failure as STS does: its own
// codes, and 403 for refused credentials.
func refuseQuery(f failure, msg string) error {
	switch f {
	case failMissing:
		return protocol.Errorf(http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
	case failMalformed:
		return protocol.BadRequest("IncompleteSignature", "%s", msg)
	case failUnknownToken:
		return protocol.Errorf(http.StatusForbidden, "InvalidClientTokenId", "%s", msg)
	case failExpiredToken:
		return protocol.Errorf(http.StatusForbidden, "ExpiredToken", "%s", msg)
	default:
		return protocol.Errorf(http.StatusForbidden, "SignatureDoesNotMatch", "%s", msg)
	}
}

// refuseREST answers an authentication failure as Cognito Sync does: the
// JSON services' codes, with 403 for refused credentials.
func refuseREST(f failure, msg string) error {
	err := refuseJSON(f, msg)
	if e, ok := protocol.As(err); ok && f != failMalformed {
		e.Status = http.StatusForbidden
	}
	return err
}
