package protocol

import (
	"io"
	"net/http"
	"time"
)

// CodeUnavailable is AWS's common code for a temporary failure of the
// server; SDKs retry it with back-off.
const CodeUnavailable = "ServiceUnavailable"

// Unavailable is the 503 answer to a request the server cannot take now.
func Unavailable() *Error {
	return Errorf(http.StatusServiceUnavailable, CodeUnavailable, "The request has failed due to a temporary failure of the server.")
}

// budgetUnit is the granularity of a Budget, in bytes.
const budgetUnit = 1 << 10

// Budget bounds the request body bytes that all requests in flight may
// read at once, so that memory stays bounded whatever clients send: a body
// takes its share of the budget as its bytes arrive, a unit (1 KiB) at a
// time, and gives it back when its request ends. A body that finds the
// budget spent waits for others to give theirs back, at most the Budget's
// wait, and then fails with Unavailable.
//
// The first free bytes of every body (NewBudget's free) are read without
// taking units, so that a small request never waits: bodies that stall
// once they have taken the whole budget, however many, delay only the
// bodies larger than free bytes. The memory this leaves outside the budget
// is free bytes for each request in flight, which the server must bound by
// bounding its connections (idpool's own server, on emulator.Listen, keeps
// at most 4,096 and frees 4 KiB of each: 16 MiB at most; a program serving
// idpool's handler on a listener of its own bounds them itself).
//
// A read takes the units for its bytes once they have arrived, into space
// the reader allocated for earlier bytes, and never reads more than one
// unit beyond the free bytes and the units held. Bodies are read into
// buffers that grow by doubling (see ReadBody), so the memory they hold
// stays below about twice the budget and the free bytes of the requests
// in flight, plus a small amount per request.
type Budget struct {
	units chan struct{} // one element per unit taken
	free  int           // bytes of each body read without units
	wait  time.Duration
}

// NewBudget returns a budget of size bytes (rounded up to whole KiB, at
// least one) whose bodies read their first free bytes without taking units
// and wait at most wait for their share of the rest.
func NewBudget(size int64, free int, wait time.Duration) *Budget {
	n := max(1, (size+budgetUnit-1)/budgetUnit)
	return &Budget{units: make(chan struct{}, n), free: max(0, free), wait: wait}
}

// Body returns body reading within the budget. Release must be called once
// the request is done with it.
func (b *Budget) Body(body io.ReadCloser) *BudgetBody {
	return &BudgetBody{budget: b, body: body, credit: b.free}
}

// take takes one unit, waiting at most b.wait for one to come free.
func (b *Budget) take() bool {
	select {
	case b.units <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(b.wait)
	defer t.Stop()
	select {
	case b.units <- struct{}{}:
		return true
	case <-t.C:
		return false
	}
}

// BudgetBody is a request body read within a Budget. It is used by the
// request's goroutine alone.
type BudgetBody struct {
	budget *Budget
	body   io.ReadCloser
	credit int // bytes that may still be read on the free bytes and the units held
	held   int // units taken
}

// Read reads at most one unit beyond the bytes that the free bytes left
// and the units held allow, and takes one more unit when the bytes read
// need it. When none comes free in time it fails with Unavailable, an
// *Error that ReadBody returns as it is.
func (b *BudgetBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p[:min(len(p), b.credit+budgetUnit)])
	if n > b.credit {
		if !b.budget.take() {
			return 0, Unavailable()
		}
		b.held++
		b.credit += budgetUnit
	}
	b.credit -= n
	return n, err
}

// Close closes the underlying body; the units stay held until Release.
func (b *BudgetBody) Close() error { return b.body.Close() }

// Release gives back every unit held; once they are given back, it does
// nothing more. The bytes read must no longer be referenced by then.
func (b *BudgetBody) Release() {
	for ; b.held > 0; b.held-- {
		<-b.budget.units
	}
	b.credit = 0
}
