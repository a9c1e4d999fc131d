package policy

import (
	"maps"
	"slices"
	"strings"

	"github.com/idpool/idpool/emulator/arn"
)

// principal is a statement's Principal element.
type principal struct {
	any       bool // "*" or {"AWS": "*"}
	aws       []string
	federated []string
	// Service and CanonicalUser principals are valid but never match:
	// no idpool request comes from an AWS service or an S3 canonical user.
	service   []string
	canonical []string
}

func parsePrincipal(v any) (principal, error) {
	var p principal
	switch x := v.(type) {
	case string:
		if x != "*" {
			return p, malformed("Invalid principal in policy: %q", x)
		}
		p.any = true
		return p, nil
	case map[string]any:
		if len(x) == 0 {
			return p, malformed("Invalid principal in policy: the Principal object is empty")
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			vs, err := stringList("Principal "+k, x[k], false)
			if err != nil {
				return p, err
			}
			switch k {
			case "AWS":
				for _, s := range vs {
					if !awsPrincipal(s) {
						return p, malformed("Invalid principal in policy: \"AWS\":%q", s)
					}
					if s == "*" {
						p.any = true
					}
				}
				p.aws = vs
			case "Federated":
				p.federated = vs
			case "Service":
				p.service = vs
			case "CanonicalUser":
				p.canonical = vs
			default:
				return p, malformed("Invalid principal in policy: unknown principal type %q", k)
			}
		}
		return p, nil
	}
	return p, malformed("Invalid principal in policy: Principal must be \"*\" or an object")
}

// awsPrincipal reports whether s can name an AWS principal: "*", an
// account id, an ARN, or the unique id IAM shows in place of a deleted
// principal (AIDA…, AROA…).
func awsPrincipal(s string) bool {
	switch {
	case s == "*", arn.IsAccount(s), strings.HasPrefix(s, "arn:"):
		return true
	case len(s) >= 16 && s[0] == 'A':
		for i := 0; i < len(s); i++ {
			if c := s[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
				return false
			}
		}
		return true
	}
	return false
}

// federatedName reports whether s may be a Federated principal of a trust
// policy, as IAM checks when the policy is written: a domain name (a web
// identity provider IAM knows, such as cognito-identity.amazonaws.com or
// accounts.google.com) or the ARN of an IAM SAML or OpenID Connect
// provider, or IAM answers "Federated principals must be valid domain
// names or SAML metadata ARNs" (terraform-aws-modules/terraform-aws-iam#202,
// terraform-aws-modules/terraform-aws-eks#2939). Whether the provider an
// ARN names exists is not checked: AWS is silent on it, and a role is
// commonly made before its cluster's provider. "*" is taken as before
// [unconfirmed: AWS is silent on it].
func federatedName(s string) bool {
	if s == "*" {
		return true
	}
	if a, ok := arn.Parse(s); ok {
		kind, name, _ := strings.Cut(a.Resource, "/")
		return a.Partition != "" && a.Service == "iam" && a.Region == "" && arn.IsAccount(a.Account) &&
			(kind == "saml-provider" || kind == "oidc-provider") && name != ""
	}
	return domainName(s)
}

// serviceDomains are the domains of AWS service principals, with the
// partition each belongs to ("" for every partition): AWS names its
// services <name>.amazonaws.com, regional ones
// <name>.<region>.amazonaws.com (logs.us-east-1.amazonaws.com), in
// China also <name>.amazonaws.com.cn, a few amazon.com (Alexa's), and
// the isolated partitions and the European Sovereign Cloud under their
// own endpoint domains.
var serviceDomains = [...]struct{ domain, partition string }{
	{".amazonaws.com", ""},
	{".amazon.com", ""},
	{".amazonaws.com.cn", "aws-cn"},
	{".c2s.ic.gov", "aws-iso"},
	{".sc2s.sgov.gov", "aws-iso-b"},
	{".cloud.adc-e.uk", "aws-iso-e"},
	{".csp.hci.ic.gov", "aws-iso-f"},
	{".amazonaws.eu", "aws-eusc"},
}

// servicePartition reports whether s has the shape of an AWS service
// principal: a domain name of one or more labels under one of
// serviceDomains, such as lambda.amazonaws.com. It returns the partition
// the domain belongs to, "" for a domain of every partition. Whether a
// service of that name exists is not checked: AWS refuses a name it does
// not know ("tagging.amazonaws.com", hashicorp/terraform#35086), which
// only a list of every service would tell, and such a list goes stale.
// IAM answers a principal of another shape Invalid principal in policy:
// "SERVICE":"<value>" (aws-samples/aws-cdk-examples#801 for
// "amazonaws.com"; "lambda" and others in users' reports).
func servicePartition(s string) (string, bool) {
	for _, d := range serviceDomains {
		if name, ok := strings.CutSuffix(s, d.domain); ok && domainLabels(name) {
			return d.partition, true
		}
	}
	return "", false
}

// domainName reports whether s is a domain name of two labels or more,
// each of letters, digits and inner hyphens.
func domainName(s string) bool {
	return strings.Contains(s, ".") && domainLabels(s)
}

// domainLabels reports whether s is one label or more of a domain name,
// each of letters, digits and inner hyphens.
func domainLabels(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, l := range strings.Split(s, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			if c := l[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// AWSPrincipals returns the AWS principals the document's statements name
// in their Principal (NotPrincipal too, in a resource-based policy), in
// the order written, each once.
func (d *Document) AWSPrincipals() []string {
	return d.principals(func(p *principal) []string { return p.aws })
}

// FederatedPrincipals returns the Federated principals as AWSPrincipals
// returns the AWS ones.
func (d *Document) FederatedPrincipals() []string {
	return d.principals(func(p *principal) []string { return p.federated })
}

func (d *Document) principals(of func(*principal) []string) []string {
	var out []string
	for i := range d.stmts {
		for _, a := range of(&d.stmts[i].principal) {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

func (p *principal) matches(r *Request) bool {
	if p.any {
		return true
	}
	if r.Federated != "" && p.federates(r.Federated) {
		return true
	}
	if r.AWS != "" {
		for _, a := range p.aws {
			if r.Named && account(a) || r.Direct && a != r.AWS {
				continue
			}
			if awsMatch(a, r.AWS) {
				return true
			}
		}
	}
	return false
}

// excludes reports whether a NotPrincipal excludes the request's caller,
// as IAM's guide describes it: AWS checks the caller's account, then the
// principal itself (for a role session, its role then the session), so a
// NotPrincipal excludes an IAM caller only when it lists the account (its
// id or :root ARN) and, unless the caller is the account's root, the
// caller (its ARN, or for a role session its role's or its own). A caller
// with a permissions boundary is never excluded, as IAM's guide warns. A
// web identity is excluded when its provider is listed.
func (p *principal) excludes(r *Request) bool {
	if r.bounded {
		return false
	}
	if p.any {
		return true
	}
	if r.Federated != "" && p.federates(r.Federated) {
		return true
	}
	if r.AWS == "" {
		return false
	}
	acct, self := false, strings.HasSuffix(r.AWS, ":root")
	for _, a := range p.aws {
		switch {
		case !awsMatch(a, r.AWS):
		case account(a):
			acct = true
		default:
			self = true
		}
	}
	return acct && self
}

// federates reports whether a Federated principal, "*" included, matches
// the request's provider.
func (p *principal) federates(provider string) bool {
	return slices.ContainsFunc(p.federated, func(f string) bool { return federated(f, provider) })
}

// names reports whether the principal names the federated provider
// itself (not "*").
func (p *principal) names(provider string) bool {
	for _, f := range p.federated {
		if f != "*" && federated(f, provider) {
			return true
		}
	}
	return false
}

// federated matches a Federated principal against the request's provider.
func federated(p, provider string) bool {
	if p == "*" || strings.EqualFold(p, provider) {
		return true
	}
	ph, pok := oidcHost(p)
	rh, rok := oidcHost(provider)
	switch {
	case pok && !rok:
		return strings.EqualFold(ph, provider)
	case rok && !pok:
		return strings.EqualFold(p, rh)
	}
	return false
}

// oidcHost returns the host of an IAM OpenID Connect provider ARN
// (arn:aws:iam::<account>:oidc-provider/<host>).
func oidcHost(s string) (string, bool) {
	a, ok := arn.Parse(s)
	if !ok || a.Service != "iam" {
		return "", false
	}
	return strings.CutPrefix(a.Resource, "oidc-provider/")
}

// account reports whether an AWS principal names an account (its id or
// its :root ARN) rather than one of its principals.
func account(p string) bool {
	if arn.IsAccount(p) {
		return true
	}
	a, ok := arn.Parse(p)
	return ok && a.Service == "iam" && a.Resource == "root"
}

// awsMatch matches an AWS principal against the caller's ARN: an account
// id or the account's :root ARN matches every caller of the account; a
// role ARN matches the role and its sessions; any other ARN matches
// exactly.
func awsMatch(p, caller string) bool {
	if p == "*" || p == caller {
		return true
	}
	c, ok := arn.Parse(caller)
	if !ok {
		return false
	}
	if arn.IsAccount(p) {
		return c.Account == p
	}
	a, ok := arn.Parse(p)
	if !ok || a.Partition != c.Partition || a.Account != c.Account || a.Service != "iam" {
		return false
	}
	if a.Resource == "root" {
		return true
	}
	role, ok := strings.CutPrefix(a.Resource, "role/")
	if !ok || c.Service != "sts" {
		return false
	}
	// A role's path is not part of its session ARN:
	// arn:aws:sts::<account>:assumed-role/<name>/<session>.
	name := role[strings.LastIndexByte(role, '/')+1:]
	session, ok := strings.CutPrefix(c.Resource, "assumed-role/")
	if !ok {
		return false
	}
	got, _, ok := strings.Cut(session, "/")
	return ok && got == name
}
