package sqlite

import (
	"database/sql"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/idpool/idpool/storage"
)

// schemaDB is a database of the current schema, empty, for the plans of
// queries.
func schemaDB(t *testing.T) *sql.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "idpool.db")
	if err := openFile(t, path).Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// checkPlan fails t unless the plan of query reads no table from end to
// end, runs no subquery per row read (unless correlated allows it), and
// uses index.
func checkPlan(t *testing.T, db *sql.DB, query string, args []any, index string, correlated ...bool) {
	t.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	coroutines := map[string]bool{} // subquery results, not tables
	var plan []string
	used := false
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
		if name, ok := strings.CutPrefix(detail, "CO-ROUTINE "); ok {
			coroutines[name] = true
		}
		if name, ok := strings.CutPrefix(detail, "SCAN "); ok && !coroutines[name] {
			t.Errorf("got a scan of a table (%q), want none", detail)
		}
		if strings.HasPrefix(detail, "CORRELATED ") && len(correlated) == 0 {
			t.Errorf("got a subquery run per row (%q), want none", detail)
		}
		used = used || strings.Contains(detail, index)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !used {
		t.Errorf("got plan %q, want it to use %s", plan, index)
	}
}

// TestIAMIndexedPlans: a managed policy's uses are counted and listed
// from its own rows of iam_policy_uses, a policy is found by its name in
// any case, and the listings by name page on an index of the names, none
// of them reading every role, user, group or policy: they cost the same
// at thousands of each as at ten.
func TestIAMIndexedPlans(t *testing.T) {
	db := schemaDB(t)
	const arn = "arn:aws:iam::123456789012:policy/p"
	tests := []struct {
		name, query string
		args        []any
		index       string // an index the plan must use
		correlated  bool   // whether a subquery may run per row read
	}{
		{"policy usage", qPolicyUsage, []any{arn}, "PRIMARY KEY", false},
		{"policy entities", qPolicyEntities, []any{arn}, "PRIMARY KEY", false},
		{"policy named", qPolicyNamed, []any{"P"}, "iam_policies_by_folded_name", false},
		{"roles page", qPageRoles, []any{"r", "/", 101}, "iam_roles_by_name", false},
		{"users page", qPageUsers, []any{"u", "/", 101}, "iam_users_by_name", false},
		{"groups page", qPageGroups, []any{"g", "/", 101}, "iam_groups_by_name", false},
		// A policy's use is looked up for each policy the page reads.
		{"policies page", qPagePolicies, []any{"p", "/", 101, 1}, "iam_policies_by_name", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.correlated {
				checkPlan(t, db, tc.query, tc.args, tc.index, true)
			} else {
				checkPlan(t, db, tc.query, tc.args, tc.index)
			}
		})
	}
}

// TestMigratePolicyUses: a database written before iam_policy_uses has
// the uses of the roles, users and groups it holds after the upgrade, and
// its listings page by name.
func TestMigratePolicyUses(t *testing.T) {
	const a, b = "arn:aws:iam::123456789012:policy/a", "arn:aws:iam::123456789012:policy/b"
	path := oldDatabase(t, 15,
		`INSERT INTO iam_roles (name, data) VALUES
			('Zed', '{"Name":"Zed","Path":"/z/","ID":"AROAZED","Attached":["`+a+`"],"Boundary":"`+b+`"}'),
			('alpha', '{"Name":"alpha","Path":"/","ID":"AROAALPHA","Attached":null}')`,
		`INSERT INTO iam_users (name, data) VALUES ('dev', '{"Name":"dev","Path":"/","ID":"AIDADEV","Attached":["`+a+`","`+b+`"]}')`,
		`INSERT INTO iam_groups (name, data) VALUES ('Ops', '{"Name":"Ops","Path":"/g/","ID":"AGPAOPS","Attached":["`+a+`"]}')`)
	s := openFile(t, path)
	defer s.Close()
	ctx := t.Context()
	tests := []struct {
		arn                string
		attached, boundary int
		entities           []storage.PolicyEntity
	}{
		{a, 3, 0, []storage.PolicyEntity{
			{Kind: "group", Name: "Ops", Path: "/g/", ID: "AGPAOPS", Attached: true},
			{Kind: "role", Name: "Zed", Path: "/z/", ID: "AROAZED", Attached: true},
			{Kind: "user", Name: "dev", Path: "/", ID: "AIDADEV", Attached: true},
		}},
		{b, 1, 1, []storage.PolicyEntity{
			{Kind: "role", Name: "Zed", Path: "/z/", ID: "AROAZED", Boundary: true},
			{Kind: "user", Name: "dev", Path: "/", ID: "AIDADEV", Attached: true},
		}},
	}
	for _, tc := range tests {
		n, bn, err := s.PolicyUsage(ctx, tc.arn)
		if err != nil || n != tc.attached || bn != tc.boundary {
			t.Errorf("PolicyUsage %s after the upgrade: got %d, %d, %v, want %d, %d", tc.arn, n, bn, err, tc.attached, tc.boundary)
		}
		es, err := s.PolicyEntities(ctx, tc.arn)
		if err != nil || !reflect.DeepEqual(es, tc.entities) {
			t.Errorf("PolicyEntities %s after the upgrade: got %+v, %v, want %+v", tc.arn, es, err, tc.entities)
		}
	}
	rs, err := s.PageRoles(ctx, storage.NamePage{Limit: 1})
	if err != nil || len(rs) != 1 || rs[0].Name != "Zed" {
		t.Errorf("PageRoles of 1 after the upgrade: got %+v, %v, want Zed", rs, err)
	}
}
