package policy

import (
	"strings"
	"time"
)

// Cognito is the web identity provider of Cognito identity pools' tokens,
// and the prefix of their condition keys, in every partition but AWS
// GovCloud (US) (see CognitoPrincipal).
const Cognito = "cognito-identity.amazonaws.com"

// CognitoPrincipal returns the Federated principal that names Cognito
// Identity in the trust policies of the roles a pool of region gives, and
// the prefix of its condition keys (<principal>:aud, :sub, :amr). The AWS
// GovCloud (US) User Guide ("Amazon Cognito in AWS GovCloud (US)") names
// cognito-identity-us-gov.amazonaws.com in us-gov-west-1 and
// cognito-identity.us-gov-east-1.amazonaws.com in us-gov-east-1; a later
// GovCloud region is given the us-gov-east-1 form, its own endpoint host.
// Every other region, the China ones included, has Cognito: the China
// regions' Developer Guide shows that principal in its trust policies
// [unconfirmed on AWS: their tokens' iss is the region's own host].
func CognitoPrincipal(region string) string {
	switch {
	case region == "us-gov-west-1":
		return "cognito-identity-us-gov.amazonaws.com"
	case strings.HasPrefix(region, "us-gov-"):
		return "cognito-identity." + region + ".amazonaws.com"
	}
	return Cognito
}

// cognitoPrincipals are the Cognito principals of every partition, each
// of which IAM holds to the rule validate applies.
var cognitoPrincipals = [...]string{
	Cognito, CognitoPrincipal("us-gov-west-1"), CognitoPrincipal("us-gov-east-1"),
}

// Session is a role session, as IAM sees it when it evaluates the
// session's requests: Keys builds the condition keys AWS puts in their
// request context. Fields left empty give no key.
type Session struct {
	Account string // the account id: aws:PrincipalAccount
	// RoleARN is the role's ARN, arn:aws:iam::<account>:role/<path><name>:
	// aws:PrincipalArn is the role's ARN, not the session's.
	RoleARN string
	RoleID  string // the role's unique id, AROA…
	Name    string // the role session name

	// Provider is the web identity provider of an
	// AssumeRoleWithWebIdentity session (Cognito's enhanced flow is one):
	// Cognito, a built-in provider's host (accounts.google.com), an IAM
	// OpenID Connect provider's name ("token.example.com/path", what
	// follows oidc-provider/ in its ARN) or ARN, or an issuer URL
	// ("https://token.example.com/path"). Its condition keys are named
	// after it (see ProviderKey). Empty for other sessions.
	Provider string
	// ProviderARN is the value of aws:FederatedProvider for the session:
	// the IAM OpenID Connect provider's ARN, or a built-in provider's
	// host. When it is empty, Provider is taken when it is such an ARN.
	// Cognito sessions have Cognito there and need none.
	ProviderARN string
	Subject     string   // the token's sub: a Cognito identity id
	Audience    string   // the token's aud (azp when it has one): a Cognito identity pool id
	AMR         []string // the token's amr: "authenticated", the login provider…

	Tags     map[string]string // principal (session) tags
	IssuedAt time.Time         // when the credentials were issued: aws:TokenIssueTime
	// SourceIdentity is the session's source identity, set when it or the
	// first session of its role chain was assumed: aws:SourceIdentity.
	SourceIdentity string
}

// Keys returns the condition keys of the session's requests, to be the
// Context of a Request (the caller adds the request's own keys, such as
// aws:CurrentTime, aws:SourceIp or service keys):
//
//   - aws:userid is "<role id>:<session name>", as for every role session;
//   - aws:username is absent: IAM gives it only to IAM users, never to
//     role sessions, so ${aws:username} without a default does not resolve;
//   - aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType
//     ("AssumedRole"), aws:TokenIssueTime (ISO 8601, UTC);
//   - aws:PrincipalIsAWSService "false": a role session is no AWS service
//     principal, and the IAM User Guide gives the key to every signed
//     request;
//   - aws:PrincipalTag/<key> for each principal tag;
//   - aws:SourceIdentity, when the session has a source identity;
//   - for a Cognito session, cognito-identity.amazonaws.com:aud (the pool
//     id), :sub (the identity id) and :amr (multi-valued), and
//     aws:FederatedProvider "cognito-identity.amazonaws.com", the prefix
//     and the provider being the pool region's CognitoPrincipal;
//   - for an OpenID Connect session, <provider>:aud, :sub and :amr keyed
//     by the provider's name, its host and path (ProviderKey), as a trust
//     policy's keys are, whatever the token's iss, and
//     aws:FederatedProvider the provider's ARN (ProviderARN, else Provider
//     when it is an ARN). The IAM User Guide's global condition keys page
//     gives OIDC sessions the IAM OIDC provider's ARN there.
func (s *Session) Keys() map[string][]string {
	keys := make(map[string][]string, 10+len(s.Tags))
	set := func(k string, vs ...string) {
		if len(vs) > 0 && vs[0] != "" {
			keys[k] = vs
		}
	}
	if s.RoleID != "" && s.Name != "" {
		set("aws:userid", s.RoleID+":"+s.Name)
	}
	set("aws:PrincipalArn", s.RoleARN)
	set("aws:PrincipalAccount", s.Account)
	keys["aws:PrincipalType"] = []string{"AssumedRole"}
	keys["aws:PrincipalIsAWSService"] = []string{"false"}
	if !s.IssuedAt.IsZero() {
		set("aws:TokenIssueTime", s.IssuedAt.UTC().Format(time.RFC3339))
	}
	for k, v := range s.Tags {
		keys["aws:PrincipalTag/"+k] = []string{v}
	}
	set("aws:SourceIdentity", s.SourceIdentity)
	if s.Provider == "" {
		return keys
	}
	prefix := ProviderKey(s.Provider)
	cognito := prefix == Cognito
	if cognito {
		region, _, _ := strings.Cut(s.Audience, ":")
		prefix = CognitoPrincipal(region)
	}
	set(prefix+":aud", s.Audience)
	set(prefix+":sub", s.Subject)
	if len(s.AMR) > 0 {
		keys[prefix+":amr"] = append([]string(nil), s.AMR...)
	}
	switch _, isARN := oidcHost(s.Provider); {
	case cognito:
		set("aws:FederatedProvider", prefix)
	case s.ProviderARN != "":
		set("aws:FederatedProvider", s.ProviderARN)
	case isARN:
		set("aws:FederatedProvider", s.Provider)
	}
	return keys
}

// ProviderKey returns the prefix of a web identity provider's condition
// keys: the name of its IAM OpenID Connect provider, which is what follows
// oidc-provider/ in the provider's ARN ("arn:aws:iam::123456789012:
// oidc-provider/token.example.com/path" gives "token.example.com/path"),
// or, for an issuer URL or host, the URL without the scheme and trailing
// slash ("https://token.example.com/path/" gives the same). On AWS the
// keys of a trust policy are named so, after the provider its Federated
// principal names, not after the token's iss.
func ProviderKey(provider string) string {
	if name, ok := oidcHost(provider); ok {
		return name
	}
	p := strings.TrimPrefix(strings.TrimPrefix(provider, "https://"), "http://")
	return strings.TrimSuffix(p, "/")
}
