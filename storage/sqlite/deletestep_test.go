package sqlite

import (
	"fmt"
	"strings"
	"testing"

	"github.com/idpool/idpool/storage"
)

// TestDeleteIdentitiesStepBound: a step of DeleteIdentitiesStep removes
// a bounded number of rows of the live pool it is given, whatever its
// identities hold (identities of many records take several steps), keeps
// the pool itself, and never touches another pool, live or marked
// deleted, even when ids of theirs are listed.
func TestDeleteIdentitiesStepBound(t *testing.T) {
	ctx := t.Context()
	s, db := openPurging(t)

	// 3 identities of 4 datasets of purgeRows/2 records: 6 purgeRows of
	// records.
	seedHeavyPool(t, s, "p1", 3, 4, purgeRows/2)
	seedHeavyPool(t, s, "p2", 1, 1, 3)
	seedHeavyPool(t, s, "p3", 2, 2, purgeRows)
	if err := s.Update(ctx, func(tx storage.Tx) error { return tx.DeletePool(ctx, "p3") }); err != nil {
		t.Fatal(err)
	}
	others := map[string]map[string]int{"p2": poolRows(t, db, "p2"), "p3": poolRows(t, db, "p3")}
	if others["p3"]["records"] == 0 {
		t.Fatalf("rows of p3 after DeletePool: got %v, want records left to purge", others["p3"])
	}
	ids := []string{"p1:000", "p1:001", "p1:002", "p2:000", "p3:000", "p3:001"}

	prev := poolRows(t, db, "p1")
	steps := 0
	for done := false; !done; {
		if steps > 100 {
			t.Fatalf("the identities are not gone after %d steps: %v", steps, prev)
		}
		err := s.Update(ctx, func(tx storage.Tx) error {
			var err error
			done, err = tx.DeleteIdentitiesStep(ctx, "p1", ids)
			return err
		})
		if err != nil {
			t.Fatalf("step %d: %v", steps, err)
		}
		steps++
		now := poolRows(t, db, "p1")
		removed := removedRows(prev, now)
		// Whole datasets with their records, up to purgeRows rows (or
		// one dataset); the listed identities, with a login, a device
		// and a subscription each.
		if limit := purgeRows + 4*len(ids); removed > limit {
			t.Errorf("step %d removed %d rows, want at most %d (before %v, after %v)", steps, removed, limit, prev, now)
		}
		if now["pools"] != 1 {
			t.Fatalf("step %d: got %d pool rows of p1, want the pool kept", steps, now["pools"])
		}
		for id, want := range others {
			if got := poolRows(t, db, id); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("step %d: rows of %s: got %v, want %v", steps, id, got, want)
			}
		}
		prev = now
	}
	if steps < 6 {
		t.Errorf("the identities went in %d steps, want at least 6 (one per purgeRows records)", steps)
	}
	for name, n := range prev {
		want := 0
		if name == "pools" || name == "pool_totals" || name == "pool_identities" || name == "sync_config" {
			want = 1
		}
		if n != want {
			t.Errorf("%s of p1 after the steps: got %d rows, want %d", name, n, want)
		}
	}
	if n, err := s.CountIdentities(ctx, "p1"); err != nil || n != (storage.IdentityCount{}) {
		t.Errorf("CountIdentities p1 after the steps: got %+v, %v, want zero", n, err)
	}
}

// TestDeleteIdentitiesStepPlan: the statements of a step start from the
// ids they are given, so that a step costs the same however many
// identities the pool holds: none reads the pool's range of the index
// identities_pool, nor scans a table (json_each's ids are no table).
func TestDeleteIdentitiesStepPlan(t *testing.T) {
	_, db := openPurging(t)
	for i, q := range []string{qLiveDatasets, stepStmts(liveWindow)[2]} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			args := []any{"p1", `["p1:000"]`}
			if q == qLiveDatasets {
				args = append(args, purgeRows)
			}
			rows, err := db.Query("EXPLAIN QUERY PLAN "+q, args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				if strings.HasSuffix(detail, "(pool_id=?)") {
					t.Errorf("got a read of the pool's identities (%q), want a lookup of each id given", detail)
				}
				if strings.HasPrefix(detail, "SCAN ") && !strings.HasPrefix(detail, "SCAN j ") {
					t.Errorf("got a scan of a table (%q), want none", detail)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
