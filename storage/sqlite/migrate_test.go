package sqlite

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/storage"
)

// TestMigrateLongMergedNames: merged copies named "<name>.<loser id>"
// longer than a dataset name, as merges made them before their names were
// shortened, take the name a merge gives today, their records and
// subscriptions with them, skipping names the identity already holds,
// and copies of such copies name the new name as their origin.
func TestMigrateLongMergedNames(t *testing.T) {
	const (
		pool  = "us-east-1:p"
		loser = "us-east-1:0b0b0b0b-1111-4222-8333-444455556666"
		uuid  = "0b0b0b0b-1111-4222-8333-444455556666"
		other = "us-east-1:0c0c0c0c-1111-4222-8333-444455556666"
		ouuid = "0c0c0c0c-1111-4222-8333-444455556666"
		third = "us-east-1:0a0a0a0a-1111-4222-8333-444455556666"
	)
	l, m, p := strings.Repeat("L", 128), strings.Repeat("M", 128), strings.Repeat("P", 100)
	first := p + "." + other       // a copy of p, 147 characters
	second := first + "." + loser  // a copy of that copy, 194
	another := first + "." + third // one more, named before it
	// dataset rows: identity, name, merged_from, merged_from_name,
	// deleted, data_storage, num_records.
	row := func(id, name, from, fromName string, deleted, size, n int) string {
		return fmt.Sprintf("('%s', '%s', '%s', 1, %d, '%s', %d, %d, '%s', 0, 5000)", id, name, pool, deleted, from, size, n, fromName)
	}
	path := oldDatabase(t, 9,
		`INSERT INTO pools (id, name, config, created, modified) VALUES ('`+pool+`', 'p', '{}', 0, 0)`,
		`INSERT INTO identities (id, pool_id, created, modified) VALUES
			('us-east-1:a', '`+pool+`', 0, 0), ('us-east-1:c', '`+pool+`', 0, 0), ('us-east-1:e', '`+pool+`', 0, 0)`,
		`INSERT INTO datasets (identity_id, name, pool_id, sync_count, deleted, merged_from, data_storage, num_records,
				merged_from_name, created, modified) VALUES `+strings.Join([]string{
			row("us-east-1:a", l, "", "", 0, 10, 1),
			row("us-east-1:a", l+"."+loser, loser, l, 0, 20, 2),
			row("us-east-1:c", m, "", "", 0, 1, 0),
			// Takes the first name; a deleted dataset holds the second.
			row("us-east-1:c", m[:91]+"."+uuid, "", "", 0, 2, 0),
			row("us-east-1:c", m[:89]+"."+uuid+".2", "", "", 1, 0, 0),
			row("us-east-1:c", m+"."+loser, loser, m, 0, 3, 1),
			row("us-east-1:c", m+"."+loser+".2", loser, m, 0, 4, 0),
			row("us-east-1:c", m+"."+loser+".3", loser, m, 0, 0, 0),
			row("us-east-1:e", p, "", "", 0, 1, 0),
			row("us-east-1:e", first, other, p, 0, 5, 0),
			row("us-east-1:e", second, loser, first, 0, 6, 1),
			row("us-east-1:e", another, third, first, 0, 1, 0),
			// Made from the long copy after the merges were fixed.
			row("us-east-1:e", p[:89]+"."+uuid+".2", loser, first, 0, 7, 0),
		}, ", "),
		`INSERT INTO records (identity_id, dataset, key, sync_count, modified, value) VALUES
			('us-east-1:a', '`+l+`', 'k', 1, 0, 'v'),
			('us-east-1:a', '`+l+"."+loser+`', 'k1', 1, 0, 'v1'),
			('us-east-1:a', '`+l+"."+loser+`', 'k2', 1, 0, NULL),
			('us-east-1:c', '`+m+"."+loser+`', 'k', 1, 0, 'c'),
			('us-east-1:e', '`+second+`', 'k', 1, 0, 'e')`,
		`INSERT INTO devices (id, identity_id, platform, token, created) VALUES ('dev', 'us-east-1:a', 'GCM', 't', 0)`,
		`INSERT INTO subscriptions (device_id, dataset) VALUES ('dev', '`+l+"."+loser+`')`)
	s := openFile(t, path)
	defer s.Close()
	ctx := t.Context()

	tests := []struct {
		name, identity, old, want, wantOrigin string
		wantKeys                              string
	}{
		{"region dropped and name cut", "us-east-1:a", l + "." + loser, l[:91] + "." + uuid, l, "k1,k2"},
		{"first name taken", "us-east-1:c", m + "." + loser, m[:89] + "." + uuid + ".3", m, "k"},
		{"next free name", "us-east-1:c", m + "." + loser + ".2", m[:89] + "." + uuid + ".4", m, ""},
		{"free name after two", "us-east-1:c", m + "." + loser + ".3", m[:89] + "." + uuid + ".5", m, ""},
		{"region dropped", "us-east-1:e", first, p[:91] + "." + ouuid, p, ""},
		{"copy of a copy", "us-east-1:e", another, p[:91] + "." + third[len("us-east-1:"):], p[:91] + "." + ouuid, ""},
		{"copy of a copy, not next to it", "us-east-1:e", second, p[:91] + "." + uuid, p[:91] + "." + ouuid, "k"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.want) > 128 {
				t.Fatalf("test wants a name of %d characters", len(tc.want))
			}
			if _, err := s.GetDataset(ctx, tc.identity, tc.old); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("GetDataset of the old name: got error %v, want ErrNotFound", err)
			}
			d, err := s.GetDataset(ctx, tc.identity, tc.want)
			if err != nil {
				t.Fatalf("GetDataset %s: got error %v, want nil", tc.want, err)
			}
			if d.MergedFromName != tc.wantOrigin {
				t.Errorf("MergedFromName: got %q, want %q", d.MergedFromName, tc.wantOrigin)
			}
			recs, err := s.ListRecords(ctx, tc.identity, tc.want, storage.ListRecordsOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, r := range recs {
				keys = append(keys, r.Key)
			}
			if got := strings.Join(keys, ","); got != tc.wantKeys {
				t.Errorf("records: got %q, want %q", got, tc.wantKeys)
			}
		})
	}

	// The copy made since keeps its name, and names its origin by the
	// origin's new name, under whose prefix it is found.
	d, err := s.GetDataset(ctx, "us-east-1:e", p[:89]+"."+uuid+".2")
	if err != nil {
		t.Fatal(err)
	}
	if want := p[:91] + "." + ouuid; d.MergedFromName != want {
		t.Errorf("MergedFromName of the later copy: got %q, want %q", d.MergedFromName, want)
	}
	d, err = s.GetDataset(ctx, "us-east-1:a", l[:91]+"."+uuid)
	if err != nil {
		t.Fatal(err)
	}
	if d.SyncCount != 1 || d.DataStorage != 20 || d.NumRecords != 2 || d.MergedFrom != loser || d.PoolID != pool {
		t.Errorf("dataset after the rename: got %+v, want sync count 1, storage 20, 2 records, merged from %s", d, loser)
	}
	if subs, err := s.Subscriptions(ctx, "dev"); err != nil || len(subs) != 1 || subs[0] != l[:91]+"."+uuid {
		t.Errorf("Subscriptions after the upgrade: got %q, %v, want [%s]", subs, err, l[:91]+"."+uuid)
	}
	u, err := s.PoolUsage(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if u.DatasetCount != 12 || u.DataStorage != 60 || u.LastModifiedAt.UnixMilli() != 5000 {
		t.Errorf("PoolUsage after the upgrade: got %+v, want 12 datasets, 60 bytes, modified at 5000", u)
	}
	var long int
	if err := s.rdb.QueryRow(`SELECT count(*) FROM datasets WHERE length(name) > 128 OR length(merged_from_name) > 128`).Scan(&long); err != nil || long != 0 {
		t.Errorf("names over 128 characters left: got %d, %v, want 0", long, err)
	}
}

// Statements that make an old database's tables of the outbound federation
// as they were or were not.
var (
	// dropOutbound leaves a database without them, as one written at
	// 7653ed8 (whose 0014 was the IAM groups) has been since.
	dropOutbound = []string{`DROP TABLE outbound_keys`, `DROP TABLE outbound_federation`}
	// outboundAsAtDab84ce makes them as 0014_outbound_federation did from
	// dab84ce until 3e3d363 edited it: an issuer_id column, a kid key.
	outboundAsAtDab84ce = append(dropOutbound,
		`CREATE TABLE outbound_federation (
			id        INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
			issuer_id TEXT    NOT NULL,
			issuer    TEXT    NOT NULL,
			enabled   INTEGER NOT NULL
		) STRICT`,
		`CREATE TABLE outbound_keys (
			kid         TEXT    NOT NULL PRIMARY KEY,
			alg         TEXT    NOT NULL UNIQUE,
			private_key BLOB    NOT NULL,
			created     INTEGER NOT NULL
		) STRICT`,
		`INSERT INTO outbound_federation VALUES (1, 'old', 'https://old.example/o/old', 0)`,
		`INSERT INTO outbound_keys VALUES ('k1', 'RS256', x'01', 1000)`)
	// issuedCredentials is the log 0004_credentials made, from a391cc8
	// until 31f7ee8 made it 0004_revocations.
	issuedCredentials = []string{
		`CREATE TABLE issued_credentials (
			access_key_id TEXT    NOT NULL PRIMARY KEY,
			session_token TEXT    NOT NULL,
			expires       INTEGER NOT NULL
		) STRICT, WITHOUT ROWID`,
		`CREATE INDEX issued_credentials_expires ON issued_credentials (expires)`,
		`INSERT INTO issued_credentials VALUES ('AKIA', 'token', 0)`,
	}
)

// TestMigrateRepairs: databases that the renumbered and edited migrations
// of main left without the outbound federation's tables, with those
// tables in an older shape, or with the log of issued credentials, open,
// are at the newest version, and store the outbound federation and its
// keys; the issuer and keys they held are kept.
func TestMigrateRepairs(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		version int
		stmts   []string
		// wantIssuer is the issuer read before the test enables its own
		// ("" for none), wantKeys the algorithms of the keys.
		wantIssuer, wantKeys string
	}{
		{"7653ed8: version 14 without the outbound tables", 14, dropOutbound, "", ""},
		{"7653ed8 upgraded before 0018: version 17 without them", 17, dropOutbound, "", ""},
		{"dab84ce: version 14 with issuer_id and kid", 14, outboundAsAtDab84ce, "https://old.example/o/old", "RS256"},
		{"dab84ce upgraded before 0018: version 17 with issuer_id and kid", 17, outboundAsAtDab84ce, "https://old.example/o/old", "RS256"},
		{"a391cc8: version 4 with issued_credentials", 4, issuedCredentials, "", ""},
		{"version 17 as it should be", 17, []string{`INSERT INTO outbound_federation VALUES (1, 'https://ok.example/o/ok', 1)`}, "https://ok.example/o/ok", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := oldDatabase(t, tc.version, tc.stmts...)
			s := openFile(t, path)
			defer s.Close()
			ctx := t.Context()
			if got := userVersion(t, path); got != len(ms) {
				t.Errorf("user_version: got %d, want %d", got, len(ms))
			}
			f, err := s.OutboundFederation(ctx)
			switch {
			case tc.wantIssuer == "" && !errors.Is(err, storage.ErrNotFound):
				t.Errorf("OutboundFederation: got %+v, %v, want ErrNotFound", f, err)
			case tc.wantIssuer != "" && (err != nil || f.Issuer != tc.wantIssuer):
				t.Errorf("OutboundFederation: got %+v, %v, want issuer %s", f, err, tc.wantIssuer)
			}
			if got := keyAlgs(t, s); got != tc.wantKeys {
				t.Errorf("OutboundKeys: got %q, want %q", got, tc.wantKeys)
			}

			err = s.Update(ctx, func(tx storage.Tx) error {
				if err := tx.SetOutboundFederation(ctx, storage.OutboundFederation{Issuer: "https://new.example/o/new", Enabled: true}); err != nil {
					return err
				}
				return tx.CreateOutboundKey(ctx, storage.OutboundKey{Algorithm: "ES384", PrivateKey: []byte{2}, CreatedAt: time.UnixMilli(2000)})
			})
			if err != nil {
				t.Fatalf("enable the outbound federation: got error %v, want nil", err)
			}
			if f, err := s.OutboundFederation(ctx); err != nil || f.Issuer != "https://new.example/o/new" || !f.Enabled {
				t.Errorf("OutboundFederation after enabling: got %+v, %v, want the new issuer, enabled", f, err)
			}
			if got, want := keyAlgs(t, s), strings.TrimPrefix(tc.wantKeys+",ES384", ","); got != want {
				t.Errorf("OutboundKeys after enabling: got %q, want %q", got, want)
			}
			var n int
			if err := s.rdb.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name LIKE 'issued_credentials%' OR name LIKE '%_0018'`).Scan(&n); err != nil || n != 0 {
				t.Errorf("issued_credentials and the tables 0018 rebuilds from: got %d, %v, want none", n, err)
			}
		})
	}
}

// keyAlgs returns the algorithms of the outbound keys, joined by commas.
func keyAlgs(t *testing.T, s *Store) string {
	t.Helper()
	keys, err := s.OutboundKeys(t.Context())
	if err != nil {
		t.Fatalf("OutboundKeys: got error %v, want nil", err)
	}
	var algs []string
	for _, k := range keys {
		algs = append(algs, k.Algorithm)
	}
	return strings.Join(algs, ",")
}

// TestMigrateFailedCheckRollsBack: when the migrated schema does not fit
// the statements this idpool prepares, Open fails and the database is as
// it was, version and tables: the idpool that wrote it still opens it,
// and a fixed idpool can still upgrade it.
func TestMigrateFailedCheckRollsBack(t *testing.T) {
	// No migration makes iam_groups again, so the prepare of its
	// statements fails after 0018 has run.
	path := oldDatabase(t, 17, append(append([]string{`DROP TABLE iam_groups`}, dropOutbound...), issuedCredentials...)...)
	s, err := Open(t.Context(), path)
	if err == nil {
		s.Close()
		t.Fatal("Open: got nil error, want the failed prepare")
	}
	if !strings.Contains(err.Error(), "iam_groups") || !strings.Contains(err.Error(), "undone") {
		t.Errorf("Open: got error %q, want one that names iam_groups and says the upgrade was undone", err)
	}
	if got := userVersion(t, path); got != 17 {
		t.Errorf("user_version after the failed Open: got %d, want 17", got)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tc := range []struct {
		table string
		want  int
	}{
		{"outbound_federation", 0}, // 0018 made it, undone
		{"issued_credentials", 1},  // 0018 dropped it, undone
	} {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = ?`, tc.table).Scan(&n); err != nil || n != tc.want {
			t.Errorf("table %s after the failed Open: got %d, %v, want %d", tc.table, n, err, tc.want)
		}
	}
}

// TestMigrateLogs: an upgrade is logged as it starts and once it is done,
// with both versions; a new database and one already at the newest
// version log nothing.
func TestMigrateLogs(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	old := oldDatabase(t, 14)
	tests := []struct {
		name, path string
		want       []string
	}{
		{"upgrade", old, []string{
			fmt.Sprintf("level=INFO msg=\"migrating the database's schema; a large database takes a while\" from=14 to=%d", len(ms)),
			fmt.Sprintf("level=INFO msg=\"migrated the database's schema\" from=14 to=%d took=", len(ms)),
		}},
		{"the same database again", old, nil},
		{"new database", filepath.Join(t.TempDir(), "new.db"), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{
				// No time: the lines are compared.
				ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
					if a.Key == slog.TimeKey {
						return slog.Attr{}
					}
					return a
				},
			}))
			openFile(t, tc.path, WithLogger(logger)).Close()
			var lines []string
			for sc := bufio.NewScanner(&buf); sc.Scan(); {
				lines = append(lines, sc.Text())
			}
			if len(lines) != len(tc.want) {
				t.Fatalf("log: got %d lines %q, want %d %q", len(lines), lines, len(tc.want), tc.want)
			}
			for i, want := range tc.want {
				if !strings.HasPrefix(lines[i], want) {
					t.Errorf("log line %d: got %q, want it to start with %q", i, lines[i], want)
				}
			}
		})
	}
}

var update = flag.Bool("update", false, "add new migration files to testdata/migrations.sha256, rewrite schema.sql from the migrations")

// migrationsSums is the golden list of the migration files, one line
// each: the SHA-256 of its content and its name, as sha256sum prints them.
const migrationsSums = "testdata/migrations.sha256"

// TestMigrationsPinned: every migration file keeps its name and content
// once listed. user_version counts files, so a database that ran a file
// never runs its number again: a file renamed or edited after it ran
// somewhere leaves that database without the change, or with a schema
// another migration's number claims (7653ed8's 0014_iam_groups became
// 0013 and its 0014 the outbound federation, whose tables such databases
// then never got; 0014_outbound_federation was edited after it had run).
// -update adds new files to the list, never changes a listed one.
func TestMigrationsPinned(t *testing.T) {
	const never = "never edit or rename a migration that has been on main; add a new one"
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(migrationsSums)
	if err != nil && !(*update && errors.Is(err, os.ErrNotExist)) {
		t.Fatal(err)
	}
	var pinned [][2]string // sum, name
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if line == "" {
			continue
		}
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("%s: line %q is not \"SHA256  NAME\"", migrationsSums, line)
		}
		pinned = append(pinned, [2]string{sum, name})
	}
	if len(ms) < len(pinned) {
		t.Errorf("migrations: got %d files, want the %d of %s at least: %s", len(ms), len(pinned), migrationsSums, never)
	}
	var added []string
	for i, m := range ms {
		// A checkout that turns line ends into CRLF (core.autocrlf) has
		// not edited the file.
		h := sha256.Sum256([]byte(strings.ReplaceAll(m.sql, "\r\n", "\n")))
		sum := hex.EncodeToString(h[:])
		if i >= len(pinned) {
			added = append(added, sum+"  "+m.name)
			continue
		}
		if want := pinned[i]; m.name != want[1] || sum != want[0] {
			t.Errorf("migration %d: got %s (sha256 %s), want %s (sha256 %s): %s", m.version, m.name, sum, want[1], want[0], never)
		}
	}
	switch {
	case len(added) == 0:
	case !*update:
		t.Errorf("migrations not in %s: %s: once reviewed, run go test -run TestMigrationsPinned -update to add them; from then on, %s",
			migrationsSums, strings.Join(added, ", "), never)
	case !t.Failed():
		if err := os.MkdirAll(path.Dir(migrationsSums), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(migrationsSums, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, line := range added {
			if _, err := fmt.Fprintln(f, line); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestMigrateSigningKeyRetired: the keys an older idpool retired get the
// active key's creation time as the time they stopped signing, the
// latest it can be; the active key and those stored inactive after it get
// none, nor does any key of a store without an active key (the newest
// signs).
func TestMigrateSigningKeyRetired(t *testing.T) {
	tests := []struct {
		name string
		rows string               // (kid, created, active)
		want map[string]time.Time // RetiredAt by kid
	}{
		{"active key", "('old-1', 1000, 0), ('old-2', 2000, 0), ('now', 3000, 1), ('later', 3000, 0)",
			map[string]time.Time{"old-1": time.UnixMilli(3000), "old-2": time.UnixMilli(3000), "now": {}, "later": {}}},
		{"no active key", "('a', 1000, 0), ('b', 2000, 0)", map[string]time.Time{"a": {}, "b": {}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := oldDatabase(t, 19, `CREATE TEMP TABLE k (kid, created, active)`,
				`INSERT INTO k VALUES `+tt.rows,
				`INSERT INTO signing_keys (kid, private_key, created, active) SELECT kid, x'00', created, active FROM k`)
			s := openFile(t, path)
			defer s.Close()
			keys, err := s.SigningKeys(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != len(tt.want) {
				t.Fatalf("SigningKeys: got %d keys, want %d", len(keys), len(tt.want))
			}
			for _, k := range keys {
				if w := tt.want[k.ID]; !k.RetiredAt.Equal(w) || k.RetiredAt.IsZero() != w.IsZero() {
					t.Errorf("key %s: got RetiredAt %v, want %v", k.ID, k.RetiredAt, w)
				}
			}
		})
	}
}
