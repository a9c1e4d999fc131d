package protocol

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// fakeCodec records what the pipeline asked of it; its answers are plain
// text: "ok <output>" or "error <code> <status>".
type fakeCodec struct {
	routeErr    error
	readInRoute bool
	signed      bool
	decodeErr   error
	run         func(ctx context.Context) (any, error)
	encodeErr   error

	steps []string
	body  string
}

func (c *fakeCodec) Route(_ http.ResponseWriter, _ *http.Request, body func() ([]byte, error)) (Call, error) {
	c.steps = append(c.steps, "route")
	if c.readInRoute {
		if _, err := body(); err != nil {
			return nil, err
		}
	}
	if c.routeErr != nil {
		return nil, c.routeErr
	}
	return c, nil
}

func (c *fakeCodec) WriteError(w http.ResponseWriter, _ *http.Request, e *Error, _ error) {
	c.steps = append(c.steps, "error "+e.Code)
	WriteBody(w, e.Status, []byte("error "+e.Code))
}

func (c *fakeCodec) Internal() *Error {
	return &Error{Code: "Internal", Message: "hidden", Status: http.StatusInternalServerError}
}

func (c *fakeCodec) Operation() string { return "Op" }
func (c *fakeCodec) Signed() bool      { return c.signed }

func (c *fakeCodec) Decode(_ *http.Request, body []byte) (Invocation, error) {
	c.steps = append(c.steps, "decode")
	c.body = string(body)
	if c.decodeErr != nil {
		return nil, c.decodeErr
	}
	return c.run, nil
}

func (c *fakeCodec) Encode(w http.ResponseWriter, _ *http.Request, out any) error {
	c.steps = append(c.steps, "encode")
	if c.encodeErr != nil {
		return c.encodeErr
	}
	s, _ := out.(string)
	WriteBody(w, http.StatusOK, []byte("ok "+s))
	return nil
}

func TestPipeline(t *testing.T) {
	refuse := func(*http.Request, []byte) (*Principal, error) {
		return nil, Errorf(http.StatusForbidden, "Denied", "no")
	}
	accept := func(_ *http.Request, body []byte) (*Principal, error) {
		if string(body) != "payload" {
			return nil, Errorf(http.StatusForbidden, "Denied", "got body %q", body)
		}
		return &Principal{AccessKeyID: "AKID"}, nil
	}
	whoami := func(ctx context.Context) (any, error) {
		p, ok := PrincipalFrom(ctx)
		if !ok {
			return "nobody", nil
		}
		return p.AccessKeyID, nil
	}
	tests := []struct {
		name      string
		codec     fakeCodec
		auth      Authenticator
		body      string
		limit     int64
		want      string
		status    int
		steps     string
		operation string
		errCode   string
		cause     string
	}{
		{name: "success", codec: fakeCodec{run: whoami}, body: "payload",
			want: "ok nobody", status: 200, steps: "route decode encode", operation: "Op"},
		{name: "signed, principal in context", codec: fakeCodec{signed: true, run: whoami}, auth: accept, body: "payload",
			want: "ok AKID", status: 200, steps: "route decode encode", operation: "Op"},
		{name: "unsigned operation never authenticated", codec: fakeCodec{run: whoami}, auth: refuse, body: "payload",
			want: "ok nobody", status: 200, steps: "route decode encode", operation: "Op"},
		{name: "refused before decoding", codec: fakeCodec{signed: true, run: whoami}, auth: refuse, body: "payload",
			want: "error Denied", status: 403, steps: "route error Denied", operation: "Op", errCode: "Denied"},
		{name: "no route", codec: fakeCodec{routeErr: BadRequest("NoRoute", "x")}, body: "payload",
			want: "error NoRoute", status: 400, steps: "route error NoRoute", errCode: "NoRoute"},
		{name: "body too large", codec: fakeCodec{run: whoami}, body: "payload", limit: 3,
			want: "error " + CodeTooLarge, status: 413, steps: "route error " + CodeTooLarge, operation: "Op", errCode: CodeTooLarge},
		{name: "body read by route", codec: fakeCodec{readInRoute: true, run: whoami}, body: "payload", limit: 3,
			want: "error " + CodeTooLarge, status: 413, steps: "route error " + CodeTooLarge, errCode: CodeTooLarge},
		{name: "decode error", codec: fakeCodec{decodeErr: BadRequest("Bad", "x")}, body: "payload",
			want: "error Bad", status: 400, steps: "route decode error Bad", operation: "Op", errCode: "Bad"},
		{name: "service error wrapped", codec: fakeCodec{run: func(context.Context) (any, error) {
			return nil, fmt.Errorf("wrapped: %w", Errorf(http.StatusConflict, "Busy", "x"))
		}}, want: "error Busy", status: 409, steps: "route decode error Busy", operation: "Op", errCode: "Busy"},
		{name: "internal error", codec: fakeCodec{run: func(context.Context) (any, error) {
			return nil, errors.New("disk on fire")
		}}, want: "error Internal", status: 500, steps: "route decode error Internal", operation: "Op", errCode: "Internal", cause: "disk on fire"},
		{name: "panic", codec: fakeCodec{run: func(context.Context) (any, error) {
			panic("boom")
		}}, want: "error Internal", status: 500, steps: "route decode error Internal", operation: "Op", errCode: "Internal", cause: "panic in Op: boom"},
		{name: "encode error", codec: fakeCodec{run: whoami, encodeErr: errors.New("cannot encode")},
			want: "error Internal", status: 500, steps: "route decode encode error Internal", operation: "Op", errCode: "Internal", cause: "encode Op output: cannot encode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Pipeline{Auth: tt.auth, Limit: tt.limit}
			req := &Request{ID: "id"}
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			r.ContentLength = -1 // refused while reading, not from the header
			r = r.WithContext(WithRequest(r.Context(), req))
			w := httptest.NewRecorder()
			p.Serve(w, r, &tt.codec)
			if w.Code != tt.status || w.Body.String() != tt.want {
				t.Errorf("got %d %q, want %d %q", w.Code, w.Body, tt.status, tt.want)
			}
			if got := strings.Join(tt.codec.steps, " "); got != tt.steps {
				t.Errorf("steps: got %q, want %q", got, tt.steps)
			}
			if got := w.Header().Get("Content-Length"); got != "" && got != strconv.Itoa(w.Body.Len()) {
				t.Errorf("Content-Length: got %s, want %d", got, w.Body.Len())
			}
			if req.Operation != tt.operation {
				t.Errorf("operation: got %q, want %q", req.Operation, tt.operation)
			}
			gotCode := ""
			if req.Err != nil {
				gotCode = req.Err.Code
			}
			if gotCode != tt.errCode {
				t.Errorf("recorded error: got %q, want %q", gotCode, tt.errCode)
			}
			gotCause := ""
			if req.Cause != nil {
				gotCause, _, _ = strings.Cut(req.Cause.Error(), "\n")
			}
			if gotCause != tt.cause {
				t.Errorf("recorded cause: got %q, want %q", gotCause, tt.cause)
			}
		})
	}
}

// TestPipelineAbort: http.ErrAbortHandler is net/http's to handle, not an
// internal fault to answer.
func TestPipelineAbort(t *testing.T) {
	c := &fakeCodec{run: func(context.Context) (any, error) { panic(http.ErrAbortHandler) }}
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("got panic %v, want http.ErrAbortHandler", v)
		}
	}()
	new(Pipeline).Serve(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", io.NopCloser(strings.NewReader(""))), c)
	t.Error("Serve returned, want the panic passed on")
}
