package emulator

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/idpool/idpool/emulator/providers"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// userKey looks up an active access key of an IAM user: its secret and
// the principal it signs as. IAM makes every user key with the AKIA
// prefix, so other keys (a developer's made-up ones) cost no store read.
// A store failure counts as an unknown key: the request is then refused
// in strict mode, and runs as the root in permissive mode, as before IAM.
func (s *Server) userKey(ctx context.Context, id string) (string, *protocol.Principal, bool) {
	if !strings.HasPrefix(id, "AKIA") {
		return "", nil, false
	}
	k, err := s.store.GetAccessKey(ctx, id)
	if err != nil || k.Status != "Active" {
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			s.logger.ErrorContext(ctx, "access key lookup", "err", err)
		}
		return "", nil, false
	}
	u, err := s.store.GetUser(ctx, k.UserName)
	if err != nil {
		return "", nil, false
	}
	return k.Secret, &protocol.Principal{AccessKeyID: id, Account: s.cfg.AccountID, ARN: u.ARN, UserID: u.ID}, true
}

// iamProviders is the providers.Source of IAM's OpenID Connect providers:
// a provider created through IAM verifies tokens as soon as it exists, and
// no longer once it is deleted. Its key set is found by discovery from
// its URL, as IAM finds it; its client ids are the audiences it accepts.
//
// Every login and web identity token of an external provider asks it, so
// it remembers what the store answered (a profile of GetId with a login
// showed the store read as a tenth of the server's time) until IAM or a
// reset writes again: drop is called after every such write.
type iamProviders struct {
	store              storage.Reader
	partition, account string
	known              *knownProviders
}

// knownProviders is what the store answered for each Logins key since the
// last IAM write. Answers read before a write are stamped with the
// generation they were read in, so a write that lands meanwhile makes
// them stale at once.
type knownProviders struct {
	mu  sync.Mutex
	gen uint64
	m   map[string]knownProvider
}

type knownProvider struct {
	gen uint64
	p   providers.Provider
	ok  bool
}

// maxKnownProviders bounds the answers kept: STS looks up the issuer of
// any token it is sent, so the keys asked for are chosen by clients.
const maxKnownProviders = 1024

// drop forgets every answer.
func (k *knownProviders) drop() {
	k.mu.Lock()
	k.gen++
	k.m = nil
	k.mu.Unlock()
}

func (p iamProviders) Provider(ctx context.Context, key string) (providers.Provider, bool, error) {
	k := p.known
	k.mu.Lock()
	gen := k.gen
	got, hit := k.m[key]
	k.mu.Unlock()
	if hit && got.gen == gen {
		return got.p, got.ok, nil
	}
	op, err := p.store.GetOIDCProvider(ctx, "arn:"+p.partition+":iam::"+p.account+":oidc-provider/"+key)
	var found knownProvider
	switch {
	case errors.Is(err, storage.ErrNotFound):
	case err != nil:
		return providers.Provider{}, false, err
	default:
		found = knownProvider{p: providers.Provider{Name: op.URL, ClientIDs: op.ClientIDs}, ok: true}
	}
	k.mu.Lock()
	if k.gen == gen {
		if k.m == nil || len(k.m) >= maxKnownProviders {
			k.m = make(map[string]knownProvider)
		}
		found.gen = gen
		k.m[key] = found
	}
	k.mu.Unlock()
	return found.p, found.ok, nil
}
