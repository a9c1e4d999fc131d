package protocol

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// body returns a body of n bytes within b that ends with its last bytes,
// as a net/http body of declared length does.
func body(b *Budget, n int) *BudgetBody {
	return b.Body(io.NopCloser(iotest.DataErrReader(strings.NewReader(strings.Repeat("x", n)))))
}

func TestBudget(t *testing.T) {
	tests := []struct {
		name      string
		size      int64
		free      int
		bodies    []int // bytes of the bodies read one after the other, all held
		wantHeld  []int // units each holds once read
		wantSpent bool  // the last body found the budget spent
	}{
		{"one small body", 4 << 10, 0, []int{10}, []int{1}, false},
		{"empty body holds none", 4 << 10, 0, []int{0}, []int{0}, false},
		{"a unit per KiB", 4 << 10, 0, []int{2048, 1}, []int{2, 1}, false},
		{"partial unit", 4 << 10, 0, []int{1025}, []int{2}, false},
		{"spent", 2 << 10, 0, []int{2048, 1}, []int{2, 0}, true},
		{"spent midway", 2 << 10, 0, []int{1024, 2048}, []int{1, 1}, true},
		{"free bytes hold none", 2 << 10, 4 << 10, []int{4 << 10, 4 << 10}, []int{0, 0}, false},
		{"a unit per KiB beyond the free bytes", 4 << 10, 1 << 10, []int{1025, 3072}, []int{1, 2}, false},
		{"small bodies read beside a spent budget", 2 << 10, 1 << 10, []int{3 << 10, 1 << 10, 10}, []int{2, 0, 0}, false},
		{"larger bodies wait beside a spent budget", 2 << 10, 1 << 10, []int{3 << 10, 1025}, []int{2, 0}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBudget(tt.size, tt.free, time.Millisecond)
			var held []*BudgetBody
			var err error
			for i, n := range tt.bodies {
				bb := body(b, n)
				held = append(held, bb)
				var got []byte
				got, err = io.ReadAll(bb)
				if i < len(tt.bodies)-1 && (err != nil || len(got) != n) {
					t.Fatalf("body %d: got %d bytes, %v, want %d bytes", i, len(got), err, n)
				}
				if bb.held != tt.wantHeld[i] {
					t.Errorf("body %d: got %d units held, want %d", i, bb.held, tt.wantHeld[i])
				}
			}
			if spent := errors.Is(err, &Error{Code: CodeUnavailable}); spent != tt.wantSpent {
				t.Errorf("last body: got %v, want spent %v", err, tt.wantSpent)
			}
			for _, bb := range held {
				bb.Release()
			}
			if n := len(b.units); n != 0 {
				t.Errorf("after release: got %d units taken, want 0", n)
			}
			if _, err := io.ReadAll(body(b, int(tt.size)+tt.free)); err != nil {
				t.Errorf("whole budget after release: got %v, want it free", err)
			}
		})
	}
}

// TestBudgetSeparateEnd: a body whose end comes in a read of its own (a
// chunked upload) needs no unit to see it, so it may use the whole budget.
func TestBudgetSeparateEnd(t *testing.T) {
	b := NewBudget(1<<10, 0, time.Millisecond)
	bb := b.Body(io.NopCloser(strings.NewReader(strings.Repeat("x", 1<<10))))
	if got, err := io.ReadAll(bb); err != nil || len(got) != 1<<10 {
		t.Fatalf("got %d bytes, %v, want the whole budget's worth", len(got), err)
	}
	if bb.held != 1 || len(b.units) != 1 {
		t.Errorf("got %d units held (%d taken), want 1", bb.held, len(b.units))
	}
	bb.Release()
}

// TestBudgetStalledBody: a body whose client sent one byte and stalls
// holds one unit, so others still get theirs; once the budget is spent a
// new body waits and gets the unit given back.
func TestBudgetStalledBody(t *testing.T) {
	b := NewBudget(2<<10, 0, time.Minute)
	pr, pw := io.Pipe()
	stalled := b.Body(pr)
	go pw.Write([]byte("{"))
	if n, err := stalled.Read(make([]byte, 512)); n != 1 || err != nil {
		t.Fatalf("stalled body: got %d, %v, want 1 byte", n, err)
	}
	other := body(b, 1000)
	if _, err := io.ReadAll(other); err != nil {
		t.Fatalf("second body: got %v, want it read beside the stalled one", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := io.ReadAll(body(b, 10))
		done <- err
	}()
	other.Release()
	if err := <-done; err != nil {
		t.Errorf("waiting body: got %v, want it read once a unit came free", err)
	}
	pw.Close()
	stalled.Release()
}

// TestBudgetSmallBodyBesideStalled: bodies that stalled once they had
// taken the whole budget delay only larger bodies; a body within the free
// bytes is read at once.
func TestBudgetSmallBodyBesideStalled(t *testing.T) {
	const free = 4 << 10
	b := NewBudget(4<<10, free, time.Minute)
	for i := range 2 {
		pr, pw := io.Pipe()
		stalled := b.Body(pr)
		go pw.Write(make([]byte, 4<<10)) // the free bytes and half the budget, then stall
		if _, err := io.ReadFull(stalled, make([]byte, 4<<10)); err != nil {
			t.Fatalf("stalled body %d: got %v, want its first bytes read", i, err)
		}
		go pw.Write(make([]byte, 2<<10))
		if _, err := io.ReadFull(stalled, make([]byte, 2<<10)); err != nil {
			t.Fatalf("stalled body %d: got %v, want its share of the budget read", i, err)
		}
		defer stalled.Release()
		defer pw.Close()
	}
	if n := len(b.units); n != cap(b.units) {
		t.Fatalf("got %d of %d units taken, want the budget spent", n, cap(b.units))
	}
	small := body(b, free)
	defer small.Release()
	start := time.Now()
	if got, err := io.ReadAll(small); err != nil || len(got) != free {
		t.Fatalf("small body: got %d bytes, %v, want %d", len(got), err, free)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("small body: read after %v, want it at once", d)
	}
}

// TestReadBodyUnavailable: ReadBody answers a spent budget with 503
// ServiceUnavailable, which SDKs retry, not as an unreadable body.
func TestReadBodyUnavailable(t *testing.T) {
	b := NewBudget(1, 0, time.Millisecond)
	holder := body(b, 1)
	if _, err := io.ReadAll(holder); err != nil {
		t.Fatal(err)
	}
	defer holder.Release()
	r := httptest.NewRequest("POST", "/", nil)
	r.Body, r.ContentLength = body(b, 10), 10
	_, err := ReadBody(r, new(bytes.Buffer), 1<<20)
	if e, ok := As(err); !ok || e.Code != CodeUnavailable || e.Status != http.StatusServiceUnavailable {
		t.Errorf("got %v, want 503 %s", err, CodeUnavailable)
	}
}
