package console_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/emulator/console"
)

// jwt returns a compact JWT of the given header and payload JSON, with a
// signature that is base64url but signs nothing.
func jwt(header, payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(header)) + "." + enc([]byte(payload)) + "." + enc([]byte("sig"))
}

// nested returns the claims {"a": v} with v depth-1 arrays nested around
// inner, so that the claims nest depth levels.
func nested(depth int, inner string) string {
	return `{"a":` + strings.Repeat("[", depth-1) + inner + strings.Repeat("]", depth-1) + `}`
}

// TestTokenInspectorBounds: real tokens are shown indented as they always
// were; a token that nests deeply, or indents to more than the inspector
// shows, gives a page of bounded size that says what it left out, and a
// form larger than any token is refused.
func TestTokenInspectorBounds(t *testing.T) {
	f := newFixture(t)
	// The claims of a Keycloak access token (the deepest nesting of the
	// providers idpool is used with) and of a Cognito user pool's ID token,
	// as the inspector has always shown them.
	keycloak := jwt(`{"alg":"RS256","typ":"JWT","kid":"kc1"}`, `{"exp":4102444800,"iss":"http://keycloak:8080/realms/test","sub":"f1b0","azp":"app","realm_access":{"roles":["offline_access","uma_authorization"]},"resource_access":{"account":{"roles":["manage-account","view-profile"]}},"scope":"openid email","email_verified":true}`)
	keycloakShown := `{
  "azp": "app",
  "email_verified": true,
  "exp": 4102444800,
  "iss": "http://keycloak:8080/realms/test",
  "realm_access": {
    "roles": [
      "offline_access",
      "uma_authorization"
    ]
  },
  "resource_access": {
    "account": {
      "roles": [
        "manage-account",
        "view-profile"
      ]
    }
  },
  "scope": "openid email",
  "sub": "f1b0"
}`
	cognito := jwt(`{"kid":"abc=","alg":"RS256"}`, `{"sub":"aaaa-bbbb","cognito:groups":["admins"],"iss":"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc","cognito:username":"jane","aud":"client1","token_use":"id","auth_time":1700000000,"exp":4102444800,"iat":1700000000,"email":"jane@example.com"}`)
	cognitoShown := `{
  "aud": "client1",
  "auth_time": 1700000000,
  "cognito:groups": [
    "admins"
  ],
  "cognito:username": "jane",
  "email": "jane@example.com",
  "exp": 4102444800,
  "iat": 1700000000,
  "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc",
  "sub": "aaaa-bbbb",
  "token_use": "id"
}`
	header := `{"alg":"RS512"}`
	tests := []struct {
		name, method, token string
		status              int
		want                []string
		not                 []string
	}{
		{"keycloak token", "POST", keycloak, 200, []string{`<pre id="claims">` + html.EscapeString(keycloakShown) + `</pre>`}, []string{"claims-note", "header-note"}},
		{"cognito user pool token", "POST", cognito, 200, []string{`<pre id="claims">` + html.EscapeString(cognitoShown) + `</pre>`}, []string{"claims-note", "header-note"}},
		{"as deep as shown indented", "POST", jwt(header, nested(32, "1")), 200, []string{"\n" + strings.Repeat(" ", 64) + "1\n"}, []string{"claims-note"}},
		{"one level deeper", "POST", jwt(header, nested(33, "1")), 200, []string{`<pre id="claims">{&#34;a&#34;:` + strings.Repeat("[", 32) + "1" + strings.Repeat("]", 32) + `}</pre>`, "Nested deeper than 32 levels: shown on one line."}, nil},
		{"nested 5,000 deep", "POST", jwt(header, nested(5000, "")), 200, []string{"Nested deeper than 32 levels: shown on one line."}, nil},
		{"nested 5,000 deep by GET", "GET", jwt(header, nested(5000, "")), 200, []string{"Nested deeper than 32 levels: shown on one line."}, nil},
		{"indents past the bound", "POST", jwt(header, nested(32, strings.Repeat("1,", 15000)+"1")), 200, []string{"Cut: the first 65536 of "}, []string{"Nested deeper"}},
		{"deep header", "POST", jwt(`{"alg":"RS256","x":`+strings.Repeat("[", 40)+strings.Repeat("]", 40)+`}`, `{"sub":"x"}`), 200, []string{`<p class="muted" id="header-note">Nested deeper than 32 levels`}, []string{"claims-note"}},
		{"form over 64 KiB", "POST", strings.Repeat("a", 64<<10), 413, []string{"Token too large", "up to 64 KiB"}, []string{`<pre id="claims">`}},
		{"multipart form", "multipart", cognito, 200, []string{`<pre id="claims">` + html.EscapeString(cognitoShown) + `</pre>`}, nil},
		{"multipart form over 64 KiB", "multipart", strings.Repeat("a", 64<<10), 413, []string{"Token too large", "up to 64 KiB"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var res *http.Response
			var err error
			switch tc.method {
			case "GET":
				res, err = http.Get(f.srv.URL + "/_idpool/console/token?token=" + url.QueryEscape(tc.token))
			case "multipart":
				var b bytes.Buffer
				mw := multipart.NewWriter(&b)
				mw.WriteField("token", tc.token)
				mw.Close()
				res, err = http.Post(f.srv.URL+"/_idpool/console/token", mw.FormDataContentType(), &b)
			default:
				res, err = http.PostForm(f.srv.URL+"/_idpool/console/token", url.Values{"token": {tc.token}})
			}
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			// The page holds the token (at most 64 KiB), and its header
			// and claims at most 64 KiB each.
			const most = 256 << 10
			b, err := io.ReadAll(io.LimitReader(res.Body, most+1))
			if err != nil {
				t.Fatal(err)
			}
			if len(b) > most {
				t.Fatalf("got a page of more than %d bytes, want at most that", most)
			}
			if res.StatusCode != tc.status {
				t.Errorf("got status %d, want %d", res.StatusCode, tc.status)
			}
			body := string(b)
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("got no %q in the page", w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(body, n) {
					t.Errorf("got %q in the page, want it absent", n)
				}
			}
		})
	}
}

// events requests the activity's event stream; its body is closed when
// the test ends.
func (f *fixture) events(ctx context.Context, t *testing.T) *http.Response {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", f.srv.URL+console.Prefix+"/activity/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// openStream opens the activity's event stream and reads its first
// comment, which the console writes once the stream is subscribed.
func (f *fixture) openStream(ctx context.Context, t *testing.T) (*http.Response, *bufio.Reader) {
	t.Helper()
	res := f.events(ctx, t)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("stream: got status %d, want 200", res.StatusCode)
	}
	br := bufio.NewReader(res.Body)
	if l, err := br.ReadString('\n'); err != nil || !strings.HasPrefix(l, ": idpool activity") {
		t.Fatalf("stream start: got %q, %v, want the stream's first comment", l, err)
	}
	return res, br
}

// TestActivityStreamsShareEvents: an event is attributed (its identity's
// pool read from the store) and encoded once, whatever the number of
// streams it goes to.
func TestActivityStreamsShareEvents(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	const streams, calls = 5, 3
	var readers []*bufio.Reader
	for range streams {
		_, br := f.openStream(ctx, t)
		readers = append(readers, br)
	}
	// Calls that name only their identity, whose pool the console reads.
	for range calls {
		if err := f.call(`{"IdentityId":"` + idA + `"}`); err != nil {
			t.Fatal(err)
		}
	}
	for i, br := range readers {
		for n := 0; n < calls; {
			l, err := br.ReadString('\n')
			if err != nil {
				t.Fatalf("stream %d after %d events: %v, want %d events", i, n, err, calls)
			}
			data, ok := strings.CutPrefix(l, "data: ")
			if !ok {
				continue
			}
			n++
			var e console.Entry
			if err := json.Unmarshal([]byte(data), &e); err != nil {
				t.Fatalf("event %q: %v", l, err)
			}
			if e.Identity != idA || e.Pool != poolID {
				t.Errorf("stream %d: got identity %q of pool %q, want %s of %s", i, e.Identity, e.Pool, idA, poolID)
			}
		}
	}
	if got := f.identityReads.Load(); got != calls {
		t.Errorf("got %d reads of an identity for %d events on %d streams, want %d (one an event)", got, calls, streams, calls)
	}
}

// TestActivityStreamCap: at most 32 streams are open at once; one more is
// answered 503 in words while the activity page still loads, and a stream
// that ends makes room for another.
func TestActivityStreamCap(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var open []*http.Response
	for range 32 {
		res, _ := f.openStream(ctx, t)
		open = append(open, res)
	}
	f.check(t, console.Prefix+"/activity", 200, []string{`id="live"`}, nil)
	// A stream's answer, whose body is read only when it is not a stream.
	stream := func() (int, string) {
		t.Helper()
		res := f.events(ctx, t)
		defer res.Body.Close()
		if res.StatusCode == http.StatusOK {
			return res.StatusCode, ""
		}
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if status, body := stream(); status != http.StatusServiceUnavailable || !strings.Contains(body, "at most 32 live activity streams") {
		t.Errorf("stream 33: got %d %q, want 503 saying why", status, body)
	}
	open[0].Body.Close()
	// The server sees the client leave a moment later.
	for {
		status, body := stream()
		if status == http.StatusOK {
			break
		}
		if status != http.StatusServiceUnavailable {
			t.Fatalf("got %d %q, want 200 (or 503 until the server sees the stream end)", status, body)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
