package cognitosync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/sqlite"
)

const (
	testRegion  = "us-east-1"
	testAccount = "123456789012"
	poolA       = "us-east-1:aaaaaaaa-0000-0000-0000-000000000000"
	poolB       = "us-east-1:bbbbbbbb-0000-0000-0000-000000000000"
	idA1        = "us-east-1:a1000000-0000-0000-0000-000000000000"
	idA2        = "us-east-1:a2000000-0000-0000-0000-000000000000"
	idB1        = "us-east-1:b1000000-0000-0000-0000-000000000000"
	unknownPool = "us-east-1:ffffffff-0000-0000-0000-000000000000"
	unknownID   = "us-east-1:f1000000-0000-0000-0000-000000000000"
	gcmApp      = "arn:aws:sns:us-east-1:123456789012:app/GCM/demo"
	pushRole    = "arn:aws:iam::123456789012:role/Push"
	streamRole  = "arn:aws:iam::123456789012:role/Stream"
	syncLambda  = "arn:aws:lambda:us-east-1:123456789012:function:sync"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type env struct {
	svc   *Service
	store storage.Store
	clock *clock
	// dev carries developer credentials; a1, a2 and b1 carry the Cognito
	// credentials of idA1, idA2 (pool A) and idB1 (pool B).
	dev, a1, a2, b1 context.Context
}

// newEnv opens an in-memory store holding pools A and B with identities
// A1, A2 and B1, and a service over it with cfg (the session key is set).
func newEnv(t *testing.T, cfg Config) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Memory)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	clk := &clock{t: time.Date(2025, 5, 26, 12, 0, 0, 0, time.UTC)}
	err = st.Update(ctx, func(tx storage.Tx) error {
		for _, p := range []string{poolA, poolB} {
			if err := tx.CreatePool(ctx, storage.Pool{ID: p, Name: "p", CreatedAt: clk.Now(), ModifiedAt: clk.Now()}); err != nil {
				return err
			}
		}
		for id, p := range map[string]string{idA1: poolA, idA2: poolA, idB1: poolB} {
			if err := tx.CreateIdentity(ctx, storage.Identity{ID: id, PoolID: p, CreatedAt: clk.Now(), ModifiedAt: clk.Now()}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("seed store: %v", err)
	}
	cfg.Region, cfg.AccountID, cfg.SessionKey = testRegion, testAccount, testKey
	svc := New(cfg, st, clk.Now, nil)
	return &env{
		svc: svc, store: st, clock: clk,
		dev: protocol.WithPrincipal(ctx, &protocol.Principal{AccessKeyID: "AKIDEXAMPLE", Account: testAccount,
			ARN: "arn:aws:iam::" + testAccount + ":root", UserID: testAccount}),
		a1: cognito(ctx, poolA, idA1),
		a2: cognito(ctx, poolA, idA2),
		b1: cognito(ctx, poolB, idB1),
	}
}

// cognito returns ctx carrying Cognito credentials of identity id.
func cognito(ctx context.Context, pool, id string) context.Context {
	return protocol.WithPrincipal(ctx, &protocol.Principal{AccessKeyID: "ASIA" + id[10:18], Account: testAccount,
		Temporary: true, IdentityID: id, PoolID: pool})
}

// wantErr checks that err is a wire error with code, the model's status for
// it and, when msg is not empty, that message; code "" wants no error.
func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	e, ok := protocol.As(err)
	if !ok {
		t.Fatalf("got error %v, want %s", err, code)
	}
	if e.Code != code || (msg != "" && e.Message != msg) {
		t.Fatalf("got %s %q, want %s %q", e.Code, e.Message, code, msg)
	}
	if want := statusOf[code]; e.Status != want {
		t.Fatalf("got status %d for %s, want %d", e.Status, code, want)
	}
}

// statusOf is the model's status of each error code.
var statusOf = map[string]int{
	CodeInvalidParameter:       http.StatusBadRequest,
	CodeNotAuthorized:          http.StatusForbidden,
	CodeResourceNotFound:       http.StatusNotFound,
	CodeResourceConflict:       http.StatusConflict,
	CodeLimitExceeded:          http.StatusBadRequest,
	CodeTooManyRequests:        http.StatusTooManyRequests,
	CodeInvalidConfiguration:   http.StatusBadRequest,
	CodeDuplicateRequest:       http.StatusBadRequest,
	CodeAlreadyStreamed:        http.StatusBadRequest,
	CodeConcurrentModification: http.StatusBadRequest,
	CodeInternalError:          http.StatusInternalServerError,
}

// list lists a whole dataset from since, following NextToken.
func (e *env) list(t *testing.T, ctx context.Context, pool, id, name string, since int64) *ListRecordsOutput {
	t.Helper()
	in := &ListRecordsInput{IdentityPoolId: pool, IdentityId: id, DatasetName: name, LastSyncCount: &since}
	var all *ListRecordsOutput
	for {
		out, err := e.svc.ListRecords(ctx, in)
		if err != nil {
			t.Fatalf("ListRecords(%s, %d): %v", name, since, err)
		}
		if all == nil {
			all = out
		} else {
			all.Records = append(all.Records, out.Records...)
			all.DatasetSyncCount, all.SyncSessionToken = out.DatasetSyncCount, out.SyncSessionToken
		}
		if out.NextToken == "" {
			all.NextToken = ""
			all.Count = int32(len(all.Records))
			return all
		}
		in.NextToken = out.NextToken
	}
}

// token returns a SyncSessionToken for a dataset of identity id.
func (e *env) token(t *testing.T, ctx context.Context, pool, id, name string) string {
	t.Helper()
	out, err := e.svc.ListRecords(ctx, &ListRecordsInput{IdentityPoolId: pool, IdentityId: id, DatasetName: name})
	if err != nil {
		t.Fatalf("ListRecords(%s): %v", name, err)
	}
	return out.SyncSessionToken
}

// update applies patches to a dataset of identity id with a fresh token.
func (e *env) update(t *testing.T, ctx context.Context, pool, id, name string, patches ...RecordPatch) (*UpdateRecordsOutput, error) {
	t.Helper()
	return e.svc.UpdateRecords(ctx, &UpdateRecordsInput{
		IdentityPoolId: pool, IdentityId: id, DatasetName: name,
		SyncSessionToken: e.token(t, ctx, pool, id, name), RecordPatches: patches,
	})
}

// mustUpdate is update that fails the test on an error.
func (e *env) mustUpdate(t *testing.T, ctx context.Context, pool, id, name string, patches ...RecordPatch) *UpdateRecordsOutput {
	t.Helper()
	out, err := e.update(t, ctx, pool, id, name, patches...)
	if err != nil {
		t.Fatalf("UpdateRecords(%s): %v", name, err)
	}
	return out
}

func put(key, value string, syncCount int64) RecordPatch {
	return RecordPatch{Op: OpReplace, Key: key, Value: &value, SyncCount: syncCount}
}

func remove(key string, syncCount int64) RecordPatch {
	return RecordPatch{Op: OpRemove, Key: key, SyncCount: syncCount}
}

// values renders records as "key=value@count" ("key@count" for a
// tombstone), in order.
func values(rs []Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		if r.Value == nil {
			out[i] = fmt.Sprintf("%s@%d", r.Key, r.SyncCount)
		} else {
			out[i] = fmt.Sprintf("%s=%s@%d", r.Key, *r.Value, r.SyncCount)
		}
	}
	return out
}

// stored returns a dataset's stored state, deleted or not.
func (e *env) stored(t *testing.T, id, name string) storage.Dataset {
	t.Helper()
	d, err := e.store.GetDataset(context.Background(), id, name)
	if err != nil {
		t.Fatalf("GetDataset(%s/%s): %v", id, name, err)
	}
	return d
}

// syncCount returns a dataset's stored sync count, 0 if it never existed.
func (e *env) syncCount(t *testing.T, id, name string) int64 {
	t.Helper()
	d, err := e.store.GetDataset(context.Background(), id, name)
	if errors.Is(err, storage.ErrNotFound) {
		return 0
	}
	if err != nil {
		t.Fatalf("GetDataset(%s/%s): %v", id, name, err)
	}
	return d.SyncCount
}
