package load

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Request is one prepared HTTP request that every worker sends repeatedly.
type Request struct {
	Method string
	URL    string // absolute URL
	Header http.Header
	Body   []byte
	// Sign, when non-nil, signs the request with SigV4 as an AWS SDK would.
	Sign *Signing
}

// Stream gives every worker of a run its own sequence of requests, for
// operations whose requests must all differ (a write of a new key each
// time). RunStream calls it once per worker, one call after another, as the
// run starts; the function it returns is then called before each request
// of that worker, only from that worker's goroutine, so it may keep state of
// its own without locking. A Request it returns belongs to the generator
// until the next call: the generator copies its Header before signing, so
// one Header may be returned again and again.
//
// Unlike a fixed Request, whose signature is reused within a second, every
// request of a stream is built and, with Sign set, signed afresh: that is
// client work a fixed request does not cost.
type Stream func(worker int) func() Request

// Signing says how to sign a Request with SigV4.
type Signing struct {
	Signer *v4.Signer
	// Credentials sign the request; a SessionToken, when set, is sent as
	// X-Amz-Security-Token and signed along, as temporary credentials
	// require.
	Credentials aws.Credentials
	Service     string // signing name, e.g. "cognito-identity"
	Region      string
}

// Options shape one run of the generator.
type Options struct {
	// Client sends the requests. Its Transport should keep at least Workers
	// idle connections per host, or the run measures connection set-up. It
	// needs no Timeout: Run abandons requests shortly after the window.
	Client   *http.Client
	Workers  int
	Warmup   time.Duration // requests sent but not counted
	Duration time.Duration // the measured window after Warmup
}

// Result is what one run measured. Only requests that finished inside the
// measured window count.
type Result struct {
	Requests uint64        // answers with a 2xx status
	Errors   uint64        // non-2xx answers and transport failures
	Elapsed  time.Duration // length of the measured window
	// Latency holds the latency of every successful request.
	Latency *Histogram
	// Statuses counts failures by HTTP status; 0 stands for a transport
	// failure (no answer at all).
	Statuses map[int]uint64
	// FirstError describes the first failure seen during the whole run,
	// warm-up included: the status and the start of the answer's body.
	FirstError string
}

// Rate returns successful requests per second.
func (r Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// straggle is how long after the measured window Run waits for requests
// still in flight before abandoning them.
const straggle = 5 * time.Second

// Add accumulates o into r, as if both windows had been one: counts,
// window lengths, latencies and failures add up; the earlier FirstError
// wins. Add on a zero Result is a copy of o.
func (r *Result) Add(o Result) {
	r.Requests += o.Requests
	r.Errors += o.Errors
	r.Elapsed += o.Elapsed
	if r.Latency == nil {
		r.Latency = new(Histogram)
	}
	if o.Latency != nil {
		r.Latency.Merge(o.Latency)
	}
	if r.Statuses == nil {
		r.Statuses = map[int]uint64{}
	}
	for code, n := range o.Statuses {
		r.Statuses[code] += n
	}
	if r.FirstError == "" {
		r.FirstError = o.FirstError
	}
}

// maxErrorBody bounds how much of a failed answer FirstError keeps.
const maxErrorBody = 512

// Run drives req with opts.Workers concurrent workers for opts.Warmup plus
// opts.Duration and reports what it measured. It returns an error only for
// unusable options or when ctx ends first; failing requests are counted in
// the Result, not returned.
func Run(ctx context.Context, opts Options, req Request) (Result, error) {
	if err := opts.check(); err != nil {
		return Result{}, err
	}
	// Build one request up front so a malformed URL fails before any worker starts.
	if _, err := http.NewRequest(req.Method, req.URL, nil); err != nil {
		return Result{}, fmt.Errorf("load: %w", err)
	}
	var hash string
	if req.Sign != nil {
		hash = PayloadHash(req.Body)
	}
	return run(ctx, opts, func(w *worker) {
		w.req, w.hash = req, hash
	})
}

// RunStream is Run for a Stream: each worker sends the requests its own
// function of s makes. A request that cannot be built or signed (a
// malformed URL) ends the run with an error.
func RunStream(ctx context.Context, opts Options, s Stream) (Result, error) {
	if err := opts.check(); err != nil {
		return Result{}, err
	}
	if s == nil {
		return Result{}, errors.New("load: need a stream")
	}
	i := 0
	return run(ctx, opts, func(w *worker) {
		w.next = s(i)
		i++
	})
}

func (o *Options) check() error {
	if o.Client == nil || o.Workers < 1 || o.Duration <= 0 || o.Warmup < 0 {
		return fmt.Errorf("load: need a client, at least one worker and a positive duration")
	}
	return nil
}

// run starts opts.Workers workers, each given what it sends by prepare
// (called for one worker after another before any starts), waits for them
// and adds up what they measured.
func run(ctx context.Context, opts Options, prepare func(*worker)) (Result, error) {
	start := time.Now()
	from := start.Add(opts.Warmup)
	until := from.Add(opts.Duration)
	// A request still unanswered long after the window cannot count any
	// more; the deadline stops a hung server from hanging the run, without
	// the per-request timer an http.Client Timeout would add.
	runCtx, cancel := context.WithDeadline(ctx, until.Add(straggle))
	defer cancel()
	ws := make([]*worker, opts.Workers)
	var first atomic.Pointer[string]
	for i := range ws {
		w := &worker{client: opts.Client, first: &first, from: from, until: until, statuses: map[int]uint64{}}
		prepare(w)
		ws[i] = w
	}
	var wg sync.WaitGroup
	for _, w := range ws {
		if w.next != nil {
			wg.Go(func() { w.runStream(runCtx) })
		} else {
			wg.Go(func() { w.run(runCtx) })
		}
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}

	res := Result{Elapsed: opts.Duration, Latency: new(Histogram), Statuses: map[int]uint64{}}
	for _, w := range ws {
		if w.err != nil {
			return Result{}, w.err
		}
		res.Latency.Merge(&w.hist)
		res.Requests += w.hist.Count()
		for code, n := range w.statuses {
			res.Statuses[code] += n
			res.Errors += n
		}
	}
	if p := first.Load(); p != nil {
		res.FirstError = *p
	}
	return res, nil
}

// worker is one closed-loop client: it sends its next request as soon as
// the previous answer has been read. It sends either req over and over or,
// when next is set, what next makes.
type worker struct {
	client      *http.Client
	req         Request
	hash        string
	next        func() Request
	first       *atomic.Pointer[string]
	from, until time.Time

	hist     Histogram
	statuses map[int]uint64
	err      error
}

func (w *worker) run(ctx context.Context) {
	body := w.req.Body
	hr, err := http.NewRequestWithContext(ctx, w.req.Method, w.req.URL, nil)
	if err != nil {
		w.err = err
		return
	}
	hr.Header = w.req.Header.Clone()
	if hr.Header == nil {
		hr.Header = http.Header{}
	}
	hr.ContentLength = int64(len(body))
	if len(body) > 0 {
		// GetBody lets the transport replay the body when a kept-alive
		// connection turns out to be closed by the server.
		hr.GetBody = func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(body)), nil
		}
	}
	signed := int64(-1)
	for ctx.Err() == nil {
		t0 := time.Now()
		if !t0.Before(w.until) {
			return
		}
		if s := w.req.Sign; s != nil && t0.Unix() != signed {
			// A SigV4 signature depends only on the request and the
			// signing second, so it is reused within a second, as
			// AWS itself allows.
			err := s.Signer.SignHTTP(ctx, s.Credentials, hr, w.hash, s.Service, s.Region, t0)
			if err != nil {
				w.err = fmt.Errorf("load: sign: %w", err)
				return
			}
			signed = t0.Unix()
		}
		if len(body) > 0 {
			hr.Body, _ = hr.GetBody()
		}
		code, failure := w.send(hr)
		if !w.count(ctx, t0, code, failure) {
			return
		}
	}
}

// runStream is run for a worker whose every request differs: each is
// built, and signed when it asks to be, before it is timed.
func (w *worker) runStream(ctx context.Context) {
	for ctx.Err() == nil {
		if !time.Now().Before(w.until) {
			return
		}
		req := w.next()
		// A bytes.Reader body gives the request its ContentLength and a
		// GetBody to replay it on a kept-alive connection the server closed.
		hr, err := http.NewRequestWithContext(ctx, req.Method, req.URL, bytes.NewReader(req.Body))
		if err != nil {
			w.err = fmt.Errorf("load: %w", err)
			return
		}
		if req.Header != nil {
			hr.Header = req.Header.Clone()
		}
		if s := req.Sign; s != nil {
			if err := s.Signer.SignHTTP(ctx, s.Credentials, hr, PayloadHash(req.Body), s.Service, s.Region, time.Now()); err != nil {
				w.err = fmt.Errorf("load: sign: %w", err)
				return
			}
		}
		t0 := time.Now()
		code, failure := w.send(hr)
		if !w.count(ctx, t0, code, failure) {
			return
		}
	}
}

// count books the answer to a request sent at t0 and reports whether the
// worker should go on: not once the run is over.
func (w *worker) count(ctx context.Context, t0 time.Time, code int, failure string) bool {
	t1 := time.Now()
	if ctx.Err() != nil || t1.After(w.until) {
		return false
	}
	if failure != "" {
		w.first.CompareAndSwap(nil, &failure)
	}
	// Count by completion time: after the warm-up the loop is in a
	// steady state, so completions inside the window divided by its
	// length is an unbiased rate even for slow requests.
	if t1.Before(w.from) {
		return true
	}
	if code >= 200 && code < 300 {
		w.hist.Record(t1.Sub(t0))
	} else {
		w.statuses[code]++
	}
	return true
}

// send performs one request and drains the answer so its connection can be
// reused. It returns the status (0 on a transport failure) and, for a
// failure, a short description.
func (w *worker) send(hr *http.Request) (int, string) {
	resp, err := w.client.Do(hr)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return 0, ""
		}
		return 0, err.Error()
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, ""
	}
	var failure string
	if w.first.Load() == nil {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		failure = fmt.Sprintf("%s: %s", resp.Status, bytes.TrimSpace(b))
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, failure
}

// PayloadHash returns the hex SHA-256 of body, the payload hash SigV4 signs.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// NewTransport returns an HTTP/1.1 keep-alive transport sized for workers
// concurrent requests to each host.
func NewTransport(workers int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 0 // no limit across hosts: runs may alternate between hosts
	t.MaxIdleConnsPerHost = 2 * workers
	t.DisableCompression = true
	t.ForceAttemptHTTP2 = false
	return t
}
