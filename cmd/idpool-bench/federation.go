package main

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/idpool/idpool/cmd/idpool-bench/internal/load"
)

// The scenarios of the federation flow: credentials for an identity, the
// STS calls that take or use them, and the set-up helpers they share with
// the Cognito Sync scenarios.

// stsVersion is the API version every STS query request names.
const stsVersion = "2011-06-15"

// webTokenLife is how long an OpenID token of Cognito Identity is valid.
// AssumeRoleWithWebIdentity sends one token for a whole scenario, so a run
// must end well within it.
const webTokenLife = 10 * time.Minute

func setupGetCredentialsForIdentity(ctx context.Context, c *identityClient) (load.Request, error) {
	pool, err := c.guestPool(ctx, "credentials")
	if err != nil {
		return load.Request{}, err
	}
	id, err := c.guest(ctx, pool)
	if err != nil {
		return load.Request{}, err
	}
	// Each measured call mints new credentials for the same guest: check
	// that the first one really does.
	if _, err := c.credentials(ctx, id); err != nil {
		return load.Request{}, err
	}
	return c.request(c.endpoint, "GetCredentialsForIdentity", map[string]any{"IdentityId": id}, false)
}

func setupAssumeRoleWithWebIdentity(ctx context.Context, c *identityClient) (load.Request, error) {
	// The generator and the baseline alternate after set-up, so the token
	// has to outlive both sides' share of the run.
	if 2*c.sending > webTokenLife-time.Minute {
		return load.Request{}, fmt.Errorf("a run of %s per side would outlast the %s web identity token; shorten -duration, -warmup or -rounds", c.sending, webTokenLife)
	}
	pool, err := c.guestPool(ctx, "web-identity")
	if err != nil {
		return load.Request{}, err
	}
	id, err := c.guest(ctx, pool)
	if err != nil {
		return load.Request{}, err
	}
	// The token is fetched last, right before the scenario runs.
	var tok struct{ IdentityId, Token string }
	if err := c.call(ctx, "GetOpenIdToken", map[string]any{"IdentityId": id}, &tok, false); err != nil {
		return load.Request{}, err
	}
	if strings.Count(tok.Token, ".") != 2 {
		return load.Request{}, fmt.Errorf("GetOpenIdToken answered token %q, want a compact JWS", tok.Token)
	}
	req := c.stsRequest("AssumeRoleWithWebIdentity", url.Values{
		"RoleArn":          {c.role},
		"RoleSessionName":  {"bench"},
		"WebIdentityToken": {tok.Token},
	}, nil)
	var out struct {
		Result struct {
			SubjectFromWebIdentityToken string
			Credentials                 struct{ AccessKeyId, SecretAccessKey, SessionToken string }
		} `xml:"AssumeRoleWithWebIdentityResult"`
	}
	if err := c.doXML(ctx, "AssumeRoleWithWebIdentity", req, &out); err != nil {
		return load.Request{}, err
	}
	r := &out.Result
	if r.SubjectFromWebIdentityToken != id || r.Credentials.AccessKeyId == "" || r.Credentials.SecretAccessKey == "" || r.Credentials.SessionToken == "" {
		return load.Request{}, fmt.Errorf("AssumeRoleWithWebIdentity answered subject %q and access key %q, want %q and complete credentials",
			r.SubjectFromWebIdentityToken, r.Credentials.AccessKeyId, id)
	}
	return req, nil
}

func setupGetCallerIdentity(ctx context.Context, c *identityClient) (load.Request, error) {
	pool, err := c.guestPool(ctx, "caller")
	if err != nil {
		return load.Request{}, err
	}
	id, err := c.guest(ctx, pool)
	if err != nil {
		return load.Request{}, err
	}
	creds, err := c.credentials(ctx, id)
	if err != nil {
		return load.Request{}, err
	}
	req := c.stsRequest("GetCallerIdentity", nil, &load.Signing{
		Signer:      c.signing.Signer,
		Credentials: creds,
		Service:     "sts",
		Region:      c.region,
	})
	var out struct {
		Result struct{ Arn, Account, UserId string } `xml:"GetCallerIdentityResult"`
	}
	if err := c.doXML(ctx, "GetCallerIdentity", req, &out); err != nil {
		return load.Request{}, err
	}
	// Cognito's credentials are a session of the pool's role.
	if r := out.Result; !strings.Contains(r.Arn, ":assumed-role/") || r.Account == "" || r.UserId == "" {
		return load.Request{}, fmt.Errorf("GetCallerIdentity answered ARN %q, account %q and user %q, want an assumed role of an account", r.Arn, r.Account, r.UserId)
	}
	return req, nil
}

// guestPool creates a pool that allows guests and gives them c.role, so
// that guests get credentials by the enhanced flow.
func (c *identityClient) guestPool(ctx context.Context, purpose string) (string, error) {
	pool, err := c.createPool(ctx, purpose, map[string]any{"AllowUnauthenticatedIdentities": true})
	if err != nil {
		return "", err
	}
	in := map[string]any{"IdentityPoolId": pool, "Roles": map[string]string{"unauthenticated": c.role}}
	if err := c.call(ctx, "SetIdentityPoolRoles", in, nil, true); err != nil && !c.noRoles {
		return "", err
	}
	return pool, nil
}

// guest creates a new guest identity in pool.
func (c *identityClient) guest(ctx context.Context, pool string) (string, error) {
	var out struct{ IdentityId string }
	if err := c.call(ctx, "GetId", map[string]any{"IdentityPoolId": pool}, &out, false); err != nil {
		return "", err
	}
	if out.IdentityId == "" {
		return "", fmt.Errorf("GetId answered no IdentityId")
	}
	return out.IdentityId, nil
}

// credentials gets temporary credentials for the guest identity id by
// GetCredentialsForIdentity.
func (c *identityClient) credentials(ctx context.Context, id string) (aws.Credentials, error) {
	var out struct {
		IdentityId  string
		Credentials struct {
			AccessKeyId, SecretKey, SessionToken string
			Expiration                           float64 // seconds since the epoch
		}
	}
	if err := c.call(ctx, "GetCredentialsForIdentity", map[string]any{"IdentityId": id}, &out, false); err != nil {
		return aws.Credentials{}, err
	}
	cr := &out.Credentials
	if out.IdentityId != id || cr.AccessKeyId == "" || cr.SecretKey == "" || cr.SessionToken == "" || cr.Expiration <= 0 {
		return aws.Credentials{}, fmt.Errorf("GetCredentialsForIdentity answered identity %q and access key %q, want %q and complete credentials", out.IdentityId, cr.AccessKeyId, id)
	}
	return aws.Credentials{
		AccessKeyID:     cr.AccessKeyId,
		SecretAccessKey: cr.SecretKey,
		SessionToken:    cr.SessionToken,
		Source:          "GetCredentialsForIdentity",
		CanExpire:       true,
		Expires:         time.Unix(0, int64(cr.Expiration*1e9)),
	}, nil
}

// stsRequest builds an STS query request for action with params (which it
// does not modify), as a form POST the way the SDKs send it, signed by sign
// when it is not nil.
func (c *identityClient) stsRequest(action string, params url.Values, sign *load.Signing) load.Request {
	form := url.Values{"Action": {action}, "Version": {stsVersion}}
	for k, v := range params {
		form[k] = v
	}
	return load.Request{
		Method: http.MethodPost,
		URL:    c.stsEndpoint + "/",
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}},
		Body:   []byte(form.Encode()),
		Sign:   sign,
	}
}

// doXML sends req once and decodes its XML answer into out.
func (c *identityClient) doXML(ctx context.Context, op string, req load.Request, out any) error {
	b, err := c.do(ctx, op, req)
	if err != nil {
		return err
	}
	if err := xml.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s: decode answer %q: %w", op, b, err)
	}
	return nil
}
