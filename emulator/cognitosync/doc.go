// Package cognitosync implements the rules of Amazon Cognito Sync: the
// datasets and records of each identity, the sync-count protocol that lets
// devices synchronise them incrementally and detect conflicts, usage
// figures, and the pool-level configuration (Cognito Events, Cognito
// Streams, push sync, bulk publish), which is stored and answered but never
// acted on outside the machine.
//
// A Service has one method per operation of the AWS model, named after it
// and taking and returning the model's input and output shapes as Go
// structs whose JSON names are the model's member names. The REST-JSON
// codec binds path labels, query strings, headers and the body into the
// inputs by member name and checks the model's constraints before a method
// runs; the methods implement every rule the model cannot express and
// return *protocol.Error values for client faults. Any other error is an
// internal fault.
//
// Who may call what is decided by each operation's Scope (ScopeOf, which
// strict mode reads too) from the protocol.Principal in the context:
// credentials Cognito Identity issued to an identity may touch only that
// identity's data in its own pool; pool-level operations need the
// developer's own credentials; push-sync device operations need Cognito
// credentials.
//
// Every write of a dataset runs inside one storage.Store Update, and the
// dataset's sync count moves by compare-and-swap, so that of concurrent
// writers holding the same sync count exactly one wins and the others get
// ResourceConflictException.
package cognitosync
