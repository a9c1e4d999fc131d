package awsquery

import (
	"errors"
	"net/http"
	"testing"

	"github.com/idpool/idpool/protocol"
)

// TestBodyError: a body too large is RequestEntityTooLarge, a spent body
// budget keeps its 503, and any other failure to read the body, a
// protocol error or not, is MalformedInput.
func TestBodyError(t *testing.T) {
	budget := protocol.Errorf(http.StatusServiceUnavailable, "ServiceUnavailable", "busy")
	tests := []struct {
		name   string
		err    error
		code   string
		status int
	}{
		{"too large", protocol.Errorf(http.StatusRequestEntityTooLarge, "TooLarge", "x"), "RequestEntityTooLarge", http.StatusRequestEntityTooLarge},
		{"budget spent", budget, "ServiceUnavailable", http.StatusServiceUnavailable},
		{"another protocol error", protocol.Errorf(http.StatusBadRequest, "Other", "x"), "MalformedInput", http.StatusBadRequest},
		{"not a protocol error", errors.New("connection reset"), "MalformedInput", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := bodyError(tt.err)
			if e == nil || e.Code != tt.code || e.Status != tt.status {
				t.Fatalf("bodyError(%v): got %+v, want %s %d", tt.err, e, tt.code, tt.status)
			}
		})
	}
}
