package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/protocol"
)

// authorizeRequest asks whether issued credentials may do Action on
// Resource: a local service that receives requests signed with them (an
// S3 or DynamoDB stand-in) asks idpool what AWS would decide.
type authorizeRequest struct {
	SessionToken string
	Action       string
	Resource     string
	// Context holds the request's own condition keys (aws:SourceIp,
	// s3:prefix…); the session's keys are added by idpool, and keys of
	// the principal or session in Context are ignored (see decisionKeys).
	Context map[string][]string
}

type authorizeMatch struct {
	PolicyId   string
	PolicyType string
	Statement  int
	Sid        string `json:",omitempty"`
}

type authorizeResponse struct {
	Decision          string // allowed, explicitDeny or implicitDeny
	Principal         string
	RoleArn           string
	MatchedStatements []authorizeMatch
}

// evaluate answers POST /_idpool/authorize: the role's inline and managed
// policies, evaluated with the session's condition keys
// (cognito-identity.amazonaws.com:sub and the rest) and the request's own.
// A role IAM does not hold has no policies, so everything is an
// implicitDeny, as it would be in AWS.
func (s *Server) evaluate(w http.ResponseWriter, r *http.Request) {
	var in authorizeRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil || in.SessionToken == "" || in.Action == "" {
		s.adminError(w, r, http.StatusBadRequest, `want a JSON body {"SessionToken": "…", "Action": "service:Name", "Resource": "arn:…", "Context": {…}}`, nil)
		return
	}
	c, err := s.creds.Open(in.SessionToken)
	switch {
	case errors.Is(err, creds.ErrExpired):
		s.adminError(w, r, http.StatusForbidden, "the credentials are expired", nil)
		return
	case err != nil:
		s.adminError(w, r, http.StatusForbidden, "the session token is not one idpool issued", nil)
		return
	}
	if in.Resource == "" {
		in.Resource = "*"
	}
	p := sts.Principal(c)
	res, _, err := s.sessionDecision(r.Context(), &c, p, in.Action, in.Resource, in.Context)
	if err != nil {
		s.adminError(w, r, http.StatusInternalServerError, "reading the role's policies failed", err)
		return
	}
	out := authorizeResponse{Decision: res.Decision.String(), Principal: p.ARN, RoleArn: c.Session.RoleARN, MatchedStatements: []authorizeMatch{}}
	for _, m := range res.Matched {
		out.MatchedStatements = append(out.MatchedStatements, authorizeMatch{PolicyId: m.PolicyID, PolicyType: m.PolicyType, Statement: m.Statement, Sid: m.Sid})
	}
	writeJSON(w, http.StatusOK, out)
}

// sessionDecision evaluates the permission policies of the IAM role of
// issued credentials c (whose principal is p) for action on resource, with
// the condition keys AWS gives that session (cognito-identity.amazonaws.com:sub,
// aws:TokenIssueTime and the rest) and request, the request's own keys
// (see decisionKeys). A role IAM does not hold has no policies: everything
// is an implicit deny, as it would be in AWS. It also returns why in words
// when the decision is not Allowed (see denyReason).
func (s *Server) sessionDecision(ctx context.Context, c *creds.Credentials, p *protocol.Principal, action, resource string, request map[string][]string) (policy.Result, string, error) {
	sess := &c.Session
	ps, err := s.iamSvc.RolePolicies(ctx, sess.RoleARN)
	held := true
	if e, ok := protocol.As(err); ok && e.Code == "NoSuchEntity" {
		ps, err, held = nil, nil, false
	}
	if err != nil {
		return policy.Result{}, "", err
	}
	req := policy.Request{Action: action, Resource: resource, Context: decisionKeys(sessionKeys(c, p), request, s.now())}
	res := policy.Evaluate(ps, nil, req)
	if res.Decision == policy.Allowed {
		return res, "", nil
	}
	return res, denyReason(sess.RoleARN, held, ps, res, req), nil
}

// decisionKeys is the request context of a request of session who at now:
// the request's own keys from request (aws:SourceIp, aws:RequestedRegion,
// s3:prefix…), aws:CurrentTime and aws:EpochTime from now where request
// has none, and the session's keys. request describes the request and
// never the principal: a key of the principal or its session in it
// (aws:userid, aws:PrincipalTag/…, a web identity provider's :sub…) is
// dropped, so that a caller of /_idpool/authorize cannot pass for another
// identity or a session it is not.
func decisionKeys(who *policy.Session, request map[string][]string, now time.Time) map[string][]string {
	keys := who.Keys()
	for k, v := range request {
		if !principalKey(k) {
			keys[k] = v
		}
	}
	has := func(key string) bool {
		for k := range request {
			if strings.EqualFold(k, key) {
				return true
			}
		}
		return false
	}
	if !has("aws:CurrentTime") {
		keys["aws:CurrentTime"] = []string{now.UTC().Format(time.RFC3339)}
	}
	if !has("aws:EpochTime") {
		keys["aws:EpochTime"] = []string{strconv.FormatInt(now.Unix(), 10)}
	}
	return keys
}

// principalKey reports whether the condition key k (case-insensitive, as
// IAM's are) describes the principal or its session rather than the
// request: aws:userid, aws:username, aws:Principal…, aws:TokenIssueTime,
// aws:FederatedProvider, aws:SourceIdentity, the MFA keys, and every key
// of a web identity provider, which is named by the provider's host
// (cognito-identity.amazonaws.com:sub, localhost:8080:sub) where a
// service's keys have a service prefix (s3:prefix).
func principalKey(k string) bool {
	prefix, name, ok := strings.Cut(k, ":")
	if !ok {
		return false
	}
	if strings.EqualFold(prefix, "aws") {
		name = strings.ToLower(name)
		switch name {
		case "userid", "username", "tokenissuetime", "federatedprovider", "sourceidentity",
			"multifactorauthpresent", "multifactorauthage", "assumedroot":
			return true
		}
		return strings.HasPrefix(name, "principal")
	}
	for _, c := range prefix {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return true // a host: cognito-identity.amazonaws.com, token.example.com/path
		}
	}
	// A host with a port (localhost:8080:sub); no service key starts
	// with a digit.
	return prefix == "" || name != "" && '0' <= name[0] && name[0] <= '9'
}

// denyReason says in words why the permission policies ps of role (held:
// IAM holds the role) refused req: the Deny statement that matched, or,
// policy by policy, why no Allow statement did.
func denyReason(role string, held bool, ps []policy.Named, res policy.Result, req policy.Request) string {
	switch {
	case !held:
		return "IAM holds no role " + role + ", so its sessions have no permission policies and may do nothing"
	case res.Decision == policy.ExplicitDeny:
		m := res.Matched[0]
		st := "statement " + strconv.Itoa(m.Statement+1)
		if m.Sid != "" {
			st += " (" + m.Sid + ")"
		}
		return req.Action + " on " + req.Resource + " is explicitly denied by " + st + " of policy " + m.PolicyID + " of role " + role
	case len(ps) == 0:
		return "role " + role + " has no permission policies, so its sessions may do nothing"
	}
	var b strings.Builder
	b.WriteString("no permission policy of role " + role + " allows " + req.Action + " on " + req.Resource)
	for _, p := range ps {
		why := "allows nothing"
		if p.Doc != nil {
			why = p.Doc.Explain(req)
			// Explain starts by saying no statement allows the action,
			// which is said once above.
			why = strings.TrimPrefix(strings.TrimPrefix(why, "no statement allows "+req.Action), "; ")
			if why == "" {
				why = "no Allow statement"
			}
		}
		b.WriteString("; policy " + p.ID + ": " + why)
	}
	return b.String()
}
