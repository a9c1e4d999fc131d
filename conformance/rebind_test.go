package conformance

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/cognitosync"
)

// TestRebindingHost: a page of another site whose name is rebound to the
// server (DNS rebinding) reaches it with that name as Host and, on a GET,
// no Origin. The console and the test controls refuse it, so the page
// cannot read a user's Cognito Sync records; under the server's own name
// they answer as before, and the AWS services answer SDKs under any name,
// since an SDK sends its endpoint's.
func TestRebindingHost(t *testing.T) {
	s := testServer(t)
	ep, err := url.Parse(s.endpoint)
	if err != nil {
		t.Fatal(err)
	}
	if ep.Scheme != "http" {
		t.Skip("a rebound name has no certificate: this test needs an http endpoint")
	}
	port := ep.Port()
	if port == "" {
		port = "80"
	}
	rebound := "http://attacker.example:" + port
	// The transport dials the server whatever name a request holds, as a
	// browser does once attacker.example resolves to the server.
	dialer := &net.Dialer{}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, net.JoinHostPort(ep.Hostname(), port))
	}}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr}

	p := newSyncPool(t, s)
	u := p.guest(t)
	const secret = "rebound-page-must-not-read-this"
	u.write(t, "notes", replacePatch("secret", secret, 0))
	key, _ := u.creds.Get()

	get := func(t *testing.T, c *http.Client, base, path string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		// What a page's fetch of its own origin sends.
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		res, err := c.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", base+path, err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, string(b)
	}

	page := "/_idpool/console/identities/" + url.PathEscape(u.id)
	refused := []struct{ name, path string }{
		{"the identity's console page", page},
		{"the console", "/_idpool/console/"},
		{"the credentials control", "/_idpool/credentials/" + key.AccessKeyID},
	}
	for _, tt := range refused {
		t.Run("refused under the rebound name: "+tt.name, func(t *testing.T) {
			status, body := get(t, client, rebound, tt.path)
			if status != http.StatusForbidden || strings.Contains(body, secret) || !strings.Contains(body, "--public-url") {
				t.Errorf("got %d %.300s, want 403 naming --public-url", status, body)
			}
		})
	}

	t.Run("served under the server's own name", func(t *testing.T) {
		status, body := get(t, http.DefaultClient, s.endpoint, page)
		if status == http.StatusNotFound {
			t.Skip("the server's console is off")
		}
		if status != http.StatusOK || !strings.Contains(body, secret) {
			t.Errorf("got %d %.300s, want 200 with the record", status, body)
		}
	})

	t.Run("public documents under the rebound name", func(t *testing.T) {
		for _, path := range []string{"/_idpool/health", "/.well-known/openid-configuration"} {
			if status, body := get(t, client, rebound, path); status != http.StatusOK {
				t.Errorf("%s: got %d %.300s, want 200", path, status, body)
			}
		}
	})

	t.Run("SDKs under the rebound name", func(t *testing.T) {
		anon := cognitoidentity.NewFromConfig(awsv2.Config{Region: region, Credentials: awsv2.AnonymousCredentials{}, RetryMaxAttempts: 1},
			func(o *cognitoidentity.Options) {
				o.BaseEndpoint = awsv2.String(rebound)
				o.HTTPClient = client
			})
		_, err := anon.GetCredentialsForIdentity(context.Background(), &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: awsv2.String(u.id)})
		ok(t, err, "GetCredentialsForIdentity")
		sess, err := session.NewSession(&aws.Config{
			Region: aws.String(region), Endpoint: aws.String(rebound), Credentials: u.creds,
			MaxRetries: aws.Int(0), HTTPClient: client,
		})
		if err != nil {
			t.Fatalf("session.NewSession: %v", err)
		}
		out, err := cognitosync.New(sess).ListRecords(&cognitosync.ListRecordsInput{
			IdentityPoolId: aws.String(p.id), IdentityId: aws.String(u.id), DatasetName: aws.String("notes"),
		})
		ok(t, err, "ListRecords (signed for the rebound name)")
		if got := recordMap(t, out.Records)["secret"]; got.value == nil || *got.value != secret {
			t.Errorf("ListRecords: got %v, want the record %q", got, secret)
		}
	})
}
