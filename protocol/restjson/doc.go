// Package restjson serves the AWS REST-JSON protocol (the wire protocol of
// Amazon Cognito Sync) on the server side: the operation is chosen by
// method and path, its input comes from URI labels, query parameters,
// headers and a JSON body, and the answer is a JSON object or a JSON error.
//
// Routes are compiled from the model's HTTP bindings (method and request
// URI) into a tree over path segments. The escaped request path is split on
// '/' first and each segment is percent-decoded afterwards, so
// "us-east-1%3Aabc" is the label value "us-east-1:abc" and an encoded '/'
// (%2F) stays inside its label. Literal segments win over labels, so
// ".../datasets/{DatasetName}" and ".../datasets/{DatasetName}/records" or
// ".../identity/{IdentityId}/device" and ".../identities/{IdentityId}" never
// shadow each other. Literal query parameters in a request URI
// ("?uploads") are required for that route.
//
// A Service serves requests through protocol.Pipeline: it reads the body,
// checks the signature (unless the model marks the operation unsigned),
// builds one generic value from the labels, the query string, the headers
// and the body, validates it against the model and fills the operation's
// typed input from that one value (protocol.Schema.Fill). Body keys naming
// members bound elsewhere are ignored, as AWS ignores them, and so are keys
// the model lacks at any depth, names in another case included: fields are
// filled by exact member names, and Handle refuses an input type whose
// fields do not fit the model's input shape. Every error leaves
// through one writer: a *protocol.Error keeps its code and its status (or
// the status the model gives its code); anything else, panics included, is
// logged and answered as the model's internal error with status 500 and a
// generic message. Errors carry the code in x-amzn-ErrorType, the message
// in x-amzn-ErrorMessage, and both in the body as
// {"__type":"<Code>","message":"…"}: SDKs read either.
//
// Choices where AWS's behaviour is not documented:
//
//   - A path no route matches is 404 UnknownOperationException, "No
//     operation matches <METHOD> <path>"; so is a modeled operation that
//     was never registered ("Operation <Name> is not supported").
//   - A known path with another method is 405 UnknownOperationException
//     with Allow listing the path's methods.
//   - Constraint violations keep Coral's "N validation error(s) detected:
//     …" text under the model's InvalidParameterException (Cognito Sync's
//     code for bad input), or ValidationException when the model has no
//     such error.
//   - Malformed JSON, a body that is not an object, a value of the wrong
//     JSON type, and a label, query parameter or header whose text cannot
//     be its member's type (maxResults=abc) are 400
//     SerializationException: the value is unreadable rather than out of
//     bounds. A number out of its type's range is read, then refused the
//     same way by the model.
//   - A body over the limit (1 MiB by default) is 413
//     RequestEntityTooLargeException, refused from Content-Length before
//     reading when possible.
//   - The signature is checked before the body is parsed, as AWS
//     authenticates before it deserialises.
//   - Timestamps in labels and query parameters are ISO 8601, in headers
//     HTTP dates, unless the model says otherwise; in bodies they are
//     epoch seconds (protocol.Time).
package restjson
