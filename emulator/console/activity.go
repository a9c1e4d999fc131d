package console

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/idpool/idpool/protocol"
)

// activitySize bounds the requests the activity page remembers.
const activitySize = 1000

// captureSize is how much of a request body is kept to find the pool and
// identity it names: both members come early in every SDK's JSON.
const captureSize = 4096

// Entry is one request as the activity page shows it.
type Entry struct {
	Seq       uint64    `json:"seq"`
	Time      time.Time `json:"time"`
	RequestID string    `json:"requestId"`
	Operation string    `json:"operation"`
	Pool      string    `json:"pool,omitempty"`
	Identity  string    `json:"identity,omitempty"`
	Status    int       `json:"status"`
	// Code and Message are the error the client was told; Cause the
	// internal error behind a 500.
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	Cause   string `json:"cause,omitempty"`
	// Reason is why, in words: the check or condition that failed.
	Reason string `json:"reason,omitempty"`
	// Note is what a request that succeeded got that AWS would refuse, or
	// a choice made for it that may surprise (protocol.SetNote), in words;
	// a refused request has none.
	Note string `json:"note,omitempty"`
}

// maxStreams bounds the live activity streams open at once: every
// request recorded is written to each of them. A stream over it is
// answered 503, and its page shows the requests of the moment it loaded.
const maxStreams = 32

// Activity is a bounded ring of the most recent requests, with
// subscribers that get each new one.
type Activity struct {
	mu    sync.Mutex
	ring  []Entry
	head  int
	full  bool
	seq   uint64
	subs  map[chan *event]struct{} // nil once End was called
	clock func() time.Time
}

// event is a new entry as every live stream gets it: the first stream
// that takes it attributes it and encodes it, once for all of them.
type event struct {
	once  sync.Once
	entry Entry
	data  []byte // the server-sent event, "data: {JSON}\n\n"
}

// NewActivity returns a ring of size entries.
func NewActivity(size int) *Activity {
	return &Activity{ring: make([]Entry, size), subs: map[chan *event]struct{}{}, clock: time.Now}
}

func (a *Activity) add(e Entry) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seq++
	e.Seq = a.seq
	a.ring[a.head] = e
	a.head = (a.head + 1) % len(a.ring)
	if a.head == 0 {
		a.full = true
	}
	ev := &event{entry: e}
	for ch := range a.subs {
		// A subscriber that does not keep up misses entries rather than
		// slowing the requests down.
		select {
		case ch <- ev:
		default:
		}
	}
}

// Recent returns the entries that pass keep, newest first, at most n.
func (a *Activity) Recent(n int, keep func(Entry) bool) []Entry {
	a.mu.Lock()
	defer a.mu.Unlock()
	size := a.head
	if a.full {
		size = len(a.ring)
	}
	var out []Entry
	for k := 1; k <= size && len(out) < n; k++ {
		e := a.ring[(a.head-k+len(a.ring))%len(a.ring)]
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// subscribe returns a channel of the entries added from now on, closed by
// End (at once when End was called before), or false when maxStreams
// subscribers are there already.
func (a *Activity) subscribe() (chan *event, bool) {
	ch := make(chan *event, 64)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.subs == nil {
		close(ch)
		return ch, true
	}
	if len(a.subs) >= maxStreams {
		return nil, false
	}
	a.subs[ch] = struct{}{}
	return ch, true
}

func (a *Activity) unsubscribe(ch chan *event) {
	a.mu.Lock()
	delete(a.subs, ch)
	a.mu.Unlock()
}

// End closes every live stream of the activity and refuses new ones. A
// stream lasts until its client leaves, which an http.Server's Shutdown
// would otherwise wait for until its deadline: a server calls End as it
// shuts down.
func (a *Activity) End() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for ch := range a.subs {
		close(ch)
	}
	a.subs = nil
}

// Record wraps the emulator's handler: it must run inside the edge that
// puts the protocol.Request in the context, so that it sees the operation
// and error the codec recorded there. The console's own requests, health
// checks, CORS preflights and a browser's request for a favicon (which
// the console's pages tell browsers not to make, but a browser may have
// opened another page of this origin) are not recorded.
func (a *Activity) Record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if strings.HasPrefix(p, Prefix) || p == "/_idpool/health" || p == "/favicon.ico" || r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		// Only the JSON calls on the root path name their pool and
		// identity in the body; Cognito Sync names them in its path, and
		// STS's AssumeRoleWithWebIdentity in the token the service
		// verifies, which records them (protocol.SetSubject).
		var cap *capture
		if p == "/" && r.Header.Get("X-Amz-Target") != "" && r.Body != nil && r.Body != http.NoBody {
			cap = &capture{ReadCloser: r.Body}
			r.Body = cap
		}
		sw := &protocol.StatusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		// In UTC, as the pages show times, also in the live events.
		e := Entry{Time: a.clock().UTC(), Status: sw.Status, Operation: r.Method + " " + p}
		if e.Status == 0 {
			e.Status = http.StatusOK
		}
		if req := protocol.RequestFrom(r.Context()); req != nil {
			e.RequestID = req.ID
			if req.Operation != "" {
				e.Operation = req.Operation
			}
			if req.Err != nil {
				e.Code, e.Message = req.Err.Code, clip(req.Err.Message)
			}
			e.Reason = clip(req.Reason)
			if req.Err == nil {
				e.Note = clip(req.Note)
			}
			if req.Cause != nil {
				e.Cause = clip(req.Cause.Error())
			}
			e.Pool, e.Identity = req.Pool, req.Identity
		}
		if cap != nil {
			e.Pool = member(cap.buf, `"IdentityPoolId"`)
			e.Identity = member(cap.buf, `"IdentityId"`)
		}
		// Cognito Sync names both in its path:
		// /identitypools/{pool}/identities/{identity}/...
		if rest, ok := strings.CutPrefix(p, "/identitypools/"); ok {
			seg := strings.Split(rest, "/")
			e.Pool = seg[0]
			if len(seg) > 2 && seg[1] == "identities" {
				e.Identity = seg[2]
			}
		}
		a.add(e)
	})
}

func clip(s string) string {
	if len(s) > 1024 {
		return s[:1024] + "..."
	}
	return s
}

// member finds a JSON string member by name in b, a prefix of a JSON
// body, without decoding it: "" when absent or not a plain string.
func member(b []byte, name string) string {
	i := bytes.Index(b, []byte(name))
	if i < 0 {
		return ""
	}
	rest := bytes.TrimLeft(b[i+len(name):], " \t\r\n")
	if len(rest) == 0 || rest[0] != ':' {
		return ""
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if len(rest) == 0 || rest[0] != '"' {
		return ""
	}
	end := bytes.IndexAny(rest[1:], `"\`)
	if end < 0 || rest[1+end] != '"' {
		return ""
	}
	return string(rest[1 : 1+end])
}

// capture keeps the first captureSize bytes read from a body.
type capture struct {
	io.ReadCloser
	buf []byte
}

func (c *capture) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	if room := captureSize - len(c.buf); room > 0 && n > 0 {
		c.buf = append(c.buf, p[:min(n, room)]...)
	}
	return n, err
}

// filter is the activity page's selection.
type filter struct {
	Pool, Identity, Operation string
	Errors                    bool
}

func filterOf(r *http.Request) filter {
	q := r.URL.Query()
	return filter{Pool: q.Get("pool"), Identity: q.Get("identity"), Operation: q.Get("op"), Errors: q.Get("errors") != ""}
}

func (f filter) keep(e Entry) bool {
	return (f.Pool == "" || e.Pool == f.Pool) &&
		(f.Identity == "" || e.Identity == f.Identity) &&
		(f.Operation == "" || strings.EqualFold(e.Operation, f.Operation)) &&
		(!f.Errors || e.Status >= 400)
}

type activityData struct {
	Filter  filter
	Entries []Entry
	// Events is the SSE URL with the same filter, for the first page
	// only; Older the URL of the next page, "" on the last, and Newest
	// that of the first.
	Events, Older, Newest string
	// Kept is how many requests the ring holds, Size how many it can.
	Kept, Size, PageSize int
}

// activityPage shows the recorded requests that pass the filter, newest
// first, shown at a time: the first page live, older ones by ?before=,
// the sequence number of the newest request a page leaves out.
func (c *Console) activityPage(w http.ResponseWriter, r *http.Request) {
	f := filterOf(r)
	before, _ := strconv.ParseUint(r.URL.Query().Get("before"), 10, 64)
	m := newAttribution()
	d := activityData{Filter: f, Size: activitySize, PageSize: shown}
	q := r.URL.Query()
	q.Del("before")
	d.Newest = Prefix + "/activity?" + q.Encode()
	if before == 0 {
		d.Events = Prefix + "/activity/events?" + q.Encode()
	}
	all := c.Activity.Recent(activitySize, func(Entry) bool { return true })
	d.Kept = len(all)
	for _, e := range all {
		if before != 0 && e.Seq >= before {
			continue
		}
		c.attribute(r.Context(), &e, m)
		if !f.keep(e) {
			continue
		}
		if len(d.Entries) == shown {
			q := r.URL.Query()
			q.Set("before", strconv.FormatUint(d.Entries[shown-1].Seq, 10))
			d.Older = Prefix + "/activity?" + q.Encode()
			break
		}
		d.Entries = append(d.Entries, e)
	}
	c.render(w, r, http.StatusOK, "activity", "Activity", d)
}

// shown is how many requests a page of activity lists.
const shown = 200

// attribution memoizes the lookups of Console.attribute for one page or
// one event: an identity's pool.
type attribution struct {
	pools map[string]string
}

func newAttribution() *attribution {
	return &attribution{pools: map[string]string{}}
}

// attribute fills in the pool of an entry that names only its identity
// (as GetCredentialsForIdentity and GetOpenIdToken do), from the store,
// when the identity still exists. It runs when the entry is shown, so
// that the requests themselves pay nothing.
func (c *Console) attribute(ctx context.Context, e *Entry, m *attribution) {
	if e.Pool != "" || e.Identity == "" {
		return
	}
	p, ok := m.pools[e.Identity]
	if !ok {
		if i, err := c.cfg.Store.GetIdentity(ctx, e.Identity); err == nil {
			p = i.PoolID
		}
		m.pools[e.Identity] = p
	}
	e.Pool = p
}

// encoded attributes ev's entry and encodes it as a server-sent event,
// the first time it is called on ev, and returns both. The store read
// of the attribution does not end with the stream that makes it: the other
// streams wait for its result.
func (c *Console) encoded(ctx context.Context, ev *event) (Entry, []byte) {
	ev.once.Do(func() {
		c.attribute(context.WithoutCancel(ctx), &ev.entry, newAttribution())
		b, _ := json.Marshal(ev.entry)
		ev.data = append(append([]byte("data: "), b...), '\n', '\n')
	})
	return ev.entry, ev.data
}

// activityEvents streams the new requests that pass the filter as
// server-sent events, one JSON Entry per event, until the client leaves or
// the activity ends. Over maxStreams streams it answers 503, on which
// EventSource stops.
func (c *Console) activityEvents(w http.ResponseWriter, r *http.Request) {
	f := filterOf(r)
	ch, ok := c.Activity.subscribe()
	if !ok {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "idpool serves at most %d live activity streams at once; close a console tab and reload. The activity page works without them: reload it for new requests.\n", maxStreams)
		return
	}
	defer c.Activity.unsubscribe(ch)
	rc := http.NewResponseController(w)
	// The stream outlives the server's write timeout, which is for
	// answers; where the writer cannot lift it, EventSource reconnects.
	_ = rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	// nginx buffers a proxied answer by default (proxy_buffering on) and
	// would hold the events until some 8 KB pile up, leaving the page
	// silent while it says it updates live; this header turns its
	// buffering off for the stream alone (ngx_http_proxy_module,
	// X-Accel-Buffering), whatever the proxy's configuration.
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(w, ": idpool activity\n\n"); err != nil || rc.Flush() != nil {
		return
	}
	ping := time.NewTicker(15 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-ping.C:
			if _, err := io.WriteString(w, ": ping\n\n"); err != nil {
				return
			}
		case ev, ok := <-ch:
			if !ok {
				return // the server is shutting down
			}
			e, data := c.encoded(r.Context(), ev)
			if !f.keep(e) {
				continue
			}
			if _, err := w.Write(data); err != nil {
				return
			}
		}
		if rc.Flush() != nil {
			return
		}
	}
}
