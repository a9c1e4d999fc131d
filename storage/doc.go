// Package storage defines idpool's durable state: the value types (pools,
// identities, logins, signing keys), the Store interface every backend
// implements, and the sentinel errors backends return.
//
// Values go in and come out by value; a caller never shares memory with the
// store. Reads run outside transactions. Every read-modify-write runs inside
// Store.Update, whose function sees a Tx: the reads and writes of one
// transaction that commits as a whole or not at all.
package storage
