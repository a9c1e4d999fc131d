package emulator

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// TestParseTrustedProxies: --trusted-proxies takes addresses and CIDR
// prefixes separated by commas, and refuses, naming the item, what would
// trust other peers than its text seems to say.
func TestParseTrustedProxies(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // the prefixes, when valid
		wantErr  string   // a part of the error, when not
	}{
		{name: "none", in: "", want: nil},
		{name: "only spaces", in: "  ", want: nil},
		{name: "one address", in: "127.0.0.1", want: []string{"127.0.0.1/32"}},
		{name: "IPv6 address", in: "::1", want: []string{"::1/128"}},
		{name: "prefixes and addresses with spaces", in: " 10.0.0.0/8 ,172.16.0.0/12, fd00::/8,192.0.2.1 ",
			want: []string{"10.0.0.0/8", "172.16.0.0/12", "fd00::/8", "192.0.2.1/32"}},
		{name: "everyone", in: "0.0.0.0/0,::/0", want: []string{"0.0.0.0/0", "::/0"}},
		{name: "empty item", in: "10.0.0.1,,10.0.0.2", wantErr: `"": want an IP address or a CIDR prefix, not an empty item`},
		{name: "trailing comma", in: "10.0.0.1,", wantErr: "not an empty item"},
		{name: "host name", in: "proxy", wantErr: `"proxy": want an IP address`},
		{name: "address with a port", in: "127.0.0.1:80", wantErr: `"127.0.0.1:80": want an IP address`},
		{name: "bits after the length", in: "10.0.0.1/8", wantErr: `"10.0.0.1/8": want 10.0.0.0/8`},
		{name: "length too long", in: "10.0.0.0/33", wantErr: `"10.0.0.0/33": want a CIDR prefix`},
		{name: "zone", in: "fe80::1%eth0", wantErr: "without a zone"},
		{name: "IPv4-mapped address", in: "::ffff:10.0.0.1", wantErr: "want the IPv4 address 10.0.0.1"},
		{name: "IPv4-mapped prefix", in: "::ffff:10.0.0.0/104", wantErr: "want an IPv4 prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseTrustedProxies(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("got %v, %v; want an error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			var text []string
			for _, p := range got {
				text = append(text, p.String())
			}
			if strings.Join(text, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v, want %v", text, tt.want)
			}
		})
	}
}

// TestForwardedFor: the client of X-Forwarded-For is the right-most
// address that is not a trusted proxy; what a client wrote left of it is
// never looked at, and an item that is no address where the client should
// be gives none.
func TestForwardedFor(t *testing.T) {
	proxies, err := parseTrustedProxies("10.0.0.0/8, fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		lines []string // the header's field lines
		want  string   // the client, "" for none
	}{
		{name: "no header", lines: nil, want: ""},
		{name: "empty header", lines: []string{""}, want: ""},
		{name: "one client", lines: []string{"203.0.113.7"}, want: "203.0.113.7"},
		{name: "client through two trusted proxies", lines: []string{"203.0.113.7, 10.0.0.2, 10.0.0.3"}, want: "203.0.113.7"},
		{name: "forged start", lines: []string{"198.51.100.1, 203.0.113.7, 10.0.0.2"}, want: "203.0.113.7"},
		{name: "forged trusted address", lines: []string{"10.9.9.9, 203.0.113.7"}, want: "203.0.113.7"},
		{name: "no spaces", lines: []string{"198.51.100.1,203.0.113.7,10.0.0.2"}, want: "203.0.113.7"},
		{name: "tabs and runs of spaces", lines: []string{"198.51.100.1 ,\t203.0.113.7  ,   10.0.0.2\t"}, want: "203.0.113.7"},
		{name: "empty elements", lines: []string{"203.0.113.7, , 10.0.0.2,"}, want: "203.0.113.7"},
		{name: "several field lines", lines: []string{"198.51.100.1, 203.0.113.7", "10.0.0.2"}, want: "203.0.113.7"},
		{name: "all trusted: the left-most", lines: []string{"10.0.0.5, 10.0.0.2"}, want: "10.0.0.5"},
		{name: "garbage where the client is", lines: []string{"203.0.113.7, garbage, 10.0.0.2"}, want: ""},
		{name: "unknown", lines: []string{"unknown"}, want: ""},
		{name: "obfuscated name", lines: []string{"_hidden, 10.0.0.2"}, want: ""},
		{name: "garbage left of the client", lines: []string{"garbage, 203.0.113.7"}, want: "203.0.113.7"},
		{name: "IPv6", lines: []string{"2001:db8::17, fd00::2"}, want: "2001:db8::17"},
		{name: "IPv6 in brackets", lines: []string{"[2001:db8::17]"}, want: "2001:db8::17"},
		{name: "IPv6 with a port", lines: []string{"[2001:db8::17]:4711, 10.0.0.2"}, want: "2001:db8::17"},
		{name: "IPv6 with a zone", lines: []string{"fe80::1%eth0"}, want: "fe80::1"},
		{name: "IPv4 with a port", lines: []string{"203.0.113.7:51234"}, want: "203.0.113.7"},
		{name: "trusted proxy with a port", lines: []string{"203.0.113.7, 10.0.0.2:443"}, want: "203.0.113.7"},
		{name: "IPv4-mapped", lines: []string{"::ffff:203.0.113.7"}, want: "203.0.113.7"},
		{name: "IPv4-mapped trusted proxy", lines: []string{"203.0.113.7, ::ffff:10.0.0.2"}, want: "203.0.113.7"},
		{name: "unclosed bracket", lines: []string{"[2001:db8::17"}, want: ""},
		{name: "address and junk", lines: []string{"203.0.113.7 extra"}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ip, ok := proxies.forwardedFor(tt.lines)
			got := ""
			if ok {
				got = ip.String()
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestForwardedOrigin: from a trusted proxy, X-Forwarded-Proto's
// right-most value says whether the client came over TLS, and without a
// value the proxy's own connection does; the client without
// X-Forwarded-For is the proxy.
func TestForwardedOrigin(t *testing.T) {
	proxies, err := parseTrustedProxies("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	peer := netip.MustParseAddr("10.0.0.2")
	tests := []struct {
		name       string
		header     http.Header
		peerTLS    bool
		wantClient string
		wantSecure bool
	}{
		{name: "https", header: http.Header{"X-Forwarded-Proto": {"https"}, "X-Forwarded-For": {"203.0.113.7"}},
			wantClient: "203.0.113.7", wantSecure: true},
		{name: "HTTPS in capitals", header: http.Header{"X-Forwarded-Proto": {" HTTPS "}}, wantClient: "10.0.0.2", wantSecure: true},
		{name: "http over TLS", header: http.Header{"X-Forwarded-Proto": {"http"}}, peerTLS: true, wantClient: "10.0.0.2"},
		{name: "no proto over TLS", header: http.Header{}, peerTLS: true, wantClient: "10.0.0.2", wantSecure: true},
		{name: "no proto over plain HTTP", header: http.Header{}, wantClient: "10.0.0.2"},
		{name: "other proto", header: http.Header{"X-Forwarded-Proto": {"wss"}}, wantClient: "10.0.0.2"},
		{name: "appended: the right-most", header: http.Header{"X-Forwarded-Proto": {"https, http"}}, wantClient: "10.0.0.2"},
		{name: "appended over lines: the right-most", header: http.Header{"X-Forwarded-Proto": {"http", "https"}}, wantClient: "10.0.0.2", wantSecure: true},
		{name: "garbage client", header: http.Header{"X-Forwarded-For": {"garbage"}, "X-Forwarded-Proto": {"https"}},
			wantClient: "10.0.0.2", wantSecure: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, secure := proxies.forwardedOrigin(tt.header, peer, tt.peerTLS)
			if client.String() != tt.wantClient || secure != tt.wantSecure {
				t.Errorf("got %s, %t; want %s, %t", client, secure, tt.wantClient, tt.wantSecure)
			}
		})
	}
}

// TestForwardedLog: a request's log line shows the origin a trusted proxy
// forwarded, which the policies saw, and only when it differs from the
// connection's.
func TestForwardedLog(t *testing.T) {
	proxies, err := parseTrustedProxies("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, remote string
		header       map[string]string
		want         string // in the line, "" for no origin at all
	}{
		{name: "forwarded client and TLS", remote: "10.0.0.2:1234",
			header: map[string]string{"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
			want:   "source_ip=203.0.113.7 secure_transport=true"},
		{name: "forwarded TLS only", remote: "10.0.0.2:1234", header: map[string]string{"X-Forwarded-Proto": "https"},
			want: "source_ip=10.0.0.2 secure_transport=true"},
		{name: "trusted proxy forwarding nothing", remote: "10.0.0.2:1234"},
		{name: "untrusted peer", remote: "192.0.2.1:1234",
			header: map[string]string{"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, nil))
			h := edge(trustForwarded(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), proxies), logger, newBodyBudget(), time.Now)
			r := httptest.NewRequest(http.MethodPost, "/", nil)
			r.RemoteAddr = tt.remote
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			line := logs.String()
			if tt.want != "" && !strings.Contains(line, tt.want) || tt.want == "" && strings.Contains(line, "source_ip") {
				t.Errorf("got %q, want %q in it", line, tt.want)
			}
		})
	}
}
