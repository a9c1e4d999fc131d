package identity

import (
	"encoding/base64"
	"testing"
)

// FuzzParseSAML feeds SAML logins, which callers send as they please, to
// parseSAML: it must never panic, and a login that is not empty must
// always map to a user that is not empty, since the user keys the
// identity.
func FuzzParseSAML(f *testing.F) {
	f.Add(samlResponse("alice", map[string][]string{"dept": {"eng", "ops"}}))
	f.Add(samlResponse(" ", nil))
	f.Add(base64.StdEncoding.EncodeToString([]byte("<a><NameID>x</NameID><Attribute Name='n'><AttributeValue>v")))
	f.Add("plain opaque value")
	f.Fuzz(func(t *testing.T, v string) {
		user, attrs := parseSAML(v)
		if v != "" && user == "" {
			t.Fatalf("parseSAML(%q): got an empty user", v)
		}
		if user == v && len(attrs) > 0 {
			t.Fatalf("parseSAML(%q): got attributes %v for a value that is its own user", v, attrs)
		}
	})
}
