package iam

import (
	"sync"
	"time"

	"github.com/idpool/idpool/protocol"
)

// lastUse is when, and in which region, a session of a role was last
// issued, or an access key last signed a request (and for which service).
type lastUse struct {
	at      time.Time
	region  string
	service string
}

// lastUses remembers, by RoleId, the last use of each role IAM holds, and
// by AccessKeyId that of each user's access key (the two kinds of ids
// never meet: AROA…, AKIA…). It is
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
	s.used.record(id, lastUse{at: at.UTC(), region: region})
}

// KeyUsed records that the user's access key id signed, at at, a request
// to service (its signing name: "iam", "sts", "cognito-identity") in
// region, which GetAccessKeyLastUsed answers. It is as cheap as RoleUsed.
func (s *Service) KeyUsed(id, service, region string, at time.Time) {
	s.used.record(id, lastUse{at: at.UTC(), region: region, service: service})
}

// record keeps use as the last of id, unless a later one is kept.
func (u *lastUses) record(id string, use lastUse) {
	if id == "" {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if prev, ok := u.last[id]; ok && prev.at.After(use.at) {
		return
	}
	if u.last == nil {
		u.last = make(map[string]lastUse)
	}
	u.last[id] = use
}

// lastOf returns the last use of id, if any.
func (u *lastUses) lastOf(id string) (lastUse, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	use, ok := u.last[id]
	return use, ok
}

// ForgetUsage forgets every role's and key's last use (after a reset of
// the store: the fixtures' roles keep their RoleIds, their keys their ids),
// and the last code each MFA device gave (a fixture's device keeps its
// serial number and seed, and starts afresh as at start).
func (s *Service) ForgetUsage() {
	s.used.mu.Lock()
	s.used.last = nil
	s.used.mu.Unlock()
	s.codes.forgetAll()
}

// roleLastUsed is the RoleLastUsed GetRole answers for the role with
// RoleId id: empty for a role not used since idpool started.
func (s *Service) roleLastUsed(id string) *RoleLastUsed {
	use, ok := s.used.lastOf(id)
	if !ok {
		return &RoleLastUsed{}
	}
	at := protocol.At(use.at)
	return &RoleLastUsed{LastUsedDate: &at, Region: &use.region}
}

// keyLastUsed is the AccessKeyLastUsed GetAccessKeyLastUsed answers for
// the access key id: "N/A" as ServiceName and Region, and no date, for a
// key not used since idpool started, as AWS answers a key never used
// (test_iam_users.snapshot.json get-access-key-last-used-unused).
func (s *Service) keyLastUsed(id string) AccessKeyLastUsed {
	use, ok := s.used.lastOf(id)
	if !ok {
		return AccessKeyLastUsed{ServiceName: "N/A", Region: "N/A"}
	}
	at := protocol.At(use.at)
	return AccessKeyLastUsed{LastUsedDate: &at, ServiceName: use.service, Region: use.region}
}

// forget drops the last use of a deleted role or access key.
func (s *Service) forget(id string) {
	s.used.mu.Lock()
	delete(s.used.last, id)
	s.used.mu.Unlock()
}
