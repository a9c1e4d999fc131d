package emulator

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/idpool/idpool/protocol"
)

// trustedProxies are the peers (--trusted-proxies) whose forwarding
// headers idpool believes: a reverse proxy that terminates TLS or stands
// between the clients and idpool tells in them what AWS's aws:SourceIp
// and aws:SecureTransport see, which the connection idpool has no longer
// shows. No other peer's headers are read, since any client can send
// them.
type trustedProxies []netip.Prefix

// parseTrustedProxies parses --trusted-proxies: a comma-separated list of
// IP addresses and CIDR prefixes, spaces around each allowed. An address
// stands for itself (a /32 or /128 prefix). A prefix with bits set after
// its length (10.0.0.1/8), an IPv4-mapped IPv6 prefix or address
// (::ffff:10.0.0.1; peers are compared in their IPv4 form) and an address
// with a zone are refused, since each would trust other peers than its
// text seems to say. "" trusts none.
func parseTrustedProxies(s string) (trustedProxies, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var ps trustedProxies
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		p, err := parseTrustedProxy(item)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", item, err)
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// parseTrustedProxy parses one item of --trusted-proxies (see
// parseTrustedProxies).
func parseTrustedProxy(item string) (netip.Prefix, error) {
	if item == "" {
		return netip.Prefix{}, errors.New("want an IP address or a CIDR prefix, not an empty item")
	}
	if !strings.Contains(item, "/") {
		ip, err := netip.ParseAddr(item)
		switch {
		case err != nil:
			return netip.Prefix{}, errors.New("want an IP address (192.0.2.1, 2001:db8::1) or a CIDR prefix (10.0.0.0/8, fd00::/8)")
		case ip.Zone() != "":
			return netip.Prefix{}, errors.New("want an address without a zone")
		case ip.Is4In6():
			return netip.Prefix{}, fmt.Errorf("want the IPv4 address %s for an IPv4-mapped address", ip.Unmap())
		}
		return netip.PrefixFrom(ip, ip.BitLen()), nil
	}
	p, err := netip.ParsePrefix(item)
	switch {
	case err != nil:
		return netip.Prefix{}, errors.New("want a CIDR prefix such as 10.0.0.0/8 or fd00::/8 (an address, a slash and a length up to 32 for IPv4, 128 for IPv6)")
	case p.Addr().Is4In6():
		return netip.Prefix{}, errors.New("want an IPv4 prefix for IPv4-mapped addresses (peers are compared in their IPv4 form)")
	case p != p.Masked():
		return netip.Prefix{}, fmt.Errorf("want %s: the address has bits set after the prefix length", p.Masked())
	}
	return p, nil
}

// contains reports whether ps trusts ip.
func (ps trustedProxies) contains(ip netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// peerIP returns the IP address of a connection's remote address
// (http.Request's RemoteAddr, host:port), in its IPv4 form when it is an
// IPv4-mapped one and without a zone, as aws:SourceIp gives it; the zero
// Addr when it names none.
func peerIP(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return netip.Addr{}
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return ip.Unmap().WithZone("")
}

// trustForwarded gives the requests that come from a peer of ps the
// origin the proxy forwarded (see forwardedOrigin) in place of the
// connection's, which edge recorded. Only the condition keys of IAM's
// decisions read it: the guards of /_idpool/ (rebindGuard, localOrigin)
// read the Host and Origin headers a browser sends, never an address, and
// stay as they are. Without trusted proxies it is next itself.
func trustForwarded(next http.Handler, ps trustedProxies) http.Handler {
	if len(ps) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if req := protocol.RequestFrom(r.Context()); req != nil && ps.contains(req.SourceIP) {
			req.SourceIP, req.Secure = ps.forwardedOrigin(r.Header, req.SourceIP, req.Secure)
		}
		next.ServeHTTP(w, r)
	})
}

// forwardedOrigin returns the client's address and whether it came over
// TLS, as a request with header h from a trusted proxy at peer (over TLS
// when secure) tells them: the client is X-Forwarded-For's (see
// forwardedFor), else peer, and the transport is secure when
// X-Forwarded-Proto says https, insecure when it says http, and else as
// the connection from the proxy is.
// Of several X-Forwarded-Proto values (proxies that append), the
// right-most is taken: the trusted peer set it.
//
// RFC 7239's Forwarded header is not read: nginx passes a client's
// Forwarded through unchanged unless told otherwise, so believing it
// beside X-Forwarded-For, which nginx, Caddy, Traefik and AWS's load
// balancers all set, would let a client choose its own address.
func (ps trustedProxies) forwardedOrigin(h http.Header, peer netip.Addr, secure bool) (netip.Addr, bool) {
	client := peer
	if ip, ok := ps.forwardedFor(h.Values("X-Forwarded-For")); ok {
		client = ip
	}
	if v := lastListItem(h.Values("X-Forwarded-Proto")); strings.EqualFold(v, "https") {
		secure = true
	} else if strings.EqualFold(v, "http") {
		secure = false
	}
	return client, secure
}

// forwardedFor returns the client address of the X-Forwarded-For field
// lines lines, as the standard rule finds it: the list (the lines joined
// with commas, RFC 9110 section 5.3) is read from the right, where the
// trusted peer appended the address it was called from, past every
// address of a trusted proxy, and the first address that is not one is
// the client's; when all are, the left-most is. Any client can write the
// start of the list, so nothing left of the first untrusted address is
// looked at. An item that is not an address (garbage, "unknown", an
// obfuscated name) where the client's address should be gives none
// (false): the caller keeps the peer's. An item may carry a port
// (192.0.2.1:443, [2001:db8::1]:443) or brackets ([2001:db8::1]), as some
// proxies write them.
func (ps trustedProxies) forwardedFor(lines []string) (netip.Addr, bool) {
	items := strings.Split(strings.Join(lines, ","), ",")
	var last netip.Addr
	for i := len(items) - 1; i >= 0; i-- {
		item := strings.TrimSpace(items[i])
		if item == "" {
			// An empty list element, which RFC 9110 tells recipients to
			// ignore ("a, , b"), or no header at all.
			continue
		}
		ip, ok := forwardedAddr(item)
		if !ok {
			return netip.Addr{}, false
		}
		if !ps.contains(ip) {
			return ip, true
		}
		last = ip
	}
	return last, last.IsValid()
}

// forwardedAddr parses one item of X-Forwarded-For: an IP address, maybe
// with a port, an IPv6 one maybe in brackets, into its form for
// aws:SourceIp (see peerIP).
func forwardedAddr(item string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(item); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	if inner, ok := strings.CutPrefix(item, "["); ok {
		item, ok = strings.CutSuffix(inner, "]")
		if !ok {
			return netip.Addr{}, false
		}
	}
	ip, err := netip.ParseAddr(item)
	if err != nil {
		return netip.Addr{}, false
	}
	return ip.Unmap().WithZone(""), true
}

// lastListItem returns the right-most element of the comma-separated
// list the field lines lines make, trimmed of spaces ("" for none).
func lastListItem(lines []string) string {
	joined := strings.Join(lines, ",")
	return strings.TrimSpace(joined[strings.LastIndex(joined, ",")+1:])
}
