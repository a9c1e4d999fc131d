package policy

import (
	"slices"
	"strings"
	"testing"
)

func TestParseResource(t *testing.T) {
	tests := []struct {
		name, doc string
		ok        bool
	}{
		{"principal and resource", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}`, true},
		{"principal without resource", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:*"}]}`, true},
		{"no principal", perm(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`), false},
		{"NotPrincipal with Deny", `{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:*"}]}`, true},
		{"NotPrincipal with Allow", `{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:*"}]}`, false},
		{"Principal and NotPrincipal", `{"Statement":[{"Effect":"Deny","Principal":"*","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:*"}]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseResource([]byte(tt.doc))
			if (err == nil) != tt.ok {
				t.Errorf("got error %v, want ok %v", err, tt.ok)
			}
		})
	}
}

func TestSetEvaluate(t *testing.T) {
	const alice = "arn:aws:iam::123456789012:user/alice"
	named := func(id string, parse func([]byte) (*Document, error), doc string) []Named {
		t.Helper()
		return []Named{{ID: id, Doc: mustParseWith(t, parse, doc)}}
	}
	allowS3 := named("id", ParsePermissions, perm(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`))
	allowGet := named("bound", ParsePermissions, perm(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`))
	denyPut := named("bound", ParsePermissions, perm(`{"Effect":"Deny","Action":"s3:PutObject","Resource":"*"}`))
	rpAlice := named("rp", ParseResource, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"`+alice+`"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}]}`)
	rpDeny := named("rp", ParseResource, `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*"}]}`)
	rpAccount := named("rp", ParseResource, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:PutObject"}]}`)
	rpAccountID := named("rp", ParseResource, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:PutObject"}]}`)
	rpAnyone := named("rp", ParseResource, `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:PutObject"}]}`)
	notAlice := func(except ...string) []Named {
		t.Helper()
		list := `"` + strings.Join(except, `","`) + `"`
		return named("rp", ParseResource, `{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":[`+list+`]},"Action":"s3:*"},`+
			`{"Effect":"Allow","Principal":{"AWS":"`+alice+`"},"Action":"s3:*"}]}`)
	}
	tests := []struct {
		name         string
		set          Set
		caller       string
		want         Decision
		wantBoundary Decision
		wantMatched  []string
	}{
		{"identity only", Set{Identity: allowS3}, "", Allowed, ImplicitDeny, []string{"id"}},
		{"boundary caps", Set{Identity: allowS3, Boundary: allowGet}, "", ImplicitDeny, ImplicitDeny, nil},
		{"boundary allows", Set{Identity: allowS3, Boundary: allowS3}, "", Allowed, Allowed, []string{"id"}},
		{"boundary denies", Set{Identity: allowS3, Boundary: denyPut}, "", ExplicitDeny, ExplicitDeny, []string{"bound"}},
		{"resource grants the caller", Set{Resource: rpAlice}, alice, Allowed, ImplicitDeny, []string{"rp"}},
		{"resource grant not capped by the boundary", Set{Boundary: allowGet, Resource: rpAlice}, alice, Allowed, ImplicitDeny, []string{"rp"}},
		{"resource names someone else", Set{Resource: rpAlice}, "arn:aws:iam::123456789012:user/bob", ImplicitDeny, ImplicitDeny, nil},
		{"resource deny wins", Set{Identity: allowS3, Resource: rpDeny}, alice, ExplicitDeny, ImplicitDeny, []string{"rp"}},
		{"cross-account needs both", Set{Resource: rpAlice, CrossAccount: true}, alice, ImplicitDeny, ImplicitDeny, nil},
		{"resource names only the account", Set{Resource: rpAccount}, alice, ImplicitDeny, ImplicitDeny, nil},
		{"resource names only the account id", Set{Resource: rpAccountID}, alice, ImplicitDeny, ImplicitDeny, nil},
		{"resource names the account, identity allows", Set{Identity: allowS3, Resource: rpAccount}, alice, Allowed, ImplicitDeny, []string{"id", "rp"}},
		{"resource allows anyone", Set{Resource: rpAnyone}, alice, Allowed, ImplicitDeny, []string{"rp"}},
		{"cross-account account principal and identity", Set{Identity: allowS3, Resource: rpAccount, CrossAccount: true}, alice, Allowed, ImplicitDeny, []string{"id", "rp"}},
		{"NotPrincipal excludes the caller and its account", Set{Resource: notAlice(alice, "123456789012")}, alice, Allowed, ImplicitDeny, []string{"rp"}},
		{"NotPrincipal without the account denies", Set{Resource: notAlice(alice)}, alice, ExplicitDeny, ImplicitDeny, []string{"rp"}},
		{"NotPrincipal of another caller denies", Set{Resource: notAlice("arn:aws:iam::123456789012:user/bob", "arn:aws:iam::123456789012:root")}, alice, ExplicitDeny, ImplicitDeny, []string{"rp"}},
		{"NotPrincipal never excludes a bounded caller", Set{Boundary: allowS3, Resource: notAlice(alice, "123456789012")}, alice, ExplicitDeny, Allowed, []string{"rp"}},
		{"cross-account both allow", Set{Identity: allowS3, Resource: rpAlice, CrossAccount: true}, alice, Allowed, ImplicitDeny, []string{"id", "rp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.set.Evaluate(Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k", AWS: tt.caller})
			if r.Decision != tt.want || r.Boundary != tt.wantBoundary {
				t.Errorf("got %s (boundary %s), want %s (boundary %s)", r.Decision, r.Boundary, tt.want, tt.wantBoundary)
			}
			var ids []string
			for _, m := range r.Matched {
				ids = append(ids, m.PolicyID)
			}
			if !slices.Equal(ids, tt.wantMatched) {
				t.Errorf("got matched %q, want %q", ids, tt.wantMatched)
			}
		})
	}
}

func TestContextKeys(t *testing.T) {
	doc := mustParsePermissions(t, perm(
		`{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/${aws:userid}/${aws:username, 'x'}/*",`+
			`"Condition":{"StringEquals":{"aws:PrincipalTag/team":"${aws:PrincipalTag/dept}"},"Bool":{"AWS:SecureTransport":"true"}}}`,
		`{"Effect":"Deny","NotAction":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"v"}}}`,
		`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:securetransport":"true"}}}`,
	))
	tests := []struct {
		action string
		want   []string
	}{
		{"s3:GetObject", []string{"aws:userid", "AWS:SecureTransport", "aws:PrincipalTag/team", "aws:PrincipalTag/dept"}},
		{"s3:PutObject", []string{"aws:SourceVpc"}},
		{"sts:GetCallerIdentity", []string{"aws:SourceVpc"}},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			if got := doc.ContextKeys(tt.action); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	ctx := map[string][]string{"AWS:USERID": {"u"}, "aws:PrincipalTag/team": {}}
	if got, want := Missing(ctx, []string{"aws:userid", "aws:PrincipalTag/team"}), []string{"aws:PrincipalTag/team"}; !slices.Equal(got, want) {
		t.Errorf("Missing: got %q, want %q", got, want)
	}
}
