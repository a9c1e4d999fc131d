package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/idpool/idpool/cmd/idpool-bench/internal/load"
)

// fakeIdentity is a minimal in-memory Cognito Identity: enough of each
// operation the scenarios use to tell a correct set-up from a broken one.
type fakeIdentity struct {
	mu     sync.Mutex
	pools  map[string]map[string]any
	logins map[string]string // pool + login → identity
	n      int
	// guestReuse makes guest GetId answer the same identity every time,
	// a server bug the GetId-guest set-up must catch.
	guestReuse bool
}

func (f *fakeIdentity) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityService.")
	var in map[string]any
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	signed := strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ")
	pool, _ := in["IdentityPoolId"].(string)
	out := map[string]any{}
	fail := func(code string) {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": code})
	}
	newID := func() string { f.n++; return fmt.Sprintf("us-east-1:%08d-0000-4000-8000-000000000000", f.n) }
	switch op {
	case "CreateIdentityPool", "DescribeIdentityPool", "DeleteIdentityPool", "GetOpenIdTokenForDeveloperIdentity":
		if !signed {
			fail("MissingAuthenticationTokenException")
			return
		}
	}
	switch op {
	case "CreateIdentityPool":
		pool = newID()
		f.pools[pool] = in
		out["IdentityPoolId"] = pool
	case "DescribeIdentityPool":
		if f.pools[pool] == nil {
			fail("ResourceNotFoundException")
			return
		}
		out["IdentityPoolId"] = pool
	case "DeleteIdentityPool":
		delete(f.pools, pool)
	case "GetId", "GetOpenIdTokenForDeveloperIdentity":
		if f.pools[pool] == nil {
			fail("ResourceNotFoundException")
			return
		}
		logins, _ := in["Logins"].(map[string]any)
		key := pool + fmt.Sprint(logins)
		id := f.logins[key]
		switch {
		case id != "":
		case len(logins) > 0 || f.guestReuse:
			id = newID()
			f.logins[key] = id
		default:
			id = newID()
		}
		out["IdentityId"] = id
		if op != "GetId" {
			out["Token"] = "h.p.s"
		}
	case "GetOpenIdToken":
		out["IdentityId"], out["Token"] = in["IdentityId"], "h.p.s"
	default:
		fail("UnknownOperationException")
		return
	}
	_ = json.NewEncoder(w).Encode(out)
}

func newFakeIdentity(t *testing.T, guestReuse bool) (*fakeIdentity, *identityClient) {
	t.Helper()
	f := &fakeIdentity{pools: map[string]map[string]any{}, logins: map[string]string{}, guestReuse: guestReuse}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c := &identityClient{
		http:     &http.Client{Timeout: 10 * time.Second},
		endpoint: srv.URL,
		region:   "us-east-1",
		signing: &load.Signing{
			Signer:      v4.NewSigner(),
			Credentials: aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"},
			Service:     "cognito-identity",
			Region:      "us-east-1",
		},
		name: "test",
	}
	return f, c
}

func TestScenarioSetup(t *testing.T) {
	for _, s := range scenarioTable() {
		t.Run(s.name, func(t *testing.T) {
			f, c := newFakeIdentity(t, false)
			ctx := context.Background()
			req, err := s.setup(ctx, c)
			if err != nil {
				t.Fatalf("setup: %v", err)
			}
			// The prepared request must succeed when the generator sends it.
			opts := load.Options{Client: &http.Client{}, Workers: 2, Duration: 200 * time.Millisecond}
			res, err := load.Run(ctx, opts, req)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if res.Requests == 0 || res.Errors != 0 {
				t.Errorf("got %d successes and %d errors (%s), want successes only", res.Requests, res.Errors, res.FirstError)
			}
			if err := c.cleanup(ctx); err != nil {
				t.Errorf("cleanup: %v", err)
			}
			if len(f.pools) != 0 {
				t.Errorf("after cleanup %d pools remain, want 0", len(f.pools))
			}
		})
	}
}

func TestScenarioSetupCatchesBrokenServer(t *testing.T) {
	_, c := newFakeIdentity(t, true)
	_, err := setupGetIDGuest(context.Background(), c)
	if err == nil || !strings.Contains(err.Error(), "want two new identities") {
		t.Errorf("setup against a server reusing guest identities: got %v, want an error", err)
	}
}
