// Package conformance holds idpool's end-to-end tests: real AWS SDK for Go
// v2 clients talking to a live idpool server over HTTP, exactly as an
// application would.
//
// By default each test starts its own in-process server (emulator.New on a
// file database in a temporary directory, served by net/http/httptest), so
// tests run in parallel without seeing each other's pools, and a test can
// restart the server on the same database to check what must survive a
// restart. With IDPOOL_ENDPOINT set (for example
// IDPOOL_ENDPOINT=http://127.0.0.1:9230), every client is aimed at that
// server instead; tests that must restart the server are then skipped.
// IDPOOL_ACCOUNT_ID and IDPOOL_ISSUER tell the tests what that server was
// started with when it is not the default.
//
// The package has no non-test code: this file only documents it.
package conformance
