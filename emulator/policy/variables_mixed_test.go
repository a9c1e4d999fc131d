package policy

import (
	"errors"
	"strings"
	"testing"
)

// TestVariableBesideText: a condition value of a policy variable and a
// literal in two parts ("team-${aws:username}", "${aws:username}-x") is
// compared whole, the variable substituted, never on its literal part
// alone.
func TestVariableBesideText(t *testing.T) {
	tests := []struct {
		name  string
		cond  string
		value string
		want  bool
	}{
		{"text then variable, whole value", `{"StringEquals":{"aws:k":"team-${aws:username}"}}`, "team-ann", true},
		{"text then variable, text alone", `{"StringEquals":{"aws:k":"team-${aws:username}"}}`, "team-", false},
		{"text then variable, other user", `{"StringEquals":{"aws:k":"team-${aws:username}"}}`, "team-bob", false},
		{"variable then text, whole value", `{"StringEquals":{"aws:k":"${aws:username}-x"}}`, "ann-x", true},
		{"variable then text, text alone", `{"StringEquals":{"aws:k":"${aws:username}-x"}}`, "-x", false},
		{"variable then text, variable alone", `{"StringEquals":{"aws:k":"${aws:username}-x"}}`, "ann", false},
		{"StringLike text then variable", `{"StringLike":{"aws:k":"team-${aws:username}"}}`, "team-ann", true},
		{"StringLike text then variable, text alone", `{"StringLike":{"aws:k":"team-${aws:username}"}}`, "team-", false},
		{"StringNotEquals text then variable, whole value", `{"StringNotEquals":{"aws:k":"team-${aws:username}"}}`, "team-ann", false},
		{"StringNotEquals text then variable, text alone", `{"StringNotEquals":{"aws:k":"team-${aws:username}"}}`, "team-", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := allowIf(t, tc.cond)
			c := ctx{"aws:k": {tc.value}, "aws:username": {"ann"}}
			if got := d.Allowed(Request{Action: "sts:AssumeRole", Context: c}); got != tc.want {
				t.Errorf("Allowed(%v): got %v, want %v", c, got, tc.want)
			}
		})
	}
}

// TestMappedIPv4Block: an IPv4-mapped IPv6 block ::ffff:a.b.c.d/n is the
// IPv4 block of n-96 bits, so ::ffff:10.0.0.0/104 is 10.0.0.0/8.
func TestMappedIPv4Block(t *testing.T) {
	tests := []struct {
		name, block, ip string
		want            bool
	}{
		{"/104 holds an address of its /8", "::ffff:10.0.0.0/104", "10.1.2.3", true},
		{"/104 holds no address of the next /8", "::ffff:10.0.0.0/104", "11.0.0.1", false},
		{"/120 holds an address of its /24", "::ffff:192.0.2.0/120", "192.0.2.200", true},
		{"/120 holds no address of the next /24", "::ffff:192.0.2.0/120", "192.0.3.1", false},
		{"/128 holds its address alone", "::ffff:192.0.2.1/128", "192.0.2.2", false},
		{"/96 holds every IPv4 address", "::ffff:0.0.0.0/96", "203.0.113.9", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := allowIf(t, `{"IpAddress":{"aws:SourceIp":"`+tc.block+`"}}`)
			c := ctx{"aws:SourceIp": {tc.ip}}
			if got := d.Allowed(Request{Action: "sts:AssumeRole", Context: c}); got != tc.want {
				t.Errorf("Allowed(%v) in %s: got %v, want %v", c, tc.block, got, tc.want)
			}
		})
	}
}

// TestPrincipalShapes: the AWS, Federated and Service principals IAM
// refuses when a trust policy is written: a unique id (AIDA…, AROA…) is
// upper-case letters and digits; a domain name's labels neither begin nor
// end with a hyphen.
func TestPrincipalShapes(t *testing.T) {
	const invalidFederated = "Federated principals must be valid domain names or SAML metadata ARNs"
	trust := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"}}`
	}
	tests := []struct {
		name, doc string
		want      string // the message, "" when the policy is taken
	}{
		{"role unique id", trust(`{"AWS":"AROAEXAMPLEID1234567"}`), ""},
		{"user unique id", trust(`{"AWS":"AIDAEXAMPLEID1234567"}`), ""},
		{"unique id in lower case", trust(`{"AWS":"AROAabcdefghijklmn"}`), `Invalid principal in policy: "AWS":"AROAabcdefghijklmn"`},
		{"unique id with a hyphen", trust(`{"AWS":"AROAEXAMPLE-ID12345"}`), `Invalid principal in policy: "AWS":"AROAEXAMPLE-ID12345"`},
		{"Federated label beginning with a hyphen", trust(`{"Federated":"-x.com"}`), invalidFederated},
		{"Federated label ending with a hyphen", trust(`{"Federated":"x-.com"}`), invalidFederated},
		{"Federated inner label ending with a hyphen", trust(`{"Federated":"accounts.google-.com"}`), invalidFederated},
		{"Federated empty label", trust(`{"Federated":"accounts..google.com"}`), invalidFederated},
		{"Federated inner hyphen", trust(`{"Federated":"my-idp.example.com"}`), ""},
		{"Service label beginning with a hyphen", trust(`{"Service":"-lambda.amazonaws.com"}`), `Invalid principal in policy: "SERVICE":"-lambda.amazonaws.com"`},
		{"Service label ending with a hyphen", trust(`{"Service":"lambda-.amazonaws.com"}`), `Invalid principal in policy: "SERVICE":"lambda-.amazonaws.com"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CheckTrust([]byte(tc.doc))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("CheckTrust: got %v, want accepted", err)
			case tc.want != "" && (!errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("CheckTrust: got %v, want MalformedPolicyDocument %q", err, tc.want)
			}
		})
	}
}

// TestFederatedOIDCProviderOfIAMOnly: a Federated principal names an
// OpenID Connect provider by an IAM ARN; the same resource under another
// service's ARN names no provider, so it does not match the provider's
// host.
func TestFederatedOIDCProviderOfIAMOnly(t *testing.T) {
	tests := []struct {
		name, principal, provider string
		want                      bool
	}{
		{"IAM provider ARN, its host", "arn:aws:iam::123456789012:oidc-provider/token.example.com", "token.example.com", true},
		{"host, the IAM provider ARN", "token.example.com", "arn:aws:iam::123456789012:oidc-provider/token.example.com", true},
		{"STS ARN, the host", "arn:aws:sts::123456789012:oidc-provider/token.example.com", "token.example.com", false},
		{"host, an STS ARN", "token.example.com", "arn:aws:sts::123456789012:oidc-provider/token.example.com", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustParse(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"`+tc.principal+`"},"Action":"sts:AssumeRoleWithWebIdentity"}}`)
			req := Request{Action: "sts:AssumeRoleWithWebIdentity", Federated: tc.provider}
			if got := d.Allowed(req); got != tc.want {
				t.Errorf("Allowed(Federated %s) by %s: got %v, want %v", tc.provider, tc.principal, got, tc.want)
			}
		})
	}
}
