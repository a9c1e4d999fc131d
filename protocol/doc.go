// Package protocol holds the wire vocabulary that every AWS codec shares:
// errors that carry their AWS wire code and HTTP status, request ids, and
// the region of a request with the partition of regions and ARNs.
//
// Services return *Error values; each codec (awsjson, awsquery, restjson)
// has exactly one writer that turns them into its wire shape. Any other
// error reaching a codec is an internal fault and is answered as the
// service's internal error with status 500, never with its Go text.
package protocol
