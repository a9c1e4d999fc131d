package emulator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The fuzz server's fixture: one pool of every provider kind with fixed
// ids, so that seeds can name its pool, identities and dataset.
const (
	fuzzPool    = "us-east-1:f0220000-0000-4000-8000-000000000001"
	fuzzGuest   = "us-east-1:f0220000-0000-4000-8000-0000000000a1" // dataset "notes"
	fuzzUser    = "us-east-1:f0220000-0000-4000-8000-0000000000a2" // Facebook fb-user, developer dev-1
	fuzzDevUser = "us-east-1:f0220000-0000-4000-8000-0000000000a3" // developer dev-2
	fuzzDev     = "login.fuzz"
	fuzzRole    = "arn:aws:iam::123456789012:role/Fuzz"
	fuzzAdmin   = "arn:aws:iam::123456789012:role/FuzzAdmin" // for AssumeRole
	fuzzPoolARN = "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/" + fuzzPool
)

// fuzzClassic is a pool without role mappings, where the basic flow's
// GetOpenIdToken is allowed; fuzzClassicUser is its Facebook user.
const (
	fuzzClassic     = "us-east-1:f0220000-0000-4000-8000-000000000002"
	fuzzClassicUser = "us-east-1:f0220000-0000-4000-8000-0000000000b1"
)

var fuzzFixture = `{
  "AccountId": "123456789012",
  "Region": "us-east-1",
  "Roles": [{
    "Arn": "` + fuzzRole + `",
    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
      "Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "` + fuzzPool + `"}}
    }]}
  }, {
    "Arn": "` + fuzzAdmin + `",
    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
      "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": ["sts:AssumeRole", "sts:TagSession"]
    }]}
  }],
  "IdentityPools": [{
    "IdentityPoolId": "` + fuzzPool + `",
    "IdentityPoolName": "fuzz",
    "AllowUnauthenticatedIdentities": true,
    "SupportedLoginProviders": {"graph.facebook.com": "1234567890", "accounts.google.com": "web.apps.googleusercontent.com"},
    "DeveloperProviderName": "` + fuzzDev + `",
    "OpenIdConnectProviderARNs": ["arn:aws:iam::123456789012:oidc-provider/login.example.com"],
    "CognitoIdentityProviders": [{"ProviderName": "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123", "ClientId": "client1"}],
    "SamlProviderARNs": ["arn:aws:iam::123456789012:saml-provider/corp"],
    "IdentityPoolTags": {"team": "fuzz"},
    "Roles": {"authenticated": "` + fuzzRole + `", "unauthenticated": "` + fuzzRole + `"},
    "RoleMappings": {"graph.facebook.com": {"Type": "Rules", "AmbiguousRoleResolution": "AuthenticatedRole",
      "RulesConfiguration": {"Rules": [{"Claim": "sub", "MatchType": "StartsWith", "Value": "fb", "RoleARN": "` + fuzzRole + `"}]}}},
    "PrincipalTags": {"accounts.google.com": {"UseDefaults": false, "PrincipalTags": {"dept": "hd"}}},
    "Identities": [
      {"IdentityId": "` + fuzzGuest + `"},
      {"IdentityId": "` + fuzzUser + `", "Logins": {"graph.facebook.com": "fb-user"}, "DeveloperUserIdentifier": "dev-1"},
      {"IdentityId": "` + fuzzDevUser + `", "DeveloperUserIdentifier": "dev-2"}
    ],
    "Datasets": [{"IdentityId": "` + fuzzGuest + `", "DatasetName": "notes", "Records": {"k": "v", "other": "w"}}]
  }, {
    "IdentityPoolId": "` + fuzzClassic + `",
    "IdentityPoolName": "fuzz-classic",
    "AllowUnauthenticatedIdentities": true,
    "SupportedLoginProviders": {"graph.facebook.com": "1234567890", "www.amazon.com": "amzn1.application.fuzz"},
    "Identities": [{"IdentityId": "` + fuzzClassicUser + `", "Logins": {"graph.facebook.com": "fb-classic"}}]
  }]
}`

// Headers of the three wire shapes. Developer requests carry a well-formed
// signature by a key idpool does not know, which permissive mode accepts
// without checking: a mutated body keeps its signature valid.
const (
	fuzzJSON    = "Content-Type: application/x-amz-json-1.1\nX-Amz-Target: AWSCognitoIdentityService."
	fuzzDate    = "X-Amz-Date: 20260101T000000Z\n"
	fuzzSigFmt  = "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/%s/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000\n"
	fuzzForm    = "Content-Type: application/x-www-form-urlencoded; charset=utf-8\n"
	fuzzRESTCT  = "Content-Type: application/json\n"
	fuzzSyncDir = "/identitypools/" + fuzzPool + "/identities/" + fuzzGuest
	// fuzzDeviceDir is RegisterDevice's path for the guest.
	fuzzDeviceDir = "/identitypools/" + fuzzPool + "/identity/" + fuzzGuest + "/device"
)

func fuzzSigned(service string) string {
	return fuzzDate + strings.Replace(fuzzSigFmt, "%s", service, 1)
}

// fuzzSeed is one valid request: method, path (with query), header lines
// "Name: value", and body. {{SESSION}}, {{TOKEN}} and {{DEVICE}} stand for
// a Cognito Sync session token of the guest's "notes", an OpenID token of
// developer user dev-1 and the guest's device: values that differ from
// process to process, filled in when the request is built.
type fuzzSeed struct{ method, path, header, body string }

// fuzzSeeds is a valid request of every operation of the three services,
// and of the OpenID discovery documents.
func fuzzSeeds() []fuzzSeed {
	idSigned := fuzzSigned("cognito-identity")
	id := func(op, body string, signed bool) fuzzSeed {
		h := fuzzJSON + op + "\n"
		if signed {
			h += idSigned
		}
		return fuzzSeed{"POST", "/", h, body}
	}
	p := `"IdentityPoolId":"` + fuzzPool + `"`
	seeds := []fuzzSeed{
		id("CreateIdentityPool", `{"IdentityPoolName":"fuzz2","AllowUnauthenticatedIdentities":true,"AllowClassicFlow":true,"SupportedLoginProviders":{"graph.facebook.com":"app"},"DeveloperProviderName":"login.fuzz2","IdentityPoolTags":{"a":"b"}}`, true),
		id("DeleteIdentities", `{"IdentityIdsToDelete":["`+fuzzDevUser+`","us-east-1:00000000-0000-4000-8000-000000000000"]}`, true),
		id("DeleteIdentityPool", `{`+p+`}`, true),
		id("DescribeIdentity", `{"IdentityId":"`+fuzzUser+`"}`, true),
		id("DescribeIdentityPool", `{`+p+`}`, true),
		id("GetCredentialsForIdentity", `{"IdentityId":"`+fuzzUser+`","Logins":{"graph.facebook.com":"fb-user"},"CustomRoleArn":"`+fuzzRole+`"}`, false),
		id("GetCredentialsForIdentity", `{"IdentityId":"`+fuzzGuest+`"}`, false),
		id("GetId", `{"AccountId":"123456789012",`+p+`}`, false),
		id("GetId", `{`+p+`,"Logins":{"graph.facebook.com":"fb-new","accounts.google.com":"`+fuzzJWT("https://accounts.google.com", "web.apps.googleusercontent.com", "g-1")+`"}}`, false),
		id("GetId", `{`+p+`,"Logins":{"login.example.com":"`+fuzzJWT("https://login.example.com", "web", "o-1")+`","cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123":"`+fuzzJWT("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123", "client1", "u-1")+`"}}`, false),
		id("GetId", `{`+p+`,"Logins":{"arn:aws:iam::123456789012:saml-provider/corp":"`+fuzzSAML+`"}}`, false),
		id("GetIdentityPoolRoles", `{`+p+`}`, true),
		id("GetOpenIdToken", `{"IdentityId":"`+fuzzClassicUser+`","Logins":{"graph.facebook.com":"fb-classic","www.amazon.com":"amzn-new"}}`, false),
		id("GetOpenIdTokenForDeveloperIdentity", `{`+p+`,"IdentityId":"`+fuzzGuest+`","Logins":{"`+fuzzDev+`":"dev-9","graph.facebook.com":"fb-9"},"PrincipalTags":{"a":"b"},"TokenDuration":600}`, true),
		id("GetPrincipalTagAttributeMap", `{`+p+`,"IdentityProviderName":"accounts.google.com"}`, true),
		id("ListIdentities", `{`+p+`,"MaxResults":1,"HideDisabled":true}`, true),
		id("ListIdentityPools", `{"MaxResults":5}`, true),
		id("ListTagsForResource", `{"ResourceArn":"`+fuzzPoolARN+`"}`, true),
		id("LookupDeveloperIdentity", `{`+p+`,"IdentityId":"`+fuzzUser+`","DeveloperUserIdentifier":"dev-1","MaxResults":1}`, true),
		id("MergeDeveloperIdentities", `{`+p+`,"DeveloperProviderName":"`+fuzzDev+`","SourceUserIdentifier":"dev-2","DestinationUserIdentifier":"dev-1"}`, true),
		id("SetIdentityPoolRoles", `{`+p+`,"Roles":{"authenticated":"`+fuzzRole+`"},"RoleMappings":{"accounts.google.com":{"Type":"Rules","AmbiguousRoleResolution":"Deny","RulesConfiguration":{"Rules":[{"Claim":"hd","MatchType":"Equals","Value":"x","RoleARN":"`+fuzzRole+`"}]}}}}`, true),
		id("SetPrincipalTagAttributeMap", `{`+p+`,"IdentityProviderName":"graph.facebook.com","UseDefaults":false,"PrincipalTags":{"k":"sub"}}`, true),
		id("TagResource", `{"ResourceArn":"`+fuzzPoolARN+`","Tags":{"k":"v"}}`, true),
		id("UnlinkDeveloperIdentity", `{`+p+`,"IdentityId":"`+fuzzUser+`","DeveloperProviderName":"`+fuzzDev+`","DeveloperUserIdentifier":"dev-1"}`, true),
		id("UnlinkIdentity", `{"IdentityId":"`+fuzzUser+`","Logins":{"graph.facebook.com":"fb-user"},"LoginsToRemove":["graph.facebook.com"]}`, false),
		id("UntagResource", `{"ResourceArn":"`+fuzzPoolARN+`","TagKeys":["team"]}`, true),
		id("UpdateIdentityPool", `{`+p+`,"IdentityPoolName":"fuzz","AllowUnauthenticatedIdentities":false,"SupportedLoginProviders":{"graph.facebook.com":"app"},"DeveloperProviderName":"`+fuzzDev+`"}`, true),
	}

	sts := fuzzSigned("sts")
	form := func(v url.Values) string { return v.Encode() }
	seeds = append(seeds,
		// The token is base64url and dots: it needs no escaping.
		fuzzSeed{"POST", "/", fuzzForm, form(url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"},
			"RoleArn": {fuzzRole}, "RoleSessionName": {"fuzz"}, "DurationSeconds": {"900"}}) + "&WebIdentityToken={{TOKEN}}"},
		fuzzSeed{"POST", "/", fuzzForm + sts, form(url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}})},
		fuzzSeed{"POST", "/", fuzzForm + sts, form(url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"},
			"RoleArn": {fuzzAdmin}, "RoleSessionName": {"fuzz"}, "Tags.member.1.Key": {"k"}, "Tags.member.1.Value": {"v"}})},
		fuzzSeed{"POST", "/", fuzzForm + sts, form(url.Values{"Action": {"GetSessionToken"}, "Version": {"2011-06-15"}, "DurationSeconds": {"900"}})},
		fuzzSeed{"GET", "/?Action=GetCallerIdentity&Version=2011-06-15", sts, ""},
	)

	syncH := fuzzRESTCT + fuzzSigned("cognito-sync")
	cognito := fuzzRESTCT + fuzzSignAs + ": cognito-sync\n"
	pool := "/identitypools/" + fuzzPool
	sub := fuzzSyncDir + "/datasets/notes/subscriptions/{{DEVICE}}"
	seeds = append(seeds,
		fuzzSeed{"POST", pool + "/bulkpublish", syncH, ""},
		fuzzSeed{"DELETE", fuzzSyncDir + "/datasets/notes", syncH, ""},
		fuzzSeed{"GET", fuzzSyncDir + "/datasets/notes", syncH, ""},
		fuzzSeed{"GET", pool, syncH, ""},
		fuzzSeed{"GET", fuzzSyncDir, syncH, ""},
		fuzzSeed{"POST", pool + "/getBulkPublishDetails", syncH, ""},
		fuzzSeed{"GET", pool + "/events", syncH, ""},
		fuzzSeed{"GET", pool + "/configuration", syncH, ""},
		fuzzSeed{"GET", fuzzSyncDir + "/datasets?maxResults=1", syncH, ""},
		fuzzSeed{"GET", "/identitypools?maxResults=1", syncH, ""},
		fuzzSeed{"GET", fuzzSyncDir + "/datasets/notes/records?lastSyncCount=0&maxResults=1&syncSessionToken={{SESSION}}", syncH, ""},
		fuzzSeed{"POST", fuzzDeviceDir, cognito, `{"Platform":"GCM","Token":"push-2"}`},
		fuzzSeed{"POST", pool + "/events", syncH, `{"Events":{"SyncTrigger":"arn:aws:lambda:us-east-1:123456789012:function:f"}}`},
		fuzzSeed{"POST", pool + "/configuration", syncH, `{"PushSync":{"ApplicationArns":["arn:aws:sns:us-east-1:123456789012:app/GCM/fuzz"],"RoleArn":"` + fuzzRole + `"},"CognitoStreams":{"StreamName":"s","RoleArn":"` + fuzzRole + `","StreamingStatus":"ENABLED"}}`},
		fuzzSeed{"POST", sub, cognito, ""},
		fuzzSeed{"DELETE", sub, cognito, ""},
		fuzzSeed{"POST", fuzzSyncDir + "/datasets/notes", cognito,
			`{"SyncSessionToken":"{{SESSION}}","RecordPatches":[{"Op":"replace","Key":"new","Value":"x","SyncCount":0}]}`},
		fuzzSeed{"POST", fuzzSyncDir + "/datasets/notes", syncH + "X-Amz-Client-Context: e30=\n",
			`{"SyncSessionToken":"{{SESSION}}","DeviceId":"{{DEVICE}}","RecordPatches":[{"Op":"replace","Key":"k","Value":"v2","SyncCount":1,"DeviceLastModifiedDate":1.7e9},{"Op":"remove","Key":"other","SyncCount":1}]}`},
		fuzzSeed{"GET", "/.well-known/openid-configuration", "", ""},
		fuzzSeed{"GET", "/.well-known/jwks_uri", "", ""},
	)
	return seeds
}

// fuzzJWT is an unsigned-looking provider token, which permissive mode
// decodes without checking its signature.
func fuzzJWT(iss, aud, sub string) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]string{"alg": "RS256", "kid": "k"}) + "." +
		enc(map[string]any{"iss": iss, "aud": aud, "sub": sub, "iat": 1767225600, "exp": 4102444800, "hd": "example.com"}) + ".c2ln"
}

// fuzzSAML is a base64 SAML response with a subject and one attribute.
var fuzzSAML = base64.StdEncoding.EncodeToString([]byte(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">` +
	`<saml:Assertion><saml:Subject><saml:NameID>alice</saml:NameID></saml:Subject><saml:AttributeStatement>` +
	`<saml:Attribute Name="dept"><saml:AttributeValue>eng</saml:AttributeValue></saml:Attribute>` +
	`</saml:AttributeStatement></saml:Assertion></samlp:Response>`))

// fuzzServer is an in-memory server holding the fuzz fixture, with the
// per-process values the seeds' placeholders stand for.
type fuzzServer struct {
	h     http.Handler
	subst *strings.Replacer
	// guest are Cognito credentials of the fixture's guest, which the
	// device operations require.
	guest aws.Credentials
}

// fuzzSignAs is a header line of the seeds that is no header: the request
// is signed with the guest's credentials for the service it names, after
// any mutation, so that a mutated body still passes the signature check.
const fuzzSignAs = "X-Fuzz-Sign-As"

func newFuzzServer(f testing.TB) *fuzzServer {
	f.Helper()
	dir := f.TempDir()
	fixture := filepath.Join(dir, "fuzz.json")
	if err := os.WriteFile(fixture, []byte(fuzzFixture), 0o600); err != nil {
		f.Fatal(err)
	}
	cfg, err := Load([]string{"--db", ":memory:", "--fixtures", fixture}, func(string) string { return "" })
	if err != nil {
		f.Fatalf("Load: %v", err)
	}
	srv, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		f.Fatalf("New: %v", err)
	}
	f.Cleanup(func() { srv.Close() })
	s := &fuzzServer{h: srv.Handler(), subst: strings.NewReplacer()}
	out := s.must(f, "POST", "/", fuzzJSON+"GetCredentialsForIdentity\n", `{"IdentityId":"`+fuzzGuest+`"}`)
	s.guest = aws.Credentials{AccessKeyID: jsonField(out, "AccessKeyId"), SecretAccessKey: jsonField(out, "SecretKey"), SessionToken: jsonField(out, "SessionToken")}
	s.prepare(f)
	token := jsonField(s.must(f, "POST", "/", fuzzJSON+"GetOpenIdTokenForDeveloperIdentity\n"+fuzzSigned("cognito-identity"),
		`{"IdentityPoolId":"`+fuzzPool+`","Logins":{"`+fuzzDev+`":"dev-1"}}`), "Token")
	session := jsonField(s.must(f, "GET", fuzzSyncDir+"/datasets/notes/records", fuzzRESTCT+fuzzSigned("cognito-sync"), ""), "SyncSessionToken")
	device := jsonField(s.must(f, "POST", fuzzDeviceDir, fuzzRESTCT+fuzzSignAs+": cognito-sync\n", `{"Platform":"GCM","Token":"push-1"}`), "DeviceId")
	s.subst = strings.NewReplacer("{{TOKEN}}", token, "{{SESSION}}", session, "{{DEVICE}}", device)
	return s
}

// prepare resets the server to the fixture and adds what a fixture cannot
// hold: push sync on the pool and a device of the guest (whose id is a
// name-based UUID, the same after every prepare).
func (s *fuzzServer) prepare(tb testing.TB) {
	tb.Helper()
	s.must(tb, "POST", "/_idpool/reset", "", "")
	s.must(tb, "POST", "/identitypools/"+fuzzPool+"/configuration", fuzzRESTCT+fuzzSigned("cognito-sync"),
		`{"PushSync":{"ApplicationArns":["arn:aws:sns:us-east-1:123456789012:app/GCM/fuzz"],"RoleArn":"`+fuzzRole+`"}}`)
	s.must(tb, "POST", fuzzDeviceDir, fuzzRESTCT+fuzzSignAs+": cognito-sync\n", `{"Platform":"GCM","Token":"push-1"}`)
}

// must serves a request that has to succeed and returns its body.
func (s *fuzzServer) must(tb testing.TB, method, path, header, body string) string {
	tb.Helper()
	r, ok := s.request(method, path, header, []byte(body))
	if !ok {
		tb.Fatalf("%s %s: not a valid request", method, path)
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		tb.Fatalf("%s %s: got %d %s, want 200", method, path, w.Code, w.Body)
	}
	return w.Body.String()
}

// request builds the request a real server would hand the handler, or
// reports false for bytes net/http would have refused before any handler
// ran (a bad method, request target or header).
func (s *fuzzServer) request(method, target, header string, body []byte) (*http.Request, bool) {
	target = s.subst.Replace(target)
	if !strings.HasPrefix(target, "/") {
		return nil, false
	}
	if _, err := url.ParseRequestURI(target); err != nil {
		return nil, false
	}
	body = []byte(s.subst.Replace(string(body)))
	r, err := http.NewRequest(method, "http://localhost:9230"+target, bytes.NewReader(body))
	if err != nil {
		return nil, false
	}
	r.RequestURI = target
	r.RemoteAddr = "127.0.0.1:40000"
	for _, line := range strings.Split(s.subst.Replace(header), "\n") {
		if line == "" {
			continue
		}
		name, value, found := strings.Cut(line, ":")
		value = strings.TrimLeft(value, " \t")
		if !found || !validHeaderName(name) || !validHeaderValue(value) {
			return nil, false
		}
		r.Header.Add(name, value)
	}
	if service := r.Header.Get(fuzzSignAs); service != "" {
		r.Header.Del(fuzzSignAs)
		sum := sha256.Sum256(body)
		err := v4.NewSigner().SignHTTP(context.Background(), s.guest, r, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now())
		if err != nil {
			return nil, false
		}
	}
	return r, true
}

// validHeaderName reports whether name is an HTTP token, as net/http's
// server requires of a header name.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// validHeaderValue reports whether v is a field value net/http's server
// accepts: no control characters but tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// FuzzRequest mutates valid requests of every operation of the three
// services (method, path and query, headers, body) and serves each through
// the whole handler against a server reset to one fixture. No request,
// however malformed, may be answered with a server fault: a client's
// mistake is always a 4xx.
func FuzzRequest(f *testing.F) {
	s := newFuzzServer(f)
	for _, sd := range fuzzSeeds() {
		f.Add(sd.method, sd.path, sd.header, []byte(sd.body))
	}
	f.Fuzz(func(t *testing.T, method, path, header string, body []byte) {
		r, ok := s.request(method, path, header, body)
		if !ok {
			return
		}
		s.prepare(t)
		w := httptest.NewRecorder()
		s.h.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%s %s\n%s\n%q\ngot %d %s, want no server fault", r.Method, r.RequestURI, header, body, w.Code, w.Body)
		}
	})
}

// TestFuzzSeeds checks that every seed of FuzzRequest is a request the
// server carries out, so that mutations start from each operation's real
// path rather than from its first refusal.
func TestFuzzSeeds(t *testing.T) {
	s := newFuzzServer(t)
	for i, sd := range fuzzSeeds() {
		s.prepare(t)
		r, ok := s.request(sd.method, sd.path, sd.header, []byte(sd.body))
		if !ok {
			t.Errorf("seed %d (%s %s): not a valid request", i, sd.method, sd.path)
			continue
		}
		w := httptest.NewRecorder()
		s.h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Errorf("seed %d (%s %s %s): got %d %s, want 200", i, sd.method, sd.path, sd.header, w.Code, w.Body)
		}
	}
}
