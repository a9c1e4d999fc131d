package emulator

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/idpool/idpool/emulator/cognitosync"
	"github.com/idpool/idpool/emulator/console"
	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/iam"
	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/emulator/outbound"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/emulator/providers"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/fixtures"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/awsjson"
	"github.com/idpool/idpool/protocol/awsquery"
	"github.com/idpool/idpool/protocol/restjson"
	"github.com/idpool/idpool/protocol/restxml"
	"github.com/idpool/idpool/protocol/shape"
	"github.com/idpool/idpool/protocol/sigv4"
	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/sqlite"
)

// Lifetimes AWS gives its tokens and credentials.
const (
	openIDTokenTTL    = 10 * time.Minute
	developerTokenTTL = 15 * time.Minute
	credentialsTTL    = time.Hour
)

// Server is a running emulator: its store and services, ready to serve.
type Server struct {
	cfg Config
	// iamMemory remembers IAM's providers and trust policies until IAM or
	// the fixtures write again.
	iamMemory *iamMemory
	logger    *slog.Logger
	store     storage.Store
	tokens    *tokens.Issuer
	creds     *creds.Issuer
	revoked   *creds.Revocations
	now       func() time.Time
	verifier  *sigv4.Verifier
	// developers maps the fixtures' developer access key ids to their
	// secrets; roles reads the IAM roles' trust policies.
	developers map[string]string
	roles      roles
	fixtures   *fixtures.Fixture // nil without --fixtures
	iamSvc     *iam.Service
	// outbound is the account's outbound identity federation, which
	// IAM enables, STS signs with and a reset turns off.
	outbound *outbound.Federation
	syncSvc  *cognitosync.Service
	handler  http.Handler
	activity *console.Activity // nil without the console
	// ownStore is set when New opened the store, and Close closes it.
	ownStore bool
	// iamQuery is IAM's codec, which knows the members each operation's
	// input declares (see iamParams).
	iamQuery *awsquery.Service
	// stsQuery is STS's codec, which reads the tags a GetFederationToken
	// request gives (see authorizeSTS).
	stsQuery *awsquery.Service
}

// New builds every service on the store cfg chooses: cfg.Store, or else
// the database cfg.DB, which it opens (and Close closes). Empty settings
// of cfg get their defaults; a nil logger discards. The caller must Close
// the server.
func New(ctx context.Context, cfg Config, logger *slog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	// The service models are parsed while the store opens: each takes a
	// few milliseconds of one CPU, the IAM model most, and start-up waits
	// for both.
	go func() {
		shape.IAM()
		shape.STS()
	}()
	store, owned := cfg.Store, false
	if store == nil {
		st, err := sqlite.Open(ctx, cfg.DB, sqlite.WithLogger(logger.With("db", cfg.DB)))
		if err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
		store, owned = st, true
	}
	s, err := build(ctx, cfg, store, logger)
	if err != nil {
		if owned {
			store.Close()
		}
		return nil, err
	}
	s.ownStore = owned
	return s, nil
}

func build(ctx context.Context, cfg Config, store storage.Store, logger *slog.Logger) (*Server, error) {
	now := cfg.Now
	// Fixtures come first: their signing keys must be stored before the
	// token issuer loads the keys.
	fx, err := loadFixtures(ctx, &cfg, store, now, logger)
	if err != nil {
		return nil, err
	}
	reg, err := providers.New(providerList(fx), &http.Client{Timeout: 10 * time.Second}, now, logger)
	if err != nil {
		return nil, fmt.Errorf("fixture providers: %w", err)
	}
	memory := new(iamMemory)
	reg.SetSource(iamProviders{store: store, partition: protocol.Partition(cfg.Region), account: cfg.AccountID, known: &memory.providers})
	// A key rotation never deletes the fixtures' keys: a start or a reset
	// would store them again, one of them as the active key.
	var keep []string
	for _, k := range fx.SigningKeys {
		keep = append(keep, k.Kid)
	}
	tok, err := tokens.New(ctx, store, tokens.Config{Issuer: cfg.Issuer, Region: cfg.Region, Keep: keep, JWKSEncoding: tokens.JWKSEncoding(cfg.JWKSEncoding)}, now, rand.Reader, logger)
	if err != nil {
		return nil, fmt.Errorf("signing keys: %w", err)
	}
	key, err := serverKey(ctx, store, credsSecret, creds.KeySize)
	if err != nil {
		return nil, err
	}
	syncKey, err := serverKey(ctx, store, syncSecret, 32)
	if err != nil {
		return nil, err
	}
	revoked, err := creds.NewRevocations(ctx, store, now)
	if err != nil {
		return nil, err
	}
	// issues records for the console what is issued to identities; it
	// records nothing while the console is off.
	issues := &issueRecorder{now: now}
	cr, err := creds.New(key, now, rand.Reader, creds.WithRevocations(revoked), creds.WithNotify(issues.credentials))
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, iamMemory: memory, logger: logger, store: store, tokens: tok, creds: cr, revoked: revoked, now: now,
		verifier: sigv4.NewVerifier(1024), fixtures: fx, developers: fx.DeveloperKeys(), roles: roles{store: store, strict: cfg.Strict, account: cfg.AccountID, trusts: &memory.trusts, now: now, region: cfg.Region}}
	// In strict mode a role session's AssumeRole is held to its role's
	// permission policies, and an IAM user's to its own; a trust grant
	// to a session's role is added to them (see roles.chain).
	s.roles.decide = func(ctx context.Context, c *creds.Credentials, p *protocol.Principal, action, resource string, request map[string][]string, grant []policy.Named) (policy.Result, string, refuser, error) {
		if grant != nil {
			return s.grantedDecision(ctx, c, p, action, resource, request, grant)
		}
		return s.callerDecision(ctx, c, p, action, resource, request)
	}
	verified := newVerified(tok, revoked, now)
	// IAM answers GetRole with the last use of the role, which every
	// role session issued records (in memory: see iam.Service.RoleUsed).
	s.outbound = outbound.New(store, cfg.PublicURL, now, rand.Reader)
	s.iamSvc = iam.New(iam.Config{AccountID: cfg.AccountID, Region: cfg.Region, OnChange: memory.drop, Outbound: s.outbound}, store, now, logger)
	roleUsed := func(ctx context.Context, c creds.Credentials) {
		s.iamSvc.RoleUsed(c.Session.RoleID, protocol.RegionFrom(ctx, cfg.Region), c.Issued)
	}

	ids := identity.New(identity.Config{
		Region:            cfg.Region,
		AccountID:         cfg.AccountID,
		OpenIDTokenTTL:    openIDTokenTTL,
		DeveloperTokenTTL: developerTokenTTL,
		CredentialsTTL:    credentialsTTL,
		OnMerge:           cognitosync.MergeDatasets,
		// s.syncSvc is made below, before any request is served.
		OnPoolDeleted: func(pool string) { s.syncSvc.ForgetPool(pool) },
		Verifier:      reg.ForIdentity(cfg.Strict),
		// A store of the caller's may be anything; only the one New opens
		// is known to be in memory.
		Ephemeral: cfg.Store == nil && cfg.DB == sqlite.Memory,
	}, store, recordingIssuer{verified, issues}, credentialIssuer{cr, s.roles, s.iamSvc}, now, uuid.NewString, logger)
	jsonIdentity := awsjson.NewService(shape.CognitoIdentity(), s.authJSON, logger,
		awsjson.WithNamespace("com.amazonaws.cognito.identity.model"))
	identityRoutes(jsonIdentity, ids)

	stsSvc := sts.New(sts.Config{
		AccountID: cfg.AccountID, Region: cfg.Region, Issuer: cfg.Issuer,
		Providers: reg.ForSTS(cfg.AccountID, cfg.Strict), Roles: s.roles, Issued: roleUsed, MFA: s.iamSvc, HeldMFAOnly: cfg.Strict,
		Outbound: s.outbound, PrincipalTags: s.heldPrincipalTags,
	}, verified, cr, now, logger)
	query := awsquery.NewService(shape.STS(), s.authQuery, logger)
	stsRoutes(query, stsSvc)
	s.stsQuery = query

	iamQuery := awsquery.NewService(shape.IAM(), s.authIAM, logger)
	iamRoutes(iamQuery, s.iamSvc)
	s.iamQuery = iamQuery

	s.syncSvc = cognitosync.New(cognitosync.Config{Region: cfg.Region, AccountID: cfg.AccountID, SessionKey: syncKey}, store, now, logger)
	rest := restjson.NewService(shape.CognitoSync(), s.authREST, logger,
		restjson.WithBodyLimit(cognitosync.MaxRequestBody))
	syncRoutes(rest, s.syncSvc)

	mux := http.NewServeMux()
	mux.HandleFunc("GET "+healthPath, s.health)
	mux.Handle("POST /_idpool/reset", localOrigin(s.reset))
	mux.HandleFunc("GET /_idpool/credentials/{id}", s.credentials)
	mux.Handle("POST /_idpool/credentials/{id}/expire", localOrigin(s.expireCredentials))
	mux.Handle("POST /_idpool/tokens/expire", localOrigin(s.expireToken))
	mux.Handle("POST /_idpool/authorize", localOrigin(s.evaluate))
	mux.Handle("POST /_idpool/keys/rotate", localOrigin(s.rotateKey))
	// Paths under /_idpool/ are idpool's own: one it does not serve (a
	// control misspelt or called with another method, the console when it
	// is off) is answered as such, not as an AWS request.
	mux.HandleFunc("/_idpool/", s.unknownControl)
	mux.HandleFunc("GET /.well-known/jwks_uri", s.jwks)
	mux.HandleFunc("GET /.well-known/jwks.json", s.jwks)
	mux.HandleFunc("GET /.well-known/openid-configuration", s.discovery)
	// The outbound issuer's documents (its issuer is
	// <base>/_idpool/outbound/<id>).
	mux.HandleFunc("GET "+outbound.PathPrefix+"{id}"+outbound.ConfigurationPath, s.outboundDocument(s.outbound.Configuration))
	mux.HandleFunc("GET "+outbound.PathPrefix+"{id}"+outbound.JWKSPath, s.outboundDocument(s.outbound.JWKS))
	root := dispatch(jsonIdentity, query, withRequestBase(iamQuery))
	mux.Handle("/", root)
	served := route(rebindGuard(mux, cfg.PublicURL), rest, root, restxml.NewUnknown(logger))
	if !cfg.NoConsole {
		con, err := s.newConsole(ids, reg)
		if err != nil {
			return nil, fmt.Errorf("console: %w", err)
		}
		mux.Handle(console.Prefix, con)
		mux.Handle(console.Prefix+"/", con)
		served = con.Activity.Record(served)
		s.activity = con.Activity
		issues.to = con.Issued
	}
	proxies, _ := parseTrustedProxies(cfg.TrustedProxies) // checked by Validate
	s.handler = edge(trustForwarded(served, proxies), logger, newBodyBudget(), s.now)
	return s, nil
}

// syncPrefix is the first path segment of every Cognito Sync route.
const syncPrefix = "/identitypools"

// route sends requests signed for S3 to s3, whatever their path, Cognito
// Sync requests to rest and the AWS operations on the root path to root by
// their path alone, and everything else (the test controls, the token
// discovery documents) to mux. The services' requests are the hot ones;
// they are spared ServeMux's pattern matching.
//
// S3 is told apart by its signature alone, as its paths are any path (a
// bucket may be named identitypools): its clients read only XML errors,
// so the JSON error root would answer shows them nothing but the status.
func route(mux, rest, root, s3 http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case s3Signed(r):
			s3.ServeHTTP(w, r)
		case p == "/":
			root.ServeHTTP(w, r)
		case strings.HasPrefix(p, syncPrefix) && (len(p) == len(syncPrefix) || p[len(syncPrefix)] == '/'):
			rest.ServeHTTP(w, r)
		default:
			mux.ServeHTTP(w, r)
		}
	})
}

// dispatch routes a request on the root path by its wire shape: an
// X-Amz-Target goes to the JSON service; a form body or an Action in the
// query string goes to IAM when it is signed for the iam service (IAM
// has no unsigned operation) and to STS otherwise. Anything else is
// answered by the Cognito Identity codec, which refuses it as an unknown
// operation in AWS's JSON shape.
func dispatch(identity *awsjson.Service, query *awsquery.Service, iamQuery http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") == "" && awsquery.Accepts(r) {
			if iamScoped(r) {
				iamQuery.ServeHTTP(w, r)
				return
			}
			query.ServeHTTP(w, r)
			return
		}
		identity.ServeHTTP(w, r)
	})
}

// iamScoped reports whether r's SigV4 credential scope names the iam
// service.
func iamScoped(r *http.Request) bool { return scoped(r, "/iam/aws4_request") }

// scoped reports whether r's SigV4 credential scope ends in scope
// ("/<service>/aws4_request"), in its Authorization header or (presigned)
// query string. It does not parse the signature: route asks it of every
// request.
func scoped(r *http.Request, scope string) bool {
	c := r.Header.Get("Authorization")
	if c == "" {
		if !strings.Contains(r.URL.RawQuery, "X-Amz-Credential") {
			return false
		}
		c = r.URL.Query().Get("X-Amz-Credential")
	}
	return strings.Contains(c, scope)
}

// s3Signed reports whether r is signed for S3: with SigV4 for the s3
// service, or with SigV2, which only S3's clients still send.
func s3Signed(r *http.Request) bool {
	return scoped(r, "/s3/aws4_request") || restxml.SigV2(r)
}

// Handler returns the handler serving every service.
func (s *Server) Handler() http.Handler { return s.handler }

// EndStreams ends the console's live activity streams, which last until
// their client leaves: an http.Server serving Handler should call it as it
// shuts down (http.Server.RegisterOnShutdown), or Shutdown waits for them
// until its deadline. Later streams end at once.
func (s *Server) EndStreams() {
	if s.activity != nil {
		s.activity.End()
	}
}

// Close closes the store, after pending writes finish, unless it was
// given in Config.Store. A signing key still being made is waited for
// first, so that no work of the server outlives Close.
func (s *Server) Close() error {
	s.tokens.Close()
	if !s.ownStore {
		return nil
	}
	return s.store.Close()
}

// credentialIssuer adapts creds.Issuer to what the identity service needs,
// after the role's trust policy allowed the session.
type credentialIssuer struct {
	c     *creds.Issuer
	roles roles
	// iam records the role's last use.
	iam *iam.Service
}

func (ci credentialIssuer) Issue(ctx context.Context, s identity.Session) (identity.Credentials, error) {
	// Cognito's call to STS fails when the principal tags are not session
	// tags STS takes, which STS checks before the role's trust policy (as
	// AssumeRoleWithWebIdentity does), and Cognito answers a failed
	// AssumeRole as a configuration error.
	if err := sts.CheckSessionTags(ctx, s.PrincipalTags); err != nil {
		return identity.Credentials{}, badPoolConfig()
	}
	g, err := ci.roles.allowEnhanced(ctx, s)
	if err != nil {
		return identity.Credentials{}, err
	}
	c, err := ci.c.Issue(creds.Session{
		RoleARN:       g.Role(s.RoleARN),
		RoleID:        g.RoleID,
		SessionName:   s.SessionName,
		IdentityID:    s.IdentityID,
		PoolID:        s.PoolID,
		Subject:       s.IdentityID,
		Audience:      s.PoolID,
		Provider:      "cognito-identity.amazonaws.com",
		AMR:           s.AMR,
		PrincipalTags: s.PrincipalTags,
		// Cognito's scope-down session policy of a guest's credentials.
		PolicyARNs: guestPolicyARNs(s.AMR),
	}, s.Duration)
	if err != nil {
		return identity.Credentials{}, err
	}
	// Cognito calls STS in the region of the pool.
	ci.iam.RoleUsed(g.RoleID, protocol.IDRegion(s.PoolID), c.Issued)
	return identity.Credentials{AccessKeyID: c.AccessKeyID, SecretKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: c.Expiration}, nil
}

// applyFixtures makes the store hold the fixtures and nothing else but
// what a reset keeps (fixtures.Fixture.Reset): no pool and no IAM entity
// without fixtures.
func (s *Server) applyFixtures(ctx context.Context) error {
	fx := s.fixtures
	if fx == nil {
		fx = new(fixtures.Fixture)
	}
	// The reset rewrites IAM's roles and OpenID Connect providers.
	defer s.iamMemory.drop()
	return fx.Reset(ctx, s.store, s.now)
}
