package emulator

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/sqlite"
)

// benchIdentities is how many identities BenchmarkConsoleSearch seeds.
const benchIdentities = 100_000

// BenchmarkConsoleSearch compares, in a pool of 100k identities each with
// a Google login, a console search (by login, and by identity id: the
// whole page, configuration included) with one ListIdentities page of 60,
// the API call a tester would otherwise page through.
func BenchmarkConsoleSearch(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	const pool = "us-east-1:00000000-0000-4000-8000-0000000000b1"
	now := time.Now()
	err = st.Update(ctx, func(tx storage.Tx) error {
		return tx.CreatePool(ctx, storage.Pool{ID: pool, Name: "bench", SupportedLoginProviders: map[string]string{"accounts.google.com": "app"}, CreatedAt: now, ModifiedAt: now})
	})
	if err != nil {
		b.Fatal(err)
	}
	id := func(n int) string { return fmt.Sprintf("us-east-1:%08x-0000-4000-8000-%012x", n, n) }
	for start := 0; start < benchIdentities; start += 5000 {
		err := st.Update(ctx, func(tx storage.Tx) error {
			for n := start; n < start+5000; n++ {
				i := storage.Identity{ID: id(n), PoolID: pool, Logins: []storage.Login{{Provider: "accounts.google.com", UserID: fmt.Sprintf("user-%d", n)}}, CreatedAt: now, ModifiedAt: now}
				if err := tx.CreateIdentity(ctx, i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	srv, err := New(ctx, Config{Store: st}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	h := srv.Handler()
	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		return w
	}
	list := func() *httptest.ResponseRecorder {
		return apiCall(h, "ListIdentities", `{"IdentityPoolId":"`+pool+`","MaxResults":60,"HideDisabled":false}`, true)
	}
	page := "/_idpool/console/pools/" + url.PathEscape(pool)
	tests := []struct {
		name string
		do   func() *httptest.ResponseRecorder
		want string
	}{
		{"ListIdentities page of 60", list, id(59)},
		{"console search by login", func() *httptest.ResponseRecorder { return get(page + "?q=user-77777") }, id(77777)},
		{"console search by identity id", func() *httptest.ResponseRecorder { return get(page + "?q=" + url.QueryEscape(id(55555))) }, id(55555)},
	}
	for _, tc := range tests {
		b.Run(tc.name, func(b *testing.B) {
			if w := tc.do(); w.Code != 200 || !strings.Contains(w.Body.String(), tc.want) {
				b.Fatalf("got %d without %s:\n%.500s", w.Code, tc.want, w.Body)
			}
			b.ReportAllocs()
			for b.Loop() {
				tc.do()
			}
		})
	}
}
