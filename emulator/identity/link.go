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

// linkRequest is what a request asks of the login index: find or create
// the identity for its logins, linking new ones and merging identities they
// already belong to (spec cognito-identity.md §4.2–4.5).
type linkRequest struct {
	pool *storage.Pool
	// named is the IdentityId the request names, "" for none (GetId, or
	// GetOpenIdTokenForDeveloperIdentity without IdentityId).
	named string
	// read is the named identity as the request has already read it, if
	// it has: the first, read-only resolve uses it rather than read it
	// again; the transaction reads it afresh.
	read *storage.Identity
	// logins are the request's validated logins, idpool tokens excluded.
	logins []login
	// proof is true when an idpool token already proved the caller is named.
	proof bool
	// developer marks GetOpenIdTokenForDeveloperIdentity: a developer user
	// already on another identity than named is an error, not a merge.
	developer bool
}

// plan is the outcome of resolving a linkRequest: the identity the request
// ends on and the writes that takes.
type plan struct {
	survivor storage.Identity
	create   bool // survivor is a new identity
	changed  bool // survivor's logins grew
	// losers are merged into survivor: they lose their logins and are
	// disabled.
	losers []storage.Identity
}

func (p *plan) writes() bool { return p.create || p.changed || len(p.losers) > 0 }

// link resolves req and performs its writes. Resolving first outside a
// transaction makes the common case, logins that are all already linked to
// the identity, a read-only request; otherwise resolving again inside one
// transaction makes the writes consistent with what they depend on, so
// concurrent requests for one new login agree on one identity.
func (s *Service) link(ctx context.Context, req linkRequest) (plan, error) {
	now := s.now()
	p, err := s.resolve(ctx, s.store, req, now)
	if err != nil || !p.writes() {
		return p, err
	}
	req.read = nil
	err = s.update(ctx, func(tx storage.Tx) error {
		var err error
		if p, err = s.resolve(ctx, tx, req, now); err != nil {
			return err
		}
		return s.apply(ctx, tx, &p, now)
	})
	if err != nil {
		return plan{}, err
	}
	if p.create || len(p.losers) > 0 {
		s.log.InfoContext(ctx, "identity linked", "pool", req.pool.ID, "identity", p.survivor.ID,
			"created", p.create, "merged", len(p.losers))
	}
	return p, nil
}

// resolve works out req's plan from what r holds (spec §4.4 emulator rules):
//
//   - (a)/(b) when the request names X and presents logins owned by other
//     identities, an owner survives: the owners are authenticated, and X is
//     either a guest or proved with one of its own logins. With several
//     owners, (c) picks the oldest of them.
//   - (c) without a named identity the oldest owner survives.
//   - (d) two different users of one provider on the survivor fail with
//     ResourceConflictException; (e) more than 20 logins with
//     tooManyLogins's error. Nothing is written then.
func (s *Service) resolve(ctx context.Context, r storage.Reader, req linkRequest, now time.Time) (plan, error) {
	var x storage.Identity
	switch {
	case req.read != nil:
		x = *req.read
	case req.named != "":
		var err error
		if x, err = s.getIdentity(ctx, r, req.named); err != nil {
			return plan{}, err
		}
	}
	if req.named != "" {
		if x.PoolID != req.pool.ID {
			protocol.SetReason(ctx, otherPoolReason(&x, req.pool.ID))
			return plan{}, identityNotFound(req.named)
		}
		if x.Disabled {
			protocol.SetReason(ctx, disabledReason(&x))
			return plan{}, notAuthorized(msgForbidden, x.ID)
		}
	}

	owners := make([]string, len(req.logins))
	found := make(map[string]storage.Identity)
	for i, l := range req.logins {
		if slices.Contains(x.Logins, l.stored()) {
			// A login belongs to one identity of a pool at a time: the
			// named identity's own logins need no lookup.
			owners[i] = x.ID
			continue
		}
		o, err := r.IdentityByLogin(ctx, req.pool.ID, l.stored())
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return plan{}, fmt.Errorf("look up login %s: %w", l.key, err)
		}
		owners[i] = o.ID
		found[o.ID] = o
	}

	var p plan
	if req.named != "" {
		proof := req.proof
		for i, l := range req.logins {
			switch owners[i] {
			case x.ID:
				proof = true
			case "":
			default:
				if req.developer && l.kind == kindDeveloper {
					return plan{}, devUserAlreadyRegistered(msgDevUserTaken, l.user, owners[i])
				}
			}
		}
		if x.Authenticated() && !proof {
			protocol.SetReason(ctx, unmatchedReason(&x, req.logins))
			return plan{}, notAuthorized(msgLoginsDontMatch)
		}
		delete(found, x.ID)
		if len(found) == 0 {
			p.survivor = x
		} else {
			p.survivor = oldest(found)
			delete(found, p.survivor.ID)
			p.losers = append(p.losers, x)
		}
	} else {
		switch len(found) {
		case 0:
			p.create = true
			p.survivor = storage.Identity{
				ID:         s.newIdentityID(req.pool.ID),
				PoolID:     req.pool.ID,
				CreatedAt:  now,
				ModifiedAt: now,
			}
		default:
			p.survivor = oldest(found)
			delete(found, p.survivor.ID)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(found)) {
		p.losers = append(p.losers, found[id])
	}

	base := len(p.survivor.Logins)
	union := p.survivor.Logins
	ends := []int{base}
	for _, l := range p.losers {
		union = appendLogins(union, l.Logins...)
		ends = append(ends, len(union))
	}
	for i, l := range req.logins {
		if owners[i] == "" {
			union = appendLogins(union, l.stored())
			ends = append(ends, len(union))
		}
	}
	if len(union) == base && !p.create && len(p.losers) == 0 {
		return p, nil
	}
	if err := checkLogins(union, ends, "", req.named == "" && !req.developer); err != nil {
		return plan{}, err
	}
	p.changed = len(union) != base
	p.survivor.Logins = union
	return p, nil
}

// apply performs p's writes in tx. Losers release their logins before the
// survivor takes them: a login belongs to one identity at a time.
func (s *Service) apply(ctx context.Context, tx storage.Tx, p *plan, now time.Time) error {
	for _, l := range p.losers {
		l.Logins = nil
		l.Disabled = true
		l.MergedInto = p.survivor.ID
		l.ModifiedAt = now
		if err := tx.UpdateIdentity(ctx, l); err != nil {
			return lostIdentity(err, l.ID, "disable merged identity")
		}
	}
	switch {
	case p.create:
		// The pool was read before the transaction: a DeleteIdentityPool
		// or reset that committed since leaves the new identity no pool.
		err := tx.CreateIdentity(ctx, p.survivor)
		if errors.Is(err, storage.ErrNotFound) {
			return poolNotFound(p.survivor.PoolID)
		}
		if err != nil {
			return fmt.Errorf("create identity: %w", err)
		}
	case p.changed || len(p.losers) > 0:
		p.survivor.ModifiedAt = now
		if err := tx.UpdateIdentity(ctx, p.survivor); err != nil {
			return lostIdentity(err, p.survivor.ID, "update identity")
		}
	}
	for _, l := range p.losers {
		if err := s.merged(ctx, tx, l, p.survivor); err != nil {
			return err
		}
	}
	return nil
}

// lostIdentity is the error of a write to identity id that failed with
// err: ResourceNotFoundException when the identity is gone (its pool was
// deleted after the request read it), else err wrapped with what.
func lostIdentity(err error, id, what string) error {
	if errors.Is(err, storage.ErrNotFound) {
		return identityNotFound(id)
	}
	return fmt.Errorf("%s %s: %w", what, id, err)
}

// merged tells Config.OnMerge that loser was merged into survivor.
func (s *Service) merged(ctx context.Context, tx storage.Tx, loser, survivor storage.Identity) error {
	if s.cfg.OnMerge == nil {
		return nil
	}
	if err := s.cfg.OnMerge(ctx, tx, loser, survivor); err != nil {
		return fmt.Errorf("merge %s into %s: %w", loser.ID, survivor.ID, err)
	}
	return nil
}

// oldest returns the identity created first (ties broken by id), the
// survivor of a merge under rule (c).
func oldest(m map[string]storage.Identity) storage.Identity {
	var o storage.Identity
	first := true
	for _, i := range m {
		if first || i.CreatedAt.Before(o.CreatedAt) || i.CreatedAt.Equal(o.CreatedAt) && i.ID < o.ID {
			o, first = i, false
		}
	}
	return o
}

// appendLogins appends the logins not already in dst. dst is never
// modified in place beyond its length, so a caller's slice stays intact.
func appendLogins(dst []storage.Login, add ...storage.Login) []storage.Login {
	for _, l := range add {
		dup := false
		for _, d := range dst {
			if d == l {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst[:len(dst):len(dst)], l)
		}
	}
	return dst
}

// checkLogins enforces the rule on one identity's logins ls, made of
// groups that each end at the matching index of ends: the identity's own
// logins first, then each identity merged into it, then each login being
// added. No login may be a second user of a provider that an earlier group
// holds, except for provider multi (the developer provider in
// MergeDeveloperIdentities). Pairs within a group are not judged again:
// they already share an identity, as an explicit developer merge may have
// left two developer users on it, so the outcome does not depend on which
// identity survives. ls may hold at most maxLinkedLogins logins: past
// that, it answers tooManyLogins(getID), getID telling GetId.
func checkLogins(ls []storage.Login, ends []int, multi string, getID bool) error {
	start := 0
	for _, end := range ends {
		for _, b := range ls[start:end] {
			if b.Provider == multi {
				continue
			}
			for _, a := range ls[:start] {
				if a.Provider == b.Provider && a.UserID != b.UserID {
					return conflict(msgLoginConflict, b.Provider)
				}
			}
		}
		start = end
	}
	if len(ls) > maxLinkedLogins {
		return tooManyLogins(getID)
	}
	return nil
}

// tooManyLogins is the error for an identity that would hold more than
// maxLinkedLogins logins. Of the operations that link logins only GetId's
// model lists LimitExceededException; the others answer
// InvalidParameterException, which their models list, so that every SDK
// types the error and none retries it as throttling, as all of them do
// LimitExceededException [both codes unconfirmed].
func tooManyLogins(getID bool) *protocol.Error {
	if getID {
		return limitExceeded(msgTooManyLogins, maxLinkedLogins)
	}
	return badParam(msgTooManyLogins, maxLinkedLogins)
}
