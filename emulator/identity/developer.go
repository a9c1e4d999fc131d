package identity

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// GetOpenIdTokenForDeveloperIdentity registers or finds the identity of a
// developer user (and links the public logins given with it) and returns
// an OpenID token for it. Unlike GetOpenIdToken it is not blocked by
// AllowClassicFlow=false [unconfirmed]: the enhanced developer flow needs
// its token.
func (s *Service) GetOpenIdTokenForDeveloperIdentity(ctx context.Context, in *GetOpenIdTokenForDeveloperIdentityInput) (*GetOpenIdTokenForDeveloperIdentityOutput, error) {
	p, err := getPool(ctx, s.store, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	if p.DeveloperProviderName == "" {
		return nil, badParam(msgNoDeveloper, p.ID)
	}
	logins, err := s.validateLogins(ctx, &p, in.Logins, modeDeveloper)
	if err != nil {
		return nil, err
	}
	// The developer login comes first in the token's amr, as in AWS's
	// tokens; the others follow by provider key.
	i := slices.IndexFunc(logins, func(l login) bool { return l.kind == kindDeveloper })
	if i < 0 {
		return nil, badParam("Logins must contain the developer provider '%s' of identity pool %s.", p.DeveloperProviderName, p.ID)
	}
	dev := logins[i]
	ordered := append([]login{dev}, slices.Delete(slices.Clone(logins), i, i+1)...)

	pl, err := s.link(ctx, linkRequest{pool: &p, named: in.IdentityId, logins: ordered, developer: true})
	if err != nil {
		return nil, err
	}
	ttl := s.cfg.DeveloperTokenTTL
	if in.TokenDuration > 0 {
		ttl = time.Duration(in.TokenDuration) * time.Second
	}
	// Tags mapped from the public logins, overridden by the developer's.
	tags := principalTags(&p, ordered[1:])
	if len(in.PrincipalTags) > 0 {
		if tags == nil {
			tags = make(map[string]string, len(in.PrincipalTags))
		}
		maps.Copy(tags, in.PrincipalTags)
	}
	t, err := s.sign(ctx, &p, pl.survivor.ID, amr(false, ordered), tags, ttl)
	if err != nil {
		return nil, err
	}
	return &GetOpenIdTokenForDeveloperIdentityOutput{IdentityId: pl.survivor.ID, Token: t}, nil
}

// developerIDs returns the developer user identifiers of identity i in
// byte order, the order LookupDeveloperIdentity pages them in.
func developerIDs(i *storage.Identity, provider string) []string {
	var ids []string
	for _, l := range i.Logins {
		if l.Provider == provider {
			ids = append(ids, l.UserID)
		}
	}
	slices.Sort(ids)
	return ids
}

// LookupDeveloperIdentity finds the identity of a developer user, or the
// developer users of an identity, or checks that the two match and then
// answers them as asked. An unknown
// user or identity fails with ResourceNotFoundException [unconfirmed].
func (s *Service) LookupDeveloperIdentity(ctx context.Context, in *LookupDeveloperIdentityInput) (*LookupDeveloperIdentityOutput, error) {
	p, err := getPool(ctx, s.store, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	if in.IdentityId == "" && in.DeveloperUserIdentifier == "" {
		return nil, badParam("IdentityId or DeveloperUserIdentifier must be specified.")
	}
	var x storage.Identity
	if u := in.DeveloperUserIdentifier; u != "" {
		if p.DeveloperProviderName == "" {
			return nil, notFound(msgDevUserNotFound, u)
		}
		x, err = s.store.IdentityByLogin(ctx, p.ID, storage.Login{Provider: p.DeveloperProviderName, UserID: u})
		if errors.Is(err, storage.ErrNotFound) {
			return nil, notFound(msgDevUserNotFound, u)
		}
		if err != nil {
			return nil, fmt.Errorf("look up developer user: %w", err)
		}
		if in.IdentityId != "" {
			if in.IdentityId != x.ID {
				return nil, conflict("Developer user identifier '%s' does not belong to identity '%s'.", u, in.IdentityId)
			}
			// Both given and matching: "the response returns both values
			// and is the same as the request" (the model's documentation).
			// A token is still checked, as for a listing.
			if _, err := decodePage(in.NextToken, pageDeveloperIDs, x.ID); err != nil {
				return nil, err
			}
			return &LookupDeveloperIdentityOutput{IdentityId: x.ID, DeveloperUserIdentifierList: []string{u}}, nil
		}
	} else {
		if x, err = s.getIdentity(ctx, s.store, in.IdentityId); err != nil {
			return nil, err
		}
		if x.PoolID != p.ID {
			protocol.SetReason(ctx, otherPoolReason(&x, p.ID))
			return nil, identityNotFound(in.IdentityId)
		}
	}

	// Pages are keyed like every other listing: the token holds the last
	// id returned and the next page starts after it in byte order. Ids
	// unlinked or linked between pages then never shift the rest, so each
	// id still linked is listed exactly once, and a token stays valid as
	// long as the identity exists. The model leaves the order unsaid.
	after, err := decodePage(in.NextToken, pageDeveloperIDs, x.ID)
	if err != nil {
		return nil, err
	}
	ids := developerIDs(&x, p.DeveloperProviderName)
	if after != "" {
		i, found := slices.BinarySearch(ids, after)
		if found {
			i++
		}
		ids = ids[i:]
	}
	out := &LookupDeveloperIdentityOutput{IdentityId: x.ID, DeveloperUserIdentifierList: ids}
	if n := pageSize(in.MaxResults); len(ids) > n {
		out.DeveloperUserIdentifierList = ids[:n]
		out.NextToken = protocol.EncodePageToken(pageDeveloperIDs, x.ID, ids[n-1])
	}
	if out.DeveloperUserIdentifierList == nil {
		out.DeveloperUserIdentifierList = []string{}
	}
	return out, nil
}

// MergeDeveloperIdentities moves the source developer user, with every
// login of its identity, onto the destination user's identity, which
// survives; the source identity is disabled. Two different users of one
// public provider fail with ResourceConflictException; more than 20 logins
// with LimitExceededException [unconfirmed code].
func (s *Service) MergeDeveloperIdentities(ctx context.Context, in *MergeDeveloperIdentitiesInput) (*MergeDeveloperIdentitiesOutput, error) {
	p, err := getPool(ctx, s.store, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	dev := p.DeveloperProviderName
	if dev == "" || in.DeveloperProviderName != dev {
		protocol.SetReason(ctx, developerReason(&p, in.DeveloperProviderName))
		return nil, badParam("Developer provider '%s' is not the developer provider of identity pool %s.", in.DeveloperProviderName, p.ID)
	}
	var dst storage.Identity
	err = s.update(ctx, func(tx storage.Tx) error {
		src, err := devIdentity(ctx, tx, p.ID, dev, in.SourceUserIdentifier)
		if err != nil {
			return err
		}
		if dst, err = devIdentity(ctx, tx, p.ID, dev, in.DestinationUserIdentifier); err != nil {
			return err
		}
		if src.ID == dst.ID {
			return nil
		}
		union := appendLogins(dst.Logins, src.Logins...)
		if err := checkLogins(union, []int{len(dst.Logins), len(union)}, dev, false); err != nil {
			return err
		}
		now := s.now()
		src.Logins, src.Disabled, src.MergedInto, src.ModifiedAt = nil, true, dst.ID, now
		if err := tx.UpdateIdentity(ctx, src); err != nil {
			return lostIdentity(err, src.ID, "disable merged identity")
		}
		dst.Logins, dst.ModifiedAt = union, now
		if err := tx.UpdateIdentity(ctx, dst); err != nil {
			return lostIdentity(err, dst.ID, "update identity")
		}
		return s.merged(ctx, tx, src, dst)
	})
	if err != nil {
		return nil, err
	}
	return &MergeDeveloperIdentitiesOutput{IdentityId: dst.ID}, nil
}

// devIdentity returns the identity of a developer user.
func devIdentity(ctx context.Context, r storage.Reader, pool, provider, user string) (storage.Identity, error) {
	i, err := r.IdentityByLogin(ctx, pool, storage.Login{Provider: provider, UserID: user})
	if errors.Is(err, storage.ErrNotFound) {
		return i, notFound(msgDevUserNotFound, user)
	}
	if err != nil {
		return i, fmt.Errorf("look up developer user: %w", err)
	}
	return i, nil
}

// UnlinkDeveloperIdentity removes a developer user from its identity. An
// identity left without logins is disabled.
func (s *Service) UnlinkDeveloperIdentity(ctx context.Context, in *UnlinkDeveloperIdentityInput) (*UnlinkDeveloperIdentityOutput, error) {
	p, err := getPool(ctx, s.store, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	if p.DeveloperProviderName == "" || in.DeveloperProviderName != p.DeveloperProviderName {
		protocol.SetReason(ctx, developerReason(&p, in.DeveloperProviderName))
		return nil, badParam("Developer provider '%s' is not the developer provider of identity pool %s.", in.DeveloperProviderName, p.ID)
	}
	target := storage.Login{Provider: p.DeveloperProviderName, UserID: in.DeveloperUserIdentifier}
	err = s.update(ctx, func(tx storage.Tx) error {
		x, err := s.getIdentity(ctx, tx, in.IdentityId)
		if err != nil {
			return err
		}
		if x.PoolID != p.ID {
			protocol.SetReason(ctx, otherPoolReason(&x, p.ID))
			return identityNotFound(in.IdentityId)
		}
		i := slices.Index(x.Logins, target)
		if i < 0 {
			// [unconfirmed code]
			return conflict("Developer user identifier '%s' does not belong to identity '%s'.", in.DeveloperUserIdentifier, x.ID)
		}
		x.Logins = slices.Delete(slices.Clone(x.Logins), i, i+1)
		x.Disabled = len(x.Logins) == 0
		x.ModifiedAt = s.now()
		if err := tx.UpdateIdentity(ctx, x); err != nil {
			return lostIdentity(err, x.ID, "update identity")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UnlinkDeveloperIdentityOutput{}, nil
}
