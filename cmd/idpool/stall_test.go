package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// stalled is how many connections TestStalledBodies holds, and maxRSS the
// resident memory the server may reach meanwhile.
const (
	stalled = 2000
	maxRSS  = 100 << 20
)

// TestStalledBodies runs the real binary and holds stalled connections
// that each declare a 1 MiB body and send one byte of it: the server's
// resident memory stays under maxRSS, and an honest GetId is answered
// meanwhile. Each connection is refused with its code once it closes.
func TestStalledBodies(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads the server's memory and sockets from /proc")
	}
	if testing.Short() {
		t.Skip("builds and runs the binary with thousands of connections")
	}
	if max, err := openFileLimit(); err != nil || max < stalled+200 {
		// Go raises the soft limit to the hard one, in this process
		// and in the server.
		t.Skipf("open-file limit %d (%v): want at least %d", max, err, stalled+200)
	}
	bin := filepath.Join(t.TempDir(), "idpool")
	if out, err := exec.Command(goTool(), "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	logs := new(lockedBuffer)
	cmd := exec.Command(bin, "--db", ":memory:", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "GOMEMLIMIT=") // the binary's own default
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("server log (tail):\n%s", tail(logs.String(), 4000))
		}
	})
	pid := cmd.Process.Pid

	var addr string
	waitFor(t, 30*time.Second, "the server to listen", func() bool {
		m := regexp.MustCompile(`url=http://(127\.0\.0\.1:\d+)`).FindStringSubmatch(logs.String())
		if m != nil {
			addr = m[1]
		}
		return m != nil
	})
	_, portText, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portText)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	newClient := func(creds aws.CredentialsProvider) *cognitoidentity.Client {
		return cognitoidentity.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: creds, RetryMaxAttempts: 1},
			func(o *cognitoidentity.Options) { o.BaseEndpoint = aws.String("http://" + addr) })
	}
	pool, err := newClient(credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")).CreateIdentityPool(ctx,
		&cognitoidentity.CreateIdentityPoolInput{IdentityPoolName: aws.String("stalled"), AllowUnauthenticatedIdentities: true})
	if err != nil {
		t.Fatalf("CreateIdentityPool: %v", err)
	}

	head := "POST / HTTP/1.1\r\nHost: " + addr + "\r\nX-Amz-Target: AWSCognitoIdentityService.GetId\r\n" +
		"Content-Type: application/x-amz-json-1.1\r\nContent-Length: 1048576\r\n\r\n{"
	conns := make([]net.Conn, 0, stalled)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	d := net.Dialer{Timeout: 30 * time.Second}
	for i := range stalled {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		conns = append(conns, c)
		c.SetWriteDeadline(time.Now().Add(30 * time.Second))
		if _, err := c.Write([]byte(head)); err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
	}
	// The server has read a connection's headers and first byte when its
	// socket holds no unread bytes; it then waits for the body.
	waitFor(t, 60*time.Second, fmt.Sprintf("the server to read all %d requests", stalled), func() bool {
		return serverSockets(t, port) >= stalled
	})

	out, err := newClient(aws.AnonymousCredentials{}).GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: pool.IdentityPoolId})
	if err != nil || aws.ToString(out.IdentityId) == "" {
		t.Fatalf("GetId beside %d stalled bodies: got %v, %v, want an identity", stalled, out, err)
	}
	rss := procStatus(t, pid, "VmRSS")
	if n := serverSockets(t, port); n < stalled {
		t.Fatalf("got %d connections held when memory was read, want %d", n, stalled)
	}
	t.Logf("resident memory with %d stalled bodies: %d MiB", stalled, rss>>20)
	if rss >= maxRSS {
		t.Errorf("resident memory with %d stalled bodies: got %d MiB, want under %d MiB", stalled, rss>>20, maxRSS>>20)
	}

	// Closed, every stalled request is refused, and its log line says why.
	for _, c := range conns {
		c.Close()
	}
	refused := "op=GetId status=400 code=SerializationException"
	waitFor(t, 60*time.Second, fmt.Sprintf("%d refusals logged", stalled), func() bool {
		return strings.Count(logs.String(), refused) >= stalled
	})
	if peak := procStatus(t, pid, "VmHWM"); peak >= maxRSS {
		t.Errorf("peak resident memory: got %d MiB, want under %d MiB", peak>>20, maxRSS>>20)
	}
}

// goTool returns the go command of the toolchain running the test.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	//lint:ignore SA1019 a fallback for a test binary run outside go test, which puts the toolchain on PATH.
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// waitFor polls cond until it holds, failing t after limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", limit, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// procStatus returns a memory field of /proc/<pid>/status, in bytes.
func procStatus(t *testing.T, pid int, field string) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("%s: %q: %v", field, line, err)
			}
			return kb << 10
		}
	}
	t.Fatalf("/proc/%d/status has no %s", pid, field)
	return 0
}

// serverSockets counts the established connections on the server's side
// of port (IPv4) with no unread bytes, from /proc/net/tcp.
func serverSockets(t *testing.T, port int) int {
	t.Helper()
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	local := fmt.Sprintf(":%04X", port)
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// sl local_address rem_address st tx_queue:rx_queue ...
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 || !strings.HasSuffix(fields[1], local) || fields[3] != "01" {
			continue
		}
		if _, rx, _ := strings.Cut(fields[4], ":"); strings.Trim(rx, "0") == "" {
			n++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// tail returns at most the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// lockedBuffer collects a server's log, which its process writes while
// the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
