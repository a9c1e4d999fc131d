package tokens

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func seg(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func jwtOf(header, claims, sig string) string { return seg(header) + "." + seg(claims) + "." + sig }

func TestParse(t *testing.T) {
	const rs = `{"alg":"RS256","kid":"k1"}`
	tests := []struct {
		name    string
		raw     string
		wantErr bool
		check   func(t *testing.T, j *JWT)
	}{
		{name: "google-like", raw: jwtOf(rs, `{"iss":"https://accounts.google.com","sub":"1234","aud":"client","exp":1748275172}`, "c2ln"),
			check: func(t *testing.T, j *JWT) {
				if j.Issuer() != "https://accounts.google.com" || j.Subject() != "1234" {
					t.Errorf("got iss %q sub %q", j.Issuer(), j.Subject())
				}
				if kid := j.Header["kid"]; kid != "k1" {
					t.Errorf("header kid: got %v, want k1", kid)
				}
			}},
		{name: "unsigned, empty signature", raw: jwtOf(`{"alg":"none"}`, `{}`, ""),
			check: func(t *testing.T, j *JWT) {
				if j.Claims == nil || len(j.Claims) != 0 {
					t.Errorf("claims: got %v, want an empty non-nil map", j.Claims)
				}
			}},
		{name: "big integer kept exact", raw: jwtOf(rs, `{"n":12345678901234567890123}`, "c2ln"),
			check: func(t *testing.T, j *JWT) {
				if v, _ := j.StringClaim("n"); v != "12345678901234567890123" {
					t.Errorf("got %q, want the exact digits", v)
				}
			}},
		{name: "whitespace around the JSON", raw: jwtOf(" {\"alg\":\"RS256\"}\n", "\t{\"sub\":\"x\"} ", "c2ln"),
			check: func(t *testing.T, j *JWT) {
				if j.Subject() != "x" {
					t.Errorf("sub: got %q, want x", j.Subject())
				}
			}},
		{name: "empty", raw: "", wantErr: true},
		{name: "one segment", raw: seg(rs), wantErr: true},
		{name: "two segments", raw: seg(rs) + "." + seg(`{}`), wantErr: true},
		{name: "four segments", raw: jwtOf(rs, `{}`, "c2ln") + ".x", wantErr: true},
		{name: "JWE, five segments", raw: seg(`{"alg":"RSA-OAEP","enc":"A256GCM"}`) + ".a.b.c.d", wantErr: true},
		{name: "empty header", raw: "." + seg(`{}`) + ".c2ln", wantErr: true},
		{name: "empty payload", raw: seg(rs) + "..c2ln", wantErr: true},
		{name: "padding", raw: seg(rs) + "." + seg(`{"a":1}`) + "==.c2ln", wantErr: true},
		{name: "standard base64 alphabet", raw: seg(rs) + "." + base64.RawStdEncoding.EncodeToString([]byte(`{"a":"??>"}`)) + ".c2ln", wantErr: true},
		{name: "line break", raw: seg(rs) + ".\n" + seg(`{}`) + ".c2ln", wantErr: true},
		{name: "non-zero trailing bits", raw: seg(rs) + "." + seg(`{}`) + ".AB", wantErr: true},
		{name: "header without alg", raw: jwtOf(`{"kid":"k1"}`, `{}`, "c2ln"), wantErr: true},
		{name: "alg not a string", raw: jwtOf(`{"alg":256}`, `{}`, "c2ln"), wantErr: true},
		{name: "alg empty", raw: jwtOf(`{"alg":""}`, `{}`, "c2ln"), wantErr: true},
		{name: "header is an array", raw: jwtOf(`["alg"]`, `{}`, "c2ln"), wantErr: true},
		{name: "payload null", raw: jwtOf(rs, `null`, "c2ln"), wantErr: true},
		{name: "payload a string", raw: jwtOf(rs, `"sub"`, "c2ln"), wantErr: true},
		{name: "payload with trailing data", raw: jwtOf(rs, `{}{}`, "c2ln"), wantErr: true},
		{name: "payload with a trailing brace", raw: jwtOf(rs, `{}}`, "c2ln"), wantErr: true},
		{name: "payload truncated", raw: jwtOf(rs, `{"sub":`, "c2ln"), wantErr: true},
		{name: "signature not base64url", raw: jwtOf(rs, `{}`, "c2+n"), wantErr: true},
		{name: "too long", raw: jwtOf(rs, `{"x":"`+strings.Repeat("a", maxTokenSize)+`"}`, ""), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, err := Parse(tt.raw)
			if tt.wantErr {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("got %v, %v, want ErrMalformed", j, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if j.Raw != tt.raw {
				t.Errorf("Raw: got %q, want the input", j.Raw)
			}
			if tt.check != nil {
				tt.check(t, j)
			}
		})
	}
}

func TestJWTAccessors(t *testing.T) {
	j, err := Parse(jwtOf(`{"alg":"RS256"}`, `{
		"iss": 5, "sub": "u-1", "azp": "client-a",
		"exp": 1748275172, "nbf": 1748274572.25, "iat": "1748274572",
		"s": "text", "i": 42, "f": 1.50, "e": 1e3, "b": true, "nul": null,
		"arr": ["a", 1], "obj": {"k": "v"}
	}`, ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("strings", func(t *testing.T) {
		if got := j.Issuer(); got != "" {
			t.Errorf("Issuer of a number: got %q, want empty", got)
		}
		if got := j.Subject(); got != "u-1" {
			t.Errorf("Subject: got %q, want u-1", got)
		}
		if got := j.AuthorizedParty(); got != "client-a" {
			t.Errorf("AuthorizedParty: got %q, want client-a", got)
		}
	})
	t.Run("times", func(t *testing.T) {
		tests := []struct {
			name   string
			get    func() (time.Time, bool)
			want   time.Time
			wantOK bool
		}{
			{"exp integer", j.Expiry, time.Unix(1748275172, 0), true},
			{"nbf fractional", j.NotBefore, time.Unix(1748274572, 250_000_000), true},
			{"iat as a string is not a NumericDate", j.IssuedAt, time.Time{}, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, ok := tt.get()
				if ok != tt.wantOK || !got.Equal(tt.want) {
					t.Errorf("got %v, %v, want %v, %v", got, ok, tt.want, tt.wantOK)
				}
			})
		}
	})
	t.Run("StringClaim", func(t *testing.T) {
		tests := []struct {
			claim  string
			want   string
			wantOK bool
		}{
			{"s", "text", true},
			{"i", "42", true},
			{"f", "1.50", true},
			{"e", "1e3", true},
			{"b", "true", true},
			{"nul", "", false},
			{"arr", "", false},
			{"obj", "", false},
			{"absent", "", false},
		}
		for _, tt := range tests {
			t.Run(tt.claim, func(t *testing.T) {
				got, ok := j.StringClaim(tt.claim)
				if got != tt.want || ok != tt.wantOK {
					t.Errorf("got %q, %v, want %q, %v", got, ok, tt.want, tt.wantOK)
				}
			})
		}
	})
	t.Run("Claim", func(t *testing.T) {
		v, ok := j.Claim("i")
		if n, isNum := v.(json.Number); !ok || !isNum || n != "42" {
			t.Errorf("got %#v, %v, want json.Number(42)", v, ok)
		}
		if _, ok := j.Claim("absent"); ok {
			t.Errorf("absent claim reported present")
		}
	})
}

func TestNumericDate(t *testing.T) {
	tests := []struct {
		name   string
		in     any
		want   time.Time
		wantOK bool
	}{
		{"integer", json.Number("1748275172"), time.Unix(1748275172, 0), true},
		{"negative", json.Number("-1"), time.Unix(-1, 0), true},
		{"exponent", json.Number("1.5e9"), time.Unix(1_500_000_000, 0), true},
		{"float64", 1.5, time.Unix(1, 500_000_000), true},
		{"int64", int64(7), time.Unix(7, 0), true},
		{"too large integer", json.Number("9007199254740993"), time.Time{}, false},
		{"too large float", json.Number("1e300"), time.Time{}, false},
		{"overflowing", json.Number("1e400"), time.Time{}, false},
		{"string", "1748275172", time.Time{}, false},
		{"bool", true, time.Time{}, false},
		{"nil", nil, time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := numericDate(tt.in)
			if ok != tt.wantOK || !got.Equal(tt.want) {
				t.Errorf("got %v, %v, want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestAudiences(t *testing.T) {
	tests := []struct {
		name   string
		claims string
		want   []string
	}{
		{"string", `{"aud":"client"}`, []string{"client"}},
		{"array", `{"aud":["a","b"]}`, []string{"a", "b"}},
		{"array with non-strings", `{"aud":["a",1,null,"b"]}`, []string{"a", "b"}},
		{"empty string", `{"aud":""}`, nil},
		{"number", `{"aud":5}`, nil},
		{"absent", `{}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, err := Parse(jwtOf(`{"alg":"RS256"}`, tt.claims, ""))
			if err != nil {
				t.Fatal(err)
			}
			if got := j.Audiences(); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(jwtOf(`{"alg":"RS256","kid":"k"}`, `{"iss":"https://accounts.google.com","aud":["a"],"exp":1.5}`, "c2ln"))
	f.Add(jwtOf(`{"alg":"none"}`, `{}`, ""))
	f.Add(jwtOf(`{"alg":"RS512"}`, `{"n":1e400,"aud":{"x":[]}}`, "AA"))
	f.Add("a.b.c")
	f.Add("..")
	f.Add("")
	f.Fuzz(func(t *testing.T, raw string) {
		j, err := Parse(raw)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("got %v, want an error wrapping ErrMalformed", err)
			}
			if j != nil {
				t.Fatalf("got a JWT with the error %v", err)
			}
			return
		}
		if j.Claims == nil || j.Header == nil {
			t.Fatalf("got nil claims or header for %q", raw)
		}
		if alg, _ := j.Header["alg"].(string); alg == "" {
			t.Fatalf("got a JWT without alg for %q", raw)
		}
		// The accessors never panic on whatever the claims hold.
		j.Issuer()
		j.Subject()
		j.Audiences()
		j.AuthorizedParty()
		j.Expiry()
		j.NotBefore()
		j.IssuedAt()
		for name := range j.Claims {
			j.StringClaim(name)
		}
	})
}
