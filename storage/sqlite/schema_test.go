package sqlite

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
)

// schemaFile is schemaSQL's file.
const schemaFile = "schema.sql"

// TestSchemaIsMigrations: a new database, which gets schema.sql, has the
// schema of one that ran every migration: the same tables, indexes and
// triggers, each with the same SQL. -update rewrites schema.sql from the
// migrations (after one is added).
func TestSchemaIsMigrations(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	migrated := schemaOf(t, oldDatabase(t, len(ms)))
	if *update {
		var b strings.Builder
		fmt.Fprintf(&b, schemaHeader, len(ms))
		for _, o := range migrated {
			b.WriteString(o.sql + ";\n")
		}
		if err := os.WriteFile(schemaFile, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want := fmt.Sprintf(schemaHeader, len(ms)); !strings.HasPrefix(schemaSQL, want) {
		t.Fatalf("%s: got first line %q, want %q: run go test -run TestSchemaIsMigrations -update", schemaFile, strings.SplitN(schemaSQL, "\n", 2)[0], want)
	}
	path := t.TempDir() + "/new.db"
	openFile(t, path).Close()
	if got := userVersion(t, path); got != len(ms) {
		t.Errorf("user_version of a new database: got %d, want %d", got, len(ms))
	}
	created := schemaOf(t, path)
	if len(created) != len(migrated) {
		t.Errorf("a new database has %d schema objects, one that ran the migrations %d", len(created), len(migrated))
	}
	byName := make(map[string]schemaObject, len(created))
	for _, o := range created {
		byName[o.typ+" "+o.name] = o
	}
	for _, want := range migrated {
		got, ok := byName[want.typ+" "+want.name]
		switch {
		case !ok:
			t.Errorf("%s %s: missing from a new database (run -update)", want.typ, want.name)
		case got != want:
			t.Errorf("%s %s: got %q, want %q, as the migrations make it (run -update)", want.typ, want.name, got.sql, want.sql)
		}
	}
}

// schemaObject is a row of sqlite_master.
type schemaObject struct{ typ, name, table, sql string }

// schemaOf returns the schema objects of the database at path that have
// SQL (not SQLite's automatic indexes), tables first, then indexes, views
// and triggers, each kind in the order it was made: an order in which they
// can be created again.
func schemaOf(t *testing.T, path string) []schemaObject {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT type, name, tbl_name, sql FROM sqlite_master
		WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
		ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, rowid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var objs []schemaObject
	for rows.Next() {
		var o schemaObject
		if err := rows.Scan(&o.typ, &o.name, &o.table, &o.sql); err != nil {
			t.Fatal(err)
		}
		objs = append(objs, o)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return objs
}
