// Package storagetest is the conformance suite for storage.Store: every
// backend's tests call Run with a constructor of empty stores, and a
// backend is correct when the suite passes.
//
// The suite checks the contract of package storage as written: every
// method, every sentinel error, transactions that commit whole or not at
// all, values that never share memory with the store, and Update under
// concurrency. It compares values semantically: a nil and an empty map or
// slice are equal, and timestamps are compared at millisecond precision.
//
// Racing is for the tests of services: a Store whose next transaction
// starts only after another write, so a request loses a race on purpose;
// ReadRacing runs the write right after a read of a dataset instead.
package storagetest
