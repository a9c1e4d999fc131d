package main

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestLogWriter(t *testing.T) {
	t.Run("flushed within the interval", func(t *testing.T) {
		var out lockedBuffer
		w := newLogWriter(&out, 10*time.Millisecond)
		defer w.Close()
		w.Write([]byte("line 1\n"))
		deadline := time.Now().Add(2 * time.Second)
		for out.String() != "line 1\n" {
			if time.Now().After(deadline) {
				t.Fatalf("got %q after 2 s, want the line written", out.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	t.Run("flushed on close", func(t *testing.T) {
		var out lockedBuffer
		w := newLogWriter(&out, time.Hour)
		w.Write([]byte("a\n"))
		w.Write([]byte("b\n"))
		if got := out.String(); got != "" {
			t.Errorf("before Close: got %q, want nothing yet", got)
		}
		w.Close()
		if got := out.String(); got != "a\nb\n" {
			t.Errorf("after Close: got %q, want both lines", got)
		}
	})
}
