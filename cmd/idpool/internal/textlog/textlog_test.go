package textlog

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// when is the time of most test records: its offset and sub-millisecond
// digits exercise the time formatting.
var when = time.Date(2024, 3, 5, 14, 7, 9, 123456789, time.FixedZone("CET", 3600))

// requestAttrs are the attributes of the server's request line for an
// operation.
func requestAttrs() []slog.Attr {
	return []slog.Attr{
		slog.String("id", "7b0c43a1-5d2e-4c7e-9a51-0f6f3f1c2d9e"),
		slog.String("op", "AssumeRoleWithWebIdentity"),
		slog.Int("status", 200),
		slog.Duration("took", 1234567*time.Nanosecond),
	}
}

type valuer struct{}

func (valuer) LogValue() slog.Value { return slog.StringValue("resolved") }

type testCase struct {
	name string
	opts *slog.HandlerOptions
	// derive, when set, makes the handler that logs the record.
	derive func(slog.Handler) slog.Handler
	time   time.Time
	level  slog.Level
	msg    string
	attrs  []slog.Attr
	// fast tells whether the record must take the fast path.
	fast bool
}

func TestHandlerMatchesTextHandler(t *testing.T) {
	var tests []testCase
	add := func(tc testCase) { tests = append(tests, tc) }
	// Records of the server.
	add(testCase{name: "request line", time: when, msg: "request", attrs: requestAttrs(), fast: true})
	add(testCase{name: "request line with method and path", time: when, msg: "request", attrs: []slog.Attr{
		slog.String("id", "7b0c43a1-5d2e-4c7e-9a51-0f6f3f1c2d9e"),
		slog.String("method", "GET"), slog.String("path", "/health"),
		slog.Int("status", 404), slog.Duration("took", 15*time.Microsecond),
	}, fast: true})
	add(testCase{name: "refused request line", time: when, level: slog.LevelInfo, msg: "request", attrs: []slog.Attr{
		slog.String("id", "7b0c43a1-5d2e-4c7e-9a51-0f6f3f1c2d9e"), slog.String("op", "GetId"), slog.Int("status", 400),
		slog.String("code", "ValidationException"),
		slog.String("message", `1 validation error detected: Value 'x"y' at 'identityPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+:[0-9a-f-]+`),
		slog.Duration("took", 15*time.Microsecond),
	}, fast: true})
	add(testCase{name: "failed request line", time: when, level: slog.LevelError, msg: "request", attrs: []slog.Attr{
		slog.String("id", "7b0c43a1-5d2e-4c7e-9a51-0f6f3f1c2d9e"), slog.String("op", "GetId"), slog.Int("status", 500),
		slog.String("code", "InternalErrorException"), slog.String("message", "An internal error occurred. Please try again."),
		slog.String("err", "sqlite: database is locked"), slog.Duration("took", 15*time.Microsecond),
	}, fast: true})
	add(testCase{name: "listening line", time: when, msg: "idpool listening", attrs: []slog.Attr{
		slog.String("url", "http://127.0.0.1:9229"), slog.String("db", ""), slog.String("region", "us-east-1"),
	}, fast: true})
	add(testCase{name: "no attrs", time: when, msg: "idpool shutting down", fast: true})

	// Times.
	for _, tt := range []struct {
		name string
		time time.Time
		fast bool
	}{
		{"zero time", time.Time{}, true},
		{"UTC", when.UTC(), true},
		{"zero offset named zone", when.In(time.FixedZone("GMT", 0)), true},
		{"negative offset", when.In(time.FixedZone("PST", -8*3600)), true},
		{"half hour offset", when.In(time.FixedZone("IST", 5*3600+1800)), true},
		{"offset with seconds", when.In(time.FixedZone("LMT", 3600+17*60+30)), true},
		{"negative offset with seconds", when.In(time.FixedZone("LMT", -(3600 + 17*60 + 30))), true},
		{"offset under a minute", when.In(time.FixedZone("X", 30)), true},
		{"negative offset under a minute", when.In(time.FixedZone("X", -30)), true},
		{"negative offset of 90 s", when.In(time.FixedZone("X", -90)), true},
		{"largest offset", when.In(time.FixedZone("X", 86399)), true},
		{"offset of a day", when.In(time.FixedZone("X", 86400)), false},
		{"offset of 100 hours", when.In(time.FixedZone("X", -100*3600)), false},
		{"local", when.In(time.Local), true},
		{"last nanosecond of a second", time.Date(2024, 12, 31, 23, 59, 59, 999999999, time.UTC), true},
		{"exact second", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"monotonic reading", time.Now(), true},
		{"zero time in another zone", time.Time{}.In(time.FixedZone("X", 3600)), true},
		{"just after the zero time", time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), false},
		{"year 1 second day", time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC), true},
		{"year 1 in June", time.Date(1, 6, 1, 1, 2, 3, 4000000, time.FixedZone("X", -3600)), true},
		{"year 9999 in June", time.Date(9999, 6, 1, 1, 2, 3, 4000000, time.FixedZone("X", 3600)), true},
		{"year 9999 last day", time.Date(9999, 12, 31, 12, 0, 0, 0, time.UTC), false},
		{"year 10000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"year 0", time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC), false},
		{"negative year", time.Date(-44, 3, 15, 0, 0, 0, 0, time.UTC), false},
	} {
		add(testCase{name: "time/" + tt.name, time: tt.time, msg: "m", attrs: requestAttrs(), fast: tt.fast})
	}

	// Levels.
	for _, l := range []slog.Level{
		slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError,
		slog.LevelDebug - 4, slog.LevelDebug + 1, slog.LevelInfo + 2, slog.LevelWarn + 3, slog.LevelError + 100,
		math.MinInt, math.MaxInt,
	} {
		add(testCase{name: "level/" + l.String(), opts: &slog.HandlerOptions{Level: slog.Level(math.MinInt)},
			time: when, level: l, msg: "m", fast: true})
	}

	// Strings as message, key and value.
	for _, tt := range []struct {
		name, s string
		fast    bool
	}{
		{"plain", "hello", true},
		{"empty", "", true},
		{"space", "hello world", true},
		{"equals", "a=b", true},
		{"double quote", `say "hi"`, true},
		{"tab", "a\tb", true},
		{"newline", "a\nb", true},
		{"NUL", "\x00", true},
		{"backslash", `a\b`, false},
		{"backslash and space", `a\ b`, true},
		{"DEL", "a\x7fb", false},
		{"DEL and space", "a\x7f b", true},
		{"unicode letter", "café", false},
		{"unicode with space", "naïve café", true},
		{"unicode with equals after it", "é=", true},
		{"no-break space", "a\u00a0b", false},
		{"unprintable rune", "a\u200bb", false},
		{"invalid UTF-8", "a\xffb", false},
		{"invalid UTF-8 and space", "a\xff b", true},
		{"punctuation", "!#$%&'()*+,-./:;<>?@[]^_`{|}~", true},
		{"URL", "http://localhost:9229/path?x=1", true},
	} {
		add(testCase{name: "msg/" + tt.name, time: when, msg: tt.s, fast: tt.fast})
		add(testCase{name: "string value/" + tt.name, time: when, msg: "m",
			attrs: []slog.Attr{slog.String("k", tt.s)}, fast: tt.fast})
		if tt.s != "" {
			add(testCase{name: "key/" + tt.name, time: when, msg: "m",
				attrs: []slog.Attr{slog.Int(tt.s, 1)}, fast: tt.fast})
		}
	}
	add(testCase{name: "key/empty with value", time: when, msg: "m", attrs: []slog.Attr{slog.Int("", 1)}})
	add(testCase{name: "key/empty with zero value", time: when, msg: "m", attrs: []slog.Attr{{}}})
	add(testCase{name: "key/empty with empty string", time: when, msg: "m", attrs: []slog.Attr{slog.String("", "")}})

	// Every kind of value.
	for _, tt := range []struct {
		name string
		v    slog.Value
		fast bool
	}{
		{"int", slog.IntValue(-42), true},
		{"int64 min", slog.Int64Value(math.MinInt64), true},
		{"uint64 max", slog.Uint64Value(math.MaxUint64), true},
		{"float", slog.Float64Value(1.5), true},
		{"float large", slog.Float64Value(1e21), true},
		{"float small", slog.Float64Value(1e-7), true},
		{"float negative zero", slog.Float64Value(math.Copysign(0, -1)), true},
		{"float NaN", slog.Float64Value(math.NaN()), true},
		{"float +Inf", slog.Float64Value(math.Inf(1)), true},
		{"float -Inf", slog.Float64Value(math.Inf(-1)), true},
		{"bool true", slog.BoolValue(true), true},
		{"bool false", slog.BoolValue(false), true},
		{"duration zero", slog.DurationValue(0), true},
		{"duration ns", slog.DurationValue(999), true},
		{"duration µs", slog.DurationValue(1500), true},
		{"duration ms", slog.DurationValue(1234567), true},
		{"duration hours", slog.DurationValue(72*time.Hour + 3*time.Minute + 500*time.Millisecond), true},
		{"duration negative", slog.DurationValue(-1500 * time.Microsecond), true},
		{"duration min", slog.DurationValue(math.MinInt64), true},
		{"duration max", slog.DurationValue(math.MaxInt64), true},
		{"time", slog.TimeValue(when), false},
		{"any error", slog.AnyValue(errors.New("boom")), false},
		{"any bytes", slog.AnyValue([]byte("a b")), false},
		{"any text marshaler", slog.AnyValue(netip.MustParseAddr("::1")), false},
		{"any nil", slog.AnyValue(nil), false},
		{"group", slog.GroupValue(slog.Int("a", 1), slog.String("b", "x y")), false},
		// Record.AddAttrs drops empty groups.
		{"empty group", slog.GroupValue(), true},
		{"log valuer", slog.AnyValue(valuer{}), false},
	} {
		add(testCase{name: "value/" + tt.name, time: when, msg: "m",
			attrs: []slog.Attr{slog.String("before", "x"), {Key: "k", Value: tt.v}, slog.Int("after", 1)}, fast: tt.fast})
	}
	add(testCase{name: "value/inline group", time: when, msg: "m",
		attrs: []slog.Attr{slog.Group("", slog.Int("a", 1))}})

	// Handlers that WithAttrs and WithGroup made.
	for _, tt := range []struct {
		name   string
		derive func(slog.Handler) slog.Handler
		fast   bool
	}{
		{"with attrs", func(h slog.Handler) slog.Handler {
			return h.WithAttrs([]slog.Attr{slog.String("svc", "idpool"), slog.Int("pid", 1)})
		}, false},
		{"with empty groups only", func(h slog.Handler) slog.Handler {
			return h.WithAttrs([]slog.Attr{slog.Group("g")})
		}, true},
		{"with no attrs", func(h slog.Handler) slog.Handler {
			return h.WithAttrs(nil)
		}, true},
		{"with group", func(h slog.Handler) slog.Handler { return h.WithGroup("g") }, false},
		{"with empty group name", func(h slog.Handler) slog.Handler { return h.WithGroup("") }, false},
		{"with group then attrs", func(h slog.Handler) slog.Handler {
			return h.WithGroup("g").WithAttrs([]slog.Attr{slog.Int("a", 1)}).WithGroup("h")
		}, false},
		{"with attrs then group", func(h slog.Handler) slog.Handler {
			return h.WithAttrs([]slog.Attr{slog.Int("a", 1)}).WithGroup("g")
		}, false},
	} {
		add(testCase{name: "derived/" + tt.name, derive: tt.derive, time: when, msg: "m", attrs: requestAttrs(), fast: tt.fast})
		add(testCase{name: "derived/" + tt.name + " without record attrs", derive: tt.derive, time: when, msg: "m", fast: tt.fast})
	}

	// Options that rule out the fast path.
	add(testCase{name: "options/ReplaceAttr", opts: &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			if a.Key == "status" {
				a.Value = slog.StringValue("ok")
			}
			return a
		},
	}, time: when, msg: "request", attrs: requestAttrs()})
	add(testCase{name: "options/AddSource", opts: &slog.HandlerOptions{AddSource: true},
		time: when, msg: "request", attrs: requestAttrs()})

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			compare(t, tc)
		})
	}
}

// compare logs tc's record through a Handler and a slog.TextHandler and
// fails unless both wrote the same bytes and the record took the path tc
// says.
func compare(t *testing.T, tc testCase) {
	t.Helper()
	var got, want bytes.Buffer
	var h, th slog.Handler = New(&got, tc.opts), slog.NewTextHandler(&want, tc.opts)
	if tc.derive != nil {
		h, th = tc.derive(h), tc.derive(th)
	}
	r := slog.NewRecord(tc.time, tc.level, tc.msg, 0)
	r.AddAttrs(tc.attrs...)
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatalf("Handle: got error %v, want none", err)
	}
	if err := th.Handle(context.Background(), r); err != nil {
		t.Fatalf("TextHandler.Handle: got error %v, want none", err)
	}
	if got.String() != want.String() {
		t.Errorf("got  %q\nwant %q", got.String(), want.String())
	}
	_, ok := appendRecord(nil, r)
	if fast := h.(*Handler).fast && ok; fast != tc.fast {
		t.Errorf("fast path: got %t, want %t", fast, tc.fast)
	}
}

func TestTimeBounds(t *testing.T) {
	tests := []struct {
		name string
		got  int64
		want time.Time
	}{
		{"minUnix", minUnix, time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"maxUnix", maxUnix, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want.Unix() {
				t.Errorf("got %d, want %d (%v)", tt.got, tt.want.Unix(), tt.want)
			}
		})
	}
}

func TestAppendDuration(t *testing.T) {
	var ds []time.Duration
	for _, base := range []time.Duration{1, 9, 10, 999, 1000, 1001, 1500, 999999, 1000000, 1000001,
		999999999, time.Second, time.Second + 1, time.Minute, time.Minute + time.Millisecond,
		time.Hour, 100*time.Hour + 59*time.Minute + 59*time.Second + 999999999,
		math.MaxInt64} {
		ds = append(ds, base, -base)
	}
	ds = append(ds, 0, math.MinInt64)
	for _, d := range ds {
		t.Run(d.String(), func(t *testing.T) {
			if got, want := string(appendDuration(nil, d)), d.String(); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestEnabled(t *testing.T) {
	var v slog.LevelVar
	v.Set(slog.LevelWarn)
	tests := []struct {
		name  string
		level slog.Leveler
		then  func() // run after the handlers are made
	}{
		{"default", nil, nil},
		{"debug", slog.LevelDebug, nil},
		{"error", slog.LevelError, nil},
		{"level var", &v, nil},
		{"level var changed", &v, func() { v.Set(slog.LevelDebug - 2) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := &slog.HandlerOptions{Level: tt.level}
			h := New(&bytes.Buffer{}, opts)
			th := slog.NewTextHandler(&bytes.Buffer{}, opts)
			hs := map[string][2]slog.Handler{
				"":          {h, th},
				"grouped":   {h.WithGroup("g"), th.WithGroup("g")},
				"attrs":     {h.WithAttrs([]slog.Attr{slog.Int("a", 1)}), th.WithAttrs([]slog.Attr{slog.Int("a", 1)})},
				"unchanged": {h.WithAttrs(nil), th.WithAttrs(nil)},
			}
			if tt.then != nil {
				tt.then()
			}
			for derived, pair := range hs {
				for l := slog.LevelDebug - 4; l <= slog.LevelError+4; l++ {
					got := pair[0].Enabled(context.Background(), l)
					want := pair[1].Enabled(context.Background(), l)
					if got != want {
						t.Errorf("%s Enabled(%v): got %t, want %t", derived, l, got, want)
					}
				}
			}
		})
	}
}

// exclusiveWriter fails the test if Write is entered while another Write
// runs; its buffer is unsynchronised, so the race detector also notices.
type exclusiveWriter struct {
	t    *testing.T
	busy atomic.Bool
	buf  bytes.Buffer
}

func (w *exclusiveWriter) Write(p []byte) (int, error) {
	if !w.busy.CompareAndSwap(false, true) {
		w.t.Error("Write called concurrently")
		return 0, errors.New("concurrent Write")
	}
	defer w.busy.Store(false)
	return w.buf.Write(p)
}

func TestConcurrentWrites(t *testing.T) {
	w := &exclusiveWriter{t: t}
	root := New(w, nil)
	// The root handler takes the fast path for plain records and the slow
	// path for others; the derived ones always take the slow path.
	handlers := []slog.Handler{root, root.WithGroup("g"), root.WithAttrs([]slog.Attr{slog.Int("a", 1)})}
	const goroutines, perGoroutine = 8, 200
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range perGoroutine {
				r := slog.NewRecord(when, slog.LevelInfo, "request", 0)
				r.AddAttrs(requestAttrs()...)
				if i%2 == 1 {
					r.AddAttrs(slog.Any("err", errors.New("slow path")))
				}
				if err := handlers[(g+i)%len(handlers)].Handle(context.Background(), r); err != nil {
					t.Errorf("Handle: got error %v, want none", err)
				}
			}
		})
	}
	wg.Wait()
	lines := strings.Split(w.buf.String(), "\n")
	if got, want := len(lines), goroutines*perGoroutine+1; got != want {
		t.Fatalf("got %d lines, want %d", got-1, want-1)
	}
	for _, l := range lines[:len(lines)-1] {
		if !strings.HasPrefix(l, "time=") || !strings.Contains(l, "took=1.234567ms") {
			t.Errorf("got line %q, want a whole request line", l)
		}
	}
}

func TestWriteError(t *testing.T) {
	boom := errors.New("disk full")
	h := New(failingWriter{boom}, nil)
	r := slog.NewRecord(when, slog.LevelInfo, "request", 0)
	r.AddAttrs(requestAttrs()...)
	if err := h.Handle(context.Background(), r); !errors.Is(err, boom) {
		t.Errorf("got error %v, want %v", err, boom)
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

func FuzzHandler(f *testing.F) {
	f.Add("request", "id", "7b0c43a1-5d2e-4c7e-9a51-0f6f3f1c2d9e", int64(200), int64(1234567), int64(1709644029), int64(123456789), 3600, 0)
	f.Add("", "k", "", int64(-1), int64(0), int64(0), int64(0), 0, 4)
	f.Add("a b", "a=b", `"q"`, int64(math.MinInt64), int64(math.MinInt64), int64(-62135596800), int64(999999999), -30, -4)
	f.Add("café", "ключ", "a\\b", int64(7), int64(72*time.Hour+1), int64(253402300799), int64(1), 86399, 13)
	f.Add("\x00\xff", "\t", "\u00a0", int64(0), int64(-1500), int64(-1), int64(500), -86399, math.MinInt)
	f.Fuzz(func(t *testing.T, msg, key, sval string, ival, dur, sec, nsec int64, offset, level int) {
		tm := time.Unix(sec, nsec).In(time.FixedZone("", offset))
		// Most int64s lie far outside the years the fast path formats;
		// folded into them and a little beyond, with offsets up to a little
		// over a day, they exercise it.
		const span = maxUnix - minUnix + 4*86400
		folded := time.Unix(minUnix-2*86400+(sec%span+span)%span, nsec).In(time.FixedZone("", offset%90000))
		attrs := []slog.Attr{
			slog.String(key, sval),
			slog.Int64("i", ival),
			slog.Duration(key, time.Duration(dur)),
			slog.Uint64("u", uint64(ival)),
			slog.Float64("f", float64(ival)/float64(dur|1)),
			slog.Bool(sval, ival%2 == 0),
		}
		for _, tc := range []testCase{
			{time: tm, level: slog.Level(level), msg: msg, attrs: attrs},
			{time: tm, level: slog.Level(level), msg: sval},
			{time: folded, level: slog.Level(level), msg: msg, attrs: attrs},
			{level: slog.Level(level), msg: msg, attrs: []slog.Attr{slog.String("k", sval), slog.String(key, "v")}},
		} {
			tc.opts = &slog.HandlerOptions{Level: slog.Level(math.MinInt)}
			var got, want bytes.Buffer
			r := slog.NewRecord(tc.time, tc.level, tc.msg, 0)
			r.AddAttrs(tc.attrs...)
			if err := New(&got, tc.opts).Handle(context.Background(), r); err != nil {
				t.Fatalf("Handle: got error %v, want none", err)
			}
			if err := slog.NewTextHandler(&want, tc.opts).Handle(context.Background(), r); err != nil {
				t.Fatalf("TextHandler.Handle: got error %v, want none", err)
			}
			if got.String() != want.String() {
				t.Errorf("got  %q\nwant %q", got.String(), want.String())
			}
		}
	})
}

// BenchmarkRequestLine handles the server's request line, as emulator's
// edge logs it, with slog.TextHandler and with a Handler. The record is made
// once, so that only the handler is measured.
func BenchmarkRequestLine(b *testing.B) {
	for _, bb := range []struct {
		name string
		h    slog.Handler
	}{
		{"TextHandler", slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo})},
		{"textlog", New(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo})},
	} {
		b.Run(bb.name, func(b *testing.B) {
			ctx := context.Background()
			r := slog.NewRecord(time.Now(), slog.LevelInfo, "request", 0)
			r.AddAttrs(requestAttrs()...)
			b.ReportAllocs()
			for b.Loop() {
				if err := bb.h.Handle(ctx, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
