package emulator

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/idpool/idpool/emulator/arn"
	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/awsquery"
	"github.com/idpool/idpool/storage"
)

// Federated users and the STS operations that need a permission, in
// strict mode. A federated user's session (GetFederationToken) may do
// what both the permission policies of the IAM user that asked for it and
// its session policies allow, as on AWS (the GetFederationToken API
// reference: "the session permissions are the intersection of the IAM
// user policies and the session policies"; without session policies it
// has no permissions); a root's session what its session policies allow.
// It never calls IAM: authenticate refuses it, in either mode, as it
// refuses a GetSessionToken session made without MFA.

// federated reports whether c, the credentials idpool issued that signed
// a request (nil for long-term keys), are a federated user's session.
func federated(c *creds.Credentials) bool {
	return c != nil && sts.Federated(c.Session)
}

// stsResource keeps the parameters of an STS request, as its operation
// decodes them, for authorizeSTS to find what it acts on.
func stsResource(r *http.Request, body []byte) resource {
	ps, _ := awsquery.Params(r, body)
	return resource{Params: ps}
}

// stsPermission holds the STS operations whose caller needs the
// operation's own permission in strict mode, as on AWS, and what each is
// authorized on. (GetCallerIdentity needs none; AssumeRole is decided by
// the role's trust policy, see roles.Authorize; GetSessionToken needs
// none; GetAccessKeyInfo is left to the service, as before.)
var stsPermission = map[string]func(p *protocol.Principal, ps map[string][]string) string{
	// On "*": the action has no resource type.
	"DecodeAuthorizationMessage": func(*protocol.Principal, map[string][]string) string { return "*" },
	// On the federated user it makes.
	"GetFederationToken": func(p *protocol.Principal, ps map[string][]string) string {
		var name string
		if v := ps["Name"]; len(v) > 0 {
			name = v[0]
		}
		return sts.FederatedUserARN(p.ARN, name)
	},
	// On "*": the action has no resource type (the Service Authorization
	// Reference's sts:GetWebIdentityToken, with its condition keys
	// aws:RequestTag/${TagKey}, aws:TagKeys, sts:DurationSeconds,
	// sts:IdentityTokenAudience and sts:SigningAlgorithm; udondan/iam-floyd
	// lib/generated/policy-statements/sts.ts).
	"GetWebIdentityToken": func(*protocol.Principal, map[string][]string) string { return "*" },
}

// authorizeSTS decides, in strict mode, whether p may call the STS
// operation op that needs a permission (stsPermission): the root and its
// sessions may, an IAM user (its key or its GetSessionToken session) where
// its policies allow it, a role session where its role's and session's
// policies allow it. (A federated user's session is authorizeOwn's.)
func (s *Server) authorizeSTS(r *http.Request, op string, p *protocol.Principal, res *resource) error {
	target, ok := stsPermission[op]
	if !ok {
		return nil
	}
	ctx := r.Context()
	action, on := "sts:"+op, target(p, res.Params)
	keys := requestKeys(r, res.Region)
	s.addResourceAccount(keys, on)
	switch op {
	case "GetFederationToken", "GetWebIdentityToken":
		// The session tags it gives, or the token's request tags, are
		// its aws:RequestTag/<key> and aws:TagKeys, as the Service
		// Authorization Reference lists them for sts:GetFederationToken
		// and sts:GetWebIdentityToken, read as the operation reads them.
		names, values := requestList(s.stsQuery, op, res.Params, "Tags")
		tagKeys(keys, names, values)
	}
	if op == "GetWebIdentityToken" {
		s.webIdentityTokenKeys(keys, res.Params)
	}
	d, why, by, err := s.callerDecision(ctx, res.cred, p, action, on, keys)
	if err != nil {
		return err
	}
	if d.Decision == policy.Allowed {
		return nil
	}
	protocol.SetReason(ctx, "strict mode: "+why)
	// STS, like IAM, says which kind of policy refused.
	return protocol.Errorf(stsAPI.denied, "AccessDenied", "User: %s is not authorized to perform: %s on resource: %s%s", p.ARN, action, on, by.because(d.Decision, action))
}

// federatedDecision evaluates, for action on resource, the permissions of
// the federated user session c (whose principal is p): the IAM user's own
// policies (userDecision, as for the user's own key; the root's allow
// everything), then the session's policies (the inline Policy and the
// managed PolicyArns given to GetFederationToken), which must allow it
// too. A session without session policies may do nothing, as on AWS.
func (s *Server) federatedDecision(ctx context.Context, c *creds.Credentials, p *protocol.Principal, action, resource string, request map[string][]string) (_ policy.Result, why string, by refuser, _ error) {
	sess := &c.Session
	var u storage.User // the IAM user that asked for the session, if IAM holds it
	held := false
	if !arn.IsRoot(sess.UserARN) {
		d, why, by, err := s.userDecision(ctx, p, c, action, resource, request)
		if err != nil || d.Decision != policy.Allowed {
			return d, why, by, err
		}
		if u, held, err = heldUser(ctx, s.store, federatingUser(p, sess)); err != nil {
			return policy.Result{}, "", "", err
		}
	}
	sps, err := s.sessionPolicies(ctx, sess)
	if err != nil {
		return policy.Result{}, "", "", err
	}
	if len(sps) == 0 {
		return policy.Result{Decision: policy.ImplicitDeny}, "the federated user " + p.ARN +
			" was given no session policy (GetFederationToken's Policy or PolicyArns), so it may do nothing", bySession, nil
	}
	now := s.now()
	keys := withRequest(federatedKeys(p, sess, u, held), request, now)
	addMFAKeys(keys, true, sess.MFA, now)
	req := policy.Request{Action: action, Resource: resource, AWS: p.ARN, Context: keys, Lists: requestLists(ctx)}
	res := policy.Set{Identity: sps}.Evaluate(req)
	if res.Decision == policy.Allowed {
		return res, "", "", nil
	}
	if res.Decision == policy.ExplicitDeny {
		m := res.Matched[0]
		return res, req.Action + " on " + req.Resource + " is explicitly denied by " + statement(m) + " of session policy " + m.PolicyID + " of federated user " + p.ARN, bySession, nil
	}
	ids := make([]string, len(sps))
	for i, sp := range sps {
		ids[i] = sp.ID
	}
	return res, sess.UserARN + " allows " + req.Action + " on " + req.Resource + ", but no session policy of federated user " + p.ARN +
		" (" + strings.Join(ids, ", ") + ") allows it: a federated user may do only what both allow", bySession, nil
}

// federatingUser is the principal of the IAM user that asked for the
// federated user's session sess, whose principal is p.
func federatingUser(p *protocol.Principal, sess *creds.Session) *protocol.Principal {
	return &protocol.Principal{AccessKeyID: p.AccessKeyID, Account: p.Account, ARN: sess.UserARN, UserID: sess.UserID, Temporary: true}
}

// federatedKeys returns the condition keys AWS gives a federated user's
// requests, to the policies of its IAM user and to its session policies
// alike: aws:PrincipalArn (its federated-user ARN), aws:PrincipalAccount,
// aws:PrincipalType "FederatedUser", aws:userid "<account>:<Name>" (the
// IAM User Guide's table of aws:userid), and as aws:PrincipalTag/<key>
// its session tags and the tags of its IAM user u (held: IAM holds it), a
// session tag overriding the user's tag of the same key, whatever its case,
// as GetFederationToken's API reference says.
func federatedKeys(p *protocol.Principal, sess *creds.Session, u storage.User, held bool) map[string][]string {
	keys := map[string][]string{
		"aws:PrincipalArn":     {p.ARN},
		"aws:PrincipalAccount": {p.Account},
		"aws:PrincipalType":    {"FederatedUser"},
		"aws:userid":           {p.UserID},
		// An IAM principal, never an AWS service's (see policy.Session.Keys).
		"aws:PrincipalIsAWSService": {"false"},
	}
	var own []storage.Tag
	if held {
		own = u.Tags
	}
	for k, v := range overlay(own, sess.PrincipalTags) {
		keys["aws:PrincipalTag/"+k] = []string{v}
	}
	return keys
}

// webIdentityTokenKeys adds to keys the condition keys of a
// GetWebIdentityToken request whose parameters are ps, as the operation
// reads them: sts:IdentityTokenAudience, every audience it asks (a
// multivalued key, which policies test with ForAllValues, as AWS's
// outbound federation guide and the external services' do),
// sts:SigningAlgorithm, and sts:DurationSeconds, the token's lifetime in
// seconds: the request's, or the 300 it gets without one, so that a
// policy that bounds it ("NumericLessThanEquals") holds the default
// lifetime to its bound as it does an explicit one.
func (s *Server) webIdentityTokenKeys(keys map[string][]string, ps map[string][]string) {
	const op = "GetWebIdentityToken"
	if audiences, _ := requestList(s.stsQuery, op, ps, "Audience"); len(audiences) > 0 {
		keys["sts:IdentityTokenAudience"] = audiences
	}
	in, _ := s.stsQuery.Input(op, ps)
	if alg, ok := in["SigningAlgorithm"].(string); ok {
		keys["sts:SigningAlgorithm"] = []string{alg}
	}
	duration := "300"
	if d, ok := in["DurationSeconds"]; ok {
		duration = fmt.Sprint(d)
	}
	keys["sts:DurationSeconds"] = []string{duration}
}
