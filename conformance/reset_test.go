package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// POST /_idpool/reset brings the store back to what a fresh start from the
// same fixtures gives, in one step that readers see whole: test suites
// whose workers share one server reset it between tests.

// TestResetIsAtomic: while resets follow one another, readers of a
// fixture pool always find it. With a small fixture, reset in one step,
// its fixture login always maps to the fixture identity too; a large one
// has its identities written after the pool (README, Test controls), so
// only the pool is checked there.
func TestResetIsAtomic(t *testing.T) {
	tests := []struct {
		name    string
		fixture func(t *testing.T, dir string) string
		resets  int
		logins  bool
	}{
		{"small fixture", func(t *testing.T, dir string) string { p, _ := fixtureWorld(t, dir); return p }, 30, true},
		{"large fixture", largeFixture, 5, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": tc.fixture(t, t.TempDir())})
			resetWhileReading(t, s, tc.resets, tc.logins)
		})
	}
}

// largeFixture writes a fixture of the pool fxPool with more identities
// than a reset writes in one transaction, and returns its path.
func largeFixture(t *testing.T, dir string) string {
	t.Helper()
	var ids []any
	for n := range 1500 {
		ids = append(ids, map[string]any{"IdentityId": fmt.Sprintf("us-east-1:%08d-bbbb-cccc-dddd-eeeeeeeeeeee", n),
			"Logins": map[string]string{"graph.facebook.com": fmt.Sprint("user-", n)}})
	}
	b, err := json.Marshal(map[string]any{"IdentityPools": []any{map[string]any{
		"IdentityPoolId": fxPool, "IdentityPoolName": "large", "AllowUnauthenticatedIdentities": true,
		"SupportedLoginProviders": map[string]string{"graph.facebook.com": "fb-app"}, "Identities": ids,
	}}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "large.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestResetLargeWhileGetId: GetId calls for the logins of a large
// fixture's identities during a reset, some of them before their batch
// has landed, leave no identity behind: once the reset has returned the
// pool lists exactly the fixture's identities, and each login finds its
// fixture identity.
func TestResetLargeWhileGetId(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": largeFixture(t, t.TempDir())})
	var (
		stop atomic.Bool
		wg   sync.WaitGroup
	)
	for k := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; !stop.Load(); n++ {
				// From the last identities back: their batch lands last.
				login := map[string]string{"graph.facebook.com": fmt.Sprint("user-", 1499-(k*97+n*13)%1500)}
				s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(fxPool), Logins: login})
			}
		}()
	}
	for i := range 3 {
		if res := s.post(t, "/_idpool/reset", ""); res.status != http.StatusOK {
			t.Errorf("reset %d: got %d %s, want 200", i, res.status, res.body)
		}
	}
	// GetId calls after the last reset find the fixture identities, which
	// have all landed: they create none.
	stop.Store(true)
	wg.Wait()
	var n int
	for next := (*string)(nil); ; {
		in := &cognitoidentity.ListIdentitiesInput{IdentityPoolId: aws.String(fxPool), MaxResults: aws.Int32(60), NextToken: next}
		out, err := s.signed.ListIdentities(ctx, in)
		if errors.Is(err, net.ErrClosed) {
			// Twice in about ten CI runs under heavy load, the client's
			// own connection was closed under a 200 answer of a page
			// ("use of closed network connection"), which no run here
			// reproduced. Only the client closes its own connection:
			// ask for the page once more. Any answer idpool gives, and a
			// connection idpool cuts (a reset or an EOF), still fail.
			t.Logf("ListIdentities after the resets: %v; asking again", err)
			out, err = s.signed.ListIdentities(ctx, in)
		}
		ok(t, err, "ListIdentities after the resets")
		for _, i := range out.Identities {
			if !strings.HasSuffix(aws.ToString(i.IdentityId), "-bbbb-cccc-dddd-eeeeeeeeeeee") {
				t.Errorf("ListIdentities after the resets: got identity %s, which the fixture does not declare", aws.ToString(i.IdentityId))
			}
		}
		n += len(out.Identities)
		if next = out.NextToken; next == nil {
			break
		}
	}
	if n != 1500 {
		t.Errorf("ListIdentities after the resets: got %d identities, want the fixture's 1500", n)
	}
	out, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(fxPool), Logins: map[string]string{"graph.facebook.com": "user-1499"}})
	ok(t, err, "GetId after the resets")
	if got, want := aws.ToString(out.IdentityId), "us-east-1:00001499-bbbb-cccc-dddd-eeeeeeeeeeee"; got != want {
		t.Errorf("GetId of user-1499 after the resets: got %s, want %s", got, want)
	}
}

// resetWhileReading resets s resets times while readers call
// DescribeIdentityPool on fxPool, and GetId with its Facebook login when
// logins is set, and fails t on any error or other identity they get.
func resetWhileReading(t *testing.T, s *server, resets int, logins bool) {
	t.Helper()
	ctx := context.Background()
	var (
		stop     atomic.Bool
		calls    atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		failures []string
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(failures) < 10 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
	}
	readers := map[string]func() error{
		"DescribeIdentityPool": func() error {
			_, err := s.signed.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(fxPool)})
			return err
		},
	}
	if logins {
		readers["GetId"] = func() error {
			out, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(fxPool), Logins: map[string]string{"graph.facebook.com": fxFacebook}})
			if err == nil && aws.ToString(out.IdentityId) != fxIdentity {
				return fmt.Errorf("got IdentityId %s, want the fixture's %s", aws.ToString(out.IdentityId), fxIdentity)
			}
			return err
		}
	}
	for name, call := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				calls.Add(1)
				if err := call(); err != nil {
					fail("%s during resets: %v", name, err)
				}
			}
		}()
	}
	for i := range resets {
		if res := s.post(t, "/_idpool/reset", ""); res.status != http.StatusOK {
			t.Errorf("reset %d: got %d %s, want 200", i, res.status, res.body)
		}
	}
	stop.Store(true)
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
	if calls.Load() < int64(resets) {
		t.Errorf("readers made %d calls during %d resets, want at least one a reset", calls.Load(), resets)
	}
}

// TestResetIAM: IAM entities made at run time go with a reset, and the
// fixture's come back as declared, so that a suite's setup that creates
// them runs again after a reset.
func TestResetIAM(t *testing.T) {
	path, _ := fixtureWorld(t, t.TempDir())
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path})
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	trust := cognitoTrust(t, fxPool, "authenticated")
	perm := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})

	type world struct {
		roles, policies, providers []string
		trusts                     map[string]string
	}
	observe := func(t *testing.T) world {
		t.Helper()
		w := world{trusts: map[string]string{}}
		roles, err := c.ListRoles(ctx, &iam.ListRolesInput{})
		ok(t, err, "ListRoles")
		for _, r := range roles.Roles {
			w.roles = append(w.roles, aws.ToString(r.Arn))
			w.trusts[aws.ToString(r.RoleName)] = aws.ToString(r.AssumeRolePolicyDocument)
		}
		pols, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal})
		ok(t, err, "ListPolicies")
		for _, p := range pols.Policies {
			w.policies = append(w.policies, aws.ToString(p.Arn))
		}
		provs, err := c.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
		ok(t, err, "ListOpenIDConnectProviders")
		for _, p := range provs.OpenIDConnectProviderList {
			w.providers = append(w.providers, aws.ToString(p.Arn))
		}
		slices.Sort(w.roles)
		slices.Sort(w.policies)
		slices.Sort(w.providers)
		return w
	}
	fresh := observe(t)
	wantRoles := []string{fxAuthOnly, fxOIDCRole}
	if !slices.Equal(fresh.roles, wantRoles) {
		t.Fatalf("roles at start: got %v, want the fixture's %v", fresh.roles, wantRoles)
	}

	// A suite's setup, twice: the second run finds what the first made
	// unless the reset took it away.
	setup := func(t *testing.T) {
		t.Helper()
		_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("SuiteRole"), AssumeRolePolicyDocument: aws.String(trust)})
		ok(t, err, "CreateRole")
		pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("SuitePolicy"), PolicyDocument: aws.String(perm)})
		ok(t, err, "CreatePolicy")
		_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("SuiteRole"), PolicyArn: pol.Policy.Arn})
		ok(t, err, "AttachRolePolicy")
		_, err = c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://suite.example.test"), ClientIDList: []string{"suite"}})
		ok(t, err, "CreateOpenIDConnectProvider")
		_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("suite-user")})
		ok(t, err, "CreateUser")
		_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("suite-user")})
		ok(t, err, "CreateAccessKey")
		// A fixture role changed and another deleted at run time.
		_, err = c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("AuthOnly"), PolicyDocument: aws.String(trust)})
		ok(t, err, "UpdateAssumeRolePolicy of a fixture role")
		_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("OIDCRole")})
		ok(t, err, "DeleteRole of a fixture role")
	}
	for round := range 2 {
		t.Run(fmt.Sprint("round ", round), func(t *testing.T) {
			setup(t)
			if changed := observe(t); len(changed.policies) != 1 || len(changed.providers) != 2 {
				t.Fatalf("after the setup: got policies %v and providers %v, want the setup's", changed.policies, changed.providers)
			}
			if res := s.post(t, "/_idpool/reset", ""); res.status != http.StatusOK {
				t.Fatalf("reset: got %d %s, want 200", res.status, res.body)
			}
			after := observe(t)
			if !slices.Equal(after.roles, fresh.roles) || !slices.Equal(after.policies, fresh.policies) ||
				!slices.Equal(after.providers, fresh.providers) {
				t.Errorf("IAM after a reset:\ngot  %+v\nwant %+v (as at start)", after, fresh)
			}
			for name, doc := range fresh.trusts {
				if after.trusts[name] != doc {
					t.Errorf("trust policy of %s after a reset: got %s, want the fixture's %s", name, after.trusts[name], doc)
				}
			}
			// The run-time user went, with its access key.
			var nse *iamtypes.NoSuchEntityException
			if _, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("suite-user")}); !errors.As(err, &nse) {
				t.Errorf("GetUser of the run-time user after a reset: got %v, want NoSuchEntity", err)
			}
			if _, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("suite-user")}); !errors.As(err, &nse) {
				t.Errorf("ListAccessKeys of the run-time user after a reset: got %v, want NoSuchEntity", err)
			}
		})
	}
}
