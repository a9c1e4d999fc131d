package restxml

import (
	"bytes"
	"encoding/xml"
	"log/slog"
	"net/http"
	"strings"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/sigv4"
)

// ContentType is the media type of the error body, as S3 answers it.
const ContentType = "application/xml"

// CodeNotImplemented is S3's code for a request of functionality the
// server does not implement.
const CodeNotImplemented = "NotImplemented"

// message is what every refused client is told: that this endpoint is not
// S3, and how to keep S3's clients away from it.
const message = "this endpoint is idpool, which emulates Cognito Identity, STS, Cognito Sync and IAM, not S3: " + sigv4.EndpointHint

// internalMessage is the only text a client sees for an internal fault.
const internalMessage = "We encountered an internal error. Please try again."

// Unknown refuses every request it serves as an S3 operation idpool does
// not emulate; it is a protocol.Codec, so the refusal is recorded and
// logged as any codec's is. It is safe for concurrent use.
type Unknown struct {
	pipe protocol.Pipeline
}

// NewUnknown returns an Unknown logging to logger (nil discards).
func NewUnknown(logger *slog.Logger) *Unknown {
	return &Unknown{pipe: protocol.Pipeline{Log: logger}}
}

func (u *Unknown) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.pipe.Serve(w, r, u)
}

// Route implements protocol.Codec: no request names an operation idpool
// has, and none is read. The reason names the request and the service it
// is signed for, as the other codecs' reasons for another service's
// request do; the message already gives the remedy.
func (u *Unknown) Route(_ http.ResponseWriter, r *http.Request, _ func() ([]byte, error)) (protocol.Call, error) {
	signed, _ := sigv4.Describe(r)
	if SigV2(r) {
		// Describe reads SigV4 only, and would call it malformed.
		signed = "signed with SigV2, as only S3's clients still sign"
	}
	protocol.SetReason(r.Context(), r.Method+" "+r.URL.Path+" ("+signed+") is not an operation of a service idpool emulates")
	// The client's fault, not the server's: it was sent to the wrong
	// endpoint, and the log says so at info (see emulator's edge).
	return nil, &protocol.Error{Code: CodeNotImplemented, Message: message, Status: http.StatusBadRequest, Sender: true}
}

// SigV2 reports whether r carries a SigV2 signature, which only S3's
// clients still send (boto3's presigned URLs by default): an
// "AWS AKID:signature" Authorization header, or a query string with
// AWSAccessKeyId and Signature but none of the SignatureVersion that SigV2
// query signing of the other services carries.
func SigV2(r *http.Request) bool {
	if strings.HasPrefix(r.Header.Get("Authorization"), "AWS ") {
		return true
	}
	q := r.URL.RawQuery
	if !strings.Contains(q, "AWSAccessKeyId=") || !strings.Contains(q, "Signature=") {
		return false
	}
	v := r.URL.Query()
	return v.Has("AWSAccessKeyId") && v.Has("Signature") && !v.Has("SignatureVersion")
}

// Internal implements protocol.Codec.
func (u *Unknown) Internal() *protocol.Error {
	return &protocol.Error{Code: "InternalError", Message: internalMessage, Status: http.StatusInternalServerError}
}

// s3Error is S3's error body: <Error> at the root, unlike the query
// protocol's <ErrorResponse>, which S3's parsers do not read.
type s3Error struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string
	Message   string
	RequestId string
}

// WriteError implements protocol.Codec: S3's XML error, with the request
// id in the body and in S3's x-amz-request-id header, where S3's clients
// look for it.
func (u *Unknown) WriteError(w http.ResponseWriter, r *http.Request, e *protocol.Error, _ error) {
	var id string
	if req := protocol.RequestFrom(r.Context()); req != nil {
		id = req.ID
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	// Strings alone cannot fail to encode.
	_ = xml.NewEncoder(&buf).Encode(s3Error{Code: e.Code, Message: e.Message, RequestId: id})
	h := w.Header()
	h.Set("Content-Type", ContentType)
	if id != "" {
		// S3's spelling, kept verbatim (Set would canonicalise it).
		h["x-amz-request-id"] = []string{id}
	}
	protocol.WriteBody(w, e.Status, buf.Bytes())
}
