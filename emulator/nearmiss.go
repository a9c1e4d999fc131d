package emulator

import (
	"net"
	"strings"

	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/emulator/sts"
)

// providerNearMiss says, for a web identity whose trust policy refused
// it, which Federated principal of the policy names an OpenID Connect
// provider that is a near miss of the token's, "" when none is: one that
// differs from it only by a trailing "/", by its host's case, or by a
// loopback host spelled another way (localhost, 127.0.0.1, [::1]). STS names a token's
// provider by its iss exactly, so such a token is not the trusted
// provider's, which the policy's explanation alone ("principal not
// trusted") does not make plain. What it says starts with "; ", to follow
// the trust policy's reason.
func providerNearMiss(w *sts.WebIdentity, doc *policy.Document) string {
	if w == nil || w.Provider == sts.CognitoProvider {
		return ""
	}
	_, key, ok := oidcProvider(w.Provider)
	if !ok {
		return ""
	}
	for _, fed := range doc.FederatedPrincipals() {
		_, trusted, ok := oidcProvider(fed)
		if !ok || trusted == key {
			continue
		}
		if why := nearMiss(key, trusted); why != "" {
			return "; the token's provider is " + w.Provider + " (iss " + w.Issuer + "), not the trusted principal " + fed +
				", which differs from it only by " + why + ": STS names a token's provider by its iss exactly, so have the provider issue tokens of iss " +
				issuerOf(w.Issuer, trusted) + ", or trust " + w.Provider
		}
	}
	return ""
}

// nearMiss says how Logins key got differs from want when it differs only
// by a trailing "/", its host's case or a loopback host's spelling, ""
// otherwise.
func nearMiss(got, want string) string {
	var why []string
	gs, ws := strings.TrimSuffix(got, "/"), strings.TrimSuffix(want, "/")
	if (gs != got) != (ws != want) {
		why = append(why, `a trailing "/"`)
	}
	gh, gp, _ := strings.Cut(gs, "/")
	wh, wp, _ := strings.Cut(ws, "/")
	if gp != wp {
		return ""
	}
	switch {
	case gh == wh:
	case strings.EqualFold(gh, wh):
		// Case is a difference too: STS compares a token's provider with
		// the trusted one exactly.
		why = append(why, "the case of its host, "+gh+" where the principal has "+wh)
	default:
		gn, gport := splitHost(gh)
		wn, wport := splitHost(wh)
		if gport != wport || !loopback(gn) || !loopback(wn) {
			return ""
		}
		why = append(why, "its host, "+gn+" where the principal has "+wn)
	}
	return strings.Join(why, " and ")
}

// splitHost splits an optional port off host.
func splitHost(host string) (name, port string) {
	if h, p, err := net.SplitHostPort(host); err == nil {
		return h, p
	}
	return strings.Trim(host, "[]"), ""
}

// loopback reports whether host names this machine: localhost, or a
// loopback address.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// issuerOf is the issuer of Logins key key with iss's scheme.
func issuerOf(iss, key string) string {
	scheme, _, ok := strings.Cut(iss, "://")
	if !ok {
		return "https://" + key
	}
	return scheme + "://" + key
}
