// Package protocol holds the wire vocabulary that every AWS codec shares:
// errors that carry their AWS wire code and HTTP status, request ids, and
// the region of a request with the partition of regions and ARNs; and the
// request pipeline the codecs share.
//
// Pipeline.Serve runs every request through the same steps: the codec
// routes it to an operation, the body is read within a limit (and within
// the server's Budget), a signed operation is authenticated, the codec
// decodes the input, the operation runs with panics recovered, and the
// codec encodes the output. A codec (awsjson, awsquery, restjson) keeps
// only its wire format, behind the Codec and Call interfaces.
//
// Every codec decodes a request once, into one generic value (JSON's
// map[string]any, []any, string, json.Number and bool) that the model
// validates; Schema.Fill then stores that value into the operation's typed
// input by reflection, with fields matched to members by their exact
// names. A codec registers an operation only when its input type fits the
// model's input shape (shape.Model.Fits), so no field is ever silently
// left zero by a value of another kind.
//
// Services return *Error values; each codec has exactly one writer that
// turns them into its wire shape. Any other error is an internal fault and
// is answered as the codec's internal error with status 500, never with
// its Go text.
package protocol
