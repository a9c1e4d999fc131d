package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// schemaSQL creates at once the schema the migrations leave: a new
// database gets it instead of running every migration in turn, which took
// about 7 ms of the 20 ms an in-process server takes to start (1.6 ms for
// this script). Its first line names the migration it stands for;
// TestSchemaIsMigrations checks that it makes the same schema as the
// migrations do, and rewrites it with -update once a migration is added.
//
//go:embed schema.sql
var schemaSQL string

// schemaHeader is the first line of schema.sql, with the number of the
// last migration it includes.
const schemaHeader = "-- The schema of migrations 0001 to %04d (go test ./storage/sqlite -run TestSchemaIsMigrations -update writes it).\n"

// WithLogger logs an upgrade of the database's schema to logger, as it
// starts and once it is done (default: not logged).
func WithLogger(logger *slog.Logger) Option {
	return func(o *options) {
		if logger != nil {
			o.logger = logger
		}
	}
}

// migration is one schema step; version n is the file whose name starts
// with the number n ("0001_init.sql" is version 1).
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order. Versions
// must run 1, 2, 3, … without gaps or duplicates.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	// fs.Glob returns names sorted, and the numbers are zero-padded, so
	// this is version order.
	ms := make([]migration, 0, len(names))
	for i, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		if !ok {
			return nil, fmt.Errorf("migration %s: name is not NNNN_description.sql", base)
		}
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %s: bad version: %w", base, err)
		}
		if v != i+1 {
			return nil, fmt.Errorf("migration %s: version %d, want %d", base, v, i+1)
		}
		b, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(b)})
	}
	return ms, nil
}

// migrate brings the schema of the database behind conn up to the newest
// embedded migration, in one IMMEDIATE transaction so that two processes
// opening the same new file do not both apply a step. A database whose
// user_version is newer than every embedded migration was written by a
// newer idpool and is refused.
//
// check runs inside that transaction, after the migrations and before
// the commit, on conn, which sees the new schema: it prepares the
// statements the Store runs. When it fails the transaction is rolled
// back, and the file keeps its schema and user_version, which the idpool
// that wrote it can still open. (Committing first once left a database
// that a migration had not fully repaired at a version that no idpool
// could open.)
//
// An upgrade of an existing schema is logged before it starts and once
// it has committed: a large database's takes tens of seconds, during
// which the server does not listen yet. A new database's first schema is
// not an upgrade, and is not logged.
func migrate(ctx context.Context, conn *sql.Conn, logger *slog.Logger, check func(context.Context) error) (err error) {
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	defer func() {
		if err != nil {
			// The error that matters is err; a failed ROLLBACK leaves
			// nothing more to do.
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()

	var current int
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("sqlite: migrate: read user_version: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("sqlite: migrate: database schema version %d is newer than this idpool (%d)", current, len(ms))
	}
	upgrade := current > 0 && current < len(ms)
	start := time.Now()
	if upgrade {
		logger.InfoContext(ctx, "migrating the database's schema; a large database takes a while", "from", current, "to", len(ms))
	}
	steps := ms[current:]
	if current == 0 && strings.HasPrefix(schemaSQL, fmt.Sprintf(schemaHeader, len(ms))) {
		// A new database. Were schema.sql not the newest migration's,
		// the migrations would run (and TestSchemaIsMigrations fail).
		steps = []migration{{version: len(ms), name: "schema.sql", sql: schemaSQL}}
	}
	for _, m := range steps {
		if _, err := conn.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("sqlite: migrate %s: %w", m.name, err)
		}
	}
	if current < len(ms) {
		// PRAGMA takes no parameters; the version is an integer we made.
		if _, err := conn.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(len(ms))); err != nil {
			return fmt.Errorf("sqlite: migrate: set user_version: %w", err)
		}
	}
	if err := check(ctx); err != nil {
		if current < len(ms) {
			return fmt.Errorf("sqlite: upgrade from schema %d to %d undone, the database is as it was: %w", current, len(ms), err)
		}
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("sqlite: migrate: commit: %w", err)
	}
	if upgrade {
		logger.InfoContext(ctx, "migrated the database's schema", "from", current, "to", len(ms), "took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}
