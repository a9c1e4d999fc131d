package protocol

// Releaser is an operation output that borrows pooled memory. A codec that
// gets one from an operation calls Release when it is done with it, after
// encoding it, and touches it no more; the operation may then reuse that
// memory for another request. Outputs the codec never
// releases (those of a service called directly, as in tests) are simply
// collected.
type Releaser interface {
	Release()
}

// Release releases out if it is a Releaser.
func Release(out any) {
	if r, ok := out.(Releaser); ok {
		r.Release()
	}
}
