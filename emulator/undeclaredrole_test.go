package emulator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/protocol"
)

// TestUndeclaredRoleNote: permissive mode lets a session into a role IAM
// does not hold, which AWS refuses; the request's note, shown on its
// console Activity row, says so, and a role IAM holds gets no note. A
// note is no reason: it leaves the reason to a refusal that comes later.
func TestUndeclaredRoleNote(t *testing.T) {
	const (
		free = "arn:aws:iam::123456789012:role/Free"
		auth = "arn:aws:iam::123456789012:role/Auth"
		note = "role " + free + " is not declared: its trust policy was not checked (AWS and --strict refuse it)"
	)
	rs := storeRoles(t, false, map[string]string{auth: authOnly}, 0)
	web := &sts.WebIdentity{Provider: sts.CognitoProvider, Audience: "us-east-1:pool", Subject: "us-east-1:id", AMR: []string{"authenticated"}}
	tests := []struct {
		name string
		call func(ctx context.Context) error
		want string
	}{
		{"AssumeRoleWithWebIdentity of an undeclared role", func(ctx context.Context) error {
			_, err := rs.Authorize(ctx, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: free, WebIdentity: web})
			return err
		}, note},
		{"GetCredentialsForIdentity of an undeclared role", func(ctx context.Context) error {
			_, err := rs.allowEnhanced(ctx, identity.Session{RoleARN: free, PoolID: "us-east-1:pool", IdentityID: "us-east-1:id", AMR: []string{"unauthenticated"}})
			return err
		}, note},
		{"a declared role", func(ctx context.Context) error {
			_, err := rs.allowEnhanced(ctx, identity.Session{RoleARN: auth, PoolID: "us-east-1:pool", IdentityID: "us-east-1:id", AMR: []string{"authenticated"}})
			return err
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := protocol.WithRequestID(t.Context(), "req")
			if err := tt.call(ctx); err != nil {
				t.Fatalf("got %v, want success", err)
			}
			r := protocol.RequestFrom(ctx)
			if r.Note != tt.want {
				t.Errorf("got note %q, want %q", r.Note, tt.want)
			}
			if r.Reason != "" {
				t.Errorf("got reason %q, want none", r.Reason)
			}
		})
	}
}

// TestUndeclaredRoleRefusal: an AssumeRoleWithWebIdentity of a role IAM
// does not hold that is refused later, for its session policy, shows the
// policy's reason on its console Activity row, not the undeclared role's
// note; the same call without the policy succeeds and shows the note.
func TestUndeclaredRoleRefusal(t *testing.T) {
	const role = "arn:aws:iam::123456789012:role/Undeclared"
	h := memoryServer(t)
	field := func(body, name string) string {
		t.Helper()
		_, v, ok := strings.Cut(body, `"`+name+`":"`)
		if !ok {
			t.Fatalf("got %s, want a %s", body, name)
		}
		v, _, _ = strings.Cut(v, `"`)
		return v
	}
	pool := field(apiCall(h, "CreateIdentityPool", `{"IdentityPoolName":"note","AllowUnauthenticatedIdentities":true}`, true).Body.String(), "IdentityPoolId")
	id := field(apiCall(h, "GetId", `{"IdentityPoolId":"`+pool+`"}`, false).Body.String(), "IdentityId")
	token := field(apiCall(h, "GetOpenIdToken", `{"IdentityId":"`+id+`"}`, false).Body.String(), "Token")
	assume := func(policy string) *httptest.ResponseRecorder {
		form := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {role},
			"RoleSessionName": {"note"}, "WebIdentityToken": {token}}
		if policy != "" {
			form.Set("Policy", policy)
		}
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	activity := func(query string) string {
		t.Helper()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://localhost:9230/_idpool/console/activity"+query, nil))
		return w.Body.String()
	}
	const (
		note   = "role " + role + " is not declared"
		reason = "the session policy is not a valid permission policy"
	)
	bad := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`
	if w := assume(bad); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "MalformedPolicyDocument") {
		t.Fatalf("with a policy without Resource: got %d %s, want 400 MalformedPolicyDocument", w.Code, w.Body)
	}
	refused := activity("?errors=1")
	if !strings.Contains(refused, reason) {
		t.Errorf("refused row: got no %q in %s", reason, refused)
	}
	if strings.Contains(refused, note) {
		t.Errorf("refused row: got the note %q, want the policy's reason alone", note)
	}
	if w := assume(""); w.Code != http.StatusOK {
		t.Fatalf("without a policy: got %d %s, want 200", w.Code, w.Body)
	}
	if all := activity(""); strings.Count(all, note) != 1 {
		t.Errorf("activity: got %d notes %q, want 1 (the request that succeeded)", strings.Count(all, note), note)
	}
}
