package conformance

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// The operations on the account itself, which AWS's documentation examples
// (awsdocs/aws-doc-sdk-examples: gov2/iam/actions/account.go,
// python/example_code/iam/account_wrapper.py) call.

// TestIAMAccountPasswordPolicy: idpool holds no password policy, so
// GetAccountPasswordPolicy answers as AWS does for an account without
// one, the SDK's typed NoSuchEntity naming the account id, which the
// examples take for "no policy set".
func TestIAMAccountPasswordPolicy(t *testing.T) {
	s := testServer(t)
	c := s.iamWith(developerKeys())
	_, err := c.GetAccountPasswordPolicy(context.Background(), &iam.GetAccountPasswordPolicyInput{})
	wantIAMRefusal(t, "GetAccountPasswordPolicy", err, "NoSuchEntity", http.StatusNotFound,
		"The Password Policy with domain name "+s.accountID+" cannot be found.")
	if nse := (*iamtypes.NoSuchEntityException)(nil); !errors.As(err, &nse) {
		t.Errorf("GetAccountPasswordPolicy: got %T, want *types.NoSuchEntityException", err)
	}
}

// TestIAMListSAMLProviders: idpool serves no SAML federation, so the
// account lists no SAML provider, as an account without one does; the
// operations that would make one stay unserved (InvalidAction), so that a
// setup that relies on SAML fails where it starts.
func TestIAMListSAMLProviders(t *testing.T) {
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	out, err := c.ListSAMLProviders(ctx, &iam.ListSAMLProvidersInput{})
	ok(t, err, "ListSAMLProviders")
	if out.SAMLProviderList == nil || len(out.SAMLProviderList) != 0 {
		t.Errorf("ListSAMLProviders: got %v, want an empty list", out.SAMLProviderList)
	}
	_, err = c.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("corp"),
		SAMLMetadataDocument: aws.String(strings.Repeat("m", 1000))})
	wantIAMError(t, err, "InvalidAction", http.StatusBadRequest, nil)
}

// listAliases is the account's aliases as ListAccountAliases answers them,
// in pages of maxItems (all at once when nil).
func listAliases(t *testing.T, c *iam.Client, maxItems *int32) []string {
	t.Helper()
	var got []string
	p := iam.NewListAccountAliasesPaginator(c, &iam.ListAccountAliasesInput{MaxItems: maxItems})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		ok(t, err, "ListAccountAliases")
		if out.AccountAliases == nil {
			t.Fatalf("ListAccountAliases: got no AccountAliases, want the list, empty or not")
		}
		got = append(got, out.AccountAliases...)
	}
	return got
}

// TestIAMAccountAlias: the account has one alias at most, as on AWS, where
// a CreateAccountAlias of another name replaces it (floci-io/floci#2103,
// observed on a live account) and of its own name succeeds again;
// DeleteAccountAlias removes only the alias it names. The alias follows
// the model's pattern, lookahead included; a reset removes it. The flow is
// that of AWS's documentation examples (gov2/iam/actions/account.go:
// CreateAccountAlias, ListAccountAliases, DeleteAccountAlias).
func TestIAMAccountAlias(t *testing.T) {
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	for _, a := range listAliases(t, c, nil) { // an external server may hold one
		_, err := c.DeleteAccountAlias(ctx, &iam.DeleteAccountAliasInput{AccountAlias: aws.String(a)})
		ok(t, err, "DeleteAccountAlias")
	}
	create := func(a string) error {
		_, err := c.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String(a)})
		return err
	}
	remove := func(a string) error {
		_, err := c.DeleteAccountAlias(ctx, &iam.DeleteAccountAliasInput{AccountAlias: aws.String(a)})
		return err
	}
	steps := []struct {
		name string
		call func() error
		want []string // the aliases listed after
	}{
		{"create", func() error { return create("idpool-first") }, []string{"idpool-first"}},
		{"create the same again", func() error { return create("idpool-first") }, []string{"idpool-first"}},
		{"create another replaces it", func() error { return create("idpool-2nd") }, []string{"idpool-2nd"}},
		{"delete", func() error { return remove("idpool-2nd") }, nil},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			ok(t, st.call(), st.name)
			for _, max := range []*int32{nil, aws.Int32(1)} {
				if got := listAliases(t, c, max); strings.Join(got, ",") != strings.Join(st.want, ",") {
					t.Errorf("ListAccountAliases: got %v, want %v", got, st.want)
				}
			}
		})
	}

	refusals := []struct {
		name, code string
		status     int
		msg        string // "" when the text is not checked
		call       func() error
	}{
		{"delete when none", "NoSuchEntity", http.StatusNotFound, "The account alias idpool-first cannot be found.", func() error { return remove("idpool-first") }},
		{"two dashes in a row", "ValidationError", http.StatusBadRequest,
			"1 validation error detected: Value at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$",
			func() error { return create("idpool--x") }},
		{"upper case", "ValidationError", http.StatusBadRequest, "", func() error { return create("Idpool") }},
		{"trailing dash", "ValidationError", http.StatusBadRequest, "", func() error { return create("idpool-") }},
		{"too short", "ValidationError", http.StatusBadRequest, "", func() error { return create("ab") }},
		{"delete of a malformed name", "ValidationError", http.StatusBadRequest, "", func() error { return remove("-x-") }},
		{"a marker not issued", "ValidationError", http.StatusBadRequest, "Invalid Marker.", func() error {
			_, err := c.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{Marker: aws.String("bm90LWlzc3VlZA")})
			return err
		}},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if tt.msg != "" {
				wantIAMRefusal(t, tt.name, err, tt.code, tt.status, tt.msg)
				return
			}
			wantIAMError(t, err, tt.code, tt.status, nil)
		})
	}
	if got := listAliases(t, c, nil); len(got) != 0 {
		t.Errorf("ListAccountAliases after the refusals: got %v, want none", got)
	}
}

// TestIAMAccountAliasReset: a reset takes the account back to what its
// fixtures declare, an account without an alias when they declare none.
func TestIAMAccountAliasReset(t *testing.T) {
	s := testServerEnv(t, nil)
	c := s.iamWith(developerKeys())
	_, err := c.CreateAccountAlias(context.Background(), &iam.CreateAccountAliasInput{AccountAlias: aws.String("before-reset")})
	ok(t, err, "CreateAccountAlias")
	if res := s.post(t, "/_idpool/reset", ""); res.status != http.StatusOK {
		t.Fatalf("reset: got status %d, want 200", res.status)
	}
	if got := listAliases(t, c, nil); len(got) != 0 {
		t.Errorf("ListAccountAliases after a reset: got %v, want none", got)
	}
}

// TestStrictAccountAlias: in strict mode the alias operations are IAM
// actions on "*", as AWS's service authorization reference lists them
// (no resource type): a user may call those its policies allow, and is
// refused the others with AccessDenied on resource "*".
func TestStrictAccountAlias(t *testing.T) {
	t.Parallel()
	s, dev, userARN, name, keys := strictUser(t)
	ctx := context.Background()
	_, err := dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("aliases"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": []string{"iam:ListAccountAliases", "iam:CreateAccountAlias"}, "Resource": "*"}))})
	ok(t, err, "PutUserPolicy")
	user := s.iamWith(keys)
	_, err = user.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("strict-corp")})
	ok(t, err, "CreateAccountAlias")
	if got := listAliases(t, user, nil); strings.Join(got, ",") != "strict-corp" {
		t.Errorf("ListAccountAliases: got %v, want [strict-corp]", got)
	}
	_, err = user.DeleteAccountAlias(ctx, &iam.DeleteAccountAliasInput{AccountAlias: aws.String("strict-corp")})
	wantIAMRefusal(t, "DeleteAccountAlias", err, "AccessDenied", http.StatusForbidden,
		msgDenied(userARN, "iam:DeleteAccountAlias", "*")+" because no identity-based policy allows the iam:DeleteAccountAlias action")
}
