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

// userKey looks up an access key of an IAM user: its secret, the
// principal it signs as and its status ("Active", "Inactive", …; "" when
// IAM holds no such key). IAM makes every user key with the AKIA prefix,
// so other keys (a developer's made-up ones) cost no store read. A store
// failure counts as an unknown key: the request is then refused in strict
// mode, and runs as the root in permissive mode, as before IAM.
func (s *Server) userKey(ctx context.Context, id string) (string, *protocol.Principal, string) {
	if !strings.HasPrefix(id, "AKIA") {
		return "", nil, ""
	}
	k, err := s.store.GetAccessKey(ctx, id)
	if err != nil {
		if !errors.Is(err, storage.ErrNotFound) {
			s.logger.ErrorContext(ctx, "access key lookup", "err", err)
		}
		return "", nil, ""
	}
	u, err := s.store.GetUser(ctx, k.UserName)
	if err != nil {
		return "", nil, ""
	}
	return k.Secret, &protocol.Principal{AccessKeyID: id, Account: s.cfg.AccountID, ARN: u.ARN, UserID: u.ID}, k.Status
}

// iamProviders is the providers.Source of IAM's OpenID Connect providers:
// a provider created through IAM verifies tokens as soon as it exists, and
// no longer once it is deleted. Its key set is found by discovery from
// its URL, as IAM finds it; its client ids are the audiences it accepts.
//
// Every login and web identity token of an external provider asks it, so
// it remembers what the store answered (a profile of GetId with a login
// showed the store read as a tenth of the server's time) until IAM or the
// fixtures write again.
type iamProviders struct {
	store              storage.Reader
	partition, account string
	known              *remembered[knownProvider]
}

type knownProvider struct {
	p  providers.Provider
	ok bool
}

func (p iamProviders) Provider(ctx context.Context, key string) (providers.Provider, bool, error) {
	got, err := p.known.get(key, func() (knownProvider, error) {
		op, err := p.store.GetOIDCProvider(ctx, "arn:"+p.partition+":iam::"+p.account+":oidc-provider/"+key)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			return knownProvider{}, nil
		case err != nil:
			return knownProvider{}, err
		}
		return knownProvider{p: providers.Provider{Name: op.URL, ClientIDs: op.ClientIDs}, ok: true}, nil
	})
	return got.p, got.ok, err
}

// remembered keeps what was read from IAM's entities in the store, by
// key, until drop, which is called after every write of IAM's or of the
// fixtures. An answer read while a write lands is stamped with the
// generation it was read in and so is never kept past that write. The
// zero value is ready to use; a nil one remembers nothing.
type remembered[T any] struct {
	mu  sync.Mutex
	gen uint64
	m   map[string]rememberedValue[T]
}

type rememberedValue[T any] struct {
	gen uint64
	v   T
}

// maxRemembered bounds the answers kept: STS looks up the issuer of any
// token it is sent, so some keys asked for are chosen by clients.
const maxRemembered = 1024

// get returns the answer remembered for key, or read's, which it
// remembers unless it failed.
func (r *remembered[T]) get(key string, read func() (T, error)) (T, error) {
	if r == nil {
		return read()
	}
	r.mu.Lock()
	gen := r.gen
	got, hit := r.m[key]
	r.mu.Unlock()
	if hit && got.gen == gen {
		return got.v, nil
	}
	v, err := read()
	if err != nil {
		return v, err
	}
	r.mu.Lock()
	if r.gen == gen {
		if r.m == nil || len(r.m) >= maxRemembered {
			r.m = make(map[string]rememberedValue[T])
		}
		r.m[key] = rememberedValue[T]{gen: gen, v: v}
	}
	r.mu.Unlock()
	return v, nil
}

// drop forgets every answer.
func (r *remembered[T]) drop() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.gen++
	r.m = nil
	r.mu.Unlock()
}

// iamMemory is what the server remembers of IAM: the OpenID Connect
// providers the provider registry asks for and the trust policies of
// roles. Both are dropped together after every IAM or fixture write.
type iamMemory struct {
	providers remembered[knownProvider]
	trusts    remembered[trust]
}

func (m *iamMemory) drop() {
	m.providers.drop()
	m.trusts.drop()
}
