package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
)

// CodeTooLarge is the code of a request whose body is over the limit.
const CodeTooLarge = "RequestEntityTooLargeException"

// DefaultBodyLimit is the largest request body the codecs accept.
const DefaultBodyLimit = 1 << 20

// TooLarge is the 413 answer to a body over limit bytes.
func TooLarge(limit int64) *Error {
	return Errorf(http.StatusRequestEntityTooLarge, CodeTooLarge, "Request body must not be larger than %d bytes", limit)
}

// presize is the most buf grows to from a declared Content-Length before
// the bytes arrive: enough for nearly every request in one allocation, and
// small enough that connections declaring large bodies and sending none
// hold little memory.
const presize = 1 << 10

// ReadBody reads r's body into buf, refusing more than limit bytes: from
// Content-Length before reading when the client declares it, otherwise by
// reading at most one byte past the limit, so that an oversized body is
// never read whole. buf grows with the bytes that arrive, never from the
// declared length alone beyond presize. A missing body reads as nil. An
// *Error from the body's reader (see Budget) is returned as it is.
func ReadBody(r *http.Request, buf *bytes.Buffer, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, TooLarge(limit)
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > 0 {
		buf.Grow(int(min(r.ContentLength, presize)) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(r.Body, limit+1)); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, TooLarge(limit)
		}
		if e, ok := As(err); ok {
			return nil, e
		}
		return nil, BadRequest(CodeSerialization, "Unable to read the request body")
	}
	if int64(buf.Len()) > limit {
		return nil, TooLarge(limit)
	}
	return buf.Bytes(), nil
}

// ParseJSONObject decodes a JSON request body into its generic form for
// validation, numbers kept as json.Number. An empty or blank body yields
// nil; anything but one JSON object is a SerializationException worded
// like AWS's (Coral's).
func ParseJSONObject(body []byte) (map[string]any, error) {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, malformedJSON(err)
	}
	rest := trimmed[dec.InputOffset():]
	if len(bytes.TrimLeft(rest, " \t\r\n")) != 0 {
		return nil, BadRequest(CodeSerialization, "Malformed JSON: unexpected data after the top-level value")
	}
	var found string
	switch x := v.(type) {
	case map[string]any:
		return x, nil
	case []any:
		return nil, BadRequest(CodeSerialization, "Start of list found where not expected")
	case string:
		found = "STRING_VALUE"
	case json.Number:
		found = "NUMBER_VALUE"
	case bool:
		found = "FALSE_VALUE"
		if x {
			found = "TRUE_VALUE"
		}
	default:
		found = "NULL_VALUE"
	}
	return nil, BadRequest(CodeSerialization, "%s can not be converted to a Structure", found)
}

// malformedJSON words a JSON syntax error for the client; it names the
// offset but never Go types.
func malformedJSON(err error) *Error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return BadRequest(CodeSerialization, "Malformed JSON at offset %d: %s", se.Offset, se.Error())
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return BadRequest(CodeSerialization, "Malformed JSON: unexpected end of input")
	}
	return BadRequest(CodeSerialization, "Malformed JSON")
}

// WriteBody writes status and body with its Content-Length declared, so
// that a body of any size goes out in one piece rather than chunked.
func WriteBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
