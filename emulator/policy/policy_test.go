package policy

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func mustParse(t *testing.T, doc string) *Document {
	t.Helper()
	return mustParseWith(t, Parse, doc)
}

// mustParseWith parses doc with parse (Parse or ParsePermissions) and
// stops the test on an error.
func mustParseWith(t *testing.T, parse func([]byte) (*Document, error), doc string) *Document {
	t.Helper()
	d, err := parse([]byte(doc))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, doc)
	}
	return d
}

func TestParseMalformed(t *testing.T) {
	stmt := func(body string) string {
		return `{"Version":"2012-10-17","Statement":[{` + body + `}]}`
	}
	const ok = `"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"`
	tests := []struct {
		name string
		doc  string
		want string // a piece of the message
	}{
		{"not JSON", `{not json`, "invalid Json"},
		{"empty", ``, "invalid Json"},
		{"trailing data", `{"Statement":[]} {}`, "invalid Json"},
		{"not an object", `["Statement"]`, "JSON object"},
		{"Statement missing", `{"Version":"2012-10-17"}`, "Missing required field Statement"},
		{"Statement null", `{"Statement":null}`, "Missing required field Statement"},
		{"Statement empty", `{"Statement":[]}`, "Missing required field Statement"},
		{"Statement a string", `{"Statement":"x"}`, "Statement must be"},
		{"Statement element not an object", `{"Statement":["x"]}`, "Statement 1 must be an object"},
		{"bad Version", `{"Version":"2020-01-01","Statement":{` + ok + `}}`, "valid version string"},
		{"Version not a string", `{"Version":2012,"Statement":{` + ok + `}}`, "valid version string"},
		{"unknown top-level field", `{"Statment":[],"Statement":{` + ok + `}}`, "unknown field Statment"},
		{"Id not a string", `{"Id":1,"Statement":{` + ok + `}}`, "Id must be a string"},
		{"bad Effect", stmt(`"Effect":"allow","Principal":"*","Action":"sts:AssumeRole"`), "Invalid effect: allow"},
		{"Effect missing", stmt(`"Principal":"*","Action":"sts:AssumeRole"`), "Missing required field Effect"},
		{"Effect not a string", stmt(`"Effect":true,"Principal":"*","Action":"sts:AssumeRole"`), "Invalid effect: true"},
		{"Action missing", stmt(`"Effect":"Allow","Principal":"*"`), "must contain actions"},
		{"Action and NotAction", stmt(`"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","NotAction":"sts:TagSession"`), "both Action and NotAction"},
		{"Action without vendor", stmt(`"Effect":"Allow","Principal":"*","Action":"AssumeRole"`), "prefaced by a vendor"},
		{"Action empty list", stmt(`"Effect":"Allow","Principal":"*","Action":[]`), "Policy statement must contain actions."},
		{"Action empty", stmt(`"Effect":"Allow","Principal":"*","Action":""`), "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"Action not a string", stmt(`"Effect":"Allow","Principal":"*","Action":[1]`), "Action must hold strings"},
		{"Principal missing", stmt(`"Effect":"Allow","Action":"sts:AssumeRole"`), "Missing required field Principal"},
		{"Principal a bare string", stmt(`"Effect":"Allow","Principal":"cognito-identity.amazonaws.com","Action":"sts:AssumeRole"`), "Invalid principal"},
		{"Principal empty object", stmt(`"Effect":"Allow","Principal":{},"Action":"sts:AssumeRole"`), "Invalid principal"},
		{"Principal unknown type", stmt(`"Effect":"Allow","Principal":{"Google":"x"},"Action":"sts:AssumeRole"`), "unknown principal type"},
		{"Principal AWS not an ARN", stmt(`"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"sts:AssumeRole"`), `Invalid principal in policy: "AWS":"alice"`},
		{"Principal Federated empty", stmt(`"Effect":"Allow","Principal":{"Federated":[]},"Action":"sts:AssumeRole"`), "Principal Federated must not be empty"},
		{"Principal a number", stmt(`"Effect":"Allow","Principal":1,"Action":"sts:AssumeRole"`), "Invalid principal"},
		{"NotPrincipal", stmt(`"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"`), "Has prohibited field NotPrincipal"},
		{"Resource", stmt(ok + `,"Resource":"*"`), "Has prohibited field Resource"},
		{"NotResource", stmt(ok + `,"NotResource":"*"`), "Has prohibited field NotResource"},
		{"unknown statement field", stmt(ok + `,"Conditions":{}`), "unknown field Conditions"},
		{"Sid not alphanumeric", stmt(`"Sid":"my-sid",` + ok), "alpha-numeric"},
		{"duplicate Sid", `{"Statement":[{"Sid":"A",` + ok + `},{"Sid":"A",` + ok + `}]}`, "must be unique"},
		{"Condition not an object", stmt(ok + `,"Condition":"StringEquals"`), "Condition must be an object"},
		{"Condition null", stmt(ok + `,"Condition":null`), "Condition must be an object"},
		{"Condition operator not an object", stmt(ok + `,"Condition":{"StringEquals":["a"]}`), "must map keys to values"},
		{"unknown operator", stmt(ok + `,"Condition":{"StringEqualz":{"aws:k":"v"}}`), "Invalid Condition type : StringEqualz"},
		{"unknown set operator", stmt(ok + `,"Condition":{"ForSomeValues:StringEquals":{"aws:k":"v"}}`), "Invalid Condition type"},
		{"NullIfExists", stmt(ok + `,"Condition":{"NullIfExists":{"aws:k":"true"}}`), "Invalid Condition type : NullIfExists"},
		{"set operator on Null", stmt(ok + `,"Condition":{"ForAnyValue:Null":{"aws:k":"true"}}`), "Invalid Condition type"},
		{"IfExists alone", stmt(ok + `,"Condition":{"IfExists":{"aws:k":"true"}}`), "Invalid Condition type"},
		{"unknown operator with a key", stmt(ok + `,"Condition":{"x":{"a":"1"}}`), "Invalid Condition type : x"},
		{"condition value an object", stmt(ok + `,"Condition":{"StringEquals":{"aws:k":{"a":"b"}}}`), "must be strings, numbers or booleans"},
		{"condition value null", stmt(ok + `,"Condition":{"StringEquals":{"aws:k":null}}`), "must be strings, numbers or booleans"},
		{"condition value nested array", stmt(ok + `,"Condition":{"StringEquals":{"aws:k":[["a"]]}}`), "must be strings, numbers or booleans"},
		{"Numeric value not a number", stmt(ok + `,"Condition":{"NumericLessThan":{"aws:n":"ten"}}`), "Invalid number"},
		{"Date value not a date", stmt(ok + `,"Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}`), "Invalid date"},
		{"IP value not an address", stmt(ok + `,"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0/8"}}`), "Invalid IP address"},
		{"Null value not a boolean", stmt(ok + `,"Condition":{"Null":{"aws:k":"yes"}}`), "Invalid value for Null"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse([]byte(tc.doc))
			if err == nil {
				t.Fatalf("Parse: got %+v, want an error", d)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("error %v: got not ErrMalformed, want it wrapped", err)
			}
			var me *MalformedError
			if !errors.As(err, &me) || me.Reason != err.Error() {
				t.Errorf("error %v: got %T, want *MalformedError carrying the message", err, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("message: got %q, want it to contain %q", err.Error(), tc.want)
			}
		})
	}
}

func TestParseForms(t *testing.T) {
	const cognito = "cognito-identity.amazonaws.com"
	req := Request{Action: "sts:AssumeRoleWithWebIdentity", Federated: cognito}
	tests := []struct {
		name    string
		doc     string
		version string
		want    bool
	}{
		{"Statement as object, no Version",
			`{"Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}}`,
			Version2008, true},
		{"Statement array, arrays everywhere, Sid and Id",
			`{"Version":"2012-10-17","Id":"trust","Statement":[{"Sid":"Cognito1","Effect":"Allow","Principal":{"Federated":["accounts.google.com","cognito-identity.amazonaws.com"]},"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"]}]}`,
			Version2012, true},
		{"Principal star",
			`{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:*"}]}`,
			Version2008, true},
		{"Principal AWS star",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*"}]}`,
			Version2012, true},
		{"Service principal only",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
			Version2012, false},
		{"several principal types",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["123456789012","AROAEXAMPLEID12345678"],"Service":["ec2.amazonaws.com"],"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be","Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`,
			Version2012, true},
		{"empty Condition block",
			`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity","Condition":{}}]}`,
			Version2008, true},
		{"Deny only",
			`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*"}]}`,
			Version2008, false},
		{"whitespace around",
			" \n\t{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\"}}\n ",
			Version2008, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustParse(t, tc.doc)
			if got := d.Version(); got != tc.version {
				t.Errorf("Version: got %q, want %q", got, tc.version)
			}
			if got := d.Allowed(req); got != tc.want {
				t.Errorf("Allowed: got %v, want %v", got, tc.want)
			}
		})
	}
}

// The trust policies of spec tokens.md §6.2 and their documented variants.
func TestCognitoTrustPolicies(t *testing.T) {
	const (
		pool  = "us-east-1:12345678-corner-cafe-123456790ab"
		pool2 = "us-east-1:22222222-dead-beef-000000000000"
		me    = "us-east-1:157d6171-ee37-c0dd-c6c5-ce7afc0154ab"
		other = "us-east-1:99999999-0000-0000-0000-000000000000"
		aud   = "cognito-identity.amazonaws.com:aud"
		amr   = "cognito-identity.amazonaws.com:amr"
		sub   = "cognito-identity.amazonaws.com:sub"
	)
	trust := func(conds string, actions string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
			`"Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":` + actions + `,"Condition":` + conds + `}]}`
	}
	const assume = `"sts:AssumeRoleWithWebIdentity"`
	authRole := trust(`{"StringEquals":{"`+aud+`":"`+pool+`"},"ForAnyValue:StringLike":{"`+amr+`":"authenticated"}}`, assume)
	unauthRole := trust(`{"StringEquals":{"`+aud+`":"`+pool+`"},"ForAnyValue:StringLike":{"`+amr+`":"unauthenticated"}}`, assume)
	pools := trust(`{"StringEquals":{"`+aud+`":["`+pool+`","`+pool2+`"]},"ForAnyValue:StringLike":{"`+amr+`":"authenticated"}}`, assume)
	subOnly := trust(`{"StringEquals":{"`+aud+`":"`+pool+`","`+sub+`":"`+me+`"}}`, assume)
	facebook := trust(`{"StringEquals":{"`+aud+`":"`+pool+`"},"ForAnyValue:StringLike":{"`+amr+`":"graph.facebook.com"}}`, assume)
	tagging := trust(`{"StringEquals":{"`+aud+`":"`+pool+`"},"ForAnyValue:StringLike":{"`+amr+`":"authenticated"}}`,
		`["sts:AssumeRoleWithWebIdentity","sts:TagSession"]`)

	guest := []string{"unauthenticated"}
	fb := []string{"authenticated", "graph.facebook.com", "graph.facebook.com:123:10157"}
	dev := []string{"authenticated", "login.example", "login.example:" + pool + ":ben"}
	request := func(action, audience, subject string, methods []string) Request {
		return Request{Action: action, Federated: "cognito-identity.amazonaws.com",
			Context: map[string][]string{aud: {audience}, sub: {subject}, amr: methods}}
	}
	const ws, tag = "sts:AssumeRoleWithWebIdentity", "sts:TagSession"
	tests := []struct {
		name string
		doc  string
		req  Request
		want bool
	}{
		{"authenticated role, facebook user", authRole, request(ws, pool, me, fb), true},
		{"authenticated role, developer user", authRole, request(ws, pool, me, dev), true},
		{"authenticated role, guest refused", authRole, request(ws, pool, me, guest), false},
		{"authenticated role, other pool refused", authRole, request(ws, pool2, me, fb), false},
		{"authenticated role, other provider refused", authRole,
			Request{Action: ws, Federated: "accounts.google.com", Context: request(ws, pool, me, fb).Context}, false},
		{"authenticated role, no context refused", authRole, Request{Action: ws, Federated: "cognito-identity.amazonaws.com"}, false},
		{"authenticated role, AssumeRole refused", authRole, request("sts:AssumeRole", pool, me, fb), false},
		{"authenticated role, TagSession not granted", authRole, request(tag, pool, me, fb), false},
		{"unauthenticated role, guest", unauthRole, request(ws, pool, me, guest), true},
		{"unauthenticated role, authenticated user refused", unauthRole, request(ws, pool, me, fb), false},
		{"pool list, first pool", pools, request(ws, pool, me, fb), true},
		{"pool list, second pool", pools, request(ws, pool2, me, fb), true},
		{"pool list, third pool refused", pools, request(ws, "us-east-1:3", me, fb), false},
		{"sub restriction, that identity", subOnly, request(ws, pool, me, guest), true},
		{"sub restriction, another identity refused", subOnly, request(ws, pool, other, guest), false},
		{"facebook only, facebook user", facebook, request(ws, pool, me, fb), true},
		{"facebook only, developer user refused", facebook, request(ws, pool, me, dev), false},
		{"facebook only, guest refused", facebook, request(ws, pool, me, guest), false},
		{"tagging role, TagSession", tagging, request(tag, pool, me, fb), true},
		{"tagging role, AssumeRoleWithWebIdentity", tagging, request(ws, pool, me, fb), true},
		{"action names are case-insensitive", authRole, request("STS:assumerolewithwebidentity", pool, me, fb), true},
		{"provider name is case-insensitive", authRole,
			Request{Action: ws, Federated: "Cognito-Identity.amazonaws.com", Context: request(ws, pool, me, fb).Context}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustParse(t, tc.doc)
			if got := d.Allowed(tc.req); got != tc.want {
				t.Errorf("Allowed: got %v, want %v (%s)", got, tc.want, d.Explain(tc.req))
			}
			if got := d.Explain(tc.req) == ""; got != tc.want {
				t.Errorf("Explain: got %q, want it empty only when allowed", d.Explain(tc.req))
			}
		})
	}
}

func TestEffectsAndActions(t *testing.T) {
	const (
		fed   = `"Principal":{"Federated":"cognito-identity.amazonaws.com"}`
		allow = `{"Effect":"Allow",` + fed + `,"Action":"sts:*"}`
	)
	doc := func(stmts ...string) string {
		return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
	}
	ws := Request{Action: "sts:AssumeRoleWithWebIdentity", Federated: "cognito-identity.amazonaws.com",
		Context: map[string][]string{"cognito-identity.amazonaws.com:amr": {"unauthenticated"}}}
	tag := ws
	tag.Action = "sts:TagSession"
	tests := []struct {
		name string
		doc  string
		req  Request
		want bool
	}{
		{"sts:* allows", doc(allow), ws, true},
		{"* allows", doc(`{"Effect":"Allow",` + fed + `,"Action":"*"}`), ws, true},
		{"prefix wildcard", doc(`{"Effect":"Allow",` + fed + `,"Action":"sts:AssumeRole*"}`), ws, true},
		{"question mark wildcard", doc(`{"Effect":"Allow",` + fed + `,"Action":"sts:?agSession"}`), tag, true},
		{"other vendor", doc(`{"Effect":"Allow",` + fed + `,"Action":"iam:*"}`), ws, false},
		{"exact other action", doc(`{"Effect":"Allow",` + fed + `,"Action":"sts:AssumeRole"}`), ws, false},
		{"Deny overrides Allow", doc(allow, `{"Effect":"Deny",`+fed+`,"Action":"sts:AssumeRoleWithWebIdentity"}`), ws, false},
		{"Deny first still overrides", doc(`{"Effect":"Deny",`+fed+`,"Action":"sts:AssumeRoleWithWebIdentity"}`, allow), ws, false},
		{"Deny of another action", doc(allow, `{"Effect":"Deny",`+fed+`,"Action":"sts:TagSession"}`), ws, true},
		{"Deny applies to its action", doc(allow, `{"Effect":"Deny",`+fed+`,"Action":"sts:TagSession"}`), tag, false},
		{"conditional Deny matching", doc(allow, `{"Effect":"Deny",`+fed+`,"Action":"*",`+
			`"Condition":{"ForAnyValue:StringEquals":{"cognito-identity.amazonaws.com:amr":"unauthenticated"}}}`), ws, false},
		{"conditional Deny not matching", doc(allow, `{"Effect":"Deny",`+fed+`,"Action":"*",`+
			`"Condition":{"ForAnyValue:StringEquals":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}`), ws, true},
		{"Deny for another principal", doc(allow, `{"Effect":"Deny","Principal":{"Federated":"accounts.google.com"},"Action":"*"}`), ws, true},
		{"Deny for everyone", doc(allow, `{"Effect":"Deny","Principal":"*","Action":"*"}`), ws, false},
		{"NotAction allows the rest", doc(`{"Effect":"Allow",` + fed + `,"NotAction":"sts:TagSession"}`), ws, true},
		{"NotAction excludes its action", doc(`{"Effect":"Allow",` + fed + `,"NotAction":"sts:TagSession"}`), tag, false},
		{"NotAction with wildcard", doc(`{"Effect":"Allow",` + fed + `,"NotAction":["iam:*","sts:Tag*"]}`), tag, false},
		{"Deny NotAction", doc(allow, `{"Effect":"Deny",`+fed+`,"NotAction":"sts:AssumeRoleWithWebIdentity"}`), tag, false},
		{"Deny NotAction spares its action", doc(allow, `{"Effect":"Deny",`+fed+`,"NotAction":"sts:AssumeRoleWithWebIdentity"}`), ws, true},
		{"no statement matches", doc(`{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"*"}`), ws, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustParse(t, tc.doc)
			if got := d.Allowed(tc.req); got != tc.want {
				t.Errorf("Allowed(%s): got %v, want %v", tc.req.Action, got, tc.want)
			}
		})
	}
}

func TestPrincipals(t *testing.T) {
	doc := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:*"}}`
	}
	const (
		acct     = "123456789012"
		role     = "arn:aws:iam::123456789012:role/ops/Deployer"
		session  = "arn:aws:sts::123456789012:assumed-role/Deployer/ci"
		user     = "arn:aws:iam::123456789012:user/alice"
		stranger = "arn:aws:iam::210987654321:user/mallory"
		oidc     = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
	)
	aws := func(arn string) Request { return Request{Action: "sts:AssumeRole", AWS: arn} }
	fed := func(p string) Request { return Request{Action: "sts:AssumeRoleWithWebIdentity", Federated: p} }
	named := func(arn string) Request { return Request{Action: "sts:AssumeRole", AWS: arn, Named: true} }
	direct := func(arn string) Request {
		return Request{Action: "sts:AssumeRole", AWS: arn, Named: true, Direct: true}
	}
	tests := []struct {
		name      string
		principal string
		req       Request
		want      bool
	}{
		{"star, federated", `"*"`, fed("accounts.google.com"), true},
		{"star, AWS", `"*"`, aws(user), true},
		{"AWS star, federated", `{"AWS":"*"}`, fed("cognito-identity.amazonaws.com"), true},
		{"account id, caller of the account", `{"AWS":"` + acct + `"}`, aws(user), true},
		{"account id, session of the account", `{"AWS":"` + acct + `"}`, aws(session), true},
		{"account id, stranger", `{"AWS":"` + acct + `"}`, aws(stranger), false},
		{"root ARN, caller of the account", `{"AWS":"arn:aws:iam::` + acct + `:root"}`, aws(user), true},
		{"root ARN, stranger", `{"AWS":"arn:aws:iam::` + acct + `:root"}`, aws(stranger), false},
		{"user ARN exact", `{"AWS":"` + user + `"}`, aws(user), true},
		{"user ARN, other user", `{"AWS":"` + user + `"}`, aws("arn:aws:iam::123456789012:user/bob"), false},
		{"role ARN, its session", `{"AWS":"` + role + `"}`, aws(session), true},
		{"role ARN, another role's session", `{"AWS":"` + role + `"}`, aws("arn:aws:sts::123456789012:assumed-role/Other/ci"), false},
		{"role ARN, same name in another account", `{"AWS":"` + role + `"}`, aws("arn:aws:sts::210987654321:assumed-role/Deployer/ci"), false},
		{"session ARN exact", `{"AWS":"` + session + `"}`, aws(session), true},
		{"AWS principal, federated request", `{"AWS":"` + acct + `"}`, fed("cognito-identity.amazonaws.com"), false},
		{"AWS principal, no caller", `{"AWS":"` + acct + `"}`, Request{Action: "sts:AssumeRole"}, false},
		{"Federated list", `{"Federated":["accounts.google.com","cognito-identity.amazonaws.com"]}`, fed("cognito-identity.amazonaws.com"), true},
		{"Federated, other provider", `{"Federated":"cognito-identity.amazonaws.com"}`, fed("graph.facebook.com"), false},
		{"Federated, AWS caller", `{"Federated":"cognito-identity.amazonaws.com"}`, aws(user), false},
		{"OIDC provider ARN, host", `{"Federated":"` + oidc + `"}`, fed("token.actions.githubusercontent.com"), true},
		{"OIDC provider ARN, same ARN", `{"Federated":"` + oidc + `"}`, fed(oidc), true},
		{"host, OIDC provider ARN", `{"Federated":"token.actions.githubusercontent.com"}`, fed(oidc), true},
		{"OIDC provider ARN, other host", `{"Federated":"` + oidc + `"}`, fed("accounts.google.com"), false},
		{"Service never matches", `{"Service":"ec2.amazonaws.com"}`, fed("ec2.amazonaws.com"), false},
		{"mixed types", `{"Service":"ec2.amazonaws.com","AWS":"` + user + `"}`, aws(user), true},
		{"named only: account id does not name the caller", `{"AWS":"` + acct + `"}`, named(user), false},
		{"named only: root ARN does not name the caller", `{"AWS":"arn:aws:iam::` + acct + `:root"}`, named(session), false},
		{"named only: role ARN names its session", `{"AWS":["arn:aws:iam::` + acct + `:root","` + role + `"]}`, named(session), true},
		{"named only: session ARN", `{"AWS":"` + session + `"}`, named(session), true},
		{"named only: user ARN", `{"AWS":"` + user + `"}`, named(user), true},
		{"named only: star", `{"AWS":"*"}`, named(user), true},
		{"direct: role ARN does not name its session", `{"AWS":["arn:aws:iam::` + acct + `:root","` + role + `"]}`, direct(session), false},
		{"direct: session ARN", `{"AWS":"` + session + `"}`, direct(session), true},
		{"direct: another session of the role", `{"AWS":"arn:aws:sts::123456789012:assumed-role/Deployer/other"}`, direct(session), false},
		{"direct: user ARN", `{"AWS":"` + user + `"}`, direct(user), true},
		{"direct: star", `{"AWS":"*"}`, direct(session), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustParse(t, doc(tc.principal))
			if got := d.Allowed(tc.req); got != tc.want {
				t.Errorf("Allowed(%+v): got %v, want %v", tc.req, got, tc.want)
			}
		})
	}
}

func TestExplain(t *testing.T) {
	d := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"Trust","Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity",
		 "Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"pool"}}},
		{"Sid":"NoGuests","Effect":"Deny","Principal":"*","Action":"*",
		 "Condition":{"ForAnyValue:StringEquals":{"cognito-identity.amazonaws.com:amr":"unauthenticated"}}}]}`)
	req := func(action, aud, amr string) Request {
		return Request{Action: action, Federated: "cognito-identity.amazonaws.com", Context: map[string][]string{
			"cognito-identity.amazonaws.com:aud": {aud}, "cognito-identity.amazonaws.com:amr": {amr}}}
	}
	tests := []struct {
		name string
		req  Request
		want string
	}{
		{"allowed", req("sts:AssumeRoleWithWebIdentity", "pool", "authenticated"), ""},
		{"denied", req("sts:AssumeRoleWithWebIdentity", "pool", "unauthenticated"), "explicitly denied by statement 2 (NoGuests)"},
		{"condition", req("sts:AssumeRoleWithWebIdentity", "other", "authenticated"),
			"no statement allows sts:AssumeRoleWithWebIdentity; statement 1 (Trust): condition StringEquals on cognito-identity.amazonaws.com:aud wants pool; this request's is other"},
		{"action", req("sts:TagSession", "pool", "authenticated"),
			"no statement allows sts:TagSession; statement 1 (Trust): action not allowed"},
		{"principal", Request{Action: "sts:AssumeRoleWithWebIdentity", Federated: "accounts.google.com"},
			"no statement allows sts:AssumeRoleWithWebIdentity; statement 1 (Trust): principal not trusted"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := d.Explain(tc.req); got != tc.want {
				t.Errorf("Explain: got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestExplainPatterns: a refusal names the values a condition wants as the
// policy writes them, wildcards and resolved variables included, not as
// an empty literal.
func TestExplainPatterns(t *testing.T) {
	const (
		gh   = "token.actions.githubusercontent.com"
		head = "no statement allows sts:AssumeRoleWithWebIdentity; statement 1 (GitHub): condition StringLike on " + gh + ":sub wants "
	)
	doc := func(values string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"GitHub","Effect":"Allow",` +
			`"Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/` + gh + `"},"Action":"sts:AssumeRoleWithWebIdentity",` +
			`"Condition":{"StringLike":{"` + gh + `:sub":` + values + `}}}]}`
	}
	tests := []struct {
		name   string
		values string
		ctx    map[string][]string
		want   string
	}{
		{"wildcard", `"repo:octo-org/octo-repo:*"`, map[string][]string{gh + ":sub": {"repo:evil/repo:ref:refs/heads/main"}},
			head + "repo:octo-org/octo-repo:*; this request's is repo:evil/repo:ref:refs/heads/main"},
		{"a literal and a pattern", `["repo:o/r:ref:refs/heads/main","repo:o/?:*"]`, map[string][]string{gh + ":sub": {"repo:evil/repo:x"}},
			head + "one of repo:o/r:ref:refs/heads/main, repo:o/?:*; this request's is repo:evil/repo:x"},
		{"wildcard with a resolved variable", `"repo:${aws:PrincipalTag/org}/*"`,
			map[string][]string{gh + ":sub": {"repo:evil/repo:x"}, "aws:PrincipalTag/org": {"acme"}},
			head + "repo:acme/*; this request's is repo:evil/repo:x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustParse(t, doc(tc.values))
			req := Request{Action: "sts:AssumeRoleWithWebIdentity", Federated: "arn:aws:iam::123456789012:oidc-provider/" + gh, Context: tc.ctx}
			if got := d.Explain(req); got != tc.want {
				t.Errorf("Explain: got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestValidate: IAM refuses to store a trust policy whose Allow statement
// names Cognito without a condition that requires
// cognito-identity.amazonaws.com:aud to hold given values.
func TestValidate(t *testing.T) {
	const cognito = "A condition block must be present for the Cognito provider"
	tests := []struct {
		name string
		doc  string
		want string // the refusal's text, "" when accepted
	}{
		{"aud constrained", `{"Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity",` +
			`"Condition":{"StringEquals":{"Cognito-Identity.amazonaws.com:Aud":"p"}}}}`, ""},
		{"no condition", `{"Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}}`, cognito},
		{"only amr", `{"Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity",` +
			`"Condition":{"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}}`, cognito},
		{"only a negated aud condition", `{"Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity",` +
			`"Condition":{"StringNotEquals":{"cognito-identity.amazonaws.com:aud":"p"}}}}`, cognito},
		{"only aud IfExists", `{"Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity",` +
			`"Condition":{"StringEqualsIfExists":{"cognito-identity.amazonaws.com:aud":"p"}}}}`, cognito},
		{"aud constrained in a second statement only", `{"Statement":[` +
			`{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"p"}}},` +
			`{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:*"}]}`, cognito},
		// sts:TagSession alone lets nobody assume the role.
		{"a TagSession statement without aud", `{"Statement":[` +
			`{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"p"}}},` +
			`{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:TagSession"}]}`, ""},
		{"aud StringLike", `{"Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity",` +
			`"Condition":{"StringLike":{"cognito-identity.amazonaws.com:aud":"us-east-1:*"}}}}`, ""},
		{"aud ForAnyValue", `{"Statement":{"Effect":"Allow","Principal":{"Federated":["accounts.google.com","cognito-identity.amazonaws.com"]},"Action":"sts:AssumeRoleWithWebIdentity",` +
			`"Condition":{"ForAnyValue:StringEquals":{"cognito-identity.amazonaws.com:aud":["p","q"]}}}}`, ""},
		{"aud ForAllValues", `{"Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity",` +
			`"Condition":{"ForAllValues:StringEquals":{"cognito-identity.amazonaws.com:aud":"p"}}}}`, cognito},
		{"aud Null", `{"Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity",` +
			`"Condition":{"Null":{"cognito-identity.amazonaws.com:aud":"false"}}}}`, cognito},
		// "*" names no provider: IAM's rule is about statements that name Cognito.
		{"principal star", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity"}}`, ""},
		{"federated star", `{"Statement":{"Effect":"Allow","Principal":{"Federated":"*"},"Action":"sts:AssumeRoleWithWebIdentity"}}`, ""},
		{"other provider", `{"Statement":{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"}}`, ""},
		{"Deny only", `{"Statement":{"Effect":"Deny","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"*"}}`, ""},
		// The AWS GovCloud (US) regions name Cognito otherwise.
		{"us-gov-west-1 principal without aud", `{"Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity-us-gov.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}}`, cognito},
		{"us-gov-east-1 principal without aud", `{"Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.us-gov-east-1.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}}`, cognito},
		{"us-gov-west-1 principal with the commercial aud", `{"Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity-us-gov.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity",` +
			`"Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"p"}}}}`, cognito},
		{"us-gov-west-1 principal with its aud", `{"Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity-us-gov.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity",` +
			`"Condition":{"StringEquals":{"cognito-identity-us-gov.amazonaws.com:aud":"p"}}}}`, ""},
	}
	for _, tc := range slices.Concat(tests, actionTests, federatedTests, serviceTests) {
		t.Run(tc.name, func(t *testing.T) {
			d := mustParse(t, tc.doc)
			err := d.validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate: got %v, want accepted", err)
			case tc.want != "" && (!errors.Is(err, ErrMalformed) || err.Error() != tc.want):
				t.Errorf("Validate: got %v, want %q", err, tc.want)
			}
		})
	}
}

// actionTests are trust policies whose actions IAM checks: only the STS
// actions that assume a role (test_iam_roles.snapshot.json,
// invalid-action-error; terraform-provider-aws#32872 shows the typo
// sts:TagSessions refused). Wildcards and NotAction are idpool's reading.
var actionTests = func() []struct{ name, doc, want string } {
	const onlySTS = "AssumeRole policy may only specify STS AssumeRole actions."
	trust := func(elem, actions string) string {
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"` + elem + `":` + actions + `}}`
	}
	return []struct{ name, doc, want string }{
		{"sts:AssumeRole", trust("Action", `"sts:AssumeRole"`), ""},
		{"every assume action", trust("Action", `["sts:AssumeRole","sts:AssumeRoleWithSAML","sts:AssumeRoleWithWebIdentity","sts:TagSession","sts:SetSourceIdentity","sts:SetContext"]`), ""},
		{"any case", trust("Action", `"STS:assumerole"`), ""},
		{"star", trust("Action", `"*"`), ""},
		{"sts star", trust("Action", `"sts:*"`), ""},
		{"AssumeRole star", trust("Action", `"sts:AssumeRole*"`), ""},
		{"question mark", trust("Action", `"sts:?agSession"`), ""},
		{"invalid sts action", trust("Action", `"sts:InvalidAction"`), onlySTS},
		{"TagSessions typo", trust("Action", `["sts:AssumeRole","sts:TagSessions"]`), onlySTS},
		{"web identity typo", trust("Action", `"sts:AssumeRoleWithWebIdentitiy"`), onlySTS},
		{"another service", trust("Action", `"s3:GetObject"`), onlySTS},
		{"another service star", trust("Action", `"s3:*"`), onlySTS},
		{"sts star of nothing", trust("Action", `"sts:Get*"`), onlySTS},
		{"in a Deny", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"iam:PassRole"}]}`, onlySTS},
		{"NotAction of another service", trust("NotAction", `"s3:GetObject"`), ""},
		{"NotAction of some", trust("NotAction", `["sts:AssumeRole","sts:TagSession"]`), ""},
		{"NotAction of every one", trust("NotAction", `"sts:*"`), onlySTS},
		{"NotAction star", trust("NotAction", `"*"`), onlySTS},
	}
}()

// federatedTests are trust policies whose Federated principals IAM checks:
// a domain name or a SAML or OpenID Connect provider's ARN
// (terraform-aws-modules/terraform-aws-iam#202).
var federatedTests = func() []struct{ name, doc, want string } {
	const invalid = "Federated principals must be valid domain names or SAML metadata ARNs"
	trust := func(federated string) string {
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":` + federated + `},"Action":"sts:AssumeRoleWithWebIdentity"}}`
	}
	return []struct{ name, doc, want string }{
		{"Google", trust(`"accounts.google.com"`), ""},
		{"GitHub Actions", trust(`"token.actions.githubusercontent.com"`), ""},
		{"OpenID Connect provider", trust(`"arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"`), ""},
		{"OpenID Connect provider with a port", trust(`"arn:aws:iam::123456789012:oidc-provider/localhost:9229/us-east-1_x"`), ""},
		{"SAML provider", trust(`"arn:aws:iam::123456789012:saml-provider/corp"`), ""},
		{"one bad of two", trust(`["accounts.google.com","https://accounts.google.com"]`), invalid},
		{"a URL", trust(`"https://token.actions.githubusercontent.com"`), invalid},
		{"one label", trust(`"localhost"`), invalid},
		{"empty label", trust(`"accounts..google.com"`), invalid},
		{"role ARN", trust(`"arn:aws:iam::123456789012:role/r"`), invalid},
		{"provider without a name", trust(`"arn:aws:iam::123456789012:oidc-provider/"`), invalid},
		{"provider of no account", trust(`"arn:aws:iam::*:oidc-provider/x.example.com"`), invalid},
		{"provider of another service", trust(`"arn:aws:sts::123456789012:oidc-provider/x.example.com"`), invalid},
	}
}()

// serviceTests are trust policies whose Service principals IAM checks:
// the shape of an AWS service's name (users' reports: "lambda" in the
// Terraform EKS module, "amazonaws.com" in aws-samples/aws-cdk-examples#801);
// whether the service exists is not checked.
var serviceTests = func() []struct{ name, doc, want string } {
	trust := func(service string) string {
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":` + service + `},"Action":"sts:AssumeRole"}}`
	}
	return []struct{ name, doc, want string }{
		{"Lambda", trust(`"lambda.amazonaws.com"`), ""},
		{"two services", trust(`["ec2.amazonaws.com","ecs-tasks.amazonaws.com"]`), ""},
		{"regional", trust(`"logs.us-east-1.amazonaws.com"`), ""},
		{"China", trust(`"eks.amazonaws.com.cn"`), ""},
		{"Alexa", trust(`"alexa-appkit.amazon.com"`), ""},
		{"GovCloud's isolated sibling", trust(`"ec2.c2s.ic.gov"`), ""},
		{"star", trust(`"*"`), ""},
		{"no domain", trust(`"lambda"`), `Invalid principal in policy: "SERVICE":"lambda"`},
		{"the domain alone", trust(`"amazonaws.com"`), `Invalid principal in policy: "SERVICE":"amazonaws.com"`},
		{"another domain", trust(`"lambda.example.com"`), `Invalid principal in policy: "SERVICE":"lambda.example.com"`},
		{"misspelt domain", trust(`"lambda.amazonaws.con"`), `Invalid principal in policy: "SERVICE":"lambda.amazonaws.con"`},
		{"a URL", trust(`"https://lambda.amazonaws.com"`), `Invalid principal in policy: "SERVICE":"https://lambda.amazonaws.com"`},
		{"white space", trust(`"lambda.amazonaws.com "`), `Invalid principal in policy: "SERVICE":"lambda.amazonaws.com "`},
		{"one bad of two", trust(`["ec2.amazonaws.com","ec2"]`), `Invalid principal in policy: "SERVICE":"ec2"`},
		{"an ARN", trust(`"arn:aws:iam::123456789012:role/r"`), `Invalid principal in policy: "SERVICE":"arn:aws:iam::123456789012:role/r"`},
	}
}()

// TestServicePartition: a Service principal under another partition's
// domain is refused as an unknown one (eks.amazonaws.com.cn outside AWS
// China, in users' reports); <name>.amazonaws.com is every partition's.
func TestServicePartition(t *testing.T) {
	tests := []struct {
		service, partition string
		ok                 bool
	}{
		{"eks.amazonaws.com", "aws", true},
		{"eks.amazonaws.com", "aws-cn", true},
		{"eks.amazonaws.com", "aws-us-gov", true},
		{"eks.amazonaws.com.cn", "aws-cn", true},
		{"eks.amazonaws.com.cn", "aws", false},
		{"eks.amazonaws.com.cn", "aws-us-gov", false},
		{"ec2.c2s.ic.gov", "aws-iso", true},
		{"ec2.c2s.ic.gov", "aws", false},
	}
	for _, tc := range tests {
		t.Run(tc.service+" in "+tc.partition, func(t *testing.T) {
			d, err := CheckTrust([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"` + tc.service + `"},"Action":"sts:AssumeRole"}}`))
			if err != nil {
				t.Fatalf("CheckTrust: got %v, want the document taken", err)
			}
			err = d.CheckPartition(tc.partition)
			want := `Invalid principal in policy: "SERVICE":"` + tc.service + `"`
			switch {
			case tc.ok && err != nil:
				t.Errorf("CheckPartition: got %v, want nil", err)
			case !tc.ok && (!errors.Is(err, ErrMalformed) || err.Error() != want):
				t.Errorf("CheckPartition: got %v, want %q", err, want)
			}
		})
	}
}

// TestAWSPrincipals: the AWS principals of every statement, each once.
func TestAWSPrincipals(t *testing.T) {
	d := mustParse(t, `{"Statement":[`+
		`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:role/a","123456789012"]},"Action":"sts:AssumeRole"},`+
		`{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"},`+
		`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/a"},"Action":"sts:TagSession"}]}`)
	got, want := d.AWSPrincipals(), []string{"arn:aws:iam::123456789012:role/a", "123456789012"}
	if !slices.Equal(got, want) {
		t.Errorf("AWSPrincipals: got %q, want %q", got, want)
	}
}

// TestFederatedPrincipals: the Federated principals of every statement,
// each once, the AWS ones left out.
func TestFederatedPrincipals(t *testing.T) {
	const oidc = "arn:aws:iam::123456789012:oidc-provider/login.example.com"
	d := mustParse(t, `{"Statement":[`+
		`{"Effect":"Allow","Principal":{"Federated":["`+oidc+`","accounts.google.com"]},"Action":"sts:AssumeRoleWithWebIdentity"},`+
		`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"},`+
		`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},`+
		`{"Effect":"Allow","Principal":{"Federated":"`+oidc+`"},"Action":"sts:TagSession"}]}`)
	got, want := d.FederatedPrincipals(), []string{oidc, "accounts.google.com"}
	if !slices.Equal(got, want) {
		t.Errorf("FederatedPrincipals: got %q, want %q", got, want)
	}
}

// TestCognitoPrincipal: the AWS GovCloud (US) User Guide names Cognito
// per GovCloud region; every other region has the commercial name.
func TestCognitoPrincipal(t *testing.T) {
	tests := []struct{ region, want string }{
		{"us-east-1", "cognito-identity.amazonaws.com"},
		{"cn-north-1", "cognito-identity.amazonaws.com"},
		{"us-gov-west-1", "cognito-identity-us-gov.amazonaws.com"},
		{"us-gov-east-1", "cognito-identity.us-gov-east-1.amazonaws.com"},
		{"", "cognito-identity.amazonaws.com"},
	}
	for _, tc := range tests {
		t.Run(tc.region, func(t *testing.T) {
			if got := CognitoPrincipal(tc.region); got != tc.want {
				t.Errorf("CognitoPrincipal(%q): got %q, want %q", tc.region, got, tc.want)
			}
		})
	}
}
