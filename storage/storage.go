package storage

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors. Backends wrap them with %w; callers test with errors.Is.
var (
	// ErrNotFound: the object does not exist.
	ErrNotFound = errors.New("storage: not found")
	// ErrAlreadyExists: an object with that key exists, or a login that is
	// being attached already belongs to another identity.
	ErrAlreadyExists = errors.New("storage: already exists")
	// ErrConflict: a compare-and-swap found a value other than the one
	// expected (a concurrent writer won), or the object is in a state
	// that forbids the change (the active signing key cannot be deleted).
	ErrConflict = errors.New("storage: conflict")
)

// Pool is an identity pool with everything configured on it.
type Pool struct {
	ID   string
	Name string

	AllowUnauthenticated bool
	// AllowClassicFlow is tri-state: nil means the member was never sent,
	// which AWS treats as allowed but does not echo back.
	AllowClassicFlow *bool

	SupportedLoginProviders   map[string]string
	DeveloperProviderName     string
	OpenIDConnectProviderARNs []string
	CognitoIdentityProviders  []CognitoProvider
	SAMLProviderARNs          []string
	Tags                      map[string]string

	// Roles maps "authenticated"/"unauthenticated" to a role ARN.
	Roles map[string]string
	// RoleMappings maps a provider key to its role mapping.
	RoleMappings map[string]RoleMapping
	// PrincipalTags maps a provider key to its principal-tag attribute map.
	PrincipalTags map[string]PrincipalTagMap

	CreatedAt  time.Time
	ModifiedAt time.Time
}

// CognitoProvider is a user-pool provider configured on a pool.
type CognitoProvider struct {
	ProviderName         string
	ClientID             string
	ServerSideTokenCheck bool
}

// RoleMapping is how GetCredentialsForIdentity picks a role for one provider.
type RoleMapping struct {
	Type                    string // Token or Rules
	AmbiguousRoleResolution string // AuthenticatedRole or Deny
	Rules                   []MappingRule
}

// MappingRule is one rule of a Rules role mapping.
type MappingRule struct {
	Claim     string
	MatchType string // Equals, Contains, StartsWith, NotEqual
	Value     string
	RoleARN   string
}

// PrincipalTagMap maps principal tag keys to token claim names for a provider.
type PrincipalTagMap struct {
	UseDefaults bool
	Tags        map[string]string
}

// Login is one provider user: the Logins key (provider name) and the user id
// idpool derived from the provider's token. (pool, provider, user) is unique
// across all identities of a pool. Developer user identifiers are logins
// under the pool's developer provider name.
type Login struct {
	Provider string
	UserID   string
}

// Identity is one Cognito identity of a pool.
type Identity struct {
	ID     string
	PoolID string
	// Logins in the order they were linked.
	Logins []Login
	// Disabled identities keep their record but get no tokens or
	// credentials: the loser of a merge, or one whose last login was unlinked.
	Disabled bool
	// MergedInto names the surviving identity when this one lost a merge.
	MergedInto string

	CreatedAt  time.Time
	ModifiedAt time.Time
}

// Authenticated reports whether the identity has ever been authenticated:
// it has a login, or it was disabled (which only happens to identities that
// had logins). Such an identity never again gets guest tokens.
func (i Identity) Authenticated() bool { return len(i.Logins) > 0 || i.Disabled }

// SigningKey is an RSA key idpool signs its OpenID tokens with.
type SigningKey struct {
	ID string // the JWS kid
	// PrivateKey is the PKCS#8 DER encoding of the private key.
	PrivateKey []byte
	CreatedAt  time.Time
	// Active marks the key new tokens are signed with; inactive keys are
	// still published so that tokens they signed keep verifying.
	Active bool
	// RetiredAt is when the key stopped signing, the zero time while it
	// has not: CreateSigningKey of an active key sets it on the keys it
	// retires. A key stored inactive keeps the RetiredAt it is stored
	// with (zero: it has not signed here).
	RetiredAt time.Time
}

// ListIdentitiesOptions selects a page of a pool's identities.
type ListIdentitiesOptions struct {
	// After is the id of the last identity of the previous page ("" for the
	// first page). Identities are listed in ascending id order.
	After string
	Limit int
	// HideDisabled leaves disabled identities out.
	HideDisabled bool
	// MaxSkipped, with HideDisabled, bounds how many disabled identities
	// one call passes over, so that its cost does not grow with the
	// disabled identities between two live ones; 0 means no bound. A call
	// that passes over MaxSkipped of them before it has Limit live
	// identities, and finds another identity after the last, stops there
	// and returns that last disabled identity after the live ones it
	// found: the only disabled identity its result can hold, after which
	// the next call starts. Listings with MergedInto ignore it.
	MaxSkipped int
	// MergedInto, when set, keeps only the identities that lost a merge to
	// the identity of that id (those whose MergedInto it is). The lookup
	// costs the same however many identities the pool has.
	MergedInto string
}

// IdentityCount is how many identities a pool has.
type IdentityCount struct {
	// All counts every identity of the pool, disabled ones included: as
	// many as ListIdentities lists, as AWS's ListIdentities does when
	// HideDisabled is not set.
	All int64
	// Disabled counts those of All that are disabled: merged into another
	// identity, or left without logins. All - Disabled is what
	// ListIdentities lists with HideDisabled.
	Disabled int64
}

// Reader is the read half of the store, usable inside and outside a
// transaction.
type Reader interface {
	DatasetReader
	RevocationReader
	IAMReader
	OutboundReader

	// GetPool returns ErrNotFound if the pool does not exist.
	GetPool(ctx context.Context, id string) (Pool, error)
	// ListPools returns up to limit pools with id > after, in ascending id
	// order. Ids compare as bytes (Go's string order), so the pools of one
	// region, whose ids share the prefix "<region>:", are one range that
	// starts after "<region>:".
	ListPools(ctx context.Context, after string, limit int) ([]Pool, error)
	// CountPools returns how many pools exist.
	CountPools(ctx context.Context) (int, error)

	// GetIdentity returns ErrNotFound if the identity does not exist.
	GetIdentity(ctx context.Context, id string) (Identity, error)
	// IdentityByLogin returns the identity of poolID holding login, or ErrNotFound.
	IdentityByLogin(ctx context.Context, poolID string, login Login) (Identity, error)
	// ListIdentities returns a page of poolID's identities.
	ListIdentities(ctx context.Context, poolID string, opts ListIdentitiesOptions) ([]Identity, error)
	// CountIdentities returns how many identities poolID has, or
	// ErrNotFound if the pool does not exist. It costs the same however
	// many identities the pool has.
	CountIdentities(ctx context.Context, poolID string) (IdentityCount, error)

	// SigningKeys returns every signing key, oldest first.
	SigningKeys(ctx context.Context) ([]SigningKey, error)

	// Secret returns the server secret stored under name (for example the
	// key that seals issued credentials), or ErrNotFound.
	Secret(ctx context.Context, name string) ([]byte, error)
}

// Tx is one write transaction. Its reads see its own writes.
type Tx interface {
	Reader
	DatasetWriter
	RevocationWriter
	IAMWriter
	OutboundWriter

	// CreatePool returns ErrAlreadyExists if the id is taken.
	CreatePool(ctx context.Context, p Pool) error
	// UpdatePool replaces the stored pool p.ID; ErrNotFound if absent.
	UpdatePool(ctx context.Context, p Pool) error
	// DeletePool deletes the pool with all its identities, logins,
	// datasets and sync configuration; ErrNotFound if absent. Once the
	// transaction commits, the pool and its identities are gone for every
	// reader and take no writes, and the id, and those of the identities,
	// may be used again (an identity of another pool may take one); a backend
	// may remove the rows of a large pool afterwards, in batches that let
	// other writes through. The id is free within the same transaction
	// too: CreatePool of it makes a new, empty pool, which removes at once
	// whatever of the deleted one the backend had left for later, so a
	// caller that must stay bounded empties a large pool first.
	DeletePool(ctx context.Context, id string) error

	// CreateIdentity stores a new identity with its logins. It returns
	// ErrAlreadyExists if the id is taken (an identity of a deleted pool
	// holds none) or one of the logins belongs to another identity of the
	// pool, and ErrNotFound if the pool is absent.
	CreateIdentity(ctx context.Context, i Identity) error
	// UpdateIdentity replaces the stored identity i.ID, logins included
	// (logins not in i.Logins are released). ErrAlreadyExists if one of the
	// logins belongs to another identity; ErrNotFound if absent.
	UpdateIdentity(ctx context.Context, i Identity) error
	// DeleteIdentity deletes the identity with its logins, datasets and
	// devices; ErrNotFound if absent. The identities that lost a merge to
	// it stay disabled but no longer name it in MergedInto, so that
	// MergedInto never names a deleted identity (an export of the store
	// would otherwise hold a merge into an identity it does not list).
	DeleteIdentity(ctx context.Context, id string) error
	// DeleteIdentitiesStep deletes, of the identities ids, those that the
	// live pool poolID holds, as DeleteIdentity deletes each, but a
	// bounded part at a time, so that a transaction deleting many
	// identities, or identities of much Cognito Sync data, holds up
	// other writes only briefly: one call removes at most a bound of
	// records and datasets set by the backend (on top of the identities
	// themselves, which the caller bounds by len(ids)), and only whole
	// datasets with their records, so that each dataset left between
	// calls (or after a crash between them) is as it was. It reports
	// whether none of ids is left in the pool; until then the caller
	// calls it again with the same ids, each call in a transaction of its
	// own. Ids the pool does not hold (absent, deleted meanwhile, or of
	// another pool) are skipped, and a pool that is absent or deleted
	// holds none.
	DeleteIdentitiesStep(ctx context.Context, poolID string, ids []string) (done bool, err error)

	// CreateSigningKey stores a key; if k.Active, it is stored with a zero
	// RetiredAt and every other key becomes inactive, those with a zero
	// RetiredAt getting k.CreatedAt (the time they stopped signing, at the
	// latest). ErrAlreadyExists if the kid is taken.
	CreateSigningKey(ctx context.Context, k SigningKey) error
	// DeleteSigningKey deletes the key kid, so that it is listed no more
	// and its kid is free. ErrNotFound if absent; ErrConflict if it is the
	// active key, which new tokens are signed with.
	DeleteSigningKey(ctx context.Context, kid string) error

	// CreateSecret stores a server secret under name; secrets never change
	// once stored. ErrAlreadyExists if name is taken.
	CreateSecret(ctx context.Context, name string, value []byte) error

	// SetResetPending records that a reset of many transactions is in
	// progress, or with pending false that none is, so that one a crash
	// interrupts can be found at the next open (Store.ResetPending).
	SetResetPending(ctx context.Context, pending bool) error
}

// Store is a durable idpool state.
type Store interface {
	Reader

	// Update runs fn inside one write transaction and commits when fn
	// returns nil; when fn returns an error nothing it wrote is kept and
	// Update returns that error. Writes are durable once Update returns nil.
	// fn must not retain tx, and may be run more than once only if it is
	// free of side effects outside tx (backends do not retry today).
	Update(ctx context.Context, fn func(tx Tx) error) error

	// View runs fn with a Reader on one snapshot of the store: every read
	// fn makes through r sees the state committed when View started, and
	// none of the writes committed since, however long fn takes. It is
	// for reads that must agree with each other across many calls, such
	// as an export. View returns fn's error; fn must not retain r. Whether
	// writers wait for fn to end is the backend's to document.
	View(ctx context.Context, fn func(r Reader) error) error

	// ResetPending reports whether a reset is recorded as in progress
	// (Tx.SetResetPending): at open, one that a crash interrupted.
	ResetPending(ctx context.Context) (bool, error)

	// Close releases the store; pending updates finish first.
	Close() error
}
