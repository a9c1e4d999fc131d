// Package identity implements the rules of Amazon Cognito Identity
// (identity pools): pools and their configuration, identities and the
// logins linked to them, linking and merging, developer-authenticated
// identities, OpenID tokens, role resolution and principal tags for
// GetCredentialsForIdentity.
//
// A Service has one method per operation of the AWS model, named after it
// and taking and returning the model's input and output shapes as Go
// structs whose JSON names are the model's member names. The wire codec
// decodes requests into those structs and checks the model's constraints
// (lengths, patterns, required members) before a method runs; the methods
// implement every rule the model cannot express and return *protocol.Error
// values for client faults. Any other error is an internal fault.
//
// Every read-modify-write of identities runs inside one storage.Store
// Update, re-reading what it depends on, so that concurrent requests for
// the same new login agree on one identity.
package identity
