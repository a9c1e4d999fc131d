package conformance

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestAuthorizeContextForms: /_idpool/authorize takes each request
// condition key in Context as a list of strings or as a single string, a
// list of one; any other form, or a body without its required fields, is
// refused with 400 and a message that names the field that is wrong.
func TestAuthorizeContextForms(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	_, c := s.policySession(t, "Prefix", "ctx", map[string]any{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::photos",
		"Condition": map[string]any{"StringLike": map[string]any{"s3:prefix": "home/*"}}})
	tok, err := json.Marshal(c.SessionToken)
	if err != nil {
		t.Fatal(err)
	}
	token := string(tok)

	tests := []struct {
		name string
		body string
		// decision is the answer's Decision; "" when the body is refused
		// with 400 and a message holding msg.
		decision, msg string
	}{
		{"one value as a string", `{"SessionToken":` + token + `,"Action":"s3:ListBucket","Resource":"arn:aws:s3:::photos","Context":{"s3:prefix":"home/me"}}`, "allowed", ""},
		{"one value as a list", `{"SessionToken":` + token + `,"Action":"s3:ListBucket","Resource":"arn:aws:s3:::photos","Context":{"s3:prefix":["home/me"]}}`, "allowed", ""},
		{"a string that does not match", `{"SessionToken":` + token + `,"Action":"s3:ListBucket","Resource":"arn:aws:s3:::photos","Context":{"s3:prefix":"other/me"}}`, "implicitDeny", ""},
		{"no Context", `{"SessionToken":` + token + `,"Action":"s3:ListBucket","Resource":"arn:aws:s3:::photos"}`, "implicitDeny", ""},
		{"a number", `{"SessionToken":` + token + `,"Action":"s3:ListBucket","Context":{"s3:prefix":7}}`, "", `Context["s3:prefix"] must be a string or a list of strings`},
		{"a list of numbers", `{"SessionToken":` + token + `,"Action":"s3:ListBucket","Context":{"s3:max-keys":[7]}}`, "", `Context["s3:max-keys"] must be a string or a list of strings`},
		{"null", `{"SessionToken":` + token + `,"Action":"s3:ListBucket","Context":{"s3:prefix":null}}`, "", `Context["s3:prefix"] must be a string or a list of strings`},
		{"Context a list", `{"SessionToken":` + token + `,"Action":"s3:ListBucket","Context":["s3:prefix"]}`, "", "Context must be an object"},
		{"Action a list", `{"SessionToken":` + token + `,"Action":["s3:ListBucket"]}`, "", "Action must be a string"},
		{"no SessionToken", `{"Action":"s3:ListBucket"}`, "", "the body has no SessionToken"},
		{"no Action", `{"SessionToken":` + token + `}`, "", "the body has no Action"},
		{"not JSON", `SessionToken=x`, "", "the body is not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, s.endpoint+"/_idpool/authorize", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			res := s.do(t, req)
			var out struct{ Decision, Message string }
			if err := json.Unmarshal(res.body, &out); err != nil {
				t.Fatalf("got %d %s, not JSON: %v", res.status, res.body, err)
			}
			if tt.decision != "" {
				if res.status != http.StatusOK || out.Decision != tt.decision {
					t.Fatalf("got %d %s, want 200 with Decision %s", res.status, res.body, tt.decision)
				}
				return
			}
			if res.status != http.StatusBadRequest || !strings.Contains(out.Message, tt.msg) {
				t.Fatalf("got %d %s, want 400 with a message holding %q", res.status, res.body, tt.msg)
			}
		})
	}
}
