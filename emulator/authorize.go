package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

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
	// s3:prefix…); the session's keys are added by idpool.
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
	res, _, err := s.sessionDecision(r.Context(), &c.Session, p, in.Action, in.Resource, in.Context)
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

// sessionDecision evaluates the permission policies of the IAM role of an
// issued session p for action on resource, with the condition keys AWS
// gives that session (cognito-identity.amazonaws.com:sub and the rest) and
// extra, the request's own keys. A role IAM does not hold has no policies:
// everything is an implicit deny, as it would be in AWS. It also returns
// why in words when the decision is not Allowed (see denyReason).
func (s *Server) sessionDecision(ctx context.Context, sess *creds.Session, p *protocol.Principal, action, resource string, extra map[string][]string) (policy.Result, string, error) {
	ps, err := s.iamSvc.RolePolicies(ctx, sess.RoleARN)
	held := true
	if e, ok := protocol.As(err); ok && e.Code == "NoSuchEntity" {
		ps, err, held = nil, nil, false
	}
	if err != nil {
		return policy.Result{}, "", err
	}
	who := policy.Session{
		Account: p.Account, RoleARN: sess.RoleARN, Name: sess.SessionName,
		Provider: sess.Provider, Subject: sess.Subject, Audience: sess.Audience,
		AMR: sess.AMR, Tags: sess.PrincipalTags,
	}
	// A role session's user id is "<role id>:<session name>".
	who.RoleID, _, _ = strings.Cut(p.UserID, ":")
	keys := who.Keys()
	for k, v := range extra {
		keys[k] = v
	}
	req := policy.Request{Action: action, Resource: resource, Context: keys}
	res := policy.Evaluate(ps, nil, req)
	if res.Decision == policy.Allowed {
		return res, "", nil
	}
	return res, denyReason(sess.RoleARN, held, ps, res, req), nil
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
