package emulator

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/idpool/idpool/emulator/arn"
	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/awsquery"
	"github.com/idpool/idpool/storage"
)

// IAM users in strict mode. As on AWS, a request signed with an IAM
// user's access key (or with its GetSessionToken session, which carries
// the user's permissions) may do what the user's own policies allow,
// inline and attached, and nothing else: a user without policies may call
// no signed Cognito Identity, Cognito Sync or IAM operation. STS decides
// its operations itself (see roles.Authorize): GetCallerIdentity and
// GetSessionToken need no permission on AWS, and AssumeRole is decided by
// the role's trust policy and, where that trusts only the account, the
// user's policies. A role session's IAM requests are decided the same way,
// by its role's policies capped by its boundary and session policies (see
// authorizeOwn): IAM names the same resources and refuses in the same
// words for every caller.

// isUser reports whether p signs as an IAM user: with its access key or a
// GetSessionToken session of it.
func isUser(p *protocol.Principal) bool {
	if p == nil {
		return false
	}
	a, ok := arn.Parse(p.ARN)
	return ok && a.Service == "iam" && strings.HasPrefix(a.Resource, "user/")
}

// iamResource keeps the parameters of an IAM request, as its operation
// decodes them (awsquery.Params), for authorize to find the entity it acts
// on (see iamTarget). Parameters the codec cannot read are none: the codec
// refused that request before authentication.
func iamResource(r *http.Request, body []byte) resource {
	ps, _ := awsquery.Params(r, body)
	return resource{Params: ps}
}

// iamParams keeps of form, the parameters of a request to the IAM
// operation op, those of the members op's input declares, which are all it
// reads (awsquery.Service.Declares): a parameter of another name, such as
// a RoleName sent to CreateAccessKey, must not choose the entity a request
// is authorized on while the operation acts on another. Everything that
// finds what an IAM request acts on reads the form this returns.
func (s *Server) iamParams(op string, form url.Values) url.Values {
	kept := make(url.Values, len(form))
	for name, v := range form {
		member, _, _ := strings.Cut(name, ".")
		if s.iamQuery.Declares(op, member) {
			kept[name] = v
		}
	}
	return kept
}

// authorizeOwn decides, in strict mode, whether p may call op of a on res
// by p's own permission policies, as AWS decides in one account without
// resource policies: an IAM user's (userDecision) and a federated user's
// (federatedDecision: its IAM user's and its session policies), for every
// signed Cognito Identity, Cognito Sync and IAM operation, and those of a
// role session (sessionDecision: its role's, capped by its boundary and
// session policies), for IAM. They must allow the operation's action on its
// resource, with the request's condition keys, and deny it nowhere.
func (s *Server) authorizeOwn(r *http.Request, a *api, op string, p *protocol.Principal, res *resource) error {
	if a == &stsAPI {
		return nil
	}
	ctx := r.Context()
	if a == &iamAPI {
		res.Params = s.iamParams(op, res.Params)
	}
	user := isUser(p)
	if a == &iamAPI && !user && ownUser[op] && !res.Params.Has("UserName") {
		// The operation refuses it (ValidationError, "Must specify
		// userName when calling with non-User credentials") before any
		// permission is looked at, as AWS does for a role's instance
		// credentials without IAM permissions.
		return nil
	}
	action, keys := a.scope+":"+op, requestKeys(r, res.Region)
	decide := func(target string) (policy.Result, string, refuser, error) {
		return s.callerDecision(ctx, res.cred, p, action, target, keys)
	}
	// target is what the policies are evaluated on, shown what the
	// refusal names; UpdateUser and UpdateGroup need the action on the
	// user or group it renames or moves too (next).
	var target, shown, next, nextShown string
	switch a {
	case &iamAPI:
		target, shown = s.iamTarget(ctx, op, res.Params, p)
		if err := s.iamKeys(ctx, op, res.Params, target, keys); err != nil {
			return err
		}
		if op == "UpdateUser" {
			next, nextShown = s.updatedUser(ctx, res.Params, p)
		}
		if op == "UpdateGroup" {
			next, nextShown = s.updatedGroup(ctx, res.Params, p)
		}
	default:
		shown, target = s.resourceARN(a, res), s.decisionARN(a, op, res)
		if err := s.poolKeys(ctx, a, op, target, res.json, keys); err != nil {
			return err
		}
	}
	s.addResourceAccount(keys, target)
	d, why, by, err := decide(target)
	if err != nil {
		return err
	}
	if d.Decision == policy.Allowed && next != "" {
		shown = nextShown
		if d, why, by, err = decide(next); err != nil {
			return err
		}
	}
	if d.Decision == policy.Allowed {
		if a == &identityAPI || a == &syncAPI {
			return s.authorizePassRole(r, a, op, p, res)
		}
		return nil
	}
	protocol.SetReason(ctx, "strict mode: "+why)
	if a == &iamAPI {
		// IAM says which kind of policy refused, as AWS's IAM does.
		return protocol.Errorf(a.denied, "AccessDenied", "User: %s is not authorized to perform: %s on resource: %s%s", p.ARN, action, shown, by.because(d.Decision, action))
	}
	return protocol.Errorf(a.denied, "AccessDeniedException", "User: %s is not authorized to perform: %s on resource: %s", p.ARN, action, shown)
}

// refuser is the kind of policy that refused a request, as IAM's refusals
// name it: "because no session policy allows the iam:GetRole action".
type refuser string

const (
	byIdentity refuser = "identity-based policy"
	byBoundary refuser = "permissions boundary"
	bySession  refuser = "session policy"
	// byResource is the refuser of a cross-account request: only a
	// resource-based policy of the resource's account lets another
	// account's principal in (see otherAccount).
	byResource refuser = "resource-based policy"
)

// because is the end of IAM's and STS's refusal of action, which by
// refused with decision d (an ImplicitDeny or an ExplicitDeny): " because
// no session policy allows the iam:GetRole action", " with an explicit
// deny in an identity-based policy".
func (by refuser) because(d policy.Decision, action string) string {
	if d == policy.ExplicitDeny {
		return " with an explicit deny in " + by.article() + string(by)
	}
	return " because no " + string(by) + " allows the " + action + " action"
}

// article is the indefinite article of by's name in "with an explicit deny
// in an identity-based policy".
func (by refuser) article() string {
	if by == byIdentity {
		return "an "
	}
	return "a "
}

// userDecision evaluates the inline and attached policies of the IAM user
// p, capped by its permissions boundary if it has one, for action on
// resource, with the user's condition keys (see
// callerKeys and userTags), the request's own keys (see decisionKeys), and
// the MFA of its GetSessionToken session c, if it signed with one. For a
// federated user's session c (whose principal is p) it evaluates the
// policies of the IAM user that asked for it with the federated user's
// keys (see federatedKeys), as AWS does: aws:PrincipalType FederatedUser,
// not User. A user IAM no longer holds (see heldUser) has no policies. It
// also returns why in words when the decision is not Allowed, and the kind
// of policy that refused: the boundary (see boundaryRefused) or the user's
// own.
func (s *Server) userDecision(ctx context.Context, p *protocol.Principal, c *creds.Credentials, action, resource string, request map[string][]string) (_ policy.Result, why string, by refuser, _ error) {
	user := p
	if federated(c) {
		user = federatingUser(p, &c.Session)
	}
	u, held, err := heldUser(ctx, s.store, user)
	if err != nil {
		return policy.Result{}, "", "", err
	}
	var set policy.Set
	if held {
		if set, held, err = orNone(s.iamSvc.UserPolicies(ctx, u.ARN)); err != nil {
			return policy.Result{}, "", "", err
		}
	}
	now := s.now()
	var keys map[string][]string
	switch {
	case user != p:
		keys = federatedKeys(p, &c.Session, u, held)
	default:
		keys = callerKeys(p, nil, nil)
		if held {
			userTags(keys, u)
		}
	}
	keys = withRequest(keys, request, now)
	var mfa int64
	if c != nil {
		mfa = c.Session.MFA
	}
	addMFAKeys(keys, p.Temporary, mfa, now)
	req := policy.Request{Action: action, Resource: resource, AWS: p.ARN, Context: keys, Lists: requestLists(ctx)}
	res := set.Evaluate(req)
	if res.Decision == policy.Allowed {
		return res, "", "", nil
	}
	switch {
	case !held && u.ID != "" && u.ID != user.UserID:
		return res, createdAgainReason("user", u.ARN, u.ID, user.UserID, "these credentials"), byIdentity, nil
	case !held:
		return res, "IAM holds no user " + user.ARN + ", so its keys have no permission policies and may do nothing", byIdentity, nil
	}
	if boundaryRefused(set, res, policy.Set{Identity: set.Identity}.Evaluate(req).Decision) {
		return res, boundaryDenyReason("user "+user.ARN, set.Boundary[0], res, req), byBoundary, nil
	}
	return res, policiesDenyReason("user "+user.ARN, set.Identity, res, req), byIdentity, nil
}

// heldUser returns the IAM user that p, who signs as an IAM user (with its
// access key or a GetSessionToken session of it), names, as IAM holds it
// now, found by p's UserId when UpdateUser renamed it since p's session
// was issued. held is false when IAM holds no user of p's name or UserId,
// or holds one of another UserId than p's under p's name: a user deleted
// and created again under the same name is another principal, as on
// AWS, whose policies and tags the sessions of the deleted one do not
// carry. u is then the other user, if any.
func heldUser(ctx context.Context, store storage.Reader, p *protocol.Principal) (u storage.User, held bool, err error) {
	u, err = store.GetUser(ctx, roleName(p.ARN))
	switch {
	case err == nil && u.ID == p.UserID:
		return u, true, nil
	case errors.Is(err, storage.ErrNotFound):
		u = storage.User{}
	case err != nil:
		return storage.User{}, false, err
	}
	if p.UserID == "" {
		return u, false, nil
	}
	// UpdateUser may have renamed p's user since its session was issued:
	// the user keeps its UserId, and its sessions their permissions.
	switch renamed, err := storage.UserByID(ctx, store, p.UserID); {
	case err == nil:
		return renamed, true, nil
	case !errors.Is(err, storage.ErrNotFound):
		return storage.User{}, false, err
	}
	return u, false, nil
}

// userTags adds to keys the tags of the IAM user u as
// aws:PrincipalTag/<key>, as AWS gives them to the requests of the user
// and of its GetSessionToken sessions (attribute-based access control),
// and to the trust policies of the roles it assumes.
func userTags(keys map[string][]string, u storage.User) {
	for _, t := range u.Tags {
		keys["aws:PrincipalTag/"+t.Key] = []string{t.Value}
	}
}

// callerDecision evaluates the permission policies of the caller p, with
// the credentials c idpool issued if it signed with those: an IAM user's
// own (userDecision) for its key or its GetSessionToken session, else
// those of the role of the role session c (sessionDecision). The
// account's root, and its GetSessionToken session, may do everything, as
// the developer's credentials may in strict mode: its decision is Allowed
// by no statement.
func (s *Server) callerDecision(ctx context.Context, c *creds.Credentials, p *protocol.Principal, action, resource string, request map[string][]string) (_ policy.Result, why string, by refuser, _ error) {
	switch {
	case federated(c):
		return s.federatedDecision(ctx, c, p, action, resource, request)
	case isUser(p):
		return s.userDecision(ctx, p, c, action, resource, request)
	case arn.IsRoot(p.ARN):
		return policy.Result{Decision: policy.Allowed}, "", "", nil
	}
	return s.sessionDecision(ctx, c, p, action, resource, request)
}

// ownUser holds the IAM operations whose UserName defaults to the
// caller's own user: without one, they act on the caller.
var ownUser = map[string]bool{
	"GetUser": true, "CreateAccessKey": true, "ListAccessKeys": true, "DeleteAccessKey": true, "UpdateAccessKey": true,
	"ListSigningCertificates": true, "ListMFADevices": true, "ListSSHPublicKeys": true,
	"ListServiceSpecificCredentials": true, "GetLoginProfile": true, "DeleteLoginProfile": true,
	"DeactivateMFADevice": true,
}

// iamTarget returns the resource an IAM request acts on, as IAM
// authorizes it, and as its refusal names it. It is authorized on the group
// (the group operations, AddUserToGroup's too), role or user it names (by its ARN with the path IAM holds, or the path a
// CreateRole or CreateUser gives; EnableMFADevice, ResyncMFADevice,
// DeactivateMFADevice and ListMFADevices act on their user), else the MFA
// device it names by SerialNumber or creates
// (arn:aws:iam::<account>:mfa<path><name>, as the Service Authorization
// Reference lists them), else the policy, OpenID Connect provider
// or simulated principal it names (a policy or provider it creates by the
// ARN it will have), else, for the operations on the caller's own user,
// the caller; GetAccessKeyLastUsed on the user of the key it names.
// ListRoles, ListUsers and ListGroups act on the ARN of their
// kind and PathPrefix (arn:aws:iam::<account>:role/ by default);
// ListPolicies on "*"; the other listings and the custom simulations on
// "*". An entity is named in the partition of the caller, whose keys are
// its partition's.
//
// The refusal names the resource as AWS's IAM does: an operation on a
// named role, user or managed policy by its kind and the name the request
// gives ("role Reader", "user dev"; "policy <ARN>", and "policy <name>"
// for CreatePolicy), CreateRole, CreateUser, the listings of a kind, the
// OpenID Connect providers and the simulated principals by the ARN, and
// ListPolicies by "policy path <PathPrefix>".
func (s *Server) iamTarget(ctx context.Context, op string, form url.Values, p *protocol.Principal) (target, shown string) {
	prefix := "arn:" + protocol.ARNPartition(p.ARN) + ":iam::" + s.cfg.AccountID + ":"
	path := form.Get("Path")
	if path == "" {
		path = "/"
	}
	under := form.Get("PathPrefix")
	if under == "" {
		under = "/"
	}
	switch op {
	case "ListRoles":
		return prefix + "role" + under, prefix + "role" + under
	case "ListUsers":
		return prefix + "user" + under, prefix + "user" + under
	case "ListGroups":
		return prefix + "group" + under, prefix + "group" + under
	case "ListPolicies":
		return "*", "policy path " + under
	}
	return s.entityTarget(ctx, op, form, p, prefix, path)
}

// entityTarget is iamTarget's resource of an operation on one entity, "*"
// for one on none, and how its refusal names it.
func (s *Server) entityTarget(ctx context.Context, op string, form url.Values, p *protocol.Principal, prefix, path string) (target, shown string) {
	// The group operations act on the group (AddUserToGroup and
	// RemoveUserFromGroup too, which name a user as well), else on the
	// role or user named: by the ARN with the path and name IAM holds
	// (the request's Path for the operation that creates it), shown as
	// "<kind> <name>" (the ARN, for the operation that creates it).
	for _, e := range []struct {
		kind, param, create string
		held                func(name string) (path, stored string, err error)
	}{
		{"group", "GroupName", "CreateGroup", func(n string) (string, string, error) { g, err := s.store.GetGroup(ctx, n); return g.Path, g.Name, err }},
		{"role", "RoleName", "CreateRole", func(n string) (string, string, error) { r, err := s.store.GetRole(ctx, n); return r.Path, r.Name, err }},
		{"user", "UserName", "CreateUser", func(n string) (string, string, error) { u, err := s.store.GetUser(ctx, n); return u.Path, u.Name, err }},
	} {
		if !form.Has(e.param) {
			continue
		}
		name, create := form.Get(e.param), op == e.create
		held, heldPath := name, path
		if hp, hn, err := e.held(name); err == nil && !create {
			heldPath, held = hp, hn
		}
		t := prefix + e.kind + heldPath + held
		if create {
			return t, t
		}
		return t, e.kind + " " + name
	}
	switch {
	case form.Has("SerialNumber") && !ownUser[op]:
		// DeleteVirtualMFADevice, and GetMFADevice without a user, act
		// on the device: its ARN is its serial number. DeactivateMFADevice
		// acts on its user, the caller without one.
		return form.Get("SerialNumber"), form.Get("SerialNumber")
	case op == "CreateVirtualMFADevice":
		t := prefix + "mfa" + path + form.Get("VirtualMFADeviceName")
		return t, t
	case form.Has("PolicySourceArn"):
		return form.Get("PolicySourceArn"), form.Get("PolicySourceArn")
	case form.Has("PolicyArn"):
		return form.Get("PolicyArn"), "policy " + form.Get("PolicyArn")
	case form.Has("OpenIDConnectProviderArn"):
		return form.Get("OpenIDConnectProviderArn"), form.Get("OpenIDConnectProviderArn")
	case op == "CreatePolicy":
		return prefix + "policy" + path + form.Get("PolicyName"), "policy " + form.Get("PolicyName")
	case op == "CreateOpenIDConnectProvider":
		u := form.Get("Url")
		t := prefix + "oidc-provider/" + strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
		return t, t
	case ownUser[op]:
		return p.ARN, "user " + roleName(p.ARN)
	case op == "GetAccessKeyLastUsed":
		// On the user of the key; a key IAM does not hold is no one's.
		if k, err := s.store.GetAccessKey(ctx, form.Get("AccessKeyId")); err == nil {
			if u, err := s.store.GetUser(ctx, k.UserName); err == nil {
				return prefix + "user" + u.Path + u.Name, "user " + u.Name
			}
		}
	}
	return "*", "*"
}

// updatedUser returns the ARN the user an UpdateUser request names will
// have, which the caller needs iam:UpdateUser on too, as AWS's IAM
// documents: its NewPath and NewUserName, else the path and name IAM holds
// (the request's own name for a user it does not hold, which IAM then
// refuses). The refusal names it as "user <name>", the name it will have.
func (s *Server) updatedUser(ctx context.Context, form url.Values, p *protocol.Principal) (target, shown string) {
	name, path := form.Get("UserName"), "/"
	if u, err := s.store.GetUser(ctx, name); err == nil {
		name, path = u.Name, u.Path
	}
	if form.Get("NewUserName") != "" {
		name = form.Get("NewUserName")
	}
	if form.Get("NewPath") != "" {
		path = form.Get("NewPath")
	}
	return "arn:" + protocol.ARNPartition(p.ARN) + ":iam::" + s.cfg.AccountID + ":user" + path + name, "user " + name
}

// iamKeys adds to keys the IAM condition keys of an IAM request to op
// whose parameters are form, authorized on target (see iamTarget), as the
// Service Authorization Reference lists them:
//   - iam:PolicyARN, the managed policy an Attach or Detach operation names;
//   - iam:PermissionsBoundary, the boundary CreateRole, CreateUser or a
//     Put…PermissionsBoundary sets (the request's), and for the other
//     operations that list it (AttachRolePolicy, DeleteRolePolicy,
//     DeleteRolePermissionsBoundary, GetRole…) the boundary the target role
//     or user has now, none when it has none: AWS's "deny removing the
//     boundary" and "change only roles with this boundary" policies rely on
//     it;
//   - aws:ResourceTag/<key>, the tags of the role, user, managed policy,
//     OpenID Connect provider or MFA device IAM holds as target (and
//     iam:ResourceTag/<key> for a role or user), none for one the request
//     creates;
//   - aws:RequestTag/<key> and aws:TagKeys, the tags a Create… or Tag…
//     operation gives, and aws:TagKeys, the keys an Untag… one removes.
func (s *Server) iamKeys(ctx context.Context, op string, form url.Values, target string, keys map[string][]string) error {
	switch op {
	case "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy":
		if form.Has("PolicyArn") {
			keys["iam:PolicyARN"] = []string{form.Get("PolicyArn")}
		}
	}
	e, err := s.heldEntity(ctx, op, target)
	if err != nil {
		return err
	}
	boundary := e.boundary
	if boundarySet[op] {
		boundary = form.Get("PermissionsBoundary")
	}
	if (boundarySet[op] || boundaryHeld[op]) && boundary != "" {
		keys["iam:PermissionsBoundary"] = []string{boundary}
	}
	for _, t := range e.tags {
		keys["aws:ResourceTag/"+t.Key] = []string{t.Value}
		if e.iamTags {
			keys["iam:ResourceTag/"+t.Key] = []string{t.Value}
		}
	}
	member := ""
	switch {
	case strings.HasPrefix(op, "Untag"):
		member = "TagKeys"
	case strings.HasPrefix(op, "Tag") || creates[op]:
		member = "Tags"
	}
	if member != "" {
		names, values := requestList(s.iamQuery, op, form, member)
		tagKeys(keys, names, values)
	}
	return nil
}

// requestList returns the list member of the input of the query operation
// op of svc, as the operation reads it from form (awsquery.Service.Input:
// sparse indexes in order, as the codec keeps them): for a list of tags
// ({Key, Value} elements), their keys and values, values[i] being
// names[i]'s; for a list of strings (TagKeys), the strings as names and no
// values. A request the codec cannot read has none: the operation
// refuses it.
func requestList(svc *awsquery.Service, op string, form url.Values, member string) (names, values []string) {
	in, _ := svc.Input(op, form)
	list, _ := in[member].([]any)
	for _, e := range list {
		switch e := e.(type) {
		case string:
			names = append(names, e)
		case map[string]any:
			if k, ok := e["Key"].(string); ok {
				v, _ := e["Value"].(string)
				names, values = append(names, k), append(values, v)
			}
		}
	}
	return names, values
}

// tagKeys adds to keys the tag keys of a request, names, as aws:TagKeys,
// and, with values (values[i] is names[i]'s; nil for an Untag…
// operation), as aws:RequestTag/<key>. A request without tags has neither
// key, as on AWS.
func tagKeys(keys map[string][]string, names, values []string) {
	if len(names) == 0 {
		return
	}
	keys["aws:TagKeys"] = names
	for i, k := range names {
		if i < len(values) {
			keys["aws:RequestTag/"+k] = []string{values[i]}
		}
	}
}

// boundarySet holds the IAM operations whose iam:PermissionsBoundary is
// the boundary the request sets; boundaryHeld those whose key is the
// boundary of the role or user they act on, as the Service Authorization
// Reference lists them.
var (
	boundarySet = map[string]bool{
		"CreateRole": true, "CreateUser": true, "PutRolePermissionsBoundary": true, "PutUserPermissionsBoundary": true,
	}
	boundaryHeld = map[string]bool{
		"AttachRolePolicy": true, "AttachUserPolicy": true, "DetachRolePolicy": true, "DetachUserPolicy": true,
		"PutRolePolicy": true, "PutUserPolicy": true, "DeleteRolePolicy": true, "DeleteUserPolicy": true,
		"DeleteRolePermissionsBoundary": true, "DeleteUserPermissionsBoundary": true,
		"DeleteRole": true, "GetRole": true, "UpdateAssumeRolePolicy": true, "UpdateRole": true, "UpdateRoleDescription": true,
	}
)

// creates holds the IAM operations that create a tagged entity: their
// target is not yet held, and their tags are the request's.
var creates = map[string]bool{
	"CreateRole": true, "CreateUser": true, "CreatePolicy": true,
	"CreateOpenIDConnectProvider": true, "CreateVirtualMFADevice": true,
}

// iamEntity is what the condition keys of a request need of the entity it
// acts on: its tags, whether they are also iam:ResourceTag/<key> (a role's
// or a user's), and its permissions boundary.
type iamEntity struct {
	tags     []storage.Tag
	iamTags  bool
	boundary string
}

// heldEntity returns the entity IAM holds as target, the ARN a request to
// op is authorized on, the zero iamEntity when it holds none (or op
// creates it).
func (s *Server) heldEntity(ctx context.Context, op, target string) (iamEntity, error) {
	a, ok := arn.Parse(target)
	if !ok || a.Service != "iam" || creates[op] {
		return iamEntity{}, nil
	}
	kind, rest, _ := strings.Cut(a.Resource, "/")
	name := rest[strings.LastIndex(rest, "/")+1:]
	if name == "" {
		// A listing's kind and path prefix (role/app/): no entity.
		return iamEntity{}, nil
	}
	var e iamEntity
	var err error
	switch kind {
	case "role":
		var r storage.Role
		if r, err = s.store.GetRole(ctx, name); err == nil && a.Resource == "role"+r.Path+r.Name {
			e = iamEntity{tags: r.Tags, iamTags: true, boundary: r.Boundary}
		}
	case "user":
		var u storage.User
		if u, err = s.store.GetUser(ctx, name); err == nil && a.Resource == "user"+u.Path+u.Name {
			e = iamEntity{tags: u.Tags, iamTags: true, boundary: u.Boundary}
		}
	case "policy":
		var mp storage.ManagedPolicy
		if mp, err = s.store.GetManagedPolicy(ctx, target); err == nil {
			e.tags = mp.Tags
		}
	case "oidc-provider":
		var o storage.OIDCProvider
		if o, err = s.store.GetOIDCProvider(ctx, target); err == nil {
			e.tags = o.Tags
		}
	case "mfa":
		var d storage.MFADevice
		if d, err = s.store.GetMFADevice(ctx, target); err == nil {
			e.tags = d.Tags
		}
	}
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return iamEntity{}, err
	}
	return e, nil
}

// updatedGroup is updatedUser of an UpdateGroup request: the ARN the group
// it names will have (NewPath, NewGroupName), which the caller needs
// iam:UpdateGroup on too, as AWS's IAM documents ("must have permission to
// change the group with the old name and the new name"); the refusal names
// it as "group <name>".
func (s *Server) updatedGroup(ctx context.Context, form url.Values, p *protocol.Principal) (target, shown string) {
	name, path := form.Get("GroupName"), "/"
	if g, err := s.store.GetGroup(ctx, name); err == nil {
		name, path = g.Name, g.Path
	}
	name = cmp.Or(form.Get("NewGroupName"), name)
	path = cmp.Or(form.Get("NewPath"), path)
	return "arn:" + protocol.ARNPartition(p.ARN) + ":iam::" + s.cfg.AccountID + ":group" + path + name, "group " + name
}
