package protocol

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParseJSONObject(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		wantNil  bool
		wantCode string
		wantMsg  string
	}{
		{name: "object", body: `{"a":1}`},
		{name: "empty", body: ``, wantNil: true},
		{name: "blank", body: " \n\t", wantNil: true},
		{name: "list", body: `[1]`, wantCode: CodeSerialization, wantMsg: "Start of list found where not expected"},
		{name: "string", body: `"x"`, wantCode: CodeSerialization, wantMsg: "STRING_VALUE can not be converted to a Structure"},
		{name: "number", body: `5`, wantCode: CodeSerialization, wantMsg: "NUMBER_VALUE can not be converted to a Structure"},
		{name: "null", body: `null`, wantCode: CodeSerialization, wantMsg: "NULL_VALUE can not be converted to a Structure"},
		{name: "truncated", body: `{"a":`, wantCode: CodeSerialization, wantMsg: "Malformed JSON: unexpected end of input"},
		{name: "trailing data", body: `{} {}`, wantCode: CodeSerialization, wantMsg: "Malformed JSON: unexpected data after the top-level value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := ParseJSONObject([]byte(tt.body))
			if tt.wantCode != "" {
				e, ok := As(err)
				if !ok || e.Code != tt.wantCode || e.Message != tt.wantMsg || e.Status != http.StatusBadRequest {
					t.Errorf("got %v, want 400 %s %q", err, tt.wantCode, tt.wantMsg)
				}
				return
			}
			if err != nil || (v == nil) != tt.wantNil {
				t.Errorf("got %v, %v, want nil error and nil value %v", v, err, tt.wantNil)
			}
		})
	}
}

// unsized hides the body's length, as a chunked upload does.
type unsized struct{ io.Reader }

func TestReadBody(t *testing.T) {
	const limit = 8
	tests := []struct {
		name     string
		req      func() *http.Request
		want     string
		tooLarge bool
	}{
		{"within the limit", func() *http.Request { return httptest.NewRequest("POST", "/", strings.NewReader("12345678")) }, "12345678", false},
		{"declared too large", func() *http.Request { return httptest.NewRequest("POST", "/", strings.NewReader("123456789")) }, "", true},
		{"undeclared too large", func() *http.Request {
			r := httptest.NewRequest("POST", "/", unsized{strings.NewReader(strings.Repeat("x", 100))})
			r.ContentLength = -1
			return r
		}, "", true},
		{"no body", func() *http.Request { return httptest.NewRequest("GET", "/", nil) }, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			got, err := ReadBody(tt.req(), &buf, limit)
			if tt.tooLarge {
				if !errors.Is(err, &Error{Code: CodeTooLarge}) {
					t.Errorf("got %v, want %s", err, CodeTooLarge)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Errorf("got %q, %v, want %q", got, err, tt.want)
			}
		})
	}
}

// TestReadBodyGrowsWithArrivingBytes: a client that declares a large body
// and sends one byte gets a buffer sized for a small body, not for the
// declared length.
func TestReadBodyGrowsWithArrivingBytes(t *testing.T) {
	const limit = 1 << 20
	r := httptest.NewRequest("POST", "/", unsized{strings.NewReader("{")})
	r.ContentLength = limit
	var buf bytes.Buffer
	got, err := ReadBody(r, &buf, limit)
	if err != nil || string(got) != "{" {
		t.Fatalf("got %q, %v, want %q", got, err, "{")
	}
	if c := buf.Cap(); c > 4<<10 {
		t.Errorf("buffer capacity: got %d, want at most 4 KiB for one byte read", c)
	}
}
