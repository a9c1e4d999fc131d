// Package arn splits Amazon Resource Names into their fields and puts
// them back together. Its one job is the ARN's six-field form; what a
// service takes in each field (which service, which resource prefix,
// which error text) is its caller's rule.
package arn
