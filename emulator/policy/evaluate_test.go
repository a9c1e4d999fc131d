package policy

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func mustParsePermissions(t *testing.T, doc string) *Document {
	t.Helper()
	return mustParseWith(t, ParsePermissions, doc)
}

// perm returns a permission policy document of the given statements.
func perm(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

func TestParsePermissionsMalformed(t *testing.T) {
	const ok = `"Effect":"Allow","Action":"s3:GetObject"`
	stmt := func(body string) string { return perm(`{` + body + `}`) }
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"Principal", stmt(ok + `,"Resource":"*","Principal":"*"`), "Policy document should not specify a principal."},
		{"NotPrincipal", stmt(ok + `,"Resource":"*","NotPrincipal":{"AWS":"123456789012"}`), "should not specify a principal"},
		{"no Resource", stmt(ok), "Policy statement must contain resources."},
		{"Resource and NotResource", stmt(ok + `,"Resource":"*","NotResource":"arn:aws:s3:::b"`), "both Resource and NotResource"},
		{"Resource empty list", stmt(ok + `,"Resource":[]`), "Policy statement must contain resources."},
		{"Resource empty string", stmt(ok + `,"Resource":""`), `Resource  must be in ARN format or "*".`},
		{"Resource a number", stmt(ok + `,"Resource":[7]`), "Resource must hold strings"},
		{"Resource not an ARN", stmt(ok + `,"Resource":"mybucket"`), `Resource mybucket must be in ARN format or "*".`},
		{"Resource without service", stmt(ok + `,"Resource":"arn:aws"`), "Resource vendor must be fully qualified and cannot contain regexes."},
		{"Resource without service", stmt(ok + `,"Resource":"arn:aws::::b"`), "must be in ARN format"},
		{"NotResource not an ARN", stmt(ok + `,"NotResource":"s3:::b"`), "must be in ARN format"},
		{"wildcard service", stmt(ok + `,"Resource":"arn:aws:s3*:::b"`), "Resource vendor must be fully qualified and cannot contain regexes."},
		{"question mark service", stmt(ok + `,"Resource":"arn:aws:s?:::b"`), "cannot contain regexes"},
		{"no Action", stmt(`"Effect":"Allow","Resource":"*"`), "must contain actions"},
		{"Action without vendor", stmt(`"Effect":"Allow","Action":"GetObject","Resource":"*"`), "prefaced by a vendor"},
		{"bad condition", stmt(ok + `,"Resource":"*","Condition":{"NumericLessThan":{"aws:n":"x"}}`), "Invalid number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ParsePermissions([]byte(tc.doc))
			if err == nil {
				t.Fatalf("ParsePermissions: got %+v, want an error", d)
			}
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error: got %v, want ErrMalformed containing %q", err, tc.want)
			}
		})
	}
}

// TestResources checks Resource and NotResource matching, wildcards and
// policy variables in them.
func TestResources(t *testing.T) {
	const sub = "cognito-identity.amazonaws.com:sub"
	me := ctx{sub: {"us-east-1:aaaa"}}
	tests := []struct {
		name     string
		resource string // the Resource element, JSON
		not      bool   // NotResource instead
		version  string
		arn      string
		ctx      ctx
		want     bool
	}{
		{"exact", `"arn:aws:s3:::b/k"`, false, Version2012, "arn:aws:s3:::b/k", nil, true},
		{"exact, other key", `"arn:aws:s3:::b/k"`, false, Version2012, "arn:aws:s3:::b/k2", nil, false},
		{"case-sensitive", `"arn:aws:s3:::B/k"`, false, Version2012, "arn:aws:s3:::b/k", nil, false},
		{"star alone", `"*"`, false, Version2012, "arn:aws:dynamodb:us-east-1:123456789012:table/T", nil, true},
		{"star alone, empty resource", `"*"`, false, Version2012, "", nil, true},
		{"list ORed", `["arn:aws:s3:::a/*","arn:aws:s3:::b/*"]`, false, Version2012, "arn:aws:s3:::b/k", nil, true},
		{"trailing star spans slashes", `"arn:aws:s3:::b/*"`, false, Version2012, "arn:aws:s3:::b/x/y/z", nil, true},
		{"trailing star spans colons", `"arn:aws:s3:::b/*"`, false, Version2012, "arn:aws:s3:::b/us-east-1:x/y", nil, true},
		{"trailing star, other bucket", `"arn:aws:s3:::b/*"`, false, Version2012, "arn:aws:s3:::bb/x", nil, false},
		{"bucket itself not under /*", `"arn:aws:s3:::b/*"`, false, Version2012, "arn:aws:s3:::b", nil, false},
		{"inner star spans slashes", `"arn:aws:s3:::b/*/test/*"`, false, Version2012, "arn:aws:s3:::b/1/2/test/3/o.jpg", nil, true},
		{"inner star, empty run", `"arn:aws:s3:::b/*/test/*"`, false, Version2012, "arn:aws:s3:::b//test/", nil, true},
		{"inner star, missing /test/", `"arn:aws:s3:::b/*/test/*"`, false, Version2012, "arn:aws:s3:::b/1-test/o", nil, false},
		{"inner star spans colons in the resource", `"arn:aws:s3:::b/*/test/*"`, false, Version2012, "arn:aws:s3:::b/a:b/test/o", nil, true},
		{"segment star for region and account", `"arn:aws:dynamodb:*:*:table/T"`, false, Version2012,
			"arn:aws:dynamodb:us-east-1:123456789012:table/T", nil, true},
		{"segment star, other table", `"arn:aws:dynamodb:*:*:table/T"`, false, Version2012,
			"arn:aws:dynamodb:us-east-1:123456789012:table/U", nil, false},
		{"star ending a segment spans colons", `"arn:aws:logs:*:*:log-group:*"`, false, Version2012,
			"arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s", nil, true},
		{"prefix star inside a segment", `"arn:aws:iam::123456789012:role/app-*"`, false, Version2012,
			"arn:aws:iam::123456789012:role/app-web", nil, true},
		{"star inside a segment does not cross a colon", `"arn:aws:sqs:us-*-1:123456789012:q"`, false, Version2012,
			"arn:aws:sqs:us-x:y-1:123456789012:q", nil, false},
		{"star inside a segment", `"arn:aws:sqs:us-*-1:123456789012:q"`, false, Version2012,
			"arn:aws:sqs:us-east-1:123456789012:q", nil, true},
		{"question mark", `"arn:aws:s3:::b/?.txt"`, false, Version2012, "arn:aws:s3:::b/a.txt", nil, true},
		{"question mark is one character", `"arn:aws:s3:::b/?.txt"`, false, Version2012, "arn:aws:s3:::b/ab.txt", nil, false},
		{"question mark is one rune", `"arn:aws:s3:::b/?.txt"`, false, Version2012, "arn:aws:s3:::b/é.txt", nil, true},
		{"question mark may be a colon in the resource", `"arn:aws:s3:::b/?x"`, false, Version2012, "arn:aws:s3:::b/:x", nil, true},
		{"question mark in a field", `"arn:aws:sqs:us-east-?:123456789012:q"`, false, Version2012, "arn:aws:sqs:us-east-2:123456789012:q", nil, true},
		{"question mark does not cross a field", `"arn:aws:sqs:us-east?1:123456789012:q"`, false, Version2012, "arn:aws:sqs:us-east:1:123456789012:q", nil, false},
		{"star stays in the region field", `"arn:aws:dynamodb:*:123456789012:table/T"`, false, Version2012,
			"arn:aws:dynamodb:us-east-1:x:123456789012:table/T", nil, false},
		{"star in the account field", `"arn:aws:dynamodb:us-east-1:*:table/T"`, false, Version2012,
			"arn:aws:dynamodb:us-east-1:123456789012:table/T", nil, true},
		{"short pattern is matched whole", `"arn:aws:logs:us-east-1:*"`, false, Version2012,
			"arn:aws:logs:us-east-1:123456789012:log-group:g", nil, true},
		{"short pattern, other region", `"arn:aws:logs:us-east-1:*"`, false, Version2012,
			"arn:aws:logs:eu-west-1:123456789012:log-group:g", nil, false},
		{"wildcard service field of the request is literal", `"arn:aws:s3:::b/k"`, false, Version2012, "arn:aws:s?:::b/k", nil, false},
		{"variable holding colons stays in the resource", `"arn:aws:s3:::b/${aws:userid}/*"`, false, Version2012,
			"arn:aws:s3:::b/AROAX:s/k", ctx{"aws:userid": {"AROAX:s"}}, true},
		{"variable in the account field", `"arn:aws:dynamodb:us-east-1:${aws:PrincipalAccount}:table/T"`, false, Version2012,
			"arn:aws:dynamodb:us-east-1:123456789012:table/T", ctx{"aws:PrincipalAccount": {"123456789012"}}, true},
		{"variable in the account field, other account", `"arn:aws:dynamodb:us-east-1:${aws:PrincipalAccount}:table/T"`, false, Version2012,
			"arn:aws:dynamodb:us-east-1:210987654321:table/T", ctx{"aws:PrincipalAccount": {"123456789012"}}, false},
		{"NotResource, other resource", `"arn:aws:s3:::secret/*"`, true, Version2012, "arn:aws:s3:::b/k", nil, true},
		{"NotResource, its resource", `"arn:aws:s3:::secret/*"`, true, Version2012, "arn:aws:s3:::secret/k", nil, false},
		{"NotResource list", `["arn:aws:s3:::a/*","arn:aws:s3:::b/*"]`, true, Version2012, "arn:aws:s3:::b/k", nil, false},

		// Policy variables.
		{"variable", `"arn:aws:s3:::b/${` + sub + `}/*"`, false, Version2012, "arn:aws:s3:::b/us-east-1:aaaa/x", me, true},
		{"variable, another identity's prefix", `"arn:aws:s3:::b/${` + sub + `}/*"`, false, Version2012, "arn:aws:s3:::b/us-east-1:bbbb/x", me, false},
		{"variable key case-insensitive", `"arn:aws:s3:::b/${Cognito-Identity.amazonaws.com:SUB}/*"`, false, Version2012,
			"arn:aws:s3:::b/us-east-1:aaaa/x", me, true},
		{"variable value is literal", `"arn:aws:s3:::b/${aws:userid}/x"`, false, Version2012, "arn:aws:s3:::b/anything/x",
			ctx{"aws:userid": {"*"}}, false},
		{"variable value star matches itself", `"arn:aws:s3:::b/${aws:userid}/x"`, false, Version2012, "arn:aws:s3:::b/*/x",
			ctx{"aws:userid": {"*"}}, true},
		{"unresolved variable: statement does not apply", `"arn:aws:s3:::b/${aws:username}/*"`, false, Version2012,
			"arn:aws:s3:::b/${aws:username}/x", nil, false},
		{"unresolved variable in NotResource: statement does not apply", `"arn:aws:s3:::b/${aws:username}/*"`, true, Version2012,
			"arn:aws:s3:::other/x", nil, false},
		{"multi-valued variable does not resolve", `"arn:aws:s3:::b/${aws:TagKeys}"`, false, Version2012,
			"arn:aws:s3:::b/a", ctx{"aws:TagKeys": {"a", "b"}}, false},
		{"default", `"arn:aws:s3:::b/${aws:username, 'anonymous'}/*"`, false, Version2012, "arn:aws:s3:::b/anonymous/x", nil, true},
		{"default unused when resolved", `"arn:aws:s3:::b/${aws:username, 'anonymous'}/*"`, false, Version2012,
			"arn:aws:s3:::b/anonymous/x", ctx{"aws:username": {"ann"}}, false},
		{"principal tag", `"arn:aws:s3:::b/${aws:PrincipalTag/team}/*"`, false, Version2012, "arn:aws:s3:::b/red/x",
			ctx{"aws:PrincipalTag/team": {"red"}}, true},
		{"escaped star", `"arn:aws:s3:::b/${*}"`, false, Version2012, "arn:aws:s3:::b/*", nil, true},
		{"escaped star is not a wildcard", `"arn:aws:s3:::b/${*}"`, false, Version2012, "arn:aws:s3:::b/x", nil, false},
		{"escaped question mark and dollar", `"arn:aws:s3:::b/${?}${$}"`, false, Version2012, "arn:aws:s3:::b/?$", nil, true},
		{"2008 keeps variables literally", `"arn:aws:s3:::b/${` + sub + `}/*"`, false, Version2008,
			"arn:aws:s3:::b/${" + sub + "}/x", me, true},
		{"2008 does not substitute", `"arn:aws:s3:::b/${` + sub + `}/*"`, false, Version2008, "arn:aws:s3:::b/us-east-1:aaaa/x", me, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			elem := "Resource"
			if tc.not {
				elem = "NotResource"
			}
			d := mustParsePermissions(t, `{"Version":"`+tc.version+`","Statement":{"Effect":"Allow","Action":"s3:*","`+elem+`":`+tc.resource+`}}`)
			r := Request{Action: "s3:GetObject", Resource: tc.arn, Context: tc.ctx}
			want := ImplicitDeny
			if tc.want {
				want = Allowed
			}
			if got := Evaluate([]Named{{ID: "p", Doc: d}}, nil, r).Decision; got != want {
				t.Errorf("Evaluate(%s): got %v, want %v", tc.arn, got, want)
			}
			if got := d.Allowed(r); got != tc.want {
				t.Errorf("Allowed(%s): got %v, want %v", tc.arn, got, tc.want)
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	const (
		allowS3    = `{"Sid":"S3","Effect":"Allow","Action":"s3:*","Resource":"*"}`
		allowGet   = `{"Sid":"Get","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`
		denyPut    = `{"Sid":"NoPut","Effect":"Deny","Action":"s3:PutObject","Resource":"*"}`
		denySecret = `{"Sid":"NoSecret","Effect":"Deny","Action":"*","Resource":"arn:aws:s3:::b/secret/*"}`
	)
	get := Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
	put := Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k"}
	secret := Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/secret/k"}
	list := Request{Action: "s3:ListBucket", Resource: "arn:aws:s3:::b"}
	ddb := Request{Action: "dynamodb:GetItem", Resource: "arn:aws:dynamodb:us-east-1:123456789012:table/T"}
	tests := []struct {
		name     string
		identity []string
		session  []string
		req      Request
		want     Decision
	}{
		{"no policies", nil, nil, get, ImplicitDeny},
		{"allowed", []string{perm(allowS3)}, nil, get, Allowed},
		{"other service", []string{perm(allowS3)}, nil, ddb, ImplicitDeny},
		{"explicit deny wins", []string{perm(allowS3, denyPut)}, nil, put, ExplicitDeny},
		{"explicit deny first still wins", []string{perm(denyPut, allowS3)}, nil, put, ExplicitDeny},
		{"deny in another policy wins", []string{perm(allowS3), perm(denyPut)}, nil, put, ExplicitDeny},
		{"deny of another action", []string{perm(allowS3, denyPut)}, nil, get, Allowed},
		{"deny of a resource", []string{perm(allowS3, denySecret)}, nil, secret, ExplicitDeny},
		{"deny alone", []string{perm(denyPut)}, nil, get, ImplicitDeny},
		{"policies union", []string{perm(allowGet), perm(`{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}`)}, nil, ddb, Allowed},

		// Actions.
		{"action case-insensitive", []string{perm(allowGet)}, nil, Request{Action: "S3:getobject", Resource: "arn:aws:s3:::b/k"}, Allowed},
		{"action prefix wildcard", []string{perm(`{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}`)}, nil, get, Allowed},
		{"action prefix wildcard, other action", []string{perm(`{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}`)}, nil, put, ImplicitDeny},
		{"action inner wildcard", []string{perm(`{"Effect":"Allow","Action":"s3:*Object","Resource":"*"}`)}, nil, put, Allowed},
		{"action question mark", []string{perm(`{"Effect":"Allow","Action":"s3:?utObject","Resource":"*"}`)}, nil, put, Allowed},
		{"action star", []string{perm(`{"Effect":"Allow","Action":"*","Resource":"*"}`)}, nil, ddb, Allowed},
		{"action vendor differs", []string{perm(`{"Effect":"Allow","Action":"s3:GetItem","Resource":"*"}`)}, nil,
			Request{Action: "dynamodb:GetItem", Resource: "*"}, ImplicitDeny},
		{"NotAction allows the rest", []string{perm(`{"Effect":"Allow","NotAction":"s3:PutObject","Resource":"*"}`)}, nil, get, Allowed},
		{"NotAction excludes its action", []string{perm(`{"Effect":"Allow","NotAction":"s3:PutObject","Resource":"*"}`)}, nil, put, ImplicitDeny},
		{"NotAction wildcard", []string{perm(`{"Effect":"Allow","NotAction":["s3:*","iam:*"],"Resource":"*"}`)}, nil, ddb, Allowed},
		{"Deny NotAction", []string{perm(allowS3, `{"Effect":"Deny","NotAction":"s3:Get*","Resource":"*"}`)}, nil, put, ExplicitDeny},
		{"Deny NotAction spares its actions", []string{perm(allowS3, `{"Effect":"Deny","NotAction":"s3:Get*","Resource":"*"}`)}, nil, get, Allowed},
		{"Deny NotResource", []string{perm(allowS3, `{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::b/*"}`)}, nil, list, ExplicitDeny},
		{"Deny NotResource spares its resources", []string{perm(allowS3, `{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::b/*"}`)}, nil, get, Allowed},
		{"Allow NotAction and NotResource", []string{perm(`{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::b/secret/*"}`)}, nil, get, Allowed},

		// Session policies: the intersection with the identity policies.
		{"session allows too", []string{perm(allowS3)}, []string{perm(allowGet)}, get, Allowed},
		{"session narrows", []string{perm(allowS3)}, []string{perm(allowGet)}, put, ImplicitDeny},
		{"session cannot widen", []string{perm(allowGet)}, []string{perm(allowS3)}, put, ImplicitDeny},
		{"session alone grants nothing", nil, []string{perm(allowS3)}, get, ImplicitDeny},
		{"session deny wins", []string{perm(allowS3)}, []string{perm(allowS3, denyPut)}, put, ExplicitDeny},
		{"identity deny wins over session allow", []string{perm(allowS3, denyPut)}, []string{perm(allowS3)}, put, ExplicitDeny},
		{"session policies union", []string{perm(allowS3)}, []string{perm(allowGet), perm(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}`)}, list, Allowed},
		{"session deny only", []string{perm(allowS3)}, []string{perm(denyPut)}, get, ImplicitDeny},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			named := func(docs []string) []Named {
				var ns []Named
				for i, d := range docs {
					ns = append(ns, Named{ID: "p" + string(rune('1'+i)), Doc: mustParsePermissions(t, d)})
				}
				return ns
			}
			got := Evaluate(named(tc.identity), named(tc.session), tc.req)
			if got.Decision != tc.want {
				t.Errorf("Evaluate(%s on %s): got %v, want %v", tc.req.Action, tc.req.Resource, got.Decision, tc.want)
			}
			if (got.Decision == ImplicitDeny) != (len(got.Matched) == 0) {
				t.Errorf("Matched: got %+v for %v, want statements exactly when not an implicit deny", got.Matched, got.Decision)
			}
			for _, m := range got.Matched {
				if m.Deny != (got.Decision == ExplicitDeny) {
					t.Errorf("Matched: got %+v for %v, want only statements of that effect", m, got.Decision)
				}
			}
		})
	}
}

func TestDecisionString(t *testing.T) {
	for d, want := range map[Decision]string{Allowed: "allowed", ExplicitDeny: "explicitDeny", ImplicitDeny: "implicitDeny", Decision(9): "implicitDeny"} {
		if got := d.String(); got != want {
			t.Errorf("Decision(%d).String(): got %q, want %q", d, got, want)
		}
	}
	var zero Decision
	if zero != ImplicitDeny {
		t.Errorf("zero Decision: got %v, want implicitDeny", zero)
	}
}

// TestMatched checks that Evaluate names the statements that decided,
// with their policy, index, Sid and place in the document.
func TestMatched(t *testing.T) {
	role := mustParsePermissions(t, `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},
    {
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::b/*"
    },
    {"Sid": "NoSecret", "Effect": "Deny", "Action": "*", "Resource": "arn:aws:s3:::b/secret/*"}
  ]
}`)
	managed := mustParsePermissions(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`)
	session := mustParsePermissions(t, `{"Statement":[{"Sid":"S","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
	identity := []Named{{ID: "inline", Type: "role", Doc: role}, {ID: "arn:aws:iam::123456789012:policy/M", Type: "user-managed", Doc: managed}}
	sessions := []Named{{ID: "session", Type: "session", Doc: session}}
	tests := []struct {
		name string
		req  Request
		want Result
	}{
		{"allowed by three statements", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}, Result{Decision: Allowed, Matched: []Match{
			{PolicyID: "inline", PolicyType: "role", Statement: 0, Sid: "Read", Start: Position{3, 17}, End: Position{4, 77}},
			{PolicyID: "inline", PolicyType: "role", Statement: 1, Start: Position{4, 77}, End: Position{9, 6}},
			{PolicyID: "arn:aws:iam::123456789012:policy/M", PolicyType: "user-managed", Statement: 0, Start: Position{1, 38}, End: Position{1, 94}},
			{PolicyID: "session", PolicyType: "session", Statement: 0, Sid: "S", Start: Position{1, 15}, End: Position{1, 74}},
		}}},
		{"denied", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/secret/k"}, Result{Decision: ExplicitDeny, Matched: []Match{
			{PolicyID: "inline", PolicyType: "role", Statement: 2, Sid: "NoSecret", Deny: true, Start: Position{9, 6}, End: Position{10, 96}},
		}}},
		{"implicitly denied", Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k"}, Result{Decision: ImplicitDeny}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Evaluate(identity, sessions, tc.req); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Evaluate:\ngot  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestStatementSpans(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want [][2]Position
	}{
		{"object", `{"Statement":{"Effect":"Allow"}}`, [][2]Position{{{1, 15}, {1, 32}}}},
		{"array", "{\"Statement\":[\n {\"a\":{\"b\":[1,{}]}},\n\t{}]}", [][2]Position{{{1, 15}, {2, 20}}, {{2, 20}, {3, 4}}}},
		{"nested Statement keys ignored", `{"Id":{"Statement":{}},"Statement":[{"Statement":{}}]}`, [][2]Position{{{1, 37}, {1, 53}}}},
		{"last Statement counts", `{"Statement":[{}],"Statement":[{},{}]}`, [][2]Position{{{1, 32}, {1, 34}}, {{1, 34}, {1, 37}}}},
		{"columns count characters", `{"Id":"éé","Statement":{}}`, [][2]Position{{{1, 25}, {1, 26}}}},
		{"strings holding braces", `{"Statement":[{"k":"}{[]"}]}`, [][2]Position{{{1, 15}, {1, 27}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := statementSpans([]byte(tc.doc)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("statementSpans(%s): got %v, want %v", tc.doc, got, tc.want)
			}
		})
	}
}

func TestExplainPermissions(t *testing.T) {
	d := mustParsePermissions(t, perm(`{"Sid":"Own","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/mine/*"}`))
	tests := []struct {
		name string
		req  Request
		want string
	}{
		{"allowed", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/mine/k"}, ""},
		{"resource", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/yours/k"},
			"no statement allows s3:GetObject; statement 1 (Own): resource not matched"},
		{"action", Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::b/mine/k"},
			"no statement allows s3:PutObject; statement 1 (Own): action not allowed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := d.Explain(tc.req); got != tc.want {
				t.Errorf("Explain: got %q, want %q", got, tc.want)
			}
		})
	}
}
