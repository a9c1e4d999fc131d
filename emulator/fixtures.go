package emulator

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/idpool/idpool/emulator/providers"
	"github.com/idpool/idpool/fixtures"
	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/sqlite"
)

// loadFixtures loads cfg.Fixtures, if set, and applies it to store. The
// fixture's AccountId and Region, when present, become the server's
// account and default region; its pools may be of any region. It returns an empty fixture
// when none is configured. A load error is returned as it is, so that the
// message names the file, the member and the value.
func loadFixtures(ctx context.Context, cfg *Config, store storage.Store, now func() time.Time, logger *slog.Logger) (*fixtures.Fixture, error) {
	if cfg.Fixtures == "" {
		return &fixtures.Fixture{}, nil
	}
	fx, err := fixtures.Load(cfg.Fixtures)
	if err != nil {
		return nil, err
	}
	if fx.Region != "" && fx.Region != cfg.Region {
		logger.Info("the fixtures set the default region", "region", fx.Region, "was", cfg.Region)
		cfg.Region = fx.Region
	}
	if fx.AccountId != "" && fx.AccountId != cfg.AccountID {
		logger.Info("the fixtures set the account id", "account", fx.AccountId, "was", cfg.AccountID)
		cfg.AccountID = fx.AccountId
	}
	if err := fx.Apply(ctx, store, now); err != nil {
		return nil, fmt.Errorf("apply fixtures %s: %w", cfg.Fixtures, err)
	}
	logger.Info("fixtures applied", "path", cfg.Fixtures, "pools", len(fx.IdentityPools))
	return fx, nil
}

// providerList converts the fixtures' providers for the key-set registry.
func providerList(fx *fixtures.Fixture) []providers.Provider {
	list := make([]providers.Provider, 0, len(fx.Providers))
	for _, p := range fx.Providers {
		list = append(list, providers.Provider{Name: p.Name, Issuer: p.Issuer, JWKS: p.Jwks, JWKSURL: p.JwksUrl, ClientIDs: p.ClientIds})
	}
	return list
}

// Export writes the state of the store named by cfg.DB as a fixture file
// to w. The parts of the configured fixtures that are not stored
// (developer credentials, providers, roles) are carried over.
func Export(ctx context.Context, cfg Config, w io.Writer) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	base := &fixtures.Fixture{}
	if cfg.Fixtures != "" {
		var err error
		if base, err = fixtures.Load(cfg.Fixtures); err != nil {
			return err
		}
	}
	if base.Region == "" {
		base.Region = cfg.Region
	}
	if base.AccountId == "" {
		base.AccountId = cfg.AccountID
	}
	store, err := sqlite.Open(ctx, cfg.DB)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer store.Close()
	// Streamed: the export of a large store need not fit in memory.
	return fixtures.ExportTo(ctx, store, base, w)
}
