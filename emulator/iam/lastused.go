package iam

import (
	"sync"
	"time"

	"github.com/idpool/idpool/protocol"
)

// lastUse is when, and in which region, a session of a role was last
// issued.
type lastUse struct {
	at     time.Time
	region string
}

// lastUses remembers, by RoleId, the last use of each role IAM holds. It is
// kept in memory only: a credential issue is one of idpool's measured hot
// paths and must not write to the store, and AWS itself reports a role's
// last use hours late and only approximately. A restart, and a reset,
// start it empty. Keys are RoleIds, not names, so that a role deleted
// and created again under its name starts unused, as in IAM. A session
// issued while a reset runs may be recorded just after it forgets: a
// fixture role, which keeps its RoleId, then shows that use, as AWS's own
// late and approximate tracking could.
type lastUses struct {
	mu   sync.Mutex
	last map[string]lastUse
}

// RoleUsed records that a session of the role with RoleId id was issued
// at at, for a request of region. It is cheap and safe to call on every
// credential issue; a role IAM does not hold (id "") is not tracked.
func (s *Service) RoleUsed(id, region string, at time.Time) {
	if id == "" {
		return
	}
	u := &s.used
	u.mu.Lock()
	defer u.mu.Unlock()
	if prev, ok := u.last[id]; ok && prev.at.After(at) {
		return
	}
	if u.last == nil {
		u.last = make(map[string]lastUse)
	}
	u.last[id] = lastUse{at: at.UTC(), region: region}
}

// ForgetUsage forgets every role's last use (after a reset of the store:
// the fixtures' roles keep their RoleIds).
func (s *Service) ForgetUsage() {
	s.used.mu.Lock()
	s.used.last = nil
	s.used.mu.Unlock()
}

// roleLastUsed is the RoleLastUsed GetRole answers for the role with
// RoleId id: empty for a role not used since idpool started.
func (s *Service) roleLastUsed(id string) *RoleLastUsed {
	s.used.mu.Lock()
	use, ok := s.used.last[id]
	s.used.mu.Unlock()
	if !ok {
		return &RoleLastUsed{}
	}
	at := protocol.At(use.at)
	return &RoleLastUsed{LastUsedDate: &at, Region: &use.region}
}

// forgetRole drops the last use of a deleted role.
func (s *Service) forgetRole(id string) {
	s.used.mu.Lock()
	delete(s.used.last, id)
	s.used.mu.Unlock()
}
