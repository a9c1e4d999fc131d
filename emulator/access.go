package emulator

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/idpool/idpool/emulator/arn"
	"github.com/idpool/idpool/emulator/cognitosync"
	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/awsjson"
	"github.com/idpool/idpool/protocol/shape"
	"github.com/idpool/idpool/storage"
)

// api is one of the signed APIs as authentication and authorization
// see it: the service name its signatures are scoped to, how to find the
// resource a request names, and its wire shape for refusals.
type api struct {
	scope    string
	resource func(r *http.Request, body []byte) resource
	refuse   func(f failure, msg string) error
	// denied is the status of AccessDeniedException.
	denied int
	// passed returns the roles a request to op, with its body in as its
	// codec reads it (resource.json), passes to the service, whose
	// principal (iam:PassedToService) is passedTo; nil for an API that
	// passes none.
	passed   func(op string, in map[string]any) []string
	passedTo string
	// skew is how far a signed request's date may be from the server's
	// clock, either way; 0 is sigv4.MaxSkew, 15 minutes, as STS, Cognito
	// Identity and IAM allow.
	skew time.Duration
}

var (
	identityAPI = api{scope: "cognito-identity", resource: jsonResource, refuse: refuseJSON, denied: http.StatusBadRequest,
		passed: passedRoles, passedTo: policy.Cognito}
	stsAPI  = api{scope: "sts", resource: stsResource, refuse: refuseQuery, denied: http.StatusForbidden}
	syncAPI = api{scope: "cognito-sync", resource: syncResource, refuse: refuseREST, denied: http.StatusForbidden,
		passed: syncPassedRoles, passedTo: "cognito-sync.amazonaws.com",
		// Cognito Sync allows 5 minutes: "Signature expired: … (… - 5
		// min.)" (amazon-archives/amazon-cognito-js#29).
		skew: 5 * time.Minute}
	iamAPI = api{scope: "iam", resource: iamResource, refuse: refuseQuery, denied: http.StatusForbidden}
)

// resource is what a signed request names: a pool, an identity, a
// dataset, or (for the tag operations) an ARN; Region is the request's
// region (its signature's) once authentication found it.
type resource struct {
	Pool, Identity, Dataset string
	ARN                     string
	Region                  string
	// Params are the parameters of an IAM request as its operation
	// decodes them, which name the entity it acts on (see iamTarget).
	Params url.Values
	// cred are the credentials idpool issued that signed the request, nil
	// for other keys.
	cred *creds.Credentials
	// json is the body of a Cognito Identity request as its codec parses
	// it (see jsonResource), whose tags its condition keys are (see
	// poolKeys).
	json map[string]any
}

// jsonResource reads the ids a Cognito Identity request names from its
// JSON body, as its operation decodes them: the awsjson codec reads the
// body with protocol.ParseJSONObject and takes a member by its exact name
// (it ignores one named in another case, as AWS does), so that is how
// they are read here too. encoding/json's own matching, which takes the
// last member of any case, would let a body name one pool to authorization
// and another to the operation. For the same reason a member is read only
// when the operation's input declares it (awsjson.Declares): the codec
// drops any other, so a ResourceArn sent to DescribeIdentityPool must not
// choose the pool authorization decides on while the operation answers
// the IdentityPoolId. A member of the wrong type is left empty: validation
// refuses it after authentication.
func jsonResource(r *http.Request, body []byte) resource {
	in, _ := protocol.ParseJSONObject(body)
	op, model := operation(r), shape.CognitoIdentity()
	str := func(name string) string {
		if !awsjson.Declares(model, op, name) {
			return ""
		}
		s, _ := in[name].(string)
		return s
	}
	return resource{Pool: str("IdentityPoolId"), Identity: str("IdentityId"), ARN: str("ResourceArn"), json: in}
}

// syncResource reads the pool, identity and dataset a Cognito Sync path
// names: /identitypools/{pool}[/identities/{id}[/datasets/{name}…]], or
// /identitypools/{pool}/identity/{id}/device; and, for
// SetIdentityPoolConfiguration, whose body gives the pool roles (see
// syncPassedRoles), the body as its codec reads it (restjson's input):
// with protocol.ParseJSONObject, the last copy of a member winning.
func syncResource(r *http.Request, body []byte) resource {
	var res resource
	if operation(r) == "SetIdentityPoolConfiguration" {
		res.json, _ = protocol.ParseJSONObject(body)
	}
	seg := strings.Split(strings.TrimPrefix(protocol.RawPath(r), "/"), "/")
	label := func(i int) string {
		if i >= len(seg) {
			return ""
		}
		v, err := url.PathUnescape(seg[i])
		if err != nil {
			return ""
		}
		return v
	}
	if label(0) != "identitypools" {
		return res
	}
	res.Pool = label(1)
	if k := label(2); k == "identities" || k == "identity" {
		res.Identity = label(3)
		if label(4) == "datasets" {
			res.Dataset = label(5)
		}
	}
	return res
}

// authorize decides whether p may call op of a on res, the resource r
// names. Permissive mode accepts every authenticated principal: the
// services' own rules (Cognito Sync's "only your own identity" for Cognito
// credentials) still apply.
//
// In strict mode, the signed Cognito Identity and Cognito Sync requests of
// a role session idpool issued are decided by the role's permission
// policies in IAM, capped by its permissions boundary and the session's
// policies (for a guest's GetCredentialsForIdentity session, Cognito's
// scope-down policy: see guestScopeDown), as in AWS, with the request's
// global condition keys (see requestKeys): nothing is granted beyond them.
// An identity's credentials need a statement allowing cognito-sync on
// their own data, as the Cognito Developer Guide says a role's policy must
// ("For Amazon Cognito to work, the IAM policy must at least enable access
// to the Amazon Cognito store for each identity", iam-roles.html), and
// Cognito Sync then keeps them to that identity's data whatever the policy
// allows (see syncRefused, cognitosync.ScopeOf). A guest role whose policy
// allows cognito-identity:LookupDeveloperIdentity on a pool may call it
// there, and an explicit Deny refuses an identity even its own Sync data.
// Each action is decided on the ARN of its resource type (decisionARN),
// and refused naming resourceARN.
// A role session's IAM requests, and every request of an IAM user's key
// or its GetSessionToken session, are decided by the caller's own
// policies alone, on the resource IAM names (see authorizeOwn): AWS's
// default Cognito roles allow no IAM action. The developer's own
// credentials (a fixture key, which acts as the account's root, or its
// GetSessionToken session; IAM refuses a session made without MFA: see
// authenticate) may call everything. STS decides its operations itself.
// A caller of another account than idpool's is refused every Cognito
// Identity, Cognito Sync and IAM call before any of this (see
// otherAccount): on AWS it would act in its own account.
func (s *Server) authorize(r *http.Request, a *api, op string, p *protocol.Principal, res *resource) error {
	if err := s.otherAccount(r, a, op, p, res); err != nil {
		return err
	}
	switch {
	case s.cfg.Strict && a == &stsAPI && stsPermission[op] != nil && !federated(res.cred):
		// STS's permissioned operations: see federation.go.
		return s.authorizeSTS(r, op, p, res)
	case s.cfg.Strict && (isUser(p) || federated(res.cred)):
		return s.authorizeOwn(r, a, op, p, res)
	}
	if !s.cfg.Strict || !p.RoleSession() {
		return nil
	}
	if a == &iamAPI {
		// No default role gives an IAM action: the role's own policies
		// decide alone, as they decide an IAM user's.
		return s.authorizeOwn(r, a, op, p, res)
	}
	if a != &identityAPI && a != &syncAPI {
		return nil
	}
	ctx := r.Context()
	action, arn := a.scope+":"+op, s.resourceARN(a, res)
	if res.cred != nil {
		target := s.decisionARN(a, op, res)
		keys := requestKeys(r, res.Region)
		s.addResourceAccount(keys, target)
		if err := s.poolKeys(ctx, a, op, target, res.json, keys); err != nil {
			return err
		}
		d, why, _, err := s.sessionDecision(ctx, res.cred, p, action, target, keys)
		if err != nil {
			return err
		}
		if d.Decision == policy.Allowed {
			return s.authorizePassRole(r, a, op, p, res)
		}
		protocol.SetReason(ctx, "strict mode: "+why)
	}
	return protocol.Errorf(a.denied, "AccessDeniedException", "User: %s is not authorized to perform: %s on resource: %s",
		p.ARN, action, arn)
}

// authorizePassRole decides, in strict mode, whether p, which its
// policies allow the operation op of a, may also pass to the service every
// role the request gives it, as AWS requires: iam:PassRole on each, by the
// same policies that allowed op (callerDecision: an IAM user's, a
// federated user's, a role session's; the root may do everything), with
// the request's global condition keys, iam:PassedToService the service's
// principal, and the role's tags (see iamKeys). The roles are those of
// Cognito Identity's SetIdentityPoolRoles (see passedRoles), passed to
// "cognito-identity.amazonaws.com", and of Cognito Sync's
// SetIdentityPoolConfiguration (see syncResource), passed to
// "cognito-sync.amazonaws.com" (the Service Authorization Reference lists
// iam:PassRole as a dependent action of
// cognito-sync:SetIdentityPoolConfiguration). A role is decided on by the
// ARN IAM holds for it when IAM holds it under another case of its name,
// as STS and GetCredentialsForIdentity take it, so that a Deny on the role
// cannot be sidestepped by its name's case. Without this a caller allowed
// only cognito-identity:SetIdentityPoolRoles could make any role of the
// account a pool's role and take its credentials through
// GetCredentialsForIdentity. The refusal is AWS's: AccessDeniedException
// "User: <caller> is not authorized to perform: iam:PassRole on resource:
// <role ARN>" (seen from SetIdentityPoolRoles in
// awslabs/aws-api-gateway-developer-portal#11), naming the role as the
// request gives it, with a's status for AccessDeniedException.
func (s *Server) authorizePassRole(r *http.Request, a *api, op string, p *protocol.Principal, res *resource) error {
	ctx := r.Context()
	if a == &syncAPI && p.IdentityID != "" {
		// Cognito Sync refuses a pool's configuration to an identity's
		// credentials (NotAuthorizedException) before it takes a role.
		return nil
	}
	if a.passed == nil {
		return nil
	}
	for _, role := range a.passed(op, res.json) {
		target, err := s.passedRole(ctx, role)
		if err != nil {
			return err
		}
		keys := requestKeys(r, res.Region)
		s.addResourceAccount(keys, target)
		keys["iam:PassedToService"] = []string{a.passedTo}
		if err := s.iamKeys(ctx, "PassRole", nil, target, keys); err != nil {
			return err
		}
		d, why, _, err := s.callerDecision(ctx, res.cred, p, "iam:PassRole", target, keys)
		if err != nil {
			return err
		}
		if d.Decision != policy.Allowed {
			protocol.SetReason(ctx, "strict mode: "+op+" passes the role "+role+" to "+a.passedTo+", which needs iam:PassRole on it: "+why)
			return protocol.Errorf(a.denied, "AccessDeniedException", "User: %s is not authorized to perform: iam:PassRole on resource: %s", p.ARN, role)
		}
	}
	return nil
}

// passedRoles returns the distinct role ARNs, sorted, that a Cognito
// Identity request to op passes to the service, read from in, its body as
// the operation's codec reads it (see jsonResource): the values of Roles
// and the RoleARN of every rule of RoleMappings, members taken only where
// op's input declares them, by their exact names, the last copy of a
// repeated one. Only SetIdentityPoolRoles declares them:
// CreateIdentityPool and UpdateIdentityPool take no role. A value that is
// not the ARN of an IAM role is left out: the operation refuses it
// (NotAuthorizedException "Access to Role '<value>' is forbidden.").
func passedRoles(op string, in map[string]any) []string {
	model := shape.CognitoIdentity()
	var roles []string
	add := func(v any) {
		if s, ok := v.(string); ok {
			roles = append(roles, s)
		}
	}
	if awsjson.Declares(model, op, "Roles") {
		m, _ := in["Roles"].(map[string]any)
		for _, v := range m {
			add(v)
		}
	}
	if awsjson.Declares(model, op, "RoleMappings") {
		m, _ := in["RoleMappings"].(map[string]any)
		for _, mapping := range m {
			mapping, _ := mapping.(map[string]any)
			config, _ := mapping["RulesConfiguration"].(map[string]any)
			rules, _ := config["Rules"].([]any)
			for _, rule := range rules {
				rule, _ := rule.(map[string]any)
				add(rule["RoleARN"])
			}
		}
	}
	return roleARNs(roles)
}

// roleARNs returns the distinct values of vals, sorted, that are the ARN
// of an IAM role: the roles a request passes. The operation refuses any
// other value.
func roleARNs(vals []string) []string {
	roles := slices.DeleteFunc(vals, func(v string) bool { return !identity.RoleARN(v) })
	slices.Sort(roles)
	return slices.Compact(roles)
}

// syncPassedRoles returns the distinct role ARNs, sorted, that a Cognito
// Sync request to op passes to the service, read from in, its body as the
// codec reads it: SetIdentityPoolConfiguration's CognitoStreams.RoleArn
// and PushSync.RoleArn, by their exact names (the codec drops a member
// the model lacks, "roleArn" or "pushsync" among them, before the
// operation decodes the rest). Any other reading would let a body show
// authorization one role and the operation another.
func syncPassedRoles(op string, in map[string]any) []string {
	if op != "SetIdentityPoolConfiguration" {
		return nil
	}
	var roles []string
	for _, m := range []string{"CognitoStreams", "PushSync"} {
		obj, _ := in[m].(map[string]any)
		if role, ok := obj["RoleArn"].(string); ok {
			roles = append(roles, role)
		}
	}
	return roleARNs(roles)
}

// passedRole returns the ARN IAM holds for role, a role ARN a request
// passes, in role's partition: the held role's path and name when IAM
// holds a role of role's name in any case, of role's account and path
// (see arn.Held); else role itself.
func (s *Server) passedRole(ctx context.Context, role string) (string, error) {
	r, err := s.store.GetRole(ctx, roleName(role))
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return role, nil
	case err != nil:
		return "", err
	}
	if held, _ := arn.Held(r.ARN, role); held != "" {
		return held, nil
	}
	return role, nil
}

// origin is where a request came from, as AWS's global condition keys
// see it: the client's address and whether it came over TLS. They are the
// connection's, or, from a peer of --trusted-proxies, what that reverse
// proxy forwarded (see trustForwarded); no other peer's forwarding header
// is believed, as any client could send one.
type origin struct {
	ip     netip.Addr // the zero Addr when unknown
	secure bool
}

// originFrom returns the origin of the request ctx carries, which the
// edge records (the zero origin when there is none), for what decides on
// the request: permission policies (requestKeys) and STS's trust policy
// evaluation (see roles.Authorize).
func originFrom(ctx context.Context) origin {
	r := protocol.RequestFrom(ctx)
	if r == nil {
		return origin{}
	}
	return origin{ip: r.SourceIP, secure: r.Secure}
}

// requestKeys returns the global condition keys AWS takes from request r
// to region (see origin.addKeys), a request signed by a principal, and
// made by it directly (see addDirect). The resource's account
// (addResourceAccount), the principal's keys (aws:PrincipalIsAWSService
// "false" among them) and the time are added where the resource and the
// principal are known.
func requestKeys(r *http.Request, region string) map[string][]string {
	keys := make(map[string][]string, 6)
	originFrom(r.Context()).addKeys(keys, region)
	addDirect(keys)
	return keys
}

// addDirect adds to keys those of a request its principal makes directly:
// aws:ViaAWSService "false" ("always included", false when the principal
// makes the call directly: idpool makes no forward access sessions), as
// the IAM User Guide's "AWS global condition context keys" gives its
// availability.
func addDirect(keys map[string][]string) {
	keys["aws:ViaAWSService"] = []string{"false"}
}

// addResourceAccount adds to keys aws:ResourceAccount, the account that
// owns target, the resource a request is decided on (see
// resourceAccount). The IAM User
// Guide ("AWS global condition context keys") includes it in the request
// context of most actions, Cognito's, STS's and IAM's among them.
func (s *Server) addResourceAccount(keys map[string][]string, target string) {
	keys["aws:ResourceAccount"] = []string{s.resourceAccount(target)}
}

// poolKeys adds to keys the tag condition keys of a Cognito Identity
// request to op authorized on target, with in its parsed JSON body, as the
// Service Authorization Reference lists them for cognito-identity: the
// identitypool resource's aws:ResourceTag/<key>, the tags of the pool IAM
// is asked about (none for an operation on "*" or on a pool idpool does
// not hold); CreateIdentityPool's and TagResource's aws:RequestTag/<key>
// and aws:TagKeys, the tags they give (IdentityPoolTags, Tags), and
// UntagResource's aws:TagKeys, the keys it removes. Other APIs have none.
func (s *Server) poolKeys(ctx context.Context, a *api, op, target string, in map[string]any, keys map[string][]string) error {
	if a != &identityAPI {
		return nil
	}
	if t, ok := arn.Parse(target); ok && t.Service == a.scope && t.Account == s.cfg.AccountID {
		if id, ok := strings.CutPrefix(t.Resource, "identitypool/"); ok && id != "" {
			switch pool, err := s.store.GetPool(ctx, id); {
			case err == nil:
				for k, v := range pool.Tags {
					keys["aws:ResourceTag/"+k] = []string{v}
				}
			case !errors.Is(err, storage.ErrNotFound):
				return err
			}
		}
	}
	var given map[string]any
	switch op {
	case "CreateIdentityPool":
		given, _ = in["IdentityPoolTags"].(map[string]any)
	case "TagResource":
		given, _ = in["Tags"].(map[string]any)
	case "UntagResource":
		list, _ := in["TagKeys"].([]any)
		var names []string
		for _, k := range list {
			if k, ok := k.(string); ok {
				names = append(names, k)
			}
		}
		tagKeys(keys, names, nil)
		return nil
	}
	names, values := make([]string, 0, len(given)), make([]string, 0, len(given))
	for _, k := range slices.Sorted(maps.Keys(given)) {
		if v, ok := given[k].(string); ok {
			names, values = append(names, k), append(values, v)
		}
	}
	tagKeys(keys, names, values)
	return nil
}

// addKeys adds to keys the global condition keys AWS gives every request
// from o to region: aws:SourceIp (the client's address; none when it is
// unknown), aws:SecureTransport, and aws:RequestedRegion (none for region
// ""). Permission and trust policies alike see them.
func (o origin) addKeys(keys map[string][]string, region string) {
	keys["aws:SecureTransport"] = []string{strconv.FormatBool(o.secure)}
	if o.ip.IsValid() {
		keys["aws:SourceIp"] = []string{o.ip.String()}
	}
	if region != "" {
		keys["aws:RequestedRegion"] = []string{region}
	}
}

// addMFAKeys adds to keys the MFA condition keys of a request whose
// principal authenticated with MFA at mfa (unix seconds; 0: it did not),
// as AWS gives them at now: aws:MultiFactorAuthPresent "true" and
// aws:MultiFactorAuthAge, the seconds since. Without MFA, temporary
// credentials (temporary: issued by STS) carry aws:MultiFactorAuthPresent
// "false" and no age, and long-term keys carry neither key, which is why
// AWS advises BoolIfExists for a Deny on "false".
func addMFAKeys(keys map[string][]string, temporary bool, mfa int64, now time.Time) {
	switch {
	case mfa != 0:
		keys["aws:MultiFactorAuthPresent"] = []string{"true"}
		keys["aws:MultiFactorAuthAge"] = []string{strconv.FormatInt(max(now.Unix()-mfa, 0), 10)}
	case temporary:
		keys["aws:MultiFactorAuthPresent"] = []string{"false"}
	}
}

// unscoped holds the signed Cognito Identity operations whose IAM action
// has no resource type in the Service Authorization Reference: IAM
// matches them only by a statement whose Resource is "*" (or a NotResource),
// never by an identitypool ARN, though AWS's refusal still names
// "…:identitypool/…".
var unscoped = map[string]bool{
	"CreateIdentityPool": true, "ListIdentityPools": true, "DeleteIdentities": true, "DescribeIdentity": true,
	"SetIdentityPoolRoles": true, "SetPrincipalTagAttributeMap": true,
}

// decisionARN is the resource strict mode decides op of a on, as IAM
// matches a statement's Resource against it: "*" for a Cognito Identity
// action with no resource type (see unscoped); for Cognito Sync the ARN of
// the action's resource type in the Service Authorization Reference (its
// cognitosync.Scope), with "null" for what the request does not name (the
// pool of ListIdentityPoolUsage, the dataset of ListDatasets), so that a
// statement on a pool's ARN (…:identitypool/<id>) grants or denies the
// operations on the pool, one on an identity's (…/identity/<id>) those on
// the identity; else the ARN the refusal names (resourceARN).
func (s *Server) decisionARN(a *api, op string, res *resource) string {
	switch {
	case a == &identityAPI && unscoped[op]:
		return "*"
	case a == &syncAPI && res.ARN == "":
		sc, _ := cognitosync.ScopeOf(op)
		return s.syncARN(res, sc.Resource)
	}
	return s.resourceARN(a, res)
}

// resourceARN is the ARN AWS names in an AccessDeniedException: the pool's
// for Cognito Identity (the tag operations' own ARN; "identitypool/" for an
// operation on no pool), and for Cognito Sync the dataset's, with "null"
// for what the request does not name, as AWS writes it
// (…:identitypool/<pool>/identity/<id>/dataset/null for ListDatasets,
// aws/aws-sdk-java#1912), whatever the action's resource type.
func (s *Server) resourceARN(a *api, res *resource) string {
	switch {
	case res.ARN != "":
		return res.ARN
	case a == &identityAPI:
		return "arn:" + protocol.Partition(res.Region) + ":" + a.scope + ":" + res.Region + ":" + s.cfg.AccountID + ":identitypool/" + res.Pool
	}
	return s.syncARN(res, "dataset")
}

// syncARN is the ARN of the Cognito Sync resource of kind ("identitypool",
// "identity" or "dataset", the Service Authorization Reference's resource
// types; "" is "dataset") that res names, with "null" for what it does not
// name.
func (s *Server) syncARN(res *resource, kind string) string {
	null := func(v string) string {
		if v == "" {
			return "null"
		}
		return v
	}
	arn := "arn:" + protocol.Partition(res.Region) + ":" + syncAPI.scope + ":" + res.Region + ":" + s.cfg.AccountID + ":identitypool/" + null(res.Pool)
	if kind != "identitypool" {
		arn += "/identity/" + null(res.Identity)
	}
	if kind != "identitypool" && kind != "identity" {
		arn += "/dataset/" + null(res.Dataset)
	}
	return arn
}
