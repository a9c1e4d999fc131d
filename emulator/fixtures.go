package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/idpool/idpool/emulator/providers"
	"github.com/idpool/idpool/fixtures"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/sqlite"
)

// loadFixtures loads cfg.Fixtures (or takes cfg.Fixture), if set, and
// applies it to store. The fixture's AccountId and Region, when present,
// become the server's account and default region; its pools may be of
// any region. It returns an empty fixture when none is configured, or
// when cfg.Fixtures is an empty or missing directory (a mount point
// without files). A load error is returned as it is, so that the message
// names the file, the member and the value.
func loadFixtures(ctx context.Context, cfg *Config, store storage.Store, now func() time.Time, logger *slog.Logger) (*fixtures.Fixture, error) {
	fx, err := readFixtures(cfg, logger)
	if err != nil {
		return &fixtures.Fixture{}, err
	}
	if fx == nil {
		// A start without fixtures keeps what the store holds. It does
		// not complete a reset a crash interrupted: the reset to no
		// fixture would delete every pool and all IAM, a surprise
		// loss when the fixtures are missing by mistake (a mistyped
		// path, Docker's empty directory for a missing bind-mount
		// source). It forgets the reset, so that a later start with
		// fixtures does not reset the state used meanwhile.
		abandoned, err := fixtures.AbandonReset(ctx, store)
		if err != nil {
			return nil, fmt.Errorf("forget an interrupted reset: %w", err)
		}
		if abandoned {
			logger.Warn("a reset was interrupted by a crash: its pools and identities are partly removed (every Cognito Sync dataset left whole); without fixtures the state is kept as it is and the reset is not completed")
		}
		fx = &fixtures.Fixture{}
		if err := warnFixtures(ctx, fx, "(no --fixtures)", cfg.Strict, store, logger); err != nil {
			return nil, err
		}
		return fx, nil
	}
	if fx.Region != "" && fx.Region != cfg.Region {
		logger.Info("the fixtures set the default region", "region", fx.Region, "was", cfg.Region)
		cfg.Region = fx.Region
	}
	if fx.AccountId != "" && fx.AccountId != cfg.AccountID {
		logger.Info("the fixtures set the account id", "account", fx.AccountId, "was", cfg.AccountID)
		cfg.AccountID = fx.AccountId
	}
	warnOtherAccount(fx, cfg.AccountID, fixtureName(cfg), logger)
	fx.IAMAccount = cfg.AccountID
	if err := fx.Apply(ctx, store, now); err != nil {
		return nil, fmt.Errorf("apply fixtures %s: %w", fixtureName(cfg), err)
	}
	logger.Info("fixtures applied", "path", fixtureName(cfg), "pools", len(fx.IdentityPools))
	for arn, why := range fx.LaxTrusts() {
		logger.Warn("a fixture role's trust policy is one IAM would refuse to create (an older store's export, or a principal deleted since); it is loaded as it is",
			"role", arn, "reason", why)
	}
	for name, why := range fx.LaxPolicies() {
		logger.Warn("a fixture permission policy is one IAM would refuse to write (an older store's export holds it); it is loaded as it is",
			"policy", name, "reason", why)
	}
	warnOtherPartitions(fx, logger)
	if err := warnFixtures(ctx, fx, fixtureName(cfg), cfg.Strict, store, logger); err != nil {
		return nil, err
	}
	return fx, nil
}

// warnOtherAccount warns when the fixtures name, a fixture fx without
// AccountId, declare roles that all name one account, and not account,
// the server's: most likely the export of a server of that account made
// before export wrote the account, whose roles this server would take for
// another account's (its users could not assume them on the trust of the
// account, and IAM's CreateRole of their names would say they exist). A
// fixture of another account's roles beside its own, or that sets its
// AccountId, is left alone.
func warnOtherAccount(fx *fixtures.Fixture, account, name string, logger *slog.Logger) {
	if fx.AccountId != "" || len(fx.Roles) == 0 {
		return
	}
	named := map[string]bool{}
	for _, r := range fx.Roles {
		named[accountOf(r.Arn)] = true
	}
	if len(named) != 1 || named[account] {
		return
	}
	other := slices.Collect(maps.Keys(named))[0]
	logger.Warn("the fixtures declare no AccountId and every role they declare is of account "+other+", not of the server's account "+account+
		": they are loaded as another account's roles; if the fixtures are an export of a server of account "+other+
		", add \"AccountId\": \""+other+"\" to them or start with --account-id "+other, "path", name)
}

// warnFixtures logs, one warning each, the entries of fx, applied to
// store, that will be refused at request time (fixtures.Warnings), in the
// form of a fixture error: file, member path, value and problem, with what
// to do. A warning of no entry (strict mode without a key that signs) is
// of the fixtures named name.
func warnFixtures(ctx context.Context, fx *fixtures.Fixture, name string, strict bool, store storage.Reader, logger *slog.Logger) error {
	ws, err := fx.Warnings(ctx, store, strict)
	if err != nil {
		return fmt.Errorf("check fixtures %s: %w", name, err)
	}
	for _, w := range ws {
		if w.File == "" {
			w.File = name
		}
		logger.Warn(w.String())
	}
	return nil
}

// warnOtherPartitions warns of each fixture pool's role of another
// partition than the pool's. Such a pool loads, as one of an older store's
// exports may hold it, but GetCredentialsForIdentity refuses the role, as
// the pool's Cognito would (roles.allowEnhanced), and SetIdentityPoolRoles
// would not set it.
func warnOtherPartitions(fx *fixtures.Fixture, logger *slog.Logger) {
	for _, ip := range fx.IdentityPools {
		partition := protocol.Partition(protocol.IDRegion(ip.IdentityPoolId))
		arns := slices.Collect(maps.Values(ip.Roles))
		for _, m := range ip.RoleMappings {
			if m.RulesConfiguration != nil {
				for _, r := range m.RulesConfiguration.Rules {
					arns = append(arns, r.RoleARN)
				}
			}
		}
		slices.Sort(arns)
		for _, arn := range slices.Compact(arns) {
			if p := protocol.ARNPartition(arn); p != partition {
				logger.Warn("a fixture pool's role is of another partition than the pool; GetCredentialsForIdentity refuses it, as AWS does",
					"pool", ip.IdentityPoolId, "role", arn, "role_partition", p, "pool_partition", partition)
			}
		}
	}
}

// readFixtures returns the fixture cfg names, or nil for none. A
// directory without *.json files, or a missing path that does not end in
// .json, is no fixture: Docker creates an empty directory for a missing
// bind-mount source, and an example that mounts one must still start.
// A missing path is logged as a warning, as it may be a typo; a missing
// *.json file is an error, as it is surely one.
func readFixtures(cfg *Config, logger *slog.Logger) (*fixtures.Fixture, error) {
	if cfg.Fixture != nil {
		if err := cfg.Fixture.Validate(); err != nil {
			return nil, err
		}
		// The server sets its account on the fixture it keeps for
		// resets: a copy, so that servers given one fixture each keep
		// their own.
		fx := *cfg.Fixture
		return &fx, nil
	}
	if cfg.Fixtures == "" {
		return nil, nil
	}
	switch fixturePathKind(cfg.Fixtures, logger) {
	case emptyDir:
		logger.Info("no fixtures found; starting without any", "path", cfg.Fixtures)
		return nil, nil
	case missingPath:
		logger.Warn("no fixtures found: the fixtures path does not exist; starting without any", "path", cfg.Fixtures)
		return nil, nil
	}
	// Opened, not loaded: the server keeps the fixture for resets, and
	// its pools' members stay in the files.
	return fixtures.Open(cfg.Fixtures)
}

// fixturePath is what a fixtures path names, as fixturePathKind tells.
type fixturePath int

const (
	// fixtureFiles is a file, a directory with *.json files, or a
	// missing *.json file: fixtures.Open reads it or says why it cannot.
	fixtureFiles fixturePath = iota
	emptyDir                 // a directory without *.json files
	missingPath              // a missing path not named like a fixture file
)

// fixturePathKind tells what path names. Of a directory, it logs in one
// warning the entries that are not read as fixtures, and why, so that a
// fixture written in the wrong format or put in a subdirectory is not
// ignored unseen.
func fixturePathKind(path string, logger *slog.Logger) fixturePath {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !strings.HasSuffix(path, ".json"):
		return missingPath
	case err != nil || !st.IsDir():
		return fixtureFiles
	}
	files, skipped, err := fixtures.ReadDir(path)
	if err != nil {
		return fixtureFiles // fixtures.Open says why
	}
	if len(skipped) > 0 {
		list := make([]string, len(skipped))
		for i, s := range skipped {
			list[i] = s.Name + " (" + s.Why + ")"
		}
		logger.Warn("the fixtures directory has entries that are not read: only its *.json files are fixtures, not those of its subdirectories nor hidden ones",
			"path", path, "skipped", strings.Join(list, ", "))
	}
	if len(files) == 0 {
		return emptyDir
	}
	return fixtureFiles
}

// fixtureName names the fixtures of cfg in log lines and errors.
func fixtureName(cfg *Config) string {
	if cfg.Fixtures == "" {
		return "(Config.Fixture)"
	}
	return cfg.Fixtures
}

// providerList converts the fixtures' providers that declare a key set
// (fixtures.Provider.DeclaresKeySet) for the key-set registry.
func providerList(fx *fixtures.Fixture) []providers.Provider {
	list := make([]providers.Provider, 0, len(fx.Providers))
	for _, p := range fx.Providers {
		if !p.DeclaresKeySet() {
			continue
		}
		list = append(list, providers.Provider{Name: p.Name, Issuer: p.Issuer, JWKS: p.Jwks, JWKSURL: p.JwksUrl, ClientIDs: p.ClientIds})
	}
	return list
}

// Export writes the state of the store named by cfg.DB as a fixture file
// to w. The parts of the configured fixtures that are not stored
// (account, region, developer credentials, providers, roles of other
// accounts) are carried over; without fixtures they are left out, but
// for the account (see exportAccount). The
// database must exist: a mistyped path is an error, not a new empty
// database. It only reads (see sqlite.WithReadOnly), so it may run beside
// a server on the same database, and on a read-only file or directory. A
// store holding the record of a reset that a crash interrupted is
// exported as it is, part reset, with a warning to logger (none when
// nil): a server started with its fixtures completes the reset first.
func Export(ctx context.Context, cfg Config, w io.Writer, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	given := cfg.AccountID
	cfg = cfg.withDefaults()
	// The region is the server's setting, not the store's: it is written
	// only as the fixtures declare it, never as this command's default,
	// which need not be the server's. So is the account, but the store's
	// roles are written with full ARNs, which a server of another account
	// would take for another account's roles: it is written whenever it
	// is known (see exportAccount).
	base, err := readFixtures(&cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	store := cfg.Store
	if store == nil {
		st, err := sqlite.Open(ctx, cfg.DB, sqlite.WithReadOnly())
		if err != nil {
			return fmt.Errorf("open store: %w", err)
		}
		defer st.Close()
		store = st
	}
	interrupted, err := fixtures.ResetInterrupted(ctx, store)
	if err != nil {
		return err
	}
	if interrupted {
		logger.Warn("a reset was interrupted by a crash: the export holds the part-reset state (pools and identities partly removed); start the server with its fixtures to complete the reset before exporting", "db", cfg.DB)
	}
	if base, err = exportAccount(ctx, store, base, given, logger); err != nil {
		return err
	}
	// Streamed: the export of a large store need not fit in memory.
	return fixtures.ExportTo(ctx, store, base, w)
}

// exportAccount returns base, the configured fixtures (nil for none), with
// the AccountId the export of store writes: the fixtures' own, which the
// server plays whatever its --account-id; else given, cfg.AccountID as the
// caller set it ("" when the command line and the environment gave none);
// else the account of the store's IAM users, groups, customer managed
// policies and OpenID Connect providers (fixtures.Account; not its roles,
// which may be any account's). A store whose entities do not tell its
// account is exported without one, with a warning to logger when it holds
// IAM entities: a server of another account would load its roles as
// another account's, and says so when it loads them.
func exportAccount(ctx context.Context, store storage.Store, base *fixtures.Fixture, given string, logger *slog.Logger) (*fixtures.Fixture, error) {
	if base != nil && base.AccountId != "" {
		return base, nil
	}
	account := given
	if account == "" {
		var seen []string
		var err error
		if account, seen, err = fixtures.Account(ctx, store); err != nil {
			return nil, err
		}
		if account == "" && len(seen) > 0 {
			logger.Warn("the export writes no AccountId: the store does not tell which account the server played (its IAM users, groups, "+
				"customer managed policies and OpenID Connect providers, always the server's own, name no single account, and its roles may be "+
				"any account's); give --account-id (or the server's --fixtures) so that a server loading the export plays that account and takes its roles for its own",
				"accounts", strings.Join(seen, ","))
			return base, nil
		}
	}
	if account == "" {
		return base, nil
	}
	if base == nil {
		base = &fixtures.Fixture{}
	}
	base.AccountId = account
	return base, nil
}
