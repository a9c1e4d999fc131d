package cognitosync

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// Defaults of Config, from the AWS documentation (spec cognito-sync.md §3).
const (
	DefaultSessionTTL      = time.Hour
	DefaultMaxDatasets     = 20      // datasets per identity
	DefaultMaxRecords      = 1024    // live records per dataset
	DefaultMaxDatasetBytes = 1 << 20 // bytes of live records per dataset
	// DefaultBulkPublishInterval: AWS allows one successful bulk publish
	// per pool every 24 hours.
	DefaultBulkPublishInterval = 24 * time.Hour
)

// MaxRequestBody is the largest Cognito Sync request body, in bytes. The
// client libraries push every changed record of a dataset in one
// UpdateRecords, so a body must hold a whole dataset of the default size:
// its 1 MiB of keys and values, which JSON's escapes can make up to six
// times longer, and the members of up to twice 1024 patches (a remove and
// a replace of every record).
const MaxRequestBody = 8 << 20

// Page sizes: the largest page each listing returns, also its default.
// Clients ask for 64 datasets and 1024 records.
const (
	maxDatasetsPage = 64
	maxRecordsPage  = 1024
	maxPoolsPage    = 60
)

// minSessionKey is the shortest SessionKey New accepts.
const minSessionKey = 16

// Config is what a Service needs to know about its deployment.
type Config struct {
	// Region is the default region: ListIdentityPoolUsage lists the pools
	// of the region a request is signed for, and of this one when it names
	// none.
	Region string
	// AccountID names the deployment; the service answers alike in every
	// account, so it only documents it for now.
	AccountID string
	// SessionKey is the HMAC key SyncSessionTokens are signed with: at
	// least 16 random bytes (the emulator gives 32 from a persisted
	// secret), so that tokens survive restarts.
	SessionKey []byte
	// SessionTTL is how long a SyncSessionToken stays valid (1 h when zero).
	SessionTTL time.Duration
	// Quotas; zero takes the AWS default.
	MaxDatasets     int   // datasets per identity (20)
	MaxRecords      int   // live records per dataset (1024)
	MaxDatasetBytes int64 // bytes of live records per dataset (1 MiB)
	// BulkPublishInterval is how long after a successful BulkPublish
	// another one fails with AlreadyStreamedException: 24 hours when zero,
	// as in AWS; negative does not limit bulk publishes. The limit is
	// stored with the pool, so deleting the pool (or a reset) lifts it.
	BulkPublishInterval time.Duration
}

// Service implements the Cognito Sync operations. It is safe for
// concurrent use.
type Service struct {
	cfg   Config
	store storage.Store
	now   func() time.Time
	log   *slog.Logger
	// sessionKey is derived from cfg.SessionKey, so that the emulator's
	// secret is never used as is for more than one purpose.
	sessionKey []byte
	// sessions counts, per pool id, the sync sessions (SyncSessionTokens
	// issued by ListRecords) since the process started: the
	// SyncSessionsCount of the pool's usage. It lives in memory only, as a
	// running figure that is not worth a write per read request.
	sessions sync.Map // string → *atomic.Int64
}

// New returns a Service reading and writing store. Zero values in cfg take
// their defaults. It panics if cfg.SessionKey is shorter than 16 bytes: the
// emulator always has a key, so a missing one is a wiring mistake.
func New(cfg Config, store storage.Store, now func() time.Time, logger *slog.Logger) *Service {
	if len(cfg.SessionKey) < minSessionKey {
		panic(fmt.Sprintf("cognitosync: Config.SessionKey has %d bytes, want at least %d", len(cfg.SessionKey), minSessionKey))
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.MaxDatasets <= 0 {
		cfg.MaxDatasets = DefaultMaxDatasets
	}
	if cfg.MaxRecords <= 0 {
		cfg.MaxRecords = DefaultMaxRecords
	}
	if cfg.MaxDatasetBytes <= 0 {
		cfg.MaxDatasetBytes = DefaultMaxDatasetBytes
	}
	if cfg.BulkPublishInterval == 0 {
		cfg.BulkPublishInterval = DefaultBulkPublishInterval
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	mac := hmac.New(sha256.New, cfg.SessionKey)
	mac.Write([]byte("idpool cognito-sync SyncSessionToken v1"))
	s := &Service{cfg: cfg, store: store, now: now, log: logger, sessionKey: mac.Sum(nil)}
	return s
}

// countSession records one sync session of pool.
func (s *Service) countSession(pool string) {
	c, ok := s.sessions.Load(pool)
	if !ok {
		c, _ = s.sessions.LoadOrStore(pool, new(atomic.Int64))
	}
	c.(*atomic.Int64).Add(1)
}

// ForgetSessions sets every pool's count of sync sessions back to zero.
// A reset, which deletes the pools and seeds them again, calls it so that
// the seeded pools' usage starts afresh.
func (s *Service) ForgetSessions() { s.sessions.Clear() }

// ForgetPool drops the count of sync sessions of pool, which was deleted:
// pool ids are never used again, so the count would be kept for nothing.
func (s *Service) ForgetPool(pool string) { s.sessions.Delete(pool) }

// sessionCount returns the sync sessions of pool counted so far.
func (s *Service) sessionCount(pool string) int64 {
	if c, ok := s.sessions.Load(pool); ok {
		return c.(*atomic.Int64).Load()
	}
	return 0
}

// update runs fn in one store transaction. A transaction whose
// compare-and-swap lost a race (storage.ErrConflict from a write that fn's
// own reads said was current) is run again: fn re-reads everything, so the
// next run sees the winner's writes and decides on them. fn must have no
// effects outside tx. A conflict that persists is returned as
// storage.ErrConflict for the caller to name.
func (s *Service) update(ctx context.Context, fn func(tx storage.Tx) error) error {
	const attempts = 3
	var err error
	for range attempts {
		err = s.store.Update(ctx, fn)
		if !errors.Is(err, storage.ErrConflict) {
			return err
		}
	}
	return err
}

// Caller is whose credentials the service lets call an operation (spec
// cognito-sync.md §1.3). Cognito credentials carry the identity and pool
// they were issued for; the developer's own (and any others without an
// identity) carry none. This is the service's own rule, which holds in
// every mode; in strict mode the server's authorization step
// (emulator/access.go) has already refused role credentials without an
// identity, which idpool grants no access.
type Caller int

const (
	Developer Caller = iota // pool-level: the developer's own alone
	Identity                // an identity's data: that identity's, in its own pool, or the developer's
	Device                  // push sync: that identity's, in its own pool, alone
)

// Scope is, for one Cognito Sync operation, its IAM action's resource type
// in AWS's Service Authorization Reference (list_amazoncognitosync:
// "identitypool", "identity" or "dataset", ListDatasets' included), and
// whose credentials may call it.
type Scope struct {
	Resource string
	Caller   Caller
}

// scopes holds the Scope of every operation of the model.
var scopes = map[string]Scope{
	"BulkPublish": {"identitypool", Developer}, "DescribeIdentityPoolUsage": {"identitypool", Developer},
	"GetBulkPublishDetails": {"identitypool", Developer}, "GetCognitoEvents": {"identitypool", Developer},
	"GetIdentityPoolConfiguration": {"identitypool", Developer}, "ListIdentityPoolUsage": {"identitypool", Developer},
	"SetCognitoEvents": {"identitypool", Developer}, "SetIdentityPoolConfiguration": {"identitypool", Developer},
	"DescribeIdentityUsage": {"identity", Identity}, "RegisterDevice": {"identity", Device},
	"ListDatasets": {"dataset", Identity}, "DescribeDataset": {"dataset", Identity}, "DeleteDataset": {"dataset", Identity},
	"ListRecords": {"dataset", Identity}, "UpdateRecords": {"dataset", Identity},
	"SubscribeToDataset": {"dataset", Device}, "UnsubscribeFromDataset": {"dataset", Device},
}

// ScopeOf returns the Scope of the Cognito Sync operation op, named in any
// case, as IAM reads an action's name; false when op is none.
func ScopeOf(op string) (Scope, bool) {
	for name, sc := range scopes {
		if strings.EqualFold(name, op) {
			return sc, true
		}
	}
	return Scope{}, false
}

// authorize returns the caller of op, on the data of identity id of pool
// ("" for a pool-level operation), when op's Scope lets them call it, and
// NotAuthorizedException otherwise, as to an unsigned request, which
// never reaches a service. An op of no Scope is a mistake of the service's
// own, which it refuses to anyone as an internal error rather than guess
// whose it is.
func authorize(ctx context.Context, op, pool, id string) (*protocol.Principal, error) {
	p, ok := protocol.PrincipalFrom(ctx)
	if !ok {
		return nil, notAuthorized()
	}
	sc, ok := scopes[op]
	if !ok {
		return nil, fmt.Errorf("cognitosync: operation %q has no Scope", op)
	}
	own := p.IdentityID != "" && p.IdentityID == id && p.PoolID == pool
	var why string
	switch caller := sc.Caller; {
	case caller == Developer && p.IdentityID != "":
		why = "a pool-level operation needs the developer's credentials, and the request is signed with those of identity " + p.IdentityID
	case caller == Identity && p.IdentityID != "" && !own:
		why = "credentials of identity " + p.IdentityID + " of pool " + p.PoolID + " may touch only that identity's data, and the request names identity " + id + " of pool " + pool
	case caller == Device && !own:
		who := "the developer's credentials, which belong to no identity"
		if p.IdentityID != "" {
			who = "credentials of identity " + p.IdentityID + " of pool " + p.PoolID
		}
		why = "a device operation needs the credentials of identity " + id + " of pool " + pool + " itself, and the request is signed with " + who
	default:
		return p, nil
	}
	protocol.SetReason(ctx, why)
	return nil, notAuthorized()
}

// modifier is what a write records as LastModifiedBy: the device when the
// client names one, else the identity for Cognito credentials or the
// account for the developer's.
func modifier(p *protocol.Principal, device string) string {
	switch {
	case device != "":
		return device
	case p.IdentityID != "":
		return p.IdentityID
	case p.Account != "":
		return p.Account
	}
	return p.AccessKeyID
}

// getPool reads a pool, turning a missing one, or one of another region
// than the request's (protocol.Elsewhere), into the wire error.
func getPool(ctx context.Context, r storage.Reader, id string) (storage.Pool, error) {
	if protocol.Elsewhere(ctx, id) {
		return storage.Pool{}, notFound(msgPoolNotFound, id)
	}
	p, err := r.GetPool(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return p, notFound(msgPoolNotFound, id)
	}
	if err != nil {
		return p, fmt.Errorf("get pool %s: %w", id, err)
	}
	return p, nil
}

// identityIn reads identity id and checks that it belongs to pool. An
// identity that is unknown, or of another pool, is ResourceNotFound, naming
// the pool when the pool is what is unknown.
func identityIn(ctx context.Context, r storage.Reader, pool, id string) (storage.Identity, error) {
	if protocol.Elsewhere(ctx, pool) {
		return storage.Identity{}, notFound(msgPoolNotFound, pool)
	}
	i, err := r.GetIdentity(ctx, id)
	switch {
	case err == nil && i.PoolID == pool:
		return i, nil
	case err != nil && !errors.Is(err, storage.ErrNotFound):
		return i, fmt.Errorf("get identity %s: %w", id, err)
	}
	if _, err := getPool(ctx, r, pool); err != nil {
		return storage.Identity{}, err
	}
	return storage.Identity{}, notFound(msgIdentityNotFound, id)
}

// timePtr returns t for an optional timestamp member, nil for the zero time.
func timePtr(t time.Time) *protocol.Time {
	if t.IsZero() {
		return nil
	}
	pt := protocol.At(t)
	return &pt
}
