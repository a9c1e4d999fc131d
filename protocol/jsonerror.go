package protocol

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"unicode/utf8"
)

// EncodeJSON writes v to buf as JSON, without the newline
// json.Encoder.Encode ends with. '<', '>' and '&' are written as they are,
// as AWS writes them, rather than escaped for HTML. On error buf is left
// as it was.
func EncodeJSON(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1)
	return nil
}

// jsonError is the body of a JSON error; the message is left out when
// empty.
type jsonError struct {
	Type    string `json:"__type"`
	Message string `json:"message,omitempty"`
}

// maxHeaderMessage bounds x-amzn-ErrorMessage: browsers and Node refuse
// very large headers, and the body carries the whole message anyway.
const maxHeaderMessage = 1024

// WriteJSONError writes e with status as the AWS JSON services do: the body
// {"__type": code, "message": …}, x-amzn-ErrorType as errorType (each
// protocol spells it its own way) and the message on one header line.
func WriteJSONError(w http.ResponseWriter, contentType, errorType string, e *Error, status int) {
	var buf bytes.Buffer
	// Two strings cannot fail to encode.
	_ = EncodeJSON(&buf, jsonError{Type: e.Code, Message: e.Message})

	h := w.Header()
	h.Set("Content-Type", contentType)
	// AWS's spellings, kept verbatim (Set would canonicalise them).
	h["x-amzn-ErrorType"] = []string{errorType}
	if msg := headerMessage(e.Message); msg != "" {
		h["x-amzn-ErrorMessage"] = []string{msg}
	}
	WriteBody(w, status, buf.Bytes())
}

// headerMessage makes msg safe for one header line: control characters
// become spaces, invalid UTF-8 is replaced, and it is cut at
// maxHeaderMessage bytes on a rune boundary.
func headerMessage(msg string) string {
	if msg == "" {
		return ""
	}
	clean := true
	for i := 0; i < len(msg); i++ {
		if c := msg[i]; c < 0x20 || c == 0x7f || c >= utf8.RuneSelf {
			clean = false
			break
		}
	}
	if clean && len(msg) <= maxHeaderMessage {
		return msg
	}
	var b strings.Builder
	for _, r := range msg {
		if r < 0x20 || r == 0x7f {
			r = ' '
		}
		if b.Len()+utf8.RuneLen(r) > maxHeaderMessage {
			break
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}
