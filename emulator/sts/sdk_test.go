package sts_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/awsquery"
	"github.com/idpool/idpool/protocol/shape"
	"github.com/idpool/idpool/storage"
)

// memKeys keeps signing keys in memory, all tokens.Issuer needs.
type memKeys struct {
	storage.Store
	keys []storage.SigningKey
}

func (s *memKeys) SigningKeys(context.Context) ([]storage.SigningKey, error) { return s.keys, nil }

func (s *memKeys) Update(ctx context.Context, fn func(tx storage.Tx) error) error {
	tx := &memTx{s: s}
	return fn(tx)
}

type memTx struct {
	storage.Tx
	s *memKeys
}

func (tx *memTx) SigningKeys(context.Context) ([]storage.SigningKey, error) { return tx.s.keys, nil }

func (tx *memTx) CreateSigningKey(_ context.Context, k storage.SigningKey) error {
	tx.s.keys = append(tx.s.keys, k)
	return nil
}

var credentialRE = regexp.MustCompile(`Credential=([A-Z0-9]+)/`)

// TestSDK runs the real AWS SDK for Go v2 against the query codec and the
// service, wired as the emulator wires them (the authenticator here only
// identifies the signer; SigV4 verification is protocol/sigv4's).
func TestSDK(t *testing.T) {
	ctx := context.Background()
	now := func() time.Time { return time.Now().Truncate(time.Second) }
	tok, err := tokens.New(ctx, &memKeys{}, tokens.Config{}, now, rand.Reader, nil)
	if err != nil {
		t.Fatal(err)
	}
	ci, err := creds.New(bytes.Repeat([]byte{3}, creds.KeySize), now, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	svc := sts.New(sts.Config{AccountID: "123456789012", Region: "us-east-1"}, tok, ci, now, nil)
	auth := func(r *http.Request, body []byte) (*protocol.Principal, error) {
		m := credentialRE.FindStringSubmatch(r.Header.Get("Authorization") + " Credential=" + r.URL.Query().Get("X-Amz-Credential"))
		if m == nil {
			return nil, protocol.Errorf(http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
		}
		st := r.Header.Get("X-Amz-Security-Token") + r.URL.Query().Get("X-Amz-Security-Token")
		if st == "" {
			return &protocol.Principal{AccessKeyID: m[1], ARN: "arn:aws:iam::123456789012:root", UserID: "123456789012", Account: "123456789012"}, nil
		}
		c, err := ci.Open(st)
		if err != nil || c.AccessKeyID != m[1] {
			return nil, protocol.Errorf(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
		}
		return sts.Principal(c), nil
	}
	q := awsquery.NewService(shape.STS(), auth, nil)
	q.Handle("AssumeRoleWithWebIdentity", awsquery.Op(svc.AssumeRoleWithWebIdentity))
	q.Handle("GetCallerIdentity", awsquery.Op(svc.GetCallerIdentity))
	q.Handle("AssumeRole", awsquery.Op(svc.AssumeRole))
	q.Handle("GetSessionToken", awsquery.Op(svc.GetSessionToken))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := protocol.NewRequestID()
		w.Header().Set("x-amzn-RequestId", id)
		q.ServeHTTP(w, r.WithContext(protocol.WithRequestID(r.Context(), id)))
	}))
	defer srv.Close()

	client := func(p aws.CredentialsProvider) *awssts.Client {
		return awssts.New(awssts.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: p})
	}
	dev := client(credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "secret", ""))
	anon := client(aws.AnonymousCredentials{})

	const role = "arn:aws:iam::123456789012:role/path/Cognito_Auth"
	token, err := tok.Sign(ctx, tokens.Claims{Subject: "us-east-1:11111111-2222-3333-4444-555555555555", Audience: "us-east-1:pool",
		AMR: []string{"unauthenticated"}, Expiry: now().Add(10 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}

	web, err := anon.AssumeRoleWithWebIdentity(ctx, &awssts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(role), RoleSessionName: aws.String("app1"), WebIdentityToken: aws.String(token), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatalf("AssumeRoleWithWebIdentity: %v", err)
	}
	if got := aws.ToString(web.AssumedRoleUser.Arn); got != "arn:aws:sts::123456789012:assumed-role/Cognito_Auth/app1" {
		t.Errorf("assumed role ARN: got %s", got)
	}
	if aws.ToString(web.Provider) != sts.CognitoProvider || aws.ToString(web.Audience) != "us-east-1:pool" ||
		aws.ToString(web.SubjectFromWebIdentityToken) != "us-east-1:11111111-2222-3333-4444-555555555555" {
		t.Errorf("web identity: got provider %q audience %q subject %q", aws.ToString(web.Provider), aws.ToString(web.Audience), aws.ToString(web.SubjectFromWebIdentityToken))
	}
	if d := time.Until(aws.ToTime(web.Credentials.Expiration)); d < 14*time.Minute || d > 15*time.Minute {
		t.Errorf("expiration: got %v from now, want 15 minutes", d)
	}

	temp := client(credentials.NewStaticCredentialsProvider(aws.ToString(web.Credentials.AccessKeyId),
		aws.ToString(web.Credentials.SecretAccessKey), aws.ToString(web.Credentials.SessionToken)))
	who, err := temp.GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity with web identity credentials: %v", err)
	}
	if aws.ToString(who.Arn) != aws.ToString(web.AssumedRoleUser.Arn) || aws.ToString(who.UserId) != aws.ToString(web.AssumedRoleUser.AssumedRoleId) || aws.ToString(who.Account) != "123456789012" {
		t.Errorf("caller: got %s %s %s, want %s", aws.ToString(who.Arn), aws.ToString(who.UserId), aws.ToString(who.Account), aws.ToString(web.AssumedRoleUser.Arn))
	}

	if _, err := temp.GetSessionToken(ctx, &awssts.GetSessionTokenInput{}); !isCode(err, "AccessDenied") {
		t.Errorf("GetSessionToken with session credentials: got %v, want AccessDenied", err)
	}

	sess, err := dev.GetSessionToken(ctx, &awssts.GetSessionTokenInput{DurationSeconds: aws.Int32(7200)})
	if err != nil {
		t.Fatalf("GetSessionToken: %v", err)
	}
	if d := time.Until(aws.ToTime(sess.Credentials.Expiration)); d > time.Hour {
		t.Errorf("root session: got %v, want at most an hour", d)
	}
	sessClient := client(credentials.NewStaticCredentialsProvider(aws.ToString(sess.Credentials.AccessKeyId),
		aws.ToString(sess.Credentials.SecretAccessKey), aws.ToString(sess.Credentials.SessionToken)))
	if who, err := sessClient.GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{}); err != nil || aws.ToString(who.Arn) != "arn:aws:iam::123456789012:root" {
		t.Errorf("GetCallerIdentity with session credentials: got %v (%v), want the root", who, err)
	}

	ar, err := dev.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("dev"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}, TransitiveTagKeys: []string{"team"},
		PolicyArns: []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}}})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	//lint:ignore SA1019 STS still sends PackedPolicySize and SDKs still read it.
	if ar.PackedPolicySize == nil || aws.ToString(ar.AssumedRoleUser.Arn) != "arn:aws:sts::123456789012:assumed-role/Cognito_Auth/dev" {
		t.Errorf("AssumeRole: got %+v", ar.AssumedRoleUser)
	}
	c, err := ci.Open(aws.ToString(ar.Credentials.SessionToken))
	if err != nil || c.Session.PrincipalTags["team"] != "blue" {
		t.Errorf("AssumeRole session: got %+v (%v), want the team tag", c.Session, err)
	}

	// Presigned GetCallerIdentity, as EKS and Vault build it.
	pre, err := awssts.NewPresignClient(dev).PresignGetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(pre.Method, pre.URL, nil)
	for k, v := range pre.SignedHeader {
		if !strings.EqualFold(k, "Host") {
			req.Header[k] = v
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(body.String(), "<Arn>arn:aws:iam::123456789012:root</Arn>") {
		t.Errorf("presigned %s: got %d %s", pre.Method, resp.StatusCode, body.String())
	}

	// Errors reach the SDK as its modeled types.
	_, err = anon.AssumeRoleWithWebIdentity(ctx, &awssts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(role), RoleSessionName: aws.String("app1"), WebIdentityToken: aws.String("not-a-jwt")})
	var invalid *types.InvalidIdentityTokenException
	if !errors.As(err, &invalid) {
		t.Errorf("bad token: got %v, want InvalidIdentityTokenException", err)
	}
	_, err = anon.AssumeRoleWithWebIdentity(ctx, &awssts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(role), RoleSessionName: aws.String("bad/name"), WebIdentityToken: aws.String(token)})
	if !isCode(err, "ValidationError") {
		t.Errorf("bad session name: got %v, want ValidationError", err)
	}
	_, err = anon.AssumeRoleWithWebIdentity(ctx, &awssts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(role), RoleSessionName: aws.String("app1"), WebIdentityToken: aws.String(token), Policy: aws.String("{")})
	var malformed *types.MalformedPolicyDocumentException
	if !errors.As(err, &malformed) {
		t.Errorf("bad policy: got %v, want MalformedPolicyDocumentException", err)
	}
	if _, err := anon.GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{}); !isCode(err, "MissingAuthenticationToken") {
		t.Errorf("unsigned GetCallerIdentity: got %v, want MissingAuthenticationToken", err)
	}
}

func isCode(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}
