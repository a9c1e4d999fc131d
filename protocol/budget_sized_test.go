package protocol

import (
	"io"
	"strings"
	"testing"
	"time"
)

// TestBudgetSizedBodiesInStep: two bodies of declared length, each
// needing most of the budget, whose bytes arrive in step (the streams of
// one HTTP/2 connection) are both read: the first takes its whole share
// at once and the second waits without holding part of its own, rather
// than each taking half the budget and both failing.
func TestBudgetSizedBodiesInStep(t *testing.T) {
	const size = 3 << 10
	b := NewBudget(4<<10, 0, 2*time.Second)
	sized := func() *BudgetBody {
		return b.BodySized(io.NopCloser(strings.NewReader(strings.Repeat("x", size))), size)
	}
	first, second := sized(), sized()
	if _, err := io.ReadFull(first, make([]byte, 1<<10)); err != nil {
		t.Fatalf("first body's first KiB: got %v, want it read", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := io.ReadAll(second)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond) // the second body reads meanwhile
	if _, err := io.ReadAll(first); err != nil {
		t.Errorf("first body: got %v, want it read whole", err)
	}
	first.Release()
	if err := <-done; err != nil {
		t.Errorf("second body: got %v, want it read once the first gave its share back", err)
	}
	second.Release()
	if n := len(b.units); n != 0 {
		t.Errorf("units held after both released: got %d, want 0", n)
	}
}
