package emulator

import (
	"context"
	"errors"
	"strings"

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
type iamProviders struct {
	store              storage.Reader
	partition, account string
}

func (p iamProviders) Provider(ctx context.Context, key string) (providers.Provider, bool, error) {
	op, err := p.store.GetOIDCProvider(ctx, "arn:"+p.partition+":iam::"+p.account+":oidc-provider/"+key)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return providers.Provider{}, false, nil
	case err != nil:
		return providers.Provider{}, false, err
	}
	return providers.Provider{Name: op.URL, ClientIDs: op.ClientIDs}, true, nil
}
