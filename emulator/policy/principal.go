package policy

import (
	"maps"
	"slices"
	"strings"
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
			vs, err := stringList("Principal "+k, x[k])
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
	case s == "*", accountID(s), strings.HasPrefix(s, "arn:"):
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
	if f, ok := arnFields(s); ok {
		kind, name, _ := strings.Cut(f[5], "/")
		return f[1] != "" && f[2] == "iam" && f[3] == "" && accountID(f[4]) &&
			(kind == "saml-provider" || kind == "oidc-provider") && name != ""
	}
	return domainName(s)
}

// domainName reports whether s is a domain name of two labels or more,
// each of letters, digits and inner hyphens.
func domainName(s string) bool {
	labels := strings.Split(s, ".")
	if len(labels) < 2 || len(s) > 253 {
		return false
	}
	for _, l := range labels {
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
	var out []string
	for i := range d.stmts {
		for _, a := range d.stmts[i].principal.aws {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

func accountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
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
			if r.Named && account(a) {
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
	f, ok := arnFields(s)
	if !ok || f[2] != "iam" {
		return "", false
	}
	return strings.CutPrefix(f[5], "oidc-provider/")
}

// arnFields splits an ARN into its six fields.
func arnFields(s string) ([6]string, bool) {
	var f [6]string
	for i := range 5 {
		var ok bool
		f[i], s, ok = strings.Cut(s, ":")
		if !ok {
			return f, false
		}
	}
	f[5] = s
	return f, f[0] == "arn"
}

// account reports whether an AWS principal names an account (its id or
// its :root ARN) rather than one of its principals.
func account(p string) bool {
	if accountID(p) {
		return true
	}
	f, ok := arnFields(p)
	return ok && f[2] == "iam" && f[5] == "root"
}

// awsMatch matches an AWS principal against the caller's ARN: an account
// id or the account's :root ARN matches every caller of the account; a
// role ARN matches the role and its sessions; any other ARN matches
// exactly.
func awsMatch(p, caller string) bool {
	if p == "*" || p == caller {
		return true
	}
	c, ok := arnFields(caller)
	if !ok {
		return false
	}
	if accountID(p) {
		return c[4] == p
	}
	f, ok := arnFields(p)
	if !ok || f[1] != c[1] || f[4] != c[4] || f[2] != "iam" {
		return false
	}
	if f[5] == "root" {
		return true
	}
	role, ok := strings.CutPrefix(f[5], "role/")
	if !ok || c[2] != "sts" {
		return false
	}
	// A role's path is not part of its session ARN:
	// arn:aws:sts::<account>:assumed-role/<name>/<session>.
	name := role[strings.LastIndexByte(role, '/')+1:]
	session, ok := strings.CutPrefix(c[5], "assumed-role/")
	if !ok {
		return false
	}
	got, _, ok := strings.Cut(session, "/")
	return ok && got == name
}
