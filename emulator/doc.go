// Package emulator is idpool's composition root: it turns a Config into a
// running set of services (Cognito Identity, STS, Cognito Sync) over one
// store, and serves them all on one http.Handler.
//
// routes.go is the only place that knows both the wire codecs and the
// services; everything else stays on one side of that line.
package emulator
