package conformance

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	credsv2 "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/service/cognitosync"

	"github.com/idpool/idpool/emulator"
)

// Fixtures applied to a database kept between runs: the tests start
// idpool several times on one database file, as a developer's machine
// does, with and without fixtures.

// openOn starts idpool with the flags args and returns it as a server,
// and the function that stops it; emulator.New's error is returned as it
// is.
func openOn(t *testing.T, args ...string) (*server, func(), error) {
	t.Helper()
	if os.Getenv("IDPOOL_ENDPOINT") != "" {
		t.Skip("this test starts servers with their own settings; unset IDPOOL_ENDPOINT to run it")
	}
	cfg, err := emulator.Load(append([]string{"--region", region}, args...), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	srv, err := emulator.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, nil, err
	}
	ts := httptest.NewServer(srv.Handler())
	s := &server{endpoint: ts.URL, accountID: cfg.AccountID, issuer: defaultIssuer}
	s.signed = newClient(s.endpoint, credsv2.NewStaticCredentialsProvider(accessKey, secretKey, ""))
	s.anon = newClient(s.endpoint, awsv2.AnonymousCredentials{})
	stop := func() {
		ts.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("close server: %v", err)
		}
	}
	return s, stop, nil
}

// mustOpenOn is openOn that fails t on an error.
func mustOpenOn(t *testing.T, args ...string) (*server, func()) {
	t.Helper()
	s, stop, err := openOn(t, args...)
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	return s, stop
}

// TestFixtureConflictWritesNothing: a fixture too large for one
// transaction, whose last identity the database holds in another pool,
// stops the server and writes nothing: no role, no pool, no identity.
func TestFixtureConflictWritesNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "idpool.db")

	s, stop := mustOpenOn(t, "--db", db)
	pool, err := s.signed.CreateIdentityPool(ctx, &cognitoidentity.CreateIdentityPoolInput{
		IdentityPoolName: awsv2.String("api"), AllowUnauthenticatedIdentities: true})
	ok(t, err, "CreateIdentityPool")
	id, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: pool.IdentityPoolId})
	ok(t, err, "GetId")
	stop()

	var ids []any
	for i := range 2500 {
		ids = append(ids, map[string]any{"IdentityId": fmt.Sprintf("us-east-1:00000000-0000-4000-8000-%012d", i)})
	}
	ids = append(ids, map[string]any{"IdentityId": awsv2.ToString(id.IdentityId)})
	path := writeJSON(t, dir, "steal.json", map[string]any{
		"Roles": []any{map[string]any{"Arn": "arn:aws:iam::123456789012:role/Marker", "AssumeRolePolicyDocument": map[string]any{
			"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": "x.amazonaws.com"}, "Action": "sts:AssumeRole"}}}}},
		"IdentityPools": []any{map[string]any{"IdentityPoolId": fxPool, "IdentityPoolName": "fx", "AllowUnauthenticatedIdentities": true, "Identities": ids}},
	})
	_, _, err = openOn(t, "--db", db, "--fixtures", path)
	if err == nil {
		t.Fatal("emulator.New with a fixture whose identity is another pool's: got nil error")
	}
	for _, want := range []string{path, "IdentityPools[0].Identities[2500].IdentityId", awsv2.ToString(id.IdentityId), "belongs to identity pool " + awsv2.ToString(pool.IdentityPoolId)} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("got %q, want it to name %s", err, want)
		}
	}

	s, stop = mustOpenOn(t, "--db", db)
	defer stop()
	pools, err := s.signed.ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: awsv2.Int32(60)})
	ok(t, err, "ListIdentityPools")
	if len(pools.IdentityPools) != 1 || awsv2.ToString(pools.IdentityPools[0].IdentityPoolName) != "api" {
		t.Errorf("ListIdentityPools after the refused fixture: got %d pools, want only api", len(pools.IdentityPools))
	}
	roles, err := s.iamWith(developerKeys()).ListRoles(ctx, &iam.ListRolesInput{})
	ok(t, err, "ListRoles")
	if len(roles.Roles) != 0 {
		t.Errorf("ListRoles after the refused fixture: got %d roles, want none", len(roles.Roles))
	}
}

// TestFixtureIAMCase: over a database holding auth, CI and S3Read made
// through IAM, a fixture declaring team/Auth, /team/ci and /app/s3read
// leaves IAM as a reset from it does: the fixture's entities, in the
// fixture's spelling, instead of the stored ones.
func TestFixtureIAMCase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "idpool.db")
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"x.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	perms := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`

	s, stop := mustOpenOn(t, "--db", db)
	c := s.iamWith(developerKeys())
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: awsv2.String("auth"), AssumeRolePolicyDocument: awsv2.String(trust)})
	ok(t, err, "CreateRole")
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: awsv2.String("CI")})
	ok(t, err, "CreateUser")
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: awsv2.String("S3Read"), PolicyDocument: awsv2.String(perms)})
	ok(t, err, "CreatePolicy")
	stop()

	path := filepath.Join(dir, "case.json")
	fixture := `{"Roles": [{"Arn": "arn:aws:iam::123456789012:role/team/Auth", "AssumeRolePolicyDocument": ` + trust + `}],
		"Users": [{"UserName": "ci", "Path": "/team/"}],
		"ManagedPolicies": [{"ManagedPolicyName": "s3read", "Path": "/app/", "PolicyDocument": ` + perms + `}]}`
	if err := os.WriteFile(path, []byte(fixture), 0o600); err != nil {
		t.Fatal(err)
	}
	s, stop = mustOpenOn(t, "--db", db, "--fixtures", path)
	defer stop()
	c = s.iamWith(developerKeys())
	observe := func(t *testing.T) string {
		t.Helper()
		r, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: awsv2.String("AUTH")})
		ok(t, err, "GetRole")
		u, err := c.GetUser(ctx, &iam.GetUserInput{UserName: awsv2.String("CI")})
		ok(t, err, "GetUser")
		ps, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: "Local"})
		ok(t, err, "ListPolicies")
		got := fmt.Sprintf("role %s %s %s %s; user %s %s %s %s;", awsv2.ToString(r.Role.RoleName), awsv2.ToString(r.Role.Path), awsv2.ToString(r.Role.Arn), awsv2.ToString(r.Role.RoleId),
			awsv2.ToString(u.User.UserName), awsv2.ToString(u.User.Path), awsv2.ToString(u.User.Arn), awsv2.ToString(u.User.UserId))
		for _, p := range ps.Policies {
			got += fmt.Sprintf(" policy %s %s", awsv2.ToString(p.PolicyName), awsv2.ToString(p.Arn))
		}
		return got
	}
	started := observe(t)
	for _, want := range []string{"role Auth /team/ arn:aws:iam::123456789012:role/team/Auth ", "user ci /team/ arn:aws:iam::123456789012:user/team/ci ",
		"; policy s3read arn:aws:iam::123456789012:policy/app/s3read"} {
		if !strings.Contains(started, want) || strings.Count(started, " policy ") != 1 {
			t.Errorf("IAM after a start with the fixture: got %q, want it to hold %q and one policy", started, want)
		}
	}
	if res := s.post(t, "/_idpool/reset", ""); res.status != http.StatusOK {
		t.Fatalf("reset: got %d %s, want 200", res.status, res.body)
	}
	if reset := observe(t); reset != started {
		t.Errorf("IAM after a reset: got %q, want it as after the start: %q", reset, started)
	}
}

// TestFixtureModifierAccount: the records of a fixture that names no
// AccountId name the server's account as their modifier.
func TestFixtureModifierAccount(t *testing.T) {
	dir := t.TempDir()
	const account, identity = "210987654321", "us-east-1:aaaaaaaa-bbbb-4ccc-8ddd-000000000003"
	path := writeJSON(t, dir, "fx.json", map[string]any{
		"DeveloperCredentials": []any{map[string]any{"AccessKeyId": fxDevKey, "SecretAccessKey": fxDevSecret}},
		"IdentityPools": []any{map[string]any{"IdentityPoolId": fxPool, "IdentityPoolName": "fx", "AllowUnauthenticatedIdentities": true,
			"Identities": []any{map[string]any{"IdentityId": identity}},
			"Datasets":   []any{map[string]any{"IdentityId": identity, "DatasetName": "guest", "Records": map[string]any{"k": "v"}}}}},
	})
	s, stop := mustOpenOn(t, "--db", filepath.Join(dir, "idpool.db"), "--fixtures", path, "--account-id", account)
	defer stop()
	dev := newSyncClient(t, s.endpoint, credentials.NewStaticCredentials(fxDevKey, fxDevSecret, ""))
	recs, err := dev.ListRecords(&cognitosync.ListRecordsInput{IdentityPoolId: aws.String(fxPool), IdentityId: aws.String(identity), DatasetName: aws.String("guest")})
	ok(t, err, "ListRecords")
	if len(recs.Records) != 1 || aws.StringValue(recs.Records[0].LastModifiedBy) != account {
		t.Errorf("ListRecords: got %v, want one record last modified by %s", recs.Records, account)
	}
}

// TestFixtureRefusedAsAPI: what SetIdentityPoolConfiguration, CreatePolicy
// and CreateAccessKey refuse, a fixture may not declare: the server stops
// before it listens, naming the file and the member.
func TestFixtureRefusedAsAPI(t *testing.T) {
	pool := func(members string) string {
		return `{"IdentityPools": [{"IdentityPoolId": "` + fxPool + `", "IdentityPoolName": "fx", "AllowUnauthenticatedIdentities": true` + members + `}]}`
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	tests := []struct{ name, content, member, problem string }{
		{"push sync role ARN", pool(`, "PushSync": {"ApplicationArns": ["arn:aws:sns:us-east-1:123456789012:app/GCM/x"], "RoleArn": "notarn-padded-to-twenty-chars"}`),
			"IdentityPools[0].PushSync", "at 'pushSync.roleArn' failed to satisfy constraint"},
		{"push sync application ARN", pool(`, "PushSync": {"ApplicationArns": ["notanarn"], "RoleArn": "arn:aws:iam::123456789012:role/push"}`),
			"IdentityPools[0].PushSync", "at 'pushSync.applicationArns.1.member' failed to satisfy constraint"},
		{"stream role ARN", pool(`, "CognitoStreams": {"StreamName": "s", "RoleArn": "x", "StreamingStatus": "ENABLED"}`),
			"IdentityPools[0].CognitoStreams", "at 'cognitoStreams.roleArn' failed to satisfy constraint"},
		{"two policies of one name", `{"ManagedPolicies": [{"ManagedPolicyName": "S3Read", "PolicyDocument": ` + doc + `},
			{"ManagedPolicyName": "S3Read", "Path": "/other/", "PolicyDocument": ` + doc + `}]}`,
			"ManagedPolicies[1].ManagedPolicyName", "A policy called S3Read already exists. Duplicate names are not allowed."},
		{"three access keys", `{"Users": [{"UserName": "dev", "AccessKeys": [{"AccessKeyId": "AKIAEXAMPLEDEVKEY001", "SecretAccessKey": "b"},
			{"AccessKeyId": "AKIAEXAMPLEDEVKEY002", "SecretAccessKey": "b"}, {"AccessKeyId": "AKIAEXAMPLEDEVKEY003", "SecretAccessKey": "b"}]}]}`,
			"Users[0].AccessKeys", "Cannot exceed quota for AccessKeysPerUser: 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "bad.json")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, _, err := openOn(t, "--db", filepath.Join(dir, "idpool.db"), "--fixtures", path)
			if err == nil {
				t.Fatal("emulator.New: got nil error, want the fixture refused")
			}
			for _, want := range []string{path + ": " + tc.member + ": ", tc.problem} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("got %q, want it to hold %q", err, want)
				}
			}
		})
	}
}
