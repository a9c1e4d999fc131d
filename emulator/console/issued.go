package console

import (
	"sync"
	"time"
)

// issuedSize bounds the issues remembered across all identities.
const issuedSize = 2000

// Issue is one set of credentials or one token issued to an identity.
type Issue struct {
	IdentityID string
	Kind       string // "credentials" or "OpenID token"
	// ID is the access key id of credentials, "" for a token.
	ID      string
	Role    string
	At      time.Time
	Expires time.Time
}

// Issued remembers the most recent issues, oldest dropped first. idpool
// keeps no record of what it issued (the session token is the record),
// so this is all the console can show: what was issued since the server
// started, within the bound.
type Issued struct {
	mu   sync.Mutex
	ring []Issue
	head int
}

// NewIssued returns a record of at most size issues.
func NewIssued(size int) *Issued { return &Issued{ring: make([]Issue, size)} }

// Add records an issue.
func (s *Issued) Add(i Issue) {
	s.mu.Lock()
	s.ring[s.head] = i
	s.head = (s.head + 1) % len(s.ring)
	s.mu.Unlock()
}

// For returns the recorded issues of an identity, newest first.
func (s *Issued) For(identityID string) []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Issue
	for k := 1; k <= len(s.ring); k++ {
		i := s.ring[(s.head-k+len(s.ring))%len(s.ring)]
		if i.IdentityID == "" {
			break
		}
		if i.IdentityID == identityID {
			out = append(out, i)
		}
	}
	return out
}
