// Package awsjson serves the AWS JSON 1.1 protocol: POST / with the
// operation named in X-Amz-Target, a JSON object as the body and either a
// JSON object or a JSON error as the answer.
//
// A Service serves requests through protocol.Pipeline: it reads the body,
// checks the signature (unless the model marks the operation unsigned),
// validates the body against the model, fills the operation's typed input
// from the validated value (protocol.Schema.Fill; the body is parsed once)
// and writes the typed output. Handle refuses, at start-up, an input type
// whose fields do not fit the model's input shape (shape.Model.Fits).
// Every error leaves through one writer: a *protocol.Error keeps its code
// and status; anything else is logged and answered as the service's
// internal error with status 500 and a generic message.
//
// Choices where AWS's behaviour is not documented:
//
//   - An unknown target, an unregistered operation or a missing
//     X-Amz-Target is 400 UnknownOperationException with no message, as
//     Coral answers it.
//   - A method other than POST is 405 with Allow: POST and the same code.
//   - A body over protocol.DefaultBodyLimit (1 MiB) is 413
//     RequestEntityTooLargeException, refused from Content-Length before
//     reading when possible.
//   - An error body omits "message" when the message is empty.
//   - The signature is checked before the body is parsed, as AWS
//     authenticates before it deserialises.
//   - Member names match exactly: a member the model lacks, one named in
//     another case included, is ignored at every depth, whatever its value
//     (about 90 % sure of AWS's behaviour).
package awsjson
