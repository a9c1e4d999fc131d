// Package console is idpool's web console, served by idpool itself under
// /_idpool/console: server-rendered html/template pages over the store that
// show pools, identities and their Cognito Sync datasets, the recent
// requests (live, by server-sent events) with the reason of every refusal,
// a JWT inspector, and the test controls a tester needs (delete an
// identity, expire its credentials, rotate the signing key, reset).
//
// Templates, stylesheet and script are embedded in the binary; every page
// works with JavaScript off except the live updates of the activity page.
// Every value shown comes from clients and is escaped by html/template.
// Every action is a POST that must come from the console's own origin.
package console
