package awsquery

import (
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/idpool/idpool/protocol"
)

// TestWriteErrorType: an error the service makes with protocol.Errorf is
// <Type>Sender</Type> in the query protocol's XML when its status is 4xx
// and Receiver when it is 5xx.
func TestWriteErrorType(t *testing.T) {
	h := newHarness(t, nil)
	tests := []struct {
		status int
		want   string
	}{
		{http.StatusBadRequest, "Sender"},
		{http.StatusForbidden, "Sender"},
		{499, "Sender"},
		{http.StatusInternalServerError, "Receiver"},
		{http.StatusServiceUnavailable, "Receiver"},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			w := httptest.NewRecorder()
			e := protocol.Errorf(tt.status, "SomeError", "m")
			h.svc.WriteError(w, httptest.NewRequest(http.MethodPost, "/", nil), e, e)
			var body struct{ Error struct{ Type, Code string } }
			if err := xml.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("error body %q: %v", w.Body, err)
			}
			if w.Code != tt.status || body.Error.Type != tt.want || body.Error.Code != "SomeError" {
				t.Errorf("got status %d, type %q, code %q; want %d, %q, SomeError", w.Code, body.Error.Type, body.Error.Code, tt.status, tt.want)
			}
		})
	}
}
