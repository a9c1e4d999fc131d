package main

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestHTTP2LargeBodies: over one HTTP/2 connection, many large request
// bodies that wait for their share of the server's body budget do not
// stall the connection: a small request sent meanwhile on it is answered
// at once, and every large body is read and answered for what it is (a
// web identity token too long), none 503 or cut off. With net/http's
// default windows, the waiting bodies filled the connection's 1 MiB
// window, a 67-byte GetId waited seconds, and bodies timed out.
func TestHTTP2LargeBodies(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 100 MB")
	}
	const (
		large = 100
		size  = 1_000_000
	)
	cert, key := selfSigned(t, "127.0.0.1")
	addr, _, stop := startServer(t, filepath.Join(t.TempDir(), "addr"), "--tls-cert", cert, "--tls-key", key)
	defer stop()
	client := tlsClient(t, cert)
	client.Timeout = 60 * time.Second
	base := "https://" + addr + "/"

	// The large bodies are sent at once on a new connection, before the
	// client has read the server's settings, as the first requests of a
	// test suite are.
	post := func(ctype, target, body string) (*http.Response, string, error) {
		req, _ := http.NewRequest(http.MethodPost, base, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		if target != "" {
			req.Header.Set("X-Amz-Target", target)
		}
		res, err := client.Do(req)
		if err != nil {
			return nil, "", err
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, string(b), nil
	}
	getID := func() (time.Duration, *http.Response, error) {
		start := time.Now()
		res, _, err := post("application/x-amz-json-1.1", "AWSCognitoIdentityService.GetId", `{"IdentityPoolId":"us-east-1:15d9b2bf-521e-461a-bd57-b556fc173e0c"}`)
		return time.Since(start), res, err
	}
	body := "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/r&RoleSessionName=s&WebIdentityToken=" +
		strings.Repeat("v", size)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		answers = map[string]int{}
	)
	for range large {
		wg.Go(func() {
			res, b, err := post("application/x-www-form-urlencoded", "", body)
			k := ""
			switch {
			case err != nil:
				k = "error " + err.Error()
			case res.ProtoMajor != 2:
				k = res.Proto
			default:
				k = res.Status
				if m := codeRE.FindStringSubmatch(b); m != nil {
					k += " " + m[1]
				}
			}
			mu.Lock()
			answers[k]++
			mu.Unlock()
		})
	}
	// While the bodies are being sent, small requests are answered at
	// once.
	time.Sleep(300 * time.Millisecond)
	for i := range 3 {
		took, res, err := getID()
		if err != nil {
			t.Fatalf("GetId %d among the large bodies: %v", i, err)
		}
		t.Logf("GetId %d among the large bodies: %s after %s", i, res.Status, took)
		if took > time.Second || res.StatusCode != http.StatusBadRequest {
			t.Errorf("GetId %d among the large bodies: got %s after %s, want a 400 ResourceNotFound within 1s", i, res.Status, took)
		}
	}
	wg.Wait()
	if want := "400 Bad Request ValidationError"; answers[want] != large {
		t.Errorf("answers of the large bodies: got %v, want %d × %s (the token's length refused)", answers, large, want)
	}
}

// codeRE finds the error code of an STS answer.
var codeRE = regexp.MustCompile(`<Code>(\w+)</Code>`)
