package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// Defaults of Config's durations, from the AWS documentation.
const (
	DefaultOpenIDTokenTTL    = 600 * time.Second
	DefaultDeveloperTokenTTL = 900 * time.Second
	DefaultCredentialsTTL    = time.Hour
)

// Quotas the service enforces.
const (
	maxPools        = 1000 // identity pools per account and region
	maxTags         = 50   // tags per pool
	maxLinkedLogins = 20   // logins per identity
	maxPageSize     = 60   // results per list or lookup call
)

// Config is what a Service needs to know about its deployment.
type Config struct {
	// Region is the default region: the one of pools created by requests
	// that name none (unsigned, or signed with a scope that is no region
	// name). A signed request's SigV4 scope names its region otherwise,
	// and everything else follows its pool's id: identities take their
	// pool's region, and pool ARNs name it and its partition.
	Region string
	// AccountID is the account of pool ARNs.
	AccountID string
	// OpenIDTokenTTL is the lifetime of GetOpenIdToken tokens (600 s when zero).
	OpenIDTokenTTL time.Duration
	// DeveloperTokenTTL is the default lifetime of
	// GetOpenIdTokenForDeveloperIdentity tokens (900 s when zero).
	DeveloperTokenTTL time.Duration
	// CredentialsTTL is the lifetime of GetCredentialsForIdentity
	// credentials (3600 s when zero).
	CredentialsTTL time.Duration
	// Verifier, when set, checks the signature of every external provider
	// token (Google, Apple, user pools, OIDC, SAML) before its claims are
	// trusted. When nil, tokens are only decoded and their claims checked:
	// idpool's permissive default, since it runs offline.
	Verifier ProviderVerifier
	// OnMerge, when set, runs inside the merge's transaction after the
	// survivor is stored, once for each identity merged into it (Cognito
	// Sync moves the loser's datasets this way). An error undoes the merge.
	OnMerge func(ctx context.Context, tx storage.Tx, loser, survivor storage.Identity) error
	// OnPoolDeleted, when set, is told the id of a pool once its deletion
	// has committed, so that what other services keep of the pool in
	// memory goes with it (Cognito Sync's count of sync sessions).
	OnPoolDeleted func(poolID string)
	// Ephemeral says that the store lives only as long as the process (an
	// in-memory database), so that the ids clients kept from an earlier
	// run name nothing; the reason of an unknown identity says so.
	Ephemeral bool
}

// TokenIssuer signs idpool OpenID tokens and verifies the ones idpool
// issued (cognito-identity.amazonaws.com logins).
type TokenIssuer interface {
	Sign(ctx context.Context, c tokens.Claims) (string, error)
	Verify(ctx context.Context, token string) (*tokens.Claims, error)
}

// CredentialIssuer mints temporary AWS credentials for an assumed-role
// session.
type CredentialIssuer interface {
	Issue(ctx context.Context, s Session) (Credentials, error)
}

// ProviderVerifier checks an external provider's token: its signature and
// whatever else needs the provider's keys. provider is the Logins key the
// pool configures. issuerChecked reports that the provider declared under
// that key verified the token, its iss included; otherwise the token was
// either verified by the provider its iss names or not verified at all, and
// identity checks that its iss suits the key. It returns a *protocol.Error
// (normally NotAuthorizedException) for a token it rejects; any other error
// means the provider or its keys could not be reached and fails the
// request with ExternalServiceException.
type ProviderVerifier interface {
	VerifyProviderToken(ctx context.Context, provider, token string) (issuerChecked bool, err error)
}

// Session is the assumed-role session GetCredentialsForIdentity asks
// credentials for.
type Session struct {
	RoleARN     string
	SessionName string
	IdentityID  string
	PoolID      string
	// AMR is the authentication-methods claim of the session's web
	// identity, as it would appear in the OpenID token.
	AMR           []string
	PrincipalTags map[string]string
	Duration      time.Duration
}

// Credentials are temporary AWS credentials.
type Credentials struct {
	AccessKeyID  string
	SecretKey    string
	SessionToken string
	Expiration   time.Time
}

// Service implements the Cognito Identity operations. It is safe for
// concurrent use.
type Service struct {
	cfg    Config
	store  storage.Store
	issuer TokenIssuer
	creds  CredentialIssuer
	now    func() time.Time
	newID  func() string
	log    *slog.Logger
	// started is when the service was made: for an Ephemeral store, the
	// time before which every identity is forgotten.
	started time.Time
}

// New returns a Service. newID must return a fresh lower-case UUID on each
// call; ids of pools and identities are "<region>:" + newID(). Zero
// durations in cfg take their defaults.
func New(cfg Config, store storage.Store, issuer TokenIssuer, creds CredentialIssuer, now func() time.Time, newID func() string, logger *slog.Logger) *Service {
	if cfg.OpenIDTokenTTL <= 0 {
		cfg.OpenIDTokenTTL = DefaultOpenIDTokenTTL
	}
	if cfg.DeveloperTokenTTL <= 0 {
		cfg.DeveloperTokenTTL = DefaultDeveloperTokenTTL
	}
	if cfg.CredentialsTTL <= 0 {
		cfg.CredentialsTTL = DefaultCredentialsTTL
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, store: store, issuer: issuer, creds: creds, now: now, newID: newID, log: logger, started: now()}
}

// poolARN is the ARN of pool id, as tagging and tokens name it: in the
// pool's region and that region's partition.
func (s *Service) poolARN(id string) string {
	region := protocol.IDRegion(id)
	return "arn:" + protocol.Partition(region) + ":cognito-identity:" + region + ":" + s.cfg.AccountID + ":identitypool/" + id
}

// newIdentityID returns a fresh id for an identity of pool poolID, in the
// pool's region.
func (s *Service) newIdentityID(poolID string) string {
	return protocol.IDRegion(poolID) + ":" + s.newID()
}

// getPool reads a pool as every read sees it (DropStale), turning a
// missing one into the wire error.
func getPool(ctx context.Context, r storage.Reader, id string) (storage.Pool, error) {
	p, _, err := readPool(ctx, r, id)
	return p, err
}

// readPool is getPool that also returns the CognitoIdentityProviders
// entries DropStale removed. A pool of another region than the one the
// request's verified signature names is not found (protocol.Elsewhere).
func readPool(ctx context.Context, r storage.Reader, id string) (storage.Pool, []storage.CognitoProvider, error) {
	if protocol.Elsewhere(ctx, id) {
		return storage.Pool{}, nil, poolNotFound(id)
	}
	p, err := r.GetPool(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		if region := uuidElsewhere(ctx, r, id); region != "" {
			protocol.SetReason(ctx, "pool "+id+" does not exist, but a pool of this uuid exists in "+region+": is the client's region wrong?")
		}
		return p, nil, poolNotFound(id)
	}
	if err != nil {
		return p, nil, fmt.Errorf("get pool %s: %w", id, err)
	}
	return p, DropStale(&p), nil
}

// uuidElsewhere returns the region of a pool whose id has the uuid of id
// under another region, or "" when there is none: the client that built
// id from its own region was likely configured for the wrong one. It reads
// one pool per region that has pools: ids sort by region, and "<region>:~"
// comes after every id of that region (a uuid is hex digits and '-').
func uuidElsewhere(ctx context.Context, r storage.Reader, id string) string {
	region, uuid, ok := strings.Cut(id, ":")
	if !ok || uuid == "" {
		return ""
	}
	after := ""
	for {
		pools, err := r.ListPools(ctx, after, 1)
		if err != nil || len(pools) == 0 {
			return ""
		}
		other, _, _ := strings.Cut(pools[0].ID, ":")
		if other != region {
			if _, err := r.GetPool(ctx, other+":"+uuid); err == nil {
				return other
			}
		}
		after = other + ":~"
	}
}

// getIdentity reads an identity, turning a missing one, or one of another
// region than the request's (protocol.Elsewhere), into the wire error. A
// missing one's reason (goneReason) says what can have removed it.
func (s *Service) getIdentity(ctx context.Context, r storage.Reader, id string) (storage.Identity, error) {
	if protocol.Elsewhere(ctx, id) {
		return storage.Identity{}, identityNotFound(id)
	}
	i, err := r.GetIdentity(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		// Only a refusal pays for the look at the region's pools, and a
		// failed look costs the reason that detail, not the answer.
		pools, err := storage.ListRegionPools(ctx, r, protocol.IDRegion(id), "", 1)
		protocol.SetReason(ctx, s.goneReason(id, err == nil && len(pools) == 0))
		return i, identityNotFound(id)
	}
	if err != nil {
		return i, fmt.Errorf("get identity %s: %w", id, err)
	}
	return i, nil
}

// updatePool runs edit on pool id inside one transaction and stores the
// result, stamped with the modification time; edit refuses the change by
// returning an error, and then nothing is written. It returns the pool as
// stored. What DropStale removes from the pool read is gone for good once
// the pool is written, which is logged then, once per pool.
func (s *Service) updatePool(ctx context.Context, id string, edit func(tx storage.Tx, p *storage.Pool) error) (storage.Pool, error) {
	var p storage.Pool
	var dropped []storage.CognitoProvider
	err := s.update(ctx, func(tx storage.Tx) error {
		var err error
		if p, dropped, err = readPool(ctx, tx, id); err != nil {
			return err
		}
		if err := edit(tx, &p); err != nil {
			return err
		}
		p.ModifiedAt = s.now()
		err = tx.UpdatePool(ctx, p)
		if errors.Is(err, storage.ErrNotFound) {
			return poolNotFound(p.ID)
		}
		if err != nil {
			return fmt.Errorf("update pool %s: %w", p.ID, err)
		}
		return nil
	})
	if err == nil && len(dropped) > 0 {
		names := make([]string, len(dropped))
		for i, c := range dropped {
			names[i] = c.ProviderName
		}
		s.log.WarnContext(ctx, "removed CognitoIdentityProviders entries an older idpool stored that name no user pool",
			"pool", id, "providers", names)
	}
	return p, err
}

// update runs fn in one store transaction. A transaction that lost a race
// on a unique key (storage.ErrAlreadyExists or ErrConflict from a write that
// fn's own reads said was free) is run again: fn re-reads everything, so the
// second run sees the winner's writes. fn must have no effects outside tx.
func (s *Service) update(ctx context.Context, fn func(tx storage.Tx) error) error {
	const attempts = 3
	var err error
	for range attempts {
		err = s.store.Update(ctx, fn)
		if wireError(err) {
			return err
		}
		if !errors.Is(err, storage.ErrAlreadyExists) && !errors.Is(err, storage.ErrConflict) {
			return err
		}
	}
	return err
}
