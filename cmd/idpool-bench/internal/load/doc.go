// Package load is idpool-bench's closed-loop load generator: a fixed number
// of workers each send one prepared HTTP request after another over a shared
// keep-alive transport for a measured window, and the package reports the
// rate of successful (2xx) answers, their latency distribution and the
// failures seen.
//
// The generator is deliberately lean because on a small machine it shares
// the CPU with the server it measures: each worker builds its request once,
// bodies and payload hashes are prepared before the run, SigV4 signatures
// are refreshed at most once per second (a signature only depends on the
// request and the signing second), and latencies go into a fixed-size
// per-worker Histogram that is merged once at the end.
//
// Operations whose requests must all differ (a write of a new record each
// time) use RunStream instead of Run: each worker then asks a Stream for
// its next request and signs every one, which costs the client more but
// leaves Run's fixed-request path as lean as ever.
package load
