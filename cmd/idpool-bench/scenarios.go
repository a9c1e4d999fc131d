package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/idpool/idpool/cmd/idpool-bench/internal/load"
)

// scenario is one row of the benchmark. Its set-up prepares, through the
// wire, whatever state the measured requests need (pools, identities,
// logins, credentials, datasets) and returns what the generator sends:
// setup returns one request the generator sends over and over; stream,
// set instead for operations whose requests must all differ (writes),
// returns a load.Stream. Exactly one of the two is set.
type scenario struct {
	name   string
	target target
	setup  func(ctx context.Context, c *identityClient) (load.Request, error)
	stream func(ctx context.Context, c *identityClient) (load.Stream, error)
}

// prepare runs the scenario's set-up and returns the measurer that drives
// what it prepared with the generator.
func (s scenario) prepare(ctx context.Context, c *identityClient, opts load.Options) (measurer, error) {
	if s.stream != nil {
		st, err := s.stream(ctx, c)
		if err != nil {
			return nil, err
		}
		return streamRunner(opts, st), nil
	}
	req, err := s.setup(ctx, c)
	if err != nil {
		return nil, err
	}
	return runner(opts, req), nil
}

// Targets shared by several rows (see the performance issues).
var (
	readTarget  = target{kind: vsTrivial, min: 0.50}
	tokenTarget = target{kind: vsSigning, min: 0.60}
)

// developerProvider is the developer provider name of the developer pool.
const developerProvider = "login.idpool.bench"

// scenarioTable returns every scenario in the order they run.
func scenarioTable() []scenario {
	return []scenario{
		{name: "DescribeIdentityPool", target: readTarget, setup: setupDescribeIdentityPool},
		{name: "GetId-known", target: readTarget, setup: setupGetIDKnown},
		{name: "GetId-guest", target: target{kind: atLeast, min: 5000}, setup: setupGetIDGuest},
		{name: "GetOpenIdToken", target: tokenTarget, setup: setupGetOpenIDToken},
		{name: "GetOpenIdTokenForDeveloperIdentity", target: tokenTarget, setup: setupGetOpenIDTokenForDeveloperIdentity},
		{name: "GetCredentialsForIdentity", target: readTarget, setup: setupGetCredentialsForIdentity},
		{name: "AssumeRoleWithWebIdentity", target: readTarget, setup: setupAssumeRoleWithWebIdentity},
		{name: "GetCallerIdentity", target: readTarget, setup: setupGetCallerIdentity},
		{name: "ListRecords", target: readTarget, setup: setupListRecords},
		{name: "UpdateRecords", target: target{kind: atLeast, min: 3000}, stream: setupUpdateRecords},
	}
}

func setupDescribeIdentityPool(ctx context.Context, c *identityClient) (load.Request, error) {
	pool, err := c.createPool(ctx, "describe", map[string]any{"AllowUnauthenticatedIdentities": false})
	if err != nil {
		return load.Request{}, err
	}
	in := map[string]any{"IdentityPoolId": pool}
	var out struct{ IdentityPoolId string }
	if err := c.call(ctx, "DescribeIdentityPool", in, &out, true); err != nil {
		return load.Request{}, err
	}
	if out.IdentityPoolId != pool {
		return load.Request{}, fmt.Errorf("DescribeIdentityPool answered pool %q, want %q", out.IdentityPoolId, pool)
	}
	return c.request(c.endpoint, "DescribeIdentityPool", in, true)
}

func setupGetIDKnown(ctx context.Context, c *identityClient) (load.Request, error) {
	pool, err := c.createPool(ctx, "known", map[string]any{
		"AllowUnauthenticatedIdentities": false,
		"SupportedLoginProviders":        map[string]string{"graph.facebook.com": "bench-app"},
	})
	if err != nil {
		return load.Request{}, err
	}
	// An opaque (non-JWT) Facebook access token: idpool maps the same
	// opaque token to the same identity, so every call is a lookup.
	in := map[string]any{
		"IdentityPoolId": pool,
		"Logins":         map[string]string{"graph.facebook.com": "EAAbench" + c.name},
	}
	// Link the login once, then check that a second call is the lookup
	// this scenario claims to measure.
	var first, second struct{ IdentityId string }
	if err := c.call(ctx, "GetId", in, &first, false); err != nil {
		return load.Request{}, err
	}
	if err := c.call(ctx, "GetId", in, &second, false); err != nil {
		return load.Request{}, err
	}
	if first.IdentityId == "" || first.IdentityId != second.IdentityId {
		return load.Request{}, fmt.Errorf("GetId with the same login answered %q then %q, want one identity", first.IdentityId, second.IdentityId)
	}
	return c.request(c.endpoint, "GetId", in, false)
}

func setupGetIDGuest(ctx context.Context, c *identityClient) (load.Request, error) {
	pool, err := c.createPool(ctx, "guest", map[string]any{"AllowUnauthenticatedIdentities": true})
	if err != nil {
		return load.Request{}, err
	}
	in := map[string]any{"IdentityPoolId": pool}
	var first, second struct{ IdentityId string }
	if err := c.call(ctx, "GetId", in, &first, false); err != nil {
		return load.Request{}, err
	}
	if err := c.call(ctx, "GetId", in, &second, false); err != nil {
		return load.Request{}, err
	}
	if first.IdentityId == "" || first.IdentityId == second.IdentityId {
		return load.Request{}, fmt.Errorf("guest GetId answered %q then %q, want two new identities", first.IdentityId, second.IdentityId)
	}
	return c.request(c.endpoint, "GetId", in, false)
}

func setupGetOpenIDToken(ctx context.Context, c *identityClient) (load.Request, error) {
	pool, err := c.createPool(ctx, "token", map[string]any{"AllowUnauthenticatedIdentities": true})
	if err != nil {
		return load.Request{}, err
	}
	var id struct{ IdentityId string }
	if err := c.call(ctx, "GetId", map[string]any{"IdentityPoolId": pool}, &id, false); err != nil {
		return load.Request{}, err
	}
	in := map[string]any{"IdentityId": id.IdentityId}
	if err := checkToken(ctx, c, "GetOpenIdToken", in, false); err != nil {
		return load.Request{}, err
	}
	return c.request(c.endpoint, "GetOpenIdToken", in, false)
}

func setupGetOpenIDTokenForDeveloperIdentity(ctx context.Context, c *identityClient) (load.Request, error) {
	pool, err := c.createPool(ctx, "developer", map[string]any{
		"AllowUnauthenticatedIdentities": false,
		"DeveloperProviderName":          developerProvider,
	})
	if err != nil {
		return load.Request{}, err
	}
	// The first call creates the identity of this developer user; the
	// measured calls all find it and issue a token.
	in := map[string]any{
		"IdentityPoolId": pool,
		"Logins":         map[string]string{developerProvider: "bench-user-" + c.name},
	}
	if err := checkToken(ctx, c, "GetOpenIdTokenForDeveloperIdentity", in, true); err != nil {
		return load.Request{}, err
	}
	return c.request(c.endpoint, "GetOpenIdTokenForDeveloperIdentity", in, true)
}

// checkToken calls a token operation once and checks that it answered an
// identity and a compact JWS, so a scenario never measures a server that
// answers 200 without doing the work.
func checkToken(ctx context.Context, c *identityClient, op string, in any, signed bool) error {
	var out struct{ IdentityId, Token string }
	if err := c.call(ctx, op, in, &out, signed); err != nil {
		return err
	}
	if out.IdentityId == "" || bytes.Count([]byte(out.Token), []byte(".")) != 2 {
		return fmt.Errorf("%s answered identity %q and token %q, want an identity and a compact JWS", op, out.IdentityId, out.Token)
	}
	return nil
}

// identityClient makes the calls of scenario set-up — Cognito Identity
// (AWS JSON 1.1), STS (AWS Query) and Cognito Sync (REST-JSON) — and builds
// the prepared requests the load generator sends.
type identityClient struct {
	http *http.Client
	// endpoint is the base URL of the server under test, for Cognito
	// Identity; stsEndpoint and syncEndpoint are those of STS and Cognito
	// Sync, the same for idpool, other hosts for AWS.
	endpoint     string
	stsEndpoint  string
	syncEndpoint string
	region       string
	// signing signs with the developer's own credentials, for Cognito
	// Identity; its Signer also signs every other request.
	signing *load.Signing
	// role is the IAM role ARN the scenarios' pools give their identities.
	role string
	// workers and sending describe the runs: the generator's workers and
	// the longest time a scenario's requests are sent after its set-up,
	// warm-ups included. Set-up sizes what it prepares by them (zero
	// where no run follows, as in tests of set-up alone).
	workers int
	sending time.Duration
	// name makes the names of created resources unique to this run.
	name  string
	pools []string // pools created by this run, deleted by cleanup
	// noRoles lets set-up go on when SetIdentityPoolRoles fails: moto_server
	// lacks it, and answers GetCredentialsForIdentity without roles.
	noRoles bool
}

// request builds the prepared request for operation op with input in,
// sent to base and SigV4-signed when signed is true.
func (c *identityClient) request(base, op string, in any, signed bool) (load.Request, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return load.Request{}, fmt.Errorf("%s: %w", op, err)
	}
	req := load.Request{
		Method: http.MethodPost,
		URL:    base + "/",
		Header: http.Header{
			"Content-Type": {"application/x-amz-json-1.1"},
			"X-Amz-Target": {"AWSCognitoIdentityService." + op},
		},
		Body: body,
	}
	if signed {
		req.Sign = c.signing
	}
	return req, nil
}

// call performs operation op once and decodes its answer into out. A
// non-2xx answer is an error carrying the status and the body.
func (c *identityClient) call(ctx context.Context, op string, in, out any, signed bool) error {
	req, err := c.request(c.endpoint, op, in, signed)
	if err != nil {
		return err
	}
	b, err := c.do(ctx, op, req)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s: decode answer %q: %w", op, b, err)
	}
	return nil
}

// do sends req once, signed now when it asks to be, and returns the body
// of the answer. A non-2xx answer is an error carrying the status and the
// body; op names the operation in errors.
func (c *identityClient) do(ctx context.Context, op string, req load.Request) ([]byte, error) {
	hr, err := http.NewRequestWithContext(ctx, req.Method, req.URL, bytes.NewReader(req.Body))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	hr.Header = req.Header.Clone()
	if hr.Header == nil {
		hr.Header = http.Header{}
	}
	if s := req.Sign; s != nil {
		if err := s.Signer.SignHTTP(ctx, s.Credentials, hr, load.PayloadHash(req.Body), s.Service, s.Region, time.Now()); err != nil {
			return nil, fmt.Errorf("%s: sign: %w", op, err)
		}
	}
	resp, err := c.http.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("%s: %s: %s", op, resp.Status, bytes.TrimSpace(b))
	}
	return b, nil
}

// createPool creates an identity pool named after purpose with the given
// members (IdentityPoolName is filled in) and remembers it for cleanup.
func (c *identityClient) createPool(ctx context.Context, purpose string, in map[string]any) (string, error) {
	in["IdentityPoolName"] = "idpool-bench-" + purpose + "-" + c.name
	var out struct{ IdentityPoolId string }
	if err := c.call(ctx, "CreateIdentityPool", in, &out, true); err != nil {
		return "", err
	}
	if out.IdentityPoolId == "" {
		return "", fmt.Errorf("CreateIdentityPool answered no IdentityPoolId")
	}
	c.pools = append(c.pools, out.IdentityPoolId)
	return out.IdentityPoolId, nil
}

// cleanup deletes every pool this run created (with their identities) and
// returns the failures joined.
func (c *identityClient) cleanup(ctx context.Context) error {
	var errs []error
	for _, p := range c.pools {
		if err := c.call(ctx, "DeleteIdentityPool", map[string]any{"IdentityPoolId": p}, nil, true); err != nil {
			errs = append(errs, err)
		}
	}
	c.pools = nil
	return errors.Join(errs...)
}
