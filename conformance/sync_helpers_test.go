package conformance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/awserr"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/session"
	v4 "github.com/aws/aws-sdk-go/aws/signer/v4"
	"github.com/aws/aws-sdk-go/service/cognitosync"
)

// Cognito Sync is tested with the AWS SDK for Go v1: it is the only Go
// client of the service (v2 never shipped one), and it is what Go
// applications still use against it.

// Wire codes and messages of Cognito Sync errors (shared/spec/cognito-sync.md
// §1.2) that the Cognito Identity tests do not already name.
const (
	codeSyncInvalidConfig = "InvalidConfigurationException"
	msgSyncForbidden      = "These credentials are not valid for accessing this resource"
	msgSyncBadToken       = "SyncSessionToken not valid for these inputs"
)

// msgSyncConflict is the ResourceConflictException message for a patch of
// key carrying SyncCount client while the server holds server.
func msgSyncConflict(key string, server, client int64) string {
	return fmt.Sprintf("Current SyncCount for: %s is: %d not: %d", key, server, client)
}

// syncPool is an identity pool set up for Cognito Sync: guests are allowed
// and have an unauthenticated role, so GetCredentialsForIdentity hands them
// Cognito credentials. dev is a Cognito Sync client signing with the
// developer's static credentials.
type syncPool struct {
	s   *server
	id  string
	dev *cognitosync.CognitoSync
}

// newSyncPool creates a pool on s ready for Cognito Sync.
func newSyncPool(t *testing.T, s *server) *syncPool {
	t.Helper()
	id := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	_, err := s.signed.SetIdentityPoolRoles(context.Background(), &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: awsv2.String(id),
		Roles:          map[string]string{"unauthenticated": s.roleARN("SyncGuest")},
	})
	ok(t, err, "SetIdentityPoolRoles")
	return &syncPool{
		s:   s,
		id:  id,
		dev: newSyncClient(t, s.endpoint, credentials.NewStaticCredentials(accessKey, secretKey, "")),
	}
}

// newLoginSyncPool creates a pool on s ready for Cognito Sync whose guests
// may also sign in with graph.facebook.com logins, as an authenticated role.
func newLoginSyncPool(t *testing.T, s *server) *syncPool {
	t.Helper()
	id := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{
		AllowUnauthenticatedIdentities: true,
		SupportedLoginProviders:        map[string]string{"graph.facebook.com": "fb-app"},
	})
	_, err := s.signed.SetIdentityPoolRoles(context.Background(), &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: awsv2.String(id),
		Roles:          map[string]string{"unauthenticated": s.roleARN("SyncGuest"), "authenticated": s.roleARN("SyncUser")},
	})
	ok(t, err, "SetIdentityPoolRoles")
	return &syncPool{s: s, id: id, dev: newSyncClient(t, s.endpoint, credentials.NewStaticCredentials(accessKey, secretKey, ""))}
}

// newSyncClient builds a v1 Cognito Sync client the way applications do.
// Retries are off so that every answer is seen as the server sent it.
//
// Each client gets an HTTP client and transport of its own: with
// AWS_CA_BUNDLE set, session.NewSession installs the bundle into the
// transport of the client it is given, which would otherwise be
// http.DefaultClient, shared with every other test (a data race and a
// change of global state).
func newSyncClient(t *testing.T, endpoint string, creds *credentials.Credentials) *cognitosync.CognitoSync {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	sess, err := session.NewSession(&aws.Config{
		Region:      aws.String(region),
		Endpoint:    aws.String(endpoint),
		Credentials: creds,
		MaxRetries:  aws.Int(0),
		HTTPClient:  &http.Client{Transport: tr},
	})
	if err != nil {
		t.Fatalf("session.NewSession: %v", err)
	}
	return cognitosync.New(sess)
}

// syncUser is one device of a guest identity: a Cognito Sync client signing
// with the Cognito credentials GetCredentialsForIdentity gave that identity.
type syncUser struct {
	pool  string
	id    string
	c     *cognitosync.CognitoSync
	creds *credentials.Credentials
}

// guest returns a new guest identity of p with its own credentials.
func (p *syncPool) guest(t *testing.T) *syncUser {
	t.Helper()
	return p.device(t, p.s.guestID(t, p.id))
}

// device returns another client of identity id, with credentials of its
// own, as a second phone of the same user would have.
func (p *syncPool) device(t *testing.T, id string) *syncUser {
	t.Helper()
	out, err := p.s.anon.GetCredentialsForIdentity(context.Background(), &cognitoidentity.GetCredentialsForIdentityInput{
		IdentityId: awsv2.String(id),
	})
	ok(t, err, "GetCredentialsForIdentity")
	c := out.Credentials
	if c == nil || awsv2.ToString(c.AccessKeyId) == "" || awsv2.ToString(c.SessionToken) == "" {
		t.Fatalf("GetCredentialsForIdentity: got credentials %+v, want a key id and a session token", c)
	}
	creds := credentials.NewStaticCredentials(awsv2.ToString(c.AccessKeyId), awsv2.ToString(c.SecretKey), awsv2.ToString(c.SessionToken))
	return &syncUser{pool: p.id, id: id, c: newSyncClient(t, p.s.endpoint, creds), creds: creds}
}

// as returns a client of identity id that signs with the developer's
// credentials, which may touch any identity of the account.
func (p *syncPool) as(id string) *syncUser {
	return &syncUser{pool: p.id, id: id, c: p.dev, creds: credentials.NewStaticCredentials(accessKey, secretKey, "")}
}

// list calls ListRecords on dataset of u from lastSyncCount last, one page.
func (u *syncUser) list(dataset string, last int64) (*cognitosync.ListRecordsOutput, error) {
	return u.c.ListRecords(&cognitosync.ListRecordsInput{
		IdentityPoolId: aws.String(u.pool),
		IdentityId:     aws.String(u.id),
		DatasetName:    aws.String(dataset),
		LastSyncCount:  aws.Int64(last),
	})
}

// token lists dataset of u from 0 and returns the SyncSessionToken,
// failing t if ListRecords fails or returns none.
func (u *syncUser) token(t *testing.T, dataset string) string {
	t.Helper()
	out, err := u.list(dataset, 0)
	ok(t, err, "ListRecords "+dataset)
	if aws.StringValue(out.SyncSessionToken) == "" {
		t.Fatalf("ListRecords %s: got no SyncSessionToken", dataset)
	}
	return aws.StringValue(out.SyncSessionToken)
}

// update sends patches to dataset of u under token.
func (u *syncUser) update(dataset, token string, patches ...*cognitosync.RecordPatch) (*cognitosync.UpdateRecordsOutput, error) {
	return u.c.UpdateRecords(&cognitosync.UpdateRecordsInput{
		IdentityPoolId:   aws.String(u.pool),
		IdentityId:       aws.String(u.id),
		DatasetName:      aws.String(dataset),
		SyncSessionToken: aws.String(token),
		RecordPatches:    patches,
	})
}

// write lists dataset of u for a fresh session token and applies patches,
// failing t on any error. It returns the touched records.
func (u *syncUser) write(t *testing.T, dataset string, patches ...*cognitosync.RecordPatch) []*cognitosync.Record {
	t.Helper()
	out, err := u.update(dataset, u.token(t, dataset), patches...)
	ok(t, err, "UpdateRecords "+dataset)
	return out.Records
}

// describe calls DescribeDataset on dataset of u.
func (u *syncUser) describe(dataset string) (*cognitosync.Dataset, error) {
	out, err := u.c.DescribeDataset(&cognitosync.DescribeDatasetInput{
		IdentityPoolId: aws.String(u.pool),
		IdentityId:     aws.String(u.id),
		DatasetName:    aws.String(dataset),
	})
	if err != nil {
		return nil, err
	}
	return out.Dataset, nil
}

// replacePatch is a replace patch of key to value for a record at SyncCount sc.
func replacePatch(key, value string, sc int64) *cognitosync.RecordPatch {
	return &cognitosync.RecordPatch{Op: aws.String(cognitosync.OperationReplace), Key: aws.String(key), Value: aws.String(value), SyncCount: aws.Int64(sc)}
}

// removePatch is a remove patch of key for a record at SyncCount sc.
func removePatch(key string, sc int64) *cognitosync.RecordPatch {
	return &cognitosync.RecordPatch{Op: aws.String(cognitosync.OperationRemove), Key: aws.String(key), SyncCount: aws.Int64(sc)}
}

// syncRecord is a record as a test compares it: its value (nil for a
// removed record) and its sync count.
type syncRecord struct {
	value *string
	sc    int64
}

func (r syncRecord) String() string {
	if r.value == nil {
		return fmt.Sprintf("<removed>@%d", r.sc)
	}
	return fmt.Sprintf("%q@%d", *r.value, r.sc)
}

// recordMap indexes records by key, failing t on a record without a key or
// a key listed twice.
func recordMap(t *testing.T, recs []*cognitosync.Record) map[string]syncRecord {
	t.Helper()
	m := make(map[string]syncRecord, len(recs))
	for _, r := range recs {
		k := aws.StringValue(r.Key)
		if k == "" {
			t.Fatalf("got a record without a key: %v", r)
		}
		if _, dup := m[k]; dup {
			t.Fatalf("got key %q twice", k)
		}
		m[k] = syncRecord{value: r.Value, sc: aws.Int64Value(r.SyncCount)}
	}
	return m
}

// wantRecords fails t unless recs are exactly the records of want.
func wantRecords(t *testing.T, what string, recs []*cognitosync.Record, want map[string]syncRecord) {
	t.Helper()
	got := recordMap(t, recs)
	if len(got) != len(want) {
		t.Errorf("%s: got records %v, want %v", what, got, want)
		return
	}
	for k, w := range want {
		g, found := got[k]
		if !found || g.sc != w.sc || (g.value == nil) != (w.value == nil) || (g.value != nil && *g.value != *w.value) {
			t.Errorf("%s: got records %v, want %v", what, got, want)
			return
		}
	}
}

// liveRecord is the syncRecord of a record holding value at sync count sc.
func liveRecord(value string, sc int64) syncRecord { return syncRecord{value: &value, sc: sc} }

// maxSyncCount is the highest SyncCount among recs.
func maxSyncCount(recs []*cognitosync.Record) int64 {
	var hi int64
	for _, r := range recs {
		hi = max(hi, aws.Int64Value(r.SyncCount))
	}
	return hi
}

// syncDevice plays a Cognito Sync client library on one device
// (shared/spec/cognito-sync.md §4.1): it keeps a local copy of one dataset
// and its lastSyncCount, pulls remote changes with ListRecords and pushes
// local changes with UpdateRecords under the session token of its last
// pull.
type syncDevice struct {
	u       *syncUser
	dataset string
	last    int64                 // local lastSyncCount
	records map[string]syncRecord // local copy, with the server sync counts
	token   string                // SyncSessionToken of the last pull
	remote  int64                 // DatasetSyncCount of the last pull
}

func newSyncDevice(u *syncUser, dataset string) *syncDevice {
	return &syncDevice{u: u, dataset: dataset, records: make(map[string]syncRecord)}
}

// pull lists every page of the records changed since the device's
// lastSyncCount, as the client libraries do (the session token only on the
// first page), applies them locally and moves lastSyncCount to the dataset
// sync count. It returns the changed records and the last page.
func (d *syncDevice) pull(t *testing.T) ([]*cognitosync.Record, *cognitosync.ListRecordsOutput) {
	t.Helper()
	var (
		changed []*cognitosync.Record
		last    *cognitosync.ListRecordsOutput
		next    *string
	)
	for page := 0; ; page++ {
		if page > 100 {
			t.Fatal("ListRecords: more than 100 pages")
		}
		out, err := d.u.c.ListRecords(&cognitosync.ListRecordsInput{
			IdentityPoolId: aws.String(d.u.pool),
			IdentityId:     aws.String(d.u.id),
			DatasetName:    aws.String(d.dataset),
			LastSyncCount:  aws.Int64(d.last),
			MaxResults:     aws.Int64(1024),
			NextToken:      next,
		})
		ok(t, err, fmt.Sprintf("ListRecords %s from %d", d.dataset, d.last))
		changed = append(changed, out.Records...)
		last = out
		if tok := aws.StringValue(out.SyncSessionToken); tok != "" {
			d.token = tok
		}
		if aws.StringValue(out.NextToken) == "" {
			break
		}
		next = out.NextToken
	}
	if d.token == "" {
		t.Fatalf("ListRecords %s: got no SyncSessionToken", d.dataset)
	}
	for k, r := range recordMap(t, changed) {
		d.records[k] = r
	}
	d.remote = aws.Int64Value(last.DatasetSyncCount)
	d.last = d.remote
	return changed, last
}

// push writes values (nil removes a key) with the sync counts of the
// local copy, under the token of the last pull. On success it checks what
// the client libraries check, that the highest returned SyncCount is the
// pulled DatasetSyncCount + 1, and records the new state locally.
func (d *syncDevice) push(t *testing.T, values map[string]*string) ([]*cognitosync.Record, error) {
	t.Helper()
	ks := make([]string, 0, len(values))
	for k := range values {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	patches := make([]*cognitosync.RecordPatch, 0, len(ks))
	for _, k := range ks {
		sc := d.records[k].sc
		if v := values[k]; v != nil {
			patches = append(patches, replacePatch(k, *v, sc))
		} else {
			patches = append(patches, removePatch(k, sc))
		}
	}
	out, err := d.u.update(d.dataset, d.token, patches...)
	if err != nil {
		return nil, err
	}
	hi := maxSyncCount(out.Records)
	if hi != d.remote+1 {
		t.Errorf("UpdateRecords %s: got max record SyncCount %d, want DatasetSyncCount %d + 1", d.dataset, hi, d.remote)
	}
	for k, r := range recordMap(t, out.Records) {
		d.records[k] = r
	}
	d.last, d.remote = hi, hi
	return out.Records, nil
}

// sval returns a pointer to s, for values maps.
func sval(s string) *string { return &s }

// wantSyncError fails t unless err is the Cognito Sync error code with HTTP
// status, as the v1 SDK reports them through awserr, and message msg (any
// message when msg is ""). Modelled codes must also come out as the SDK's
// typed errors, which is what applications match on.
func wantSyncError(t *testing.T, err error, code string, status int, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s (%d)", code, status)
	}
	var ae awserr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("got error %v, want an awserr.Error %s", err, code)
	}
	if ae.Code() != code {
		t.Fatalf("got error code %s (%q), want %s", ae.Code(), ae.Message(), code)
	}
	var rf awserr.RequestFailure
	if !errors.As(err, &rf) {
		t.Fatalf("got %T for %s, want an awserr.RequestFailure", err, code)
	}
	if rf.StatusCode() != status {
		t.Errorf("got status %d for %s, want %d", rf.StatusCode(), code, status)
	}
	if rf.RequestID() == "" {
		t.Errorf("got no request id for %s, want the x-amzn-RequestId header", code)
	}
	switch {
	case msg != "" && ae.Message() != msg:
		t.Errorf("got %s message %q, want %q", code, ae.Message(), msg)
	case msg == "":
		// The spec leaves this message open; show it for review.
		t.Logf("%s: %q", code, ae.Message())
	}
	if !isSyncTyped(err, code) {
		t.Errorf("got %T for %s, want the SDK's typed error", err, code)
	}
}

// isSyncTyped reports whether err is the v1 SDK's typed error for code.
func isSyncTyped(err error, code string) bool {
	switch code {
	case codeNotAuthorized:
		var e *cognitosync.NotAuthorizedException
		return errors.As(err, &e)
	case codeNotFound:
		var e *cognitosync.ResourceNotFoundException
		return errors.As(err, &e)
	case codeInvalidParam:
		var e *cognitosync.InvalidParameterException
		return errors.As(err, &e)
	case codeConflict:
		var e *cognitosync.ResourceConflictException
		return errors.As(err, &e)
	case codeLimitExceeded:
		var e *cognitosync.LimitExceededException
		return errors.As(err, &e)
	case codeSyncInvalidConfig:
		var e *cognitosync.InvalidConfigurationException
		return errors.As(err, &e)
	}
	return true
}

// datasetNames returns the names of ds, sorted.
func datasetNames(ds []*cognitosync.Dataset) []string {
	names := make([]string, 0, len(ds))
	for _, d := range ds {
		names = append(names, aws.StringValue(d.DatasetName))
	}
	sort.Strings(names)
	return names
}

// snsAppARN is an SNS platform application ARN of the test account.
func (s *server) snsAppARN(platform, name string) string {
	return "arn:aws:sns:" + region + ":" + s.accountID + ":app/" + platform + "/" + name
}

// lambdaARN is a Lambda function ARN of the test account.
func (s *server) lambdaARN(name string) string {
	return "arn:aws:lambda:" + region + ":" + s.accountID + ":function:" + name
}

// raw sends a Cognito Sync request the SDK would not let a test inspect:
// method on path (its labels percent-encoded as SDKs send them), with body
// as JSON of contentType (no Content-Type when ""), signed by the v1 SDK's
// own signer with u's credentials. It reads the whole answer.
func (u *syncUser) raw(t *testing.T, s *server, method, path, contentType, body string) rawResponse {
	t.Helper()
	req, err := http.NewRequest(method, s.endpoint+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	var rd io.ReadSeeker
	if body != "" {
		rd = strings.NewReader(body)
	}
	if _, err := v4.NewSigner(u.creds).Sign(req, rd, cognitosync.ServiceName, region, time.Now()); err != nil {
		t.Fatalf("sign: %v", err)
	}
	return s.do(t, req)
}

// datasetPath is the REST path of dataset of u, labels escaped as SDKs do.
func (u *syncUser) datasetPath(dataset string) string {
	return "/identitypools/" + escapeLabel(u.pool) + "/identities/" + escapeLabel(u.id) + "/datasets/" + escapeLabel(dataset)
}

// escapeLabel escapes a path label as the SDKs do, ':' included.
func escapeLabel(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
}

// joinNames formats names for messages.
func joinNames(names []string) string { return "[" + strings.Join(names, " ") + "]" }

// removedRecord is the syncRecord of a record removed at sync count sc.
func removedRecord(sc int64) syncRecord { return syncRecord{sc: sc} }
