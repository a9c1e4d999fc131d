package emulator

import (
	"crypto/tls"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/idpool/idpool/protocol"
)

const (
	testPool     = "eu-central-1:0f0f0f0f-1111-2222-3333-444444444444"
	testIdentity = "eu-central-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
)

func TestResource(t *testing.T) {
	tests := []struct {
		name       string
		api        *api
		path, body string
		ctype      string // the Content-Type, none when ""
		op         string // the operation the codec routed to, none when ""
		want       resource
	}{
		{name: "json pool", api: &identityAPI, op: "ListIdentities", body: `{"IdentityPoolId":"` + testPool + `","MaxResults":10}`,
			want: resource{Pool: testPool}},
		{name: "json identity", api: &identityAPI, op: "DescribeIdentity", body: `{"IdentityId":"` + testIdentity + `"}`,
			want: resource{Identity: testIdentity}},
		{name: "json tag arn", api: &identityAPI, op: "ListTagsForResource", body: `{"ResourceArn":"arn:aws:cognito-identity:ap-south-1:123456789012:identitypool/x"}`,
			want: resource{ARN: "arn:aws:cognito-identity:ap-south-1:123456789012:identitypool/x"}},
		{name: "json wrong type", api: &identityAPI, op: "DescribeIdentityPool", body: `{"IdentityPoolId":5}`},
		{name: "json no resource", api: &identityAPI, op: "ListIdentityPools", body: `{"MaxResults":10}`},
		{name: "json id without region", api: &identityAPI, op: "DescribeIdentityPool", body: `{"IdentityPoolId":"nocolon"}`, want: resource{Pool: "nocolon"}},
		{name: "sync records", api: &syncAPI, path: "/identitypools/eu-central-1%3A0f0f0f0f-1111-2222-3333-444444444444/identities/eu-central-1%3Aaaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/datasets/my%20data/records",
			want: resource{Pool: testPool, Identity: testIdentity, Dataset: "my data"}},
		{name: "sync device", api: &syncAPI, path: "/identitypools/eu-central-1:0f0f0f0f-1111-2222-3333-444444444444/identity/eu-central-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/device",
			want: resource{Pool: testPool, Identity: testIdentity}},
		{name: "sync pool", api: &syncAPI, path: "/identitypools/eu-central-1%3A0f0f0f0f-1111-2222-3333-444444444444/configuration",
			want: resource{Pool: testPool}},
		{name: "sync no pool", api: &syncAPI, path: "/identitypools"},
		// The labels as Cognito Sync's router decodes them: the path is
		// split at '/' before each segment is unescaped, literal segments
		// included.
		{name: "sync escaped slash and literal", api: &syncAPI, path: "/identity%70ools/a%2Fb/identities/c/datasets/d%2F..%2Fe",
			want: resource{Pool: "a/b", Identity: "c", Dataset: "d/../e"}},
		// STS's parameters, for the operations authorized on what they
		// name (GetFederationToken's Name).
		{name: "sts", api: &stsAPI, path: "/", ctype: "application/x-www-form-urlencoded", body: "Action=GetFederationToken&Version=2011-06-15&Name=Bob",
			want: resource{Params: url.Values{"Action": {"GetFederationToken"}, "Version": {"2011-06-15"}, "Name": {"Bob"}}}},
		// The members the operation decodes: one named in another case is
		// not one of them, wherever it stands in the body.
		{name: "json member in another case", api: &identityAPI, op: "DescribeIdentityPool", body: `{"IdentityPoolId":"` + testPool + `","identityPoolId":"other"}`,
			want: resource{Pool: testPool}},
		{name: "json member in another case first", api: &identityAPI, op: "DescribeIdentityPool", body: `{"identitypoolid":"other","IdentityPoolId":"` + testPool + `"}`,
			want: resource{Pool: testPool}},
		// Only the members the operation's input declares: the codec
		// drops any other, so it must not choose what is authorized.
		{name: "json ResourceArn undeclared", api: &identityAPI, op: "DescribeIdentityPool",
			body: `{"IdentityPoolId":"` + testPool + `","ResourceArn":"arn:aws:cognito-identity:eu-central-1:123456789012:identitypool/other","IdentityId":"` + testIdentity + `"}`,
			want: resource{Pool: testPool}},
		{name: "json IdentityPoolId undeclared", api: &identityAPI, op: "TagResource",
			body: `{"ResourceArn":"arn:aws:cognito-identity:eu-central-1:123456789012:identitypool/x","IdentityPoolId":"` + testPool + `"}`,
			want: resource{ARN: "arn:aws:cognito-identity:eu-central-1:123456789012:identitypool/x"}},
		{name: "json no operation", api: &identityAPI, body: `{"IdentityPoolId":"` + testPool + `"}`},
		// IAM's parameters as the query codec reads them: a form body's,
		// then the query string's; a body that is not a form is not read.
		{name: "iam form", api: &iamAPI, path: "/?RoleName=Victim", ctype: "application/x-www-form-urlencoded; charset=utf-8",
			body: "Action=GetRole&RoleName=Allowed", want: resource{Params: url.Values{"Action": {"GetRole"}, "RoleName": {"Allowed", "Victim"}}}},
		{name: "iam body not a form", api: &iamAPI, path: "/?Action=DeleteRolePolicy&RoleName=Victim", ctype: "text/plain",
			body: "RoleName=Allowed", want: resource{Params: url.Values{"Action": {"DeleteRolePolicy"}, "RoleName": {"Victim"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if path == "" {
				path = "/"
			}
			r := httptest.NewRequest(http.MethodPost, path, nil)
			if tt.op != "" {
				r = r.WithContext(protocol.WithRequest(r.Context(), &protocol.Request{Operation: tt.op}))
			}
			if tt.ctype != "" {
				r.Header.Set("Content-Type", tt.ctype)
			}
			got := tt.api.resource(r, []byte(tt.body))
			got.json = nil // the parsed body, for poolKeys: the ids are checked here
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestDecisionARN: strict mode decides a Cognito Sync action on the ARN of
// its resource type in the Service Authorization Reference, with "null"
// for what the request does not name, and a Cognito Identity action with
// none on "*"; the refusal names the dataset-shaped ARN all the same.
func TestDecisionARN(t *testing.T) {
	s := &Server{cfg: Config{AccountID: "123456789012"}}
	const prefix = "arn:aws:cognito-sync:eu-central-1:123456789012:identitypool/"
	full := resource{Pool: testPool, Identity: testIdentity, Dataset: "d", Region: "eu-central-1"}
	pool := resource{Pool: testPool, Region: "eu-central-1"}
	tests := []struct {
		name      string
		api       *api
		op        string
		res       resource
		want      string
		wantShown string
	}{
		{"pool action", &syncAPI, "SetCognitoEvents", pool, prefix + testPool, prefix + testPool + "/identity/null/dataset/null"},
		{"pool action on no pool", &syncAPI, "ListIdentityPoolUsage", resource{Region: "eu-central-1"}, prefix + "null", prefix + "null/identity/null/dataset/null"},
		{"identity action", &syncAPI, "RegisterDevice", full, prefix + testPool + "/identity/" + testIdentity, prefix + testPool + "/identity/" + testIdentity + "/dataset/d"},
		{"dataset action", &syncAPI, "UpdateRecords", full, prefix + testPool + "/identity/" + testIdentity + "/dataset/d", prefix + testPool + "/identity/" + testIdentity + "/dataset/d"},
		{"ListDatasets", &syncAPI, "ListDatasets", resource{Pool: testPool, Identity: testIdentity, Region: "eu-central-1"},
			prefix + testPool + "/identity/" + testIdentity + "/dataset/null", prefix + testPool + "/identity/" + testIdentity + "/dataset/null"},
		{"identity action unscoped", &identityAPI, "DescribeIdentity", pool, "*", "arn:aws:cognito-identity:eu-central-1:123456789012:identitypool/" + testPool},
		{"identity action on a pool", &identityAPI, "DescribeIdentityPool", pool, "arn:aws:cognito-identity:eu-central-1:123456789012:identitypool/" + testPool,
			"arn:aws:cognito-identity:eu-central-1:123456789012:identitypool/" + testPool},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.decisionARN(tt.api, tt.op, &tt.res); got != tt.want {
				t.Errorf("got decision ARN %s, want %s", got, tt.want)
			}
			if got := s.resourceARN(tt.api, &tt.res); got != tt.wantShown {
				t.Errorf("got refusal ARN %s, want %s", got, tt.wantShown)
			}
		})
	}
}

// TestAuthorize runs each kind of principal against each API in both
// modes and checks who is refused, and with which answer.
func TestAuthorize(t *testing.T) {
	const account = "123456789012"
	developer := &protocol.Principal{AccessKeyID: "AKIADEV", Account: account, ARN: "arn:aws:iam::" + account + ":root"}
	identity := &protocol.Principal{AccessKeyID: "ASIAID", Temporary: true, IdentityID: testIdentity, PoolID: testPool,
		ARN: "arn:aws:sts::" + account + ":assumed-role/Guest/CognitoIdentityCredentials"}
	chained := &protocol.Principal{AccessKeyID: "ASIAHOP", Temporary: true, ARN: "arn:aws:sts::" + account + ":assumed-role/Chained/hop"}
	session := &protocol.Principal{AccessKeyID: "ASIASESSION", Temporary: true, ARN: "arn:aws:iam::" + account + ":root"}
	res := resource{Pool: testPool, Identity: testIdentity, Region: "eu-central-1"}

	tests := []struct {
		name       string
		strict     bool
		api        *api
		p          *protocol.Principal
		res        resource
		wantStatus int // 0: allowed
		wantMsg    string
	}{
		{name: "permissive identity op by a role", api: &identityAPI, p: chained, res: res},
		{name: "permissive sync by a role without identity", api: &syncAPI, p: chained, res: res},
		{name: "strict identity op by the developer", strict: true, api: &identityAPI, p: developer, res: res},
		{name: "strict identity op by GetSessionToken credentials", strict: true, api: &identityAPI, p: session, res: res},
		{name: "strict identity op by an identity", strict: true, api: &identityAPI, p: identity, res: res, wantStatus: http.StatusBadRequest,
			wantMsg: "User: " + identity.ARN + " is not authorized to perform: cognito-identity:DescribeIdentityPool on resource: arn:aws:cognito-identity:eu-central-1:123456789012:identitypool/" + testPool},
		{name: "strict identity op on no pool", strict: true, api: &identityAPI, p: chained, res: resource{Region: "us-west-2"}, wantStatus: http.StatusBadRequest,
			wantMsg: "User: " + chained.ARN + " is not authorized to perform: cognito-identity:DescribeIdentityPool on resource: arn:aws:cognito-identity:us-west-2:123456789012:identitypool/"},
		{name: "strict identity op in another partition", strict: true, api: &identityAPI, p: chained, res: resource{Pool: "cn-north-1:x", Region: "cn-north-1"},
			wantStatus: http.StatusBadRequest,
			wantMsg:    "User: " + chained.ARN + " is not authorized to perform: cognito-identity:DescribeIdentityPool on resource: arn:aws-cn:cognito-identity:cn-north-1:123456789012:identitypool/cn-north-1:x"},
		// Strict mode grants an identity no Cognito Sync of its own: its
		// role's policies decide, and credentials idpool did not issue
		// have none (before, every identity had its own data).
		{name: "strict sync by an identity", strict: true, api: &syncAPI, p: identity, res: res, wantStatus: http.StatusForbidden,
			wantMsg: "User: " + identity.ARN + " is not authorized to perform: cognito-sync:DescribeIdentityPool on resource: arn:aws:cognito-sync:eu-central-1:123456789012:identitypool/" + testPool + "/identity/" + testIdentity + "/dataset/null"},
		{name: "strict sync by a role without identity", strict: true, api: &syncAPI, p: chained, res: res, wantStatus: http.StatusForbidden,
			wantMsg: "User: " + chained.ARN + " is not authorized to perform: cognito-sync:DescribeIdentityPool on resource: arn:aws:cognito-sync:eu-central-1:123456789012:identitypool/" + testPool + "/identity/" + testIdentity + "/dataset/null"},
		{name: "strict sts by a role", strict: true, api: &stsAPI, p: chained, res: resource{Region: "us-east-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Server{cfg: Config{Strict: tt.strict, AccountID: account}}
			err := s.authorize(httptest.NewRequest(http.MethodPost, "/", nil), tt.api, "DescribeIdentityPool", tt.p, &tt.res)
			if tt.wantStatus == 0 {
				if err != nil {
					t.Errorf("got %v, want nil", err)
				}
				return
			}
			e, ok := protocol.As(err)
			if !ok || e.Code != "AccessDeniedException" || e.Status != tt.wantStatus || e.Message != tt.wantMsg {
				t.Errorf("got %#v, want AccessDeniedException %d %q", err, tt.wantStatus, tt.wantMsg)
			}
		})
	}
}

// TestRequestKeys: the global condition keys come from the request itself
// as edge records it: the peer's address, whether it came over TLS, and
// its region; from a trusted proxy (--trusted-proxies), the client and the
// transport the proxy forwarded, and from any other peer not.
func TestRequestKeys(t *testing.T) {
	tests := []struct {
		name, remote, region string
		tls                  bool
		proxies              string            // --trusted-proxies
		header               map[string]string // forwarding headers
		want                 map[string][]string
	}{
		{name: "plain HTTP from IPv4", remote: "127.0.0.1:51234", region: "us-east-1",
			want: map[string][]string{"aws:SourceIp": {"127.0.0.1"}, "aws:SecureTransport": {"false"}, "aws:RequestedRegion": {"us-east-1"},
				"aws:ViaAWSService": {"false"}}},
		{name: "TLS from IPv6 with a zone", remote: "[fe80::1%eth0]:443", region: "eu-west-1", tls: true,
			want: map[string][]string{"aws:SourceIp": {"fe80::1"}, "aws:SecureTransport": {"true"}, "aws:RequestedRegion": {"eu-west-1"},
				"aws:ViaAWSService": {"false"}}},
		{name: "IPv4-mapped address", remote: "[::ffff:10.1.2.3]:80", region: "us-east-1",
			want: map[string][]string{"aws:SourceIp": {"10.1.2.3"}, "aws:SecureTransport": {"false"}, "aws:RequestedRegion": {"us-east-1"},
				"aws:ViaAWSService": {"false"}}},
		{name: "no address, no region", remote: "pipe",
			want: map[string][]string{"aws:SecureTransport": {"false"}, "aws:ViaAWSService": {"false"}}},
		{name: "forwarding headers without trusted proxies", remote: "127.0.0.1:51234", region: "us-east-1",
			header: map[string]string{"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
			want: map[string][]string{"aws:SourceIp": {"127.0.0.1"}, "aws:SecureTransport": {"false"}, "aws:RequestedRegion": {"us-east-1"},
				"aws:ViaAWSService": {"false"}}},
		{name: "forwarding headers from a trusted proxy", remote: "127.0.0.1:51234", region: "us-east-1", proxies: "127.0.0.1/32",
			header: map[string]string{"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
			want: map[string][]string{"aws:SourceIp": {"203.0.113.7"}, "aws:SecureTransport": {"true"}, "aws:RequestedRegion": {"us-east-1"},
				"aws:ViaAWSService": {"false"}}},
		{name: "forwarding headers from another peer", remote: "192.0.2.9:51234", region: "us-east-1", proxies: "127.0.0.1, 10.0.0.0/8",
			header: map[string]string{"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
			want: map[string][]string{"aws:SourceIp": {"192.0.2.9"}, "aws:SecureTransport": {"false"}, "aws:RequestedRegion": {"us-east-1"},
				"aws:ViaAWSService": {"false"}}},
		{name: "trusted proxy forwarding plain HTTP over TLS", remote: "[::1]:51234", region: "us-east-1", tls: true, proxies: "::1",
			header: map[string]string{"X-Forwarded-Proto": "http"},
			want: map[string][]string{"aws:SourceIp": {"::1"}, "aws:SecureTransport": {"false"}, "aws:RequestedRegion": {"us-east-1"},
				"aws:ViaAWSService": {"false"}}},
		{name: "trusted proxy without headers", remote: "10.1.2.3:51234", region: "us-east-1", tls: true, proxies: "10.0.0.0/8",
			want: map[string][]string{"aws:SourceIp": {"10.1.2.3"}, "aws:SecureTransport": {"true"}, "aws:RequestedRegion": {"us-east-1"},
				"aws:ViaAWSService": {"false"}}},
		{name: "Forwarded is not read", remote: "127.0.0.1:51234", region: "us-east-1", proxies: "127.0.0.1",
			header: map[string]string{"Forwarded": "for=203.0.113.7;proto=https"},
			want: map[string][]string{"aws:SourceIp": {"127.0.0.1"}, "aws:SecureTransport": {"false"}, "aws:RequestedRegion": {"us-east-1"},
				"aws:ViaAWSService": {"false"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proxies, err := parseTrustedProxies(tt.proxies)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string][]string
			h := edge(trustForwarded(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = requestKeys(r, tt.region)
			}), proxies), slog.New(slog.DiscardHandler), newBodyBudget(), time.Now)
			r := httptest.NewRequest(http.MethodPost, "/", nil)
			r.RemoteAddr = tt.remote
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			} else {
				r.TLS = nil
			}
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestScopeRegion: the edge reads the region of a request's credential
// scope, from the Authorization header or a presigned URL, without
// parsing the rest of the signature.
func TestScopeRegion(t *testing.T) {
	tests := []struct {
		name, auth, query, want string
	}{
		{name: "unsigned"},
		{name: "header", auth: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206/ap-southeast-2/sts/aws4_request, SignedHeaders=host, Signature=00", want: "ap-southeast-2"},
		{name: "presigned", query: "Action=GetCallerIdentity&X-Amz-Credential=AKIDEXAMPLE%2F20261206%2Fcn-north-1%2Fsts%2Faws4_request&X-Amz-Signature=00", want: "cn-north-1"},
		{name: "scope cut short", auth: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206, Signature=00"},
		{name: "no credential", auth: "Bearer x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/?"+tt.query, nil)
			if tt.auth != "" {
				r.Header.Set("Authorization", tt.auth)
			}
			if got := scopeRegion(r); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSyncPassedRoles: the roles a Cognito Sync request passes to the
// service are read from its body as the operation's codec reads it (as
// TestPassedRoles checks for Cognito Identity), members by their exact
// names and the last copy of one, so that no body shows authorization a
// role the operation does not take.
func TestSyncPassedRoles(t *testing.T) {
	const s, p = "arn:aws:iam::123456789012:role/S", "arn:aws:iam::123456789012:role/P"
	tests := []struct {
		name     string
		api      *api
		op, body string
		want     []string
	}{
		{"sync roles", &syncAPI, "SetIdentityPoolConfiguration",
			`{"CognitoStreams":{"RoleArn":"` + s + `"},"pushsync":{"RoleArn":"arn:aws:iam::123456789012:role/X"},` +
				`"PushSync":{"RoleArn":"x","RoleArn":"` + p + `","rolearn":"arn:aws:iam::123456789012:role/Y"}}`, []string{p, s}},
		{"sync other operation", &syncAPI, "GetIdentityPoolConfiguration", `{"CognitoStreams":{"RoleArn":"` + s + `"}}`, nil},
		{"sync role of the wrong type", &syncAPI, "SetIdentityPoolConfiguration", `{"CognitoStreams":{"RoleArn":5}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/identitypools/p/configuration", nil)
			r = r.WithContext(protocol.WithRequest(r.Context(), &protocol.Request{Operation: tt.op}))
			got := tt.api.passed(tt.op, tt.api.resource(r, []byte(tt.body)).json)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
