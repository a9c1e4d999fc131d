// Package creds mints and recognises the temporary AWS credentials idpool
// hands out (GetCredentialsForIdentity, STS).
//
// Issuing needs no database write: the session token is the session itself
// (role, identity, expiry…) sealed with AES-GCM under a persisted server
// key, and the secret access key is an HMAC of the access key id under the
// same key. Whoever holds the server key can therefore recognise a
// credential from its session token alone, across restarts, until it
// expires.
package creds
