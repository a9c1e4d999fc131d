package conformance

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestAuthorizeContextLists: a Context key /_idpool/authorize is given as
// a JSON list is multivalued, even with one value, as a ContextEntries key
// of type stringList is to SimulateCustomPolicy: no policy variable
// resolves to it (IAM User Guide, policy variables: "a multivalued key …
// cannot be used as a variable"), so a Resource naming it does not match,
// while the same value as a string does. A key of the principal given as
// a list is ignored, as any is (its own value stays the variable's).
// (Before, a list of one value was read as a string.)
func TestAuthorizeContextLists(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	_, c := s.policySession(t, "Lists", "lists", map[string]any{"Effect": "Allow", "Action": "s3:GetObject",
		"Resource": "arn:aws:s3:::photos/${aws:RequestTag/owner}/${aws:PrincipalType}"})
	tok, err := json.Marshal(c.SessionToken)
	if err != nil {
		t.Fatal(err)
	}
	token := string(tok)
	tests := []struct {
		name, resource, context, want string
	}{
		{"a string", "arn:aws:s3:::photos/alice/AssumedRole", `{"aws:RequestTag/owner":"alice"}`, "allowed"},
		{"a list of one value", "arn:aws:s3:::photos/alice/AssumedRole", `{"aws:RequestTag/owner":["alice"]}`, "implicitDeny"},
		{"a principal's key as a list", "arn:aws:s3:::photos/alice/AssumedRole", `{"aws:RequestTag/owner":"alice","aws:PrincipalType":["AssumedRole"]}`, "allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"SessionToken":` + token + `,"Action":"s3:GetObject","Resource":"` + tt.resource + `","Context":` + tt.context + `}`
			req, err := http.NewRequest(http.MethodPost, s.endpoint+"/_idpool/authorize", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			res := s.do(t, req)
			var out struct{ Decision string }
			if err := json.Unmarshal(res.body, &out); err != nil || res.status != http.StatusOK {
				t.Fatalf("got %d %s, want 200", res.status, res.body)
			}
			if out.Decision != tt.want {
				t.Errorf("got Decision %s, want %s: %s", out.Decision, tt.want, res.body)
			}
		})
	}
}
