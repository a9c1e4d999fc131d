package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// GetId returns the identity of the given logins, creating, linking or
// merging as needed; without logins it creates a new guest identity.
func (s *Service) GetId(ctx context.Context, in *GetIdInput) (*GetIdOutput, error) {
	p, err := getPool(ctx, s.store, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	if len(in.Logins) == 0 {
		if !p.AllowUnauthenticated {
			protocol.SetReason(ctx, "pool "+p.ID+" does not allow guests (AllowUnauthenticatedIdentities false) and the request has no Logins: pass the user's login, or allow unauthenticated identities")
			return nil, notAuthorized(msgUnauthenticated)
		}
		id, err := s.createGuest(ctx, &p)
		if err != nil {
			return nil, err
		}
		return &GetIdOutput{IdentityId: id}, nil
	}
	logins, err := s.validateLogins(ctx, &p, in.Logins, modeGetID)
	if err != nil {
		return nil, err
	}
	pl, err := s.link(ctx, linkRequest{pool: &p, logins: logins})
	if err != nil {
		return nil, err
	}
	return &GetIdOutput{IdentityId: pl.survivor.ID}, nil
}

// createGuest stores a new identity without logins. Each call makes a new
// one: clients cache the id.
func (s *Service) createGuest(ctx context.Context, p *storage.Pool) (string, error) {
	now := s.now()
	i := storage.Identity{ID: s.newIdentityID(p.ID), PoolID: p.ID, CreatedAt: now, ModifiedAt: now}
	err := s.update(ctx, func(tx storage.Tx) error {
		err := tx.CreateIdentity(ctx, i)
		if errors.Is(err, storage.ErrNotFound) {
			return poolNotFound(p.ID) // deleted meanwhile
		}
		if err != nil {
			return fmt.Errorf("create identity: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return i.ID, nil
}

// session is an identity a public request has proved it may act as.
type session struct {
	pool     storage.Pool
	identity storage.Identity // after linking and merging
	// logins are the request's validated logins, idpool tokens included,
	// sorted by provider key; none for a guest.
	logins []login
	guest  bool
	// link is the linking the request still needs, if any (see finish).
	link *linkRequest
}

// authenticate checks that the caller of GetOpenIdToken or
// GetCredentialsForIdentity may act as identity id with logins m. It
// writes nothing: linking and merging their new logins (spec §4.3–4.5) is
// left to finish, so that a caller can refuse the request first. classic
// marks GetOpenIdToken, which a pool can disable.
func (s *Service) authenticate(ctx context.Context, id string, m map[string]string, classic bool) (session, error) {
	x, err := s.getIdentity(ctx, s.store, id)
	if err != nil {
		return session{}, err
	}
	p, err := s.store.GetPool(ctx, x.PoolID)
	if errors.Is(err, storage.ErrNotFound) {
		protocol.SetReason(ctx, "the pool "+x.PoolID+" of identity "+id+" no longer exists")
		return session{}, identityNotFound(id)
	}
	if err != nil {
		return session{}, fmt.Errorf("get pool %s: %w", x.PoolID, err)
	}
	DropStale(&p)
	if classic && p.AllowClassicFlow != nil && !*p.AllowClassicFlow {
		protocol.SetReason(ctx, "pool "+p.ID+" has AllowClassicFlow false: use GetCredentialsForIdentity (enhanced flow) or set AllowClassicFlow true")
		return session{}, badParam(msgClassicDisabled)
	}
	// A pool with role mappings chooses the role from the login, which
	// the basic flow leaves to the app: AWS refuses GetOpenIdToken there,
	// for guests too (CDG authentication-flow). The developer flow's
	// GetOpenIdTokenForDeveloperIdentity does not come here.
	if classic && len(p.RoleMappings) > 0 {
		protocol.SetReason(ctx, "pool "+p.ID+" has role mappings, which the basic flow cannot honour")
		return session{}, badParam(msgClassicRoleMappings)
	}
	if x.Disabled {
		protocol.SetReason(ctx, disabledReason(&x))
		return session{}, notAuthorized(msgForbidden, x.ID)
	}
	logins, err := s.validateLogins(ctx, &p, m, modePublic)
	if err != nil {
		return session{}, err
	}
	// An idpool token proves the caller is the identity it was issued
	// for. A guest token proves nothing a guest request does not.
	proof := false
	ext := make([]login, 0, len(logins))
	kept := logins[:0:0]
	for _, l := range logins {
		if l.kind != kindCognito {
			ext = append(ext, l)
			kept = append(kept, l)
			continue
		}
		if l.user != x.ID {
			protocol.SetReason(ctx, "the "+CognitoProvider+" token was issued for identity "+l.user+", not "+x.ID)
			return session{}, notAuthorized(msgForbidden, x.ID)
		}
		if l.signedIn() {
			proof = true
			kept = append(kept, l)
		}
	}
	if len(kept) == 0 {
		if x.Authenticated() {
			protocol.SetReason(ctx, unmatchedReason(&x, logins))
			// AWS words a request without any login as one for another's
			// identity, and "don't match" only logins that were given.
			if len(logins) == 0 {
				return session{}, notAuthorized(msgForbidden, x.ID)
			}
			return session{}, notAuthorized(msgLoginsDontMatch)
		}
		if !p.AllowUnauthenticated {
			protocol.SetReason(ctx, "identity "+x.ID+" is a guest, and pool "+p.ID+" does not allow unauthenticated identities")
			return session{}, notAuthorized(msgUnauthenticated)
		}
		return session{pool: p, identity: x, guest: true}, nil
	}
	ss := session{pool: p, identity: x, logins: kept}
	if len(ext) > 0 {
		ss.link = &linkRequest{named: x.ID, read: &x, logins: ext, proof: proof}
	}
	return ss, nil
}

// finish performs the linking and merging authenticate found the session
// needs; ss.identity becomes the surviving identity.
func (s *Service) finish(ctx context.Context, ss *session) error {
	if ss.link == nil {
		return nil
	}
	req := *ss.link
	req.pool = &ss.pool
	pl, err := s.link(ctx, req)
	if err != nil {
		return err
	}
	ss.identity, ss.link = pl.survivor, nil
	return nil
}

// amr is the authentication-methods claim of a session (tokens.md §3):
// ["unauthenticated"] for guests, else "authenticated" and, per login used,
// the provider key and a provider-specific id.
func amr(guest bool, logins []login) []string {
	if guest {
		return []string{"unauthenticated"}
	}
	out := []string{roleAuthenticated}
	for _, l := range logins {
		for _, a := range l.amr {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

// sign issues an OpenID token for identity id of pool p, valid for ttl.
func (s *Service) sign(ctx context.Context, p *storage.Pool, id string, amr []string, tags map[string]string, ttl time.Duration) (string, error) {
	now := s.now()
	c := tokens.Claims{
		Subject:  id,
		Audience: p.ID,
		AMR:      amr,
		IssuedAt: now,
		Expiry:   now.Add(ttl),
	}
	// The pool ARN and tags appear in authenticated tokens only.
	if len(amr) > 0 && amr[0] == roleAuthenticated {
		c.PoolARN = s.poolARN(p.ID)
		c.PrincipalTags = tags
	}
	t, err := s.issuer.Sign(ctx, c)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return t, nil
}

// GetOpenIdToken returns a 10-minute OpenID token for an identity (the
// basic flow), linking and merging new logins as GetId does. Mapped
// principal tags go into authenticated tokens here too, as in the
// enhanced flow's token [unconfirmed].
func (s *Service) GetOpenIdToken(ctx context.Context, in *GetOpenIdTokenInput) (*GetOpenIdTokenOutput, error) {
	ss, err := s.authenticate(ctx, in.IdentityId, in.Logins, true)
	if err != nil {
		return nil, err
	}
	if err := s.finish(ctx, &ss); err != nil {
		return nil, err
	}
	tags := principalTags(&ss.pool, ss.logins)
	t, err := s.sign(ctx, &ss.pool, ss.identity.ID, amr(ss.guest, ss.logins), tags, s.cfg.OpenIDTokenTTL)
	if err != nil {
		return nil, err
	}
	return &GetOpenIdTokenOutput{IdentityId: ss.identity.ID, Token: t}, nil
}

// GetCredentialsForIdentity returns temporary credentials for an identity
// (the enhanced flow): the role is chosen by the pool's configuration and
// the session is named CognitoIdentityCredentials.
func (s *Service) GetCredentialsForIdentity(ctx context.Context, in *GetCredentialsForIdentityInput) (*GetCredentialsForIdentityOutput, error) {
	ss, err := s.authenticate(ctx, in.IdentityId, in.Logins, false)
	if err != nil {
		return nil, err
	}
	// The role depends on the logins only: choosing it first refuses a
	// request before anything is linked or merged.
	role, err := chooseRole(&ss.pool, ss.logins, ss.guest, in.CustomRoleArn)
	if err != nil {
		protocol.SetReason(ctx, roleReason(&ss.pool, ss.logins, ss.guest, in.CustomRoleArn))
		return nil, err
	}
	if note := fallbackNote(&ss.pool, ss.logins, ss.guest, in.CustomRoleArn); note != "" {
		protocol.SetNote(ctx, note)
	}
	if err := s.finish(ctx, &ss); err != nil {
		return nil, err
	}
	c, err := s.creds.Issue(ctx, Session{
		RoleARN:       role,
		SessionName:   credentialsSessionName,
		IdentityID:    ss.identity.ID,
		PoolID:        ss.pool.ID,
		AMR:           amr(ss.guest, ss.logins),
		PrincipalTags: principalTags(&ss.pool, ss.logins),
		Duration:      s.cfg.CredentialsTTL,
	})
	if err != nil {
		if wireError(err) {
			return nil, err
		}
		return nil, fmt.Errorf("issue credentials: %w", err)
	}
	return &GetCredentialsForIdentityOutput{
		IdentityId: ss.identity.ID,
		Credentials: CredentialsOutput{
			AccessKeyId:  c.AccessKeyID,
			SecretKey:    c.SecretKey,
			SessionToken: c.SessionToken,
			Expiration:   protocol.At(c.Expiration),
		},
	}, nil
}

// UnlinkIdentity removes the providers LoginsToRemove from an identity. The
// caller proves ownership with Logins, every one of which must be valid and
// linked to the identity. Removing the last login disables the identity.
// Providers not linked are ignored, and so is the developer provider, which
// only UnlinkDeveloperIdentity removes [both unconfirmed].
func (s *Service) UnlinkIdentity(ctx context.Context, in *UnlinkIdentityInput) (*UnlinkIdentityOutput, error) {
	x, err := s.getIdentity(ctx, s.store, in.IdentityId)
	if err != nil {
		return nil, err
	}
	p, err := getPool(ctx, s.store, x.PoolID)
	if errors.Is(err, &protocol.Error{Code: CodeResourceNotFound}) {
		protocol.SetReason(ctx, "the pool "+x.PoolID+" of identity "+x.ID+" no longer exists")
		return nil, identityNotFound(x.ID)
	}
	if err != nil {
		return nil, err
	}
	if x.Disabled {
		protocol.SetReason(ctx, disabledReason(&x))
		return nil, notAuthorized(msgForbidden, x.ID)
	}
	logins, err := s.validateLogins(ctx, &p, in.Logins, modePublic)
	if err != nil {
		return nil, err
	}
	if len(logins) == 0 {
		protocol.SetReason(ctx, "UnlinkIdentity needs Logins that prove identity "+x.ID+", and the request has none")
		return nil, notAuthorized(msgLoginsDontMatch)
	}
	remove := func(l storage.Login) bool {
		return l.Provider != p.DeveloperProviderName && slices.Contains(in.LoginsToRemove, l.Provider)
	}
	err = s.update(ctx, func(tx storage.Tx) error {
		x, err := s.getIdentity(ctx, tx, in.IdentityId)
		if err != nil {
			return err
		}
		if x.Disabled {
			protocol.SetReason(ctx, disabledReason(&x))
			return notAuthorized(msgForbidden, x.ID)
		}
		for _, l := range logins {
			ok := l.signedIn() && l.user == x.ID
			if l.kind != kindCognito {
				ok = slices.Contains(x.Logins, l.stored())
			}
			if !ok {
				reason := "the login of " + l.key + " given is not linked to identity " + x.ID
				if l.kind == kindCognito && l.user == x.ID {
					reason = "the " + CognitoProvider + " token was issued to identity " + x.ID + " as a guest, which proves nothing once it signed in"
				}
				protocol.SetReason(ctx, reason)
				return notAuthorized(msgLoginsDontMatch)
			}
		}
		kept := slices.DeleteFunc(slices.Clone(x.Logins), remove)
		if len(kept) == len(x.Logins) {
			return nil
		}
		x.Logins = kept
		x.Disabled = len(kept) == 0
		x.ModifiedAt = s.now()
		if err := tx.UpdateIdentity(ctx, x); err != nil {
			return lostIdentity(err, x.ID, "update identity")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UnlinkIdentityOutput{}, nil
}

// describe is the model's IdentityDescription of i: provider names only,
// each once (an identity may hold two developer users after a merge).
func describe(i *storage.Identity) IdentityDescription {
	d := IdentityDescription{
		IdentityId:       i.ID,
		CreationDate:     protocol.At(i.CreatedAt),
		LastModifiedDate: protocol.At(i.ModifiedAt),
	}
	for _, l := range i.Logins {
		if !slices.Contains(d.Logins, l.Provider) {
			d.Logins = append(d.Logins, l.Provider)
		}
	}
	return d
}

// DescribeIdentity returns an identity's metadata; disabled identities too.
func (s *Service) DescribeIdentity(ctx context.Context, in *DescribeIdentityInput) (*DescribeIdentityOutput, error) {
	i, err := s.getIdentity(ctx, s.store, in.IdentityId)
	if err != nil {
		return nil, err
	}
	d := describe(&i)
	return &d, nil
}

// hiddenPerPage is how many disabled identities one ListIdentities call
// with HideDisabled passes over at most. Unbounded, a page read every
// disabled identity between two live ones: the first page of a pool of a
// million disabled identities took seconds, and no index of the live
// identities is kept to skip them (storage/sqlite migration 0017). Bounded,
// a page reads at most MaxResults+1+hiddenPerPage identities, a few
// milliseconds, and walking past a million disabled identities takes a
// thousand such pages.
const hiddenPerPage = 1000

// ListIdentities lists a pool's identities in id order, a page at a time.
// With HideDisabled a page may hold fewer identities than MaxResults, or
// none, and still carry a NextToken: it stops once it has passed over
// hiddenPerPage disabled identities, and the token resumes after the last
// of them. Callers page on until NextToken is absent, as AWS asks of List
// operations that answer short or empty pages (Organizations' ListAccounts,
// DynamoDB's Query); no SDK has a paginator for ListIdentities that could
// stop earlier.
func (s *Service) ListIdentities(ctx context.Context, in *ListIdentitiesInput) (*ListIdentitiesOutput, error) {
	after, err := decodePage(in.NextToken, pageIdentities, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	if _, err := getPool(ctx, s.store, in.IdentityPoolId); err != nil {
		return nil, err
	}
	n := pageSize(in.MaxResults)
	opts := storage.ListIdentitiesOptions{After: after, Limit: n + 1, HideDisabled: in.HideDisabled}
	if in.HideDisabled {
		opts.MaxSkipped = hiddenPerPage
	}
	ids, err := s.store.ListIdentities(ctx, in.IdentityPoolId, opts)
	if err != nil {
		return nil, fmt.Errorf("list identities: %w", err)
	}
	out := &ListIdentitiesOutput{IdentityPoolId: in.IdentityPoolId, Identities: make([]IdentityDescription, 0, min(len(ids), n))}
	switch last := len(ids) - 1; {
	case in.HideDisabled && last >= 0 && ids[last].Disabled:
		// The store stopped at its bound, before n+1 live identities.
		out.NextToken = protocol.EncodePageToken(pageIdentities, in.IdentityPoolId, ids[last].ID)
		ids = ids[:last]
	case len(ids) > n:
		ids = ids[:n]
		out.NextToken = protocol.EncodePageToken(pageIdentities, in.IdentityPoolId, ids[n-1].ID)
	}
	for i := range ids {
		out.Identities = append(out.Identities, describe(&ids[i]))
	}
	return out, nil
}

// DeleteIdentities deletes identities with their logins. Unknown ids count
// as deleted [unconfirmed], and so do those of another region than the
// request's (protocol.Elsewhere), which stay; one that fails for another reason is reported
// in UnprocessedIdentityIds with InternalServerError.
func (s *Service) DeleteIdentities(ctx context.Context, in *DeleteIdentitiesInput) (*DeleteIdentitiesOutput, error) {
	out := &DeleteIdentitiesOutput{UnprocessedIdentityIds: []UnprocessedIdentityId{}}
	for _, id := range in.IdentityIdsToDelete {
		if protocol.Elsewhere(ctx, id) {
			continue // not found in the request's region, as an unknown id
		}
		err := s.store.Update(ctx, func(tx storage.Tx) error {
			return tx.DeleteIdentity(ctx, id)
		})
		if err == nil || errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("delete identities: %w", err)
		}
		s.log.ErrorContext(ctx, "delete identity failed", "identity", id, "err", err)
		out.UnprocessedIdentityIds = append(out.UnprocessedIdentityIds, UnprocessedIdentityId{IdentityId: id, ErrorCode: "InternalServerError"})
	}
	return out, nil
}
