package load

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

func TestRun(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		b, _ := io.ReadAll(r.Body)
		switch {
		case string(b) != `{"k":"v"}`:
			http.Error(w, "bad body "+string(b), http.StatusBadRequest)
		case r.Header.Get("X-Test") != "yes":
			http.Error(w, "missing header", http.StatusBadRequest)
		case strings.HasSuffix(r.URL.Path, "/signed") && !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKID/"):
			http.Error(w, "unsigned", http.StatusForbidden)
		case strings.HasSuffix(r.URL.Path, "/flaky") && n%2 == 0:
			http.Error(w, `{"__type":"Throttled"}`, http.StatusTooManyRequests)
		default:
			_, _ = io.WriteString(w, "{}")
		}
	}))
	defer srv.Close()

	signing := &Signing{
		Signer:      v4.NewSigner(),
		Credentials: aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"},
		Service:     "cognito-identity",
		Region:      "us-east-1",
	}
	tests := []struct {
		name       string
		path       string
		sign       *Signing
		wantOK     bool
		wantErrors bool
		wantFirst  string
	}{
		{name: "plain", path: "/plain", wantOK: true},
		{name: "signed", path: "/signed", sign: signing, wantOK: true},
		{name: "unsigned where signing is required", path: "/signed", wantErrors: true, wantFirst: "403 Forbidden: unsigned"},
		{name: "half the answers fail", path: "/flaky", wantOK: true, wantErrors: true, wantFirst: "429 Too Many Requests"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{
				Client:   &http.Client{Transport: NewTransport(4)},
				Workers:  4,
				Warmup:   20 * time.Millisecond,
				Duration: 400 * time.Millisecond,
			}
			req := Request{
				Method: http.MethodPost,
				URL:    srv.URL + tc.path,
				Header: http.Header{"X-Test": {"yes"}},
				Body:   []byte(`{"k":"v"}`),
				Sign:   tc.sign,
			}
			res, err := Run(context.Background(), opts, req)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if got := res.Requests > 0; got != tc.wantOK {
				t.Errorf("Requests = %d, want successes: %v", res.Requests, tc.wantOK)
			}
			if got := res.Errors > 0; got != tc.wantErrors {
				t.Errorf("Errors = %d (%v), want errors: %v", res.Errors, res.Statuses, tc.wantErrors)
			}
			if !strings.HasPrefix(res.FirstError, tc.wantFirst) || (tc.wantFirst == "") != (res.FirstError == "") {
				t.Errorf("FirstError = %q, want prefix %q", res.FirstError, tc.wantFirst)
			}
			if got, want := res.Latency.Count(), res.Requests; got != want {
				t.Errorf("Latency.Count() = %d, want %d", got, want)
			}
			if res.Requests > 0 && res.Latency.Quantile(0.5) <= 0 {
				t.Errorf("p50 = %v, want > 0", res.Latency.Quantile(0.5))
			}
			if got, want := res.Elapsed, opts.Duration; got != want {
				t.Errorf("Elapsed = %v, want %v", got, want)
			}
		})
	}
}

func TestRunRejects(t *testing.T) {
	client := &http.Client{}
	tests := []struct {
		name string
		opts Options
		req  Request
	}{
		{"no client", Options{Workers: 1, Duration: time.Millisecond}, Request{Method: "GET", URL: "http://127.0.0.1/"}},
		{"no workers", Options{Client: client, Duration: time.Millisecond}, Request{Method: "GET", URL: "http://127.0.0.1/"}},
		{"no duration", Options{Client: client, Workers: 1}, Request{Method: "GET", URL: "http://127.0.0.1/"}},
		{"bad URL", Options{Client: client, Workers: 1, Duration: time.Millisecond}, Request{Method: "GET", URL: "http://[::1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Run(context.Background(), tc.opts, tc.req); err == nil {
				t.Errorf("Run: got nil error, want one")
			}
		})
	}
}

func TestRunCancelled(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	opts := Options{Client: &http.Client{Transport: NewTransport(2)}, Workers: 2, Duration: time.Minute}
	_, err := Run(ctx, opts, Request{Method: http.MethodGet, URL: srv.URL})
	if err == nil {
		t.Fatalf("Run: got nil error, want the context's")
	}
}

func TestResultAdd(t *testing.T) {
	a := Result{Requests: 10, Errors: 1, Elapsed: time.Second, Latency: record(time.Millisecond),
		Statuses: map[int]uint64{500: 1}, FirstError: "500 first"}
	b := Result{Requests: 30, Errors: 2, Elapsed: time.Second, Latency: record(3 * time.Millisecond),
		Statuses: map[int]uint64{500: 1, 0: 1}, FirstError: "later"}
	var sum Result
	sum.Add(a)
	sum.Add(b)
	if sum.Requests != 40 || sum.Errors != 3 || sum.Elapsed != 2*time.Second {
		t.Errorf("sum = %d ok, %d errors over %v, want 40, 3 over 2s", sum.Requests, sum.Errors, sum.Elapsed)
	}
	if got, want := sum.Rate(), 20.0; got != want {
		t.Errorf("Rate() = %v, want %v", got, want)
	}
	if got, want := sum.Latency.Count(), uint64(2); got != want {
		t.Errorf("Latency.Count() = %d, want %d", got, want)
	}
	if sum.Statuses[500] != 2 || sum.Statuses[0] != 1 {
		t.Errorf("Statuses = %v, want 500:2 0:1", sum.Statuses)
	}
	if sum.FirstError != "500 first" {
		t.Errorf("FirstError = %q, want the earlier one", sum.FirstError)
	}
	if a.Latency.Count() != 1 {
		t.Errorf("Add changed its argument's histogram")
	}
}

// TestRunSessionToken checks that a fixed request signed with temporary
// credentials carries their session token, signed along.
func TestRunSessionToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if r.Header.Get("X-Amz-Security-Token") != "session" || !strings.Contains(auth, "x-amz-security-token") {
			http.Error(w, "no signed session token in "+auth, http.StatusForbidden)
		}
	}))
	defer srv.Close()
	opts := Options{Client: &http.Client{Transport: NewTransport(2)}, Workers: 2, Duration: 100 * time.Millisecond}
	req := Request{Method: http.MethodPost, URL: srv.URL, Body: []byte("Action=GetCallerIdentity"), Sign: &Signing{
		Signer:      v4.NewSigner(),
		Credentials: aws.Credentials{AccessKeyID: "ASIA", SecretAccessKey: "secret", SessionToken: "session"},
		Service:     "sts",
		Region:      "us-east-1",
	}}
	res, err := Run(context.Background(), opts, req)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Requests == 0 || res.Errors != 0 {
		t.Errorf("got %d successes and %d errors (%s), want successes only", res.Requests, res.Errors, res.FirstError)
	}
}

func TestRunStream(t *testing.T) {
	var (
		mu   sync.Mutex
		seen = map[string]int{} // body → times received
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen[string(b)]++
		mu.Unlock()
		switch {
		case r.Header.Get("X-Test") != "yes":
			http.Error(w, "missing header", http.StatusBadRequest)
		case r.URL.Path == "/signed" && (r.Header.Get("X-Amz-Security-Token") != "session" || !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=ASIA/")):
			http.Error(w, "unsigned", http.StatusForbidden)
		case r.URL.Path == "/flaky" && strings.HasSuffix(string(b), "3"):
			http.Error(w, "conflict", http.StatusConflict)
		}
	}))
	defer srv.Close()
	signing := &Signing{
		Signer:      v4.NewSigner(),
		Credentials: aws.Credentials{AccessKeyID: "ASIA", SecretAccessKey: "secret", SessionToken: "session"},
		Service:     "cognito-sync",
		Region:      "us-east-1",
	}
	tests := []struct {
		name       string
		path       string
		sign       *Signing
		wantOK     bool
		wantErrors bool
		wantFirst  string
	}{
		{name: "plain", path: "/plain", wantOK: true},
		{name: "signed with a session token", path: "/signed", sign: signing, wantOK: true},
		{name: "unsigned where signing is required", path: "/signed", wantErrors: true, wantFirst: "403 Forbidden: unsigned"},
		{name: "some answers fail", path: "/flaky", wantOK: true, wantErrors: true, wantFirst: "409 Conflict: conflict"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			clear(seen)
			mu.Unlock()
			var workers []int
			stream := func(worker int) func() Request {
				workers = append(workers, worker)
				header := http.Header{"X-Test": {"yes"}}
				n := 0
				return func() Request {
					n++
					body := fmt.Sprintf("w%d-%d", worker, n)
					return Request{Method: http.MethodPost, URL: srv.URL + tc.path, Header: header, Body: []byte(body), Sign: tc.sign}
				}
			}
			opts := Options{Client: &http.Client{Transport: NewTransport(3)}, Workers: 3, Warmup: 20 * time.Millisecond, Duration: 300 * time.Millisecond}
			res, err := RunStream(context.Background(), opts, stream)
			if err != nil {
				t.Fatalf("RunStream: %v", err)
			}
			if got, want := fmt.Sprint(workers), "[0 1 2]"; got != want {
				t.Errorf("stream called for workers %s, want %s", got, want)
			}
			if got := res.Requests > 0; got != tc.wantOK {
				t.Errorf("Requests = %d, want successes: %v", res.Requests, tc.wantOK)
			}
			if got := res.Errors > 0; got != tc.wantErrors {
				t.Errorf("Errors = %d (%v), want errors: %v", res.Errors, res.Statuses, tc.wantErrors)
			}
			if !strings.HasPrefix(res.FirstError, tc.wantFirst) || (tc.wantFirst == "") != (res.FirstError == "") {
				t.Errorf("FirstError = %q, want prefix %q", res.FirstError, tc.wantFirst)
			}
			mu.Lock()
			defer mu.Unlock()
			if uint64(len(seen)) < res.Requests+res.Errors {
				t.Errorf("server saw %d distinct bodies, want at least the %d counted", len(seen), res.Requests+res.Errors)
			}
			for b, n := range seen {
				if n != 1 {
					t.Errorf("body %q sent %d times, want once", b, n)
				}
			}
		})
	}
}

func TestRunStreamRejects(t *testing.T) {
	opts := Options{Client: &http.Client{}, Workers: 1, Duration: 10 * time.Millisecond}
	if _, err := RunStream(context.Background(), opts, nil); err == nil {
		t.Errorf("RunStream without a stream: got nil error, want one")
	}
	bad := func(int) func() Request {
		return func() Request { return Request{Method: http.MethodGet, URL: "http://[::1"} }
	}
	if _, err := RunStream(context.Background(), opts, bad); err == nil {
		t.Errorf("RunStream of a malformed URL: got nil error, want one")
	}
}
