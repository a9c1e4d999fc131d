// Package sigv4 verifies AWS Signature Version 4 on incoming requests, in
// both the Authorization-header form and the presigned query-string form.
//
// Parse extracts the claimed credential scope and signature without any
// secret, so callers can look up the access key, and CheckScope checks the
// scope against the service and region called; Verify refuses a request
// whose date is further from now than the service's window (AWS's differs
// per service: 15 minutes for most, 5 for Cognito Sync) or whose x-amz-*
// headers are not all signed, recomputes the canonical
// request exactly as the Go SDKs build it for services other than S3 (the
// path as sent, the one served, escaped a second time, per segment: not
// without its dot segments, as AWS's rule and botocore would have it, for
// that signature would cover another request than the one served),
// derives the signing key and compares in constant time.
//
// Errors wrap one of ErrMissing, ErrMalformed, ErrSignatureMismatch and
// ErrExpired, and their text is AWS's message, so a caller can answer with
// its own wire code (MissingAuthenticationTokenException,
// IncompleteSignatureException, SignatureDoesNotMatch or
// InvalidSignatureException) and err.Error() as the message.
package sigv4
