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
// A body of a declared length (BodySized) takes the units for all of it
// at once, when its first byte beyond the free bytes arrives, and only
// one such body at a time waits for units. Bodies that each took part of
// their share and wait for the rest would otherwise spend the budget
// among them and wait for each other until they fail: 100 bodies of 1 MB
// sent at once on one HTTP/2 connection, whose streams arrive in step,
// all failed but one. A client that declares a large body, sends more than
// the free bytes and stalls holds its whole share until the server's read
// timeout. A body of unknown length (chunked) takes its units as its
// bytes arrive.
//
// A read takes the units for its bytes once they have arrived, into space
// the reader allocated for earlier bytes, and never reads more than one
// unit beyond the free bytes and the units held. Bodies are read into
// buffers that grow by doubling (see ReadBody), so the memory they hold
// stays below about twice the budget and the free bytes of the requests
// in flight, plus a small amount per request.
type Budget struct {
	units chan struct{} // one element per unit taken
	// grow is held by the one sized body that is taking its units.
	grow chan struct{}
	free int // bytes of each body read without units
	wait time.Duration
}

// NewBudget returns a budget of size bytes (rounded up to whole KiB, at
// least one) whose bodies read their first free bytes without taking units
// and wait at most wait for their share of the rest.
func NewBudget(size int64, free int, wait time.Duration) *Budget {
	n := max(1, (size+budgetUnit-1)/budgetUnit)
	return &Budget{units: make(chan struct{}, n), grow: make(chan struct{}, 1), free: max(0, free), wait: wait}
}

// Body returns body, of unknown length, reading within the budget.
// Release must be called once the request is done with it.
func (b *Budget) Body(body io.ReadCloser) *BudgetBody {
	return b.BodySized(body, -1)
}

// BodySized returns body, which declares size bytes (negative when
// unknown), reading within the budget. Release must be called once the
// request is done with it.
func (b *Budget) BodySized(body io.ReadCloser, size int64) *BudgetBody {
	return &BudgetBody{budget: b, body: body, credit: b.free, size: size}
}

// takeAll takes n units at once, waiting at most b.wait for them; it holds
// b.grow meanwhile, so that bodies waiting for their share never hold part
// of it each. It takes none when they do not come in time.
func (b *Budget) takeAll(n int) bool {
	t := time.NewTimer(b.wait)
	defer t.Stop()
	select {
	case b.grow <- struct{}{}:
	case <-t.C:
		return false
	}
	defer func() { <-b.grow }()
	for i := range n {
		select {
		case b.units <- struct{}{}:
		case <-t.C:
			for range i {
				<-b.units
			}
			return false
		}
	}
	return true
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
	credit int   // bytes that may still be read on the free bytes and the units held
	held   int   // units taken
	size   int64 // the declared length, negative when unknown
}

// Read reads at most one unit beyond the bytes that the free bytes left
// and the units held allow, and takes one more unit when the bytes read
// need it. When none comes free in time it fails with Unavailable, an
// *Error that ReadBody returns as it is.
func (b *BudgetBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p[:min(len(p), b.credit+budgetUnit)])
	if n > b.credit && b.held == 0 && b.size > int64(b.credit) {
		// The whole share of a sized body, when the budget can hold it.
		units := int((b.size - int64(b.credit) + budgetUnit - 1) / budgetUnit)
		if units <= cap(b.budget.units) {
			if !b.budget.takeAll(units) {
				return 0, Unavailable()
			}
			b.held += units
			b.credit += units * budgetUnit
		}
	}
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
