package textlog

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
)

// Handler is a slog.Handler whose output is byte for byte that of
// slog.NewTextHandler with the same writer and options. It formats the
// records the package documentation describes itself and hands all others to
// an embedded slog.TextHandler.
type Handler struct {
	// text formats what the fast path does not, and answers Enabled, so that
	// levels behave exactly as the text handler's do.
	text slog.Handler
	out  *output
	// fast reports whether records may take the fast path: it holds for a
	// handler from New without ReplaceAttr or AddSource, and is false for
	// every handler that WithAttrs or WithGroup changed.
	fast bool
}

// New returns a Handler writing to w with opts, which may be nil for the
// defaults as with slog.NewTextHandler.
func New(w io.Writer, opts *slog.HandlerOptions) *Handler {
	if opts == nil {
		opts = &slog.HandlerOptions{}
	}
	out := &output{w: w}
	out.pool.New = func() any {
		b := make([]byte, 0, initialBufSize)
		return &b
	}
	return &Handler{
		text: slog.NewTextHandler(out, opts),
		out:  out,
		fast: opts.ReplaceAttr == nil && !opts.AddSource,
	}
}

// Enabled reports whether the handler handles records at level, which is
// whether level is at least opts.Level (slog.LevelInfo when nil).
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.text.Enabled(ctx, level)
}

// Handle writes r as one line with a single Write call.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if !h.fast {
		return h.text.Handle(ctx, r)
	}
	bp := h.out.pool.Get().(*[]byte)
	b, ok := appendRecord((*bp)[:0], r)
	var err error
	if ok {
		_, err = h.out.Write(b)
	}
	// Very large lines are rare; their buffers are dropped rather than kept
	// alive by the pool.
	if cap(b) <= maxPooledBufSize {
		*bp = b[:0]
		h.out.pool.Put(bp)
	}
	if !ok {
		return h.text.Handle(ctx, r)
	}
	return err
}

// WithAttrs returns a handler whose lines carry attrs after the built-in
// attributes, as slog.TextHandler's WithAttrs does. Its records always take
// the slow path.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	// The text handler ignores empty groups, and returns itself when there is
	// nothing else; so does this one, keeping the fast path.
	empty := true
	for _, a := range attrs {
		if a.Value.Kind() != slog.KindGroup || len(a.Value.Group()) > 0 {
			empty = false
			break
		}
	}
	if empty {
		return h
	}
	return &Handler{text: h.text.WithAttrs(attrs), out: h.out}
}

// WithGroup returns a handler that qualifies the keys of later attributes
// with name, as slog.TextHandler's WithGroup does. Its records always take
// the slow path.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{text: h.text.WithGroup(name), out: h.out}
}

const (
	// initialBufSize holds a request line (about 150 bytes) with room to
	// spare.
	initialBufSize = 512
	// maxPooledBufSize is the largest buffer returned to the pool, as in
	// log/slog.
	maxPooledBufSize = 16 << 10
)

// output is the writer shared by a Handler, the text handler inside it and
// every handler derived from them.
type output struct {
	// mu serialises Writes from both paths, so that w is never written
	// concurrently even if it is not safe for that.
	mu   sync.Mutex
	w    io.Writer
	pool sync.Pool // of *[]byte, the fast path's line buffers
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.w.Write(p)
}

// appendRecord appends r's line as slog.TextHandler writes it when no
// groups, attributes, ReplaceAttr or AddSource are configured. It reports
// false when r holds something it does not format, in which case the
// returned bytes are meaningless.
func appendRecord(b []byte, r slog.Record) ([]byte, bool) {
	ok := true
	if !r.Time.IsZero() {
		b = append(b, "time="...)
		if b, ok = appendTime(b, r.Time); !ok {
			return b, false
		}
		b = append(b, ' ')
	}
	b = append(b, "level="...)
	b = appendLevel(b, r.Level)
	b = append(b, " msg="...)
	if b, ok = appendString(b, r.Message); !ok {
		return b, false
	}
	r.Attrs(func(a slog.Attr) bool {
		// An empty key may make the text handler drop the attribute; such
		// records are rare enough to leave to it.
		if a.Key == "" {
			ok = false
			return false
		}
		b = append(b, ' ')
		if b, ok = appendString(b, a.Key); !ok {
			return false
		}
		b = append(b, '=')
		b, ok = appendValue(b, a.Value)
		return ok
	})
	if !ok {
		return b, false
	}
	return append(b, '\n'), true
}

// appendValue appends v as slog.TextHandler writes it, for the kinds the
// fast path handles. It reports false for the other kinds.
func appendValue(b []byte, v slog.Value) ([]byte, bool) {
	switch v.Kind() {
	case slog.KindString:
		return appendString(b, v.String())
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10), true
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10), true
	case slog.KindFloat64:
		// The text handler writes floats bare, even NaN and ±Inf.
		return strconv.AppendFloat(b, v.Float64(), 'g', -1, 64), true
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool()), true
	case slog.KindDuration:
		return appendDuration(b, v.Duration()), true
	default:
		return b, false
	}
}
