package protocol

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func TestHeaderMessage(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"plain", "Identity 'x' not found.", "Identity 'x' not found."},
		{"newlines", "a\r\nb\tc", "a  b c"},
		{"unicode kept", "pool 'é' bad", "pool 'é' bad"},
		{"cut on rune boundary", strings.Repeat("é", 600), strings.Repeat("é", 512)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := headerMessage(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWriteJSONError(t *testing.T) {
	w := httptest.NewRecorder()
	WriteJSONError(w, "application/json", "NotAuthorizedException:", BadRequest("NotAuthorizedException", "a <b> & c\nd"), 400)
	if w.Code != 400 {
		t.Errorf("status: got %d, want 400", w.Code)
	}
	if got, want := w.Body.String(), `{"__type":"NotAuthorizedException","message":"a <b> & c\nd"}`; got != want {
		t.Errorf("body: got %s, want %s", got, want)
	}
	h := w.Header()
	if got := h["x-amzn-ErrorType"]; len(got) != 1 || got[0] != "NotAuthorizedException:" {
		t.Errorf("x-amzn-ErrorType: got %v, want NotAuthorizedException:", got)
	}
	if got := h["x-amzn-ErrorMessage"]; len(got) != 1 || got[0] != "a <b> & c d" {
		t.Errorf("x-amzn-ErrorMessage: got %v, want one line", got)
	}
	if got, want := h.Get("Content-Length"), strconv.Itoa(w.Body.Len()); got != want {
		t.Errorf("Content-Length: got %s, want %s", got, want)
	}
}
