package cognitosync

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// A SyncSessionToken binds an UpdateRecords call to a ListRecords of the
// same identity and dataset. AWS describes it as opaque, "containing a
// session ID, identity ID, and expiration"; idpool's is
//
//	base64url(payload) "." base64url(HMAC-SHA256(sessionKey, payload))
//	payload = identityId NUL datasetName NUL issuedAt (unix milliseconds)
//
// It is valid for Config.SessionTTL after issuedAt and may be used any
// number of times within it. Neither an identity id nor a dataset name can
// contain NUL (their model patterns forbid it), so the payload splits
// unambiguously.

// sessionSkew is how far in the future an issue time may lie, for a clock
// that stepped back since the token was issued.
const sessionSkew = time.Minute

// issueSession returns a SyncSessionToken for (identity, dataset) issued at now.
func (s *Service) issueSession(identity, dataset string, now time.Time) string {
	payload := identity + "\x00" + dataset + "\x00" + strconv.FormatInt(now.UnixMilli(), 10)
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(s.mac([]byte(payload)))
}

// mac returns HMAC-SHA256(sessionKey, payload).
func (s *Service) mac(payload []byte) []byte {
	h := hmac.New(sha256.New, s.sessionKey)
	h.Write(payload)
	return h.Sum(nil)
}

// validSession reports whether token is a SyncSessionToken this service
// issued for (identity, dataset) that has not expired at now.
func (s *Service) validSession(token, identity, dataset string, now time.Time) bool {
	return s.sessionProblem(token, identity, dataset, now) == ""
}

// sessionProblem says in words why token is not a valid SyncSessionToken
// for (identity, dataset) at now, for the console (see
// protocol.SetReason); "" when it is valid.
func (s *Service) sessionProblem(token, identity, dataset string, now time.Time) string {
	const notIssued = "the SyncSessionToken is not one this idpool issued"
	p64, m64, ok := strings.Cut(token, ".")
	if !ok {
		return notIssued
	}
	enc := base64.RawURLEncoding
	payload, err := enc.DecodeString(p64)
	if err != nil {
		return notIssued
	}
	sum, err := enc.DecodeString(m64)
	if err != nil {
		return notIssued
	}
	if !hmac.Equal(sum, s.mac(payload)) {
		return notIssued
	}
	id, rest, ok := strings.Cut(string(payload), "\x00")
	if !ok {
		return notIssued
	}
	if id != identity {
		return "the SyncSessionToken was issued to identity " + id + ", not " + identity
	}
	name, at, ok := strings.Cut(rest, "\x00")
	if !ok {
		return notIssued
	}
	if name != dataset {
		return "the SyncSessionToken was issued for dataset " + name + ", not " + dataset
	}
	ms, err := strconv.ParseInt(at, 10, 64)
	if err != nil {
		return notIssued
	}
	issued := time.UnixMilli(ms)
	switch age := now.Sub(issued); {
	case age < -sessionSkew:
		return "the SyncSessionToken was issued at " + issued.UTC().Format(time.RFC3339) + ", later than now"
	case age >= s.cfg.SessionTTL:
		return "the SyncSessionToken of ListRecords at " + issued.UTC().Format(time.RFC3339) + " expired after " + s.cfg.SessionTTL.String()
	}
	return ""
}
