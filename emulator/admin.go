package emulator

import (
	"net/http"
)

// health answers 200 once the store is open, which it is for as long as
// the Server exists.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"ok"}`))
}

// jwks publishes the public keys of idpool's OpenID tokens.
func (s *Server) jwks(w http.ResponseWriter, r *http.Request) {
	b, err := s.tokens.JWKS(r.Context())
	if err != nil {
		s.logger.Error("jwks", "err", err)
		http.Error(w, "signing keys unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

// discovery publishes the OpenID configuration, pointing at this server's
// own JWKS so that generic OIDC verifiers find the keys.
func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(s.tokens.Discovery(scheme + "://" + r.Host))
}
