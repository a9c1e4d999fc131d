// Package awsquery serves the AWS Query protocol (the wire protocol of AWS
// STS) on the server side: it decodes form-encoded parameters into a typed
// input, checks them against the service model, calls the operation and
// writes the XML answer or the XML error.
//
// Parameters come from a form body (Content-Type
// application/x-www-form-urlencoded, with or without a charset) and from the
// URL query string, on GET or POST; when a name occurs twice the first value
// wins, and body values come before query values. Action selects the
// operation and Version must equal the model's API version: as AWS does, an
// unknown or unregistered Action, a missing, empty or other Version all answer
// InvalidAction "Could not find operation <Action> for version <Version>"
// (NO_VERSION_SPECIFIED when absent). AWS redirects a request without Action
// to a marketing page; the emulator answers InvalidAction instead.
//
// The typed input of an operation is the decoding schema: its exported
// fields, named as the model's members (or by their json tag, for lowercase
// members such as "arn"), say which parameters exist and of what type.
// Strings, booleans, int32 (the model's integer), int64 (long), structs,
// slices (Name.member.N, 1-based, sparse indexes kept in order, "Name=" is an
// empty list) and maps with string keys (Name.entry.N.key / .value), and
// pointers to any of them, are supported (protocol.Schema); Handle refuses,
// at start-up, a type whose fields do not fit the model's input shape
// (shape.Model.Fits). Numbers outside their type's range
// or not integers answer MalformedInput, as STS does; everything else is
// checked by the model (shape.Validate) and reported as ValidationError, the
// query protocol's spelling of ValidationException, with Coral's text.
//
// Outputs are written inside
// <{Op}Response xmlns=…><{Op}Result>…</{Op}Result><ResponseMetadata>… by
// encoding/xml, indented by two spaces: an output struct's exported fields
// are the members, named by the field or by its xml tag (a list member is
// tagged `xml:"Name>member"`), and protocol.Time is ISO 8601 in UTC. Text
// is escaped as AWS escapes it: only '&', '<', '>' and CR, where
// encoding/xml also escapes quotes, tabs and newlines.
//
// A body over protocol.DefaultBodyLimit (1 MiB) is refused with 413
// RequestEntityTooLarge, before it is read when Content-Length says so;
// methods other than GET and POST with 405 MethodNotAllowed. Unsigned operations (the model's noAuth:
// AssumeRoleWithWebIdentity, AssumeRoleWithSAML) never reach the
// Authenticator, whatever signature they carry.
//
// Every error goes through one writer, as <ErrorResponse><Error><Type>,
// <Code>, <Message></Error><RequestId></ErrorResponse>. Errors of routing
// (InvalidAction) carry the AWSFault namespace, as AWS's front end answers
// them; all others the service's namespace. An error that is not a
// *protocol.Error, or a panic, is logged and answered as a 500 InternalFailure
// with a generic message.
package awsquery
