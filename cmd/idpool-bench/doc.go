// Command idpool-bench measures idpool's performance targets as ratios
// against baselines measured side by side in the same run.
//
// Usage:
//
//	go build -o /tmp/idpool ./cmd/idpool
//	go run ./cmd/idpool-bench -server /tmp/idpool -duration 3s
//	go run ./cmd/idpool-bench -endpoint http://localhost:9230 -scenarios GetId-guest
//	go run ./cmd/idpool-bench -server /tmp/idpool -scale 1000000
//
// With -server the tool starts the binary itself on a free loopback port
// with a fresh file database, measures its start-up latency (fresh and
// existing database, and on :memory: alternating with a minimal Go HTTP
// server, the baseline of the start-up target), runs the scenarios against
// it, reads its resident memory afterwards and stops it. Unless
// -console-identities is 0, it also seeds a pool of that many identities
// into the database before the server starts, and compares a search in the
// web console over that pool with a page of ListIdentities of it. With
// -endpoint it drives a server that is already running (idpool, another
// emulator or real AWS).
//
// Every run also measures two baselines with the same load generator and
// the same number of workers: a trivial net/http handler answering {} (the
// machine's ceiling for request handling) and the RS512 signing rate with
// an RSA-2048 key on all CPUs (the ceiling for token-issuing operations).
// Each scenario runs interleaved with its baseline (-rounds alternating
// slices) so that both sides of its ratio see the same machine load, and is
// printed as PASS or MISS against its target. The report warns when the
// baselines varied so much that the machine was evidently busy.
//
// Set-up goes through the wire only, so the tool drives any endpoint. The
// federation and Cognito Sync scenarios give their pools' guests the role
// -role, sign STS and Cognito Sync calls with the credentials those guests
// get, and send STS and Cognito Sync calls to -sts-endpoint and
// -sync-endpoint when these services live elsewhere (as on AWS). The
// UpdateRecords scenario writes a new record with every request, so it
// prepares enough datasets, of enough identities, for writes at up to
// 25,000 a second without reaching a Cognito Sync quota.
package main
