package providers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/idpool/idpool/emulator/tokens"
)

// Errors Verify wraps; test them with errors.Is.
var (
	// ErrUnknownProvider: no provider of that name is configured.
	ErrUnknownProvider = errors.New("providers: unknown provider")
	// ErrFetch: the provider's key set could not be fetched.
	ErrFetch = errors.New("providers: cannot fetch the key set")
	// ErrMalformed: the token is not a compact JWS with a JSON claims
	// object, or lacks exp (a *MissingClaimError).
	ErrMalformed = errors.New("providers: malformed token")
	// ErrUnknownKey: the token's kid is not in the provider's key set.
	ErrUnknownKey = errors.New("providers: unknown signing key")
	// ErrSignature: the alg is not accepted or does not suit the key, or
	// the signature does not verify.
	ErrSignature = errors.New("providers: invalid signature")
	// ErrIssuer: iss is not the provider's issuer.
	ErrIssuer = errors.New("providers: wrong issuer")
	// ErrAudience: neither aud nor azp is an accepted audience, or the
	// token has neither (a *MissingClaimError).
	ErrAudience = errors.New("providers: incorrect audience")
	// ErrExpired: exp is past (a *TimeError).
	ErrExpired = errors.New("providers: token expired")
	// ErrNotYetValid: nbf is ahead (a *TimeError).
	ErrNotYetValid = errors.New("providers: token not yet valid")
)

// TimeError reports a token outside its validity window. It matches
// ErrExpired (Claim "exp") or ErrNotYetValid (Claim "nbf") under errors.Is.
type TimeError struct {
	Claim string    // "exp" or "nbf"
	At    time.Time // the claim's time
	Now   time.Time // the time of the check
}

func (e *TimeError) Error() string {
	if e.Claim == "nbf" {
		return fmt.Sprintf("providers: token not valid before %d, now %d", e.At.Unix(), e.Now.Unix())
	}
	return fmt.Sprintf("providers: token expired at %d, now %d", e.At.Unix(), e.Now.Unix())
}

// Is makes errors.Is match the sentinel of the claim.
func (e *TimeError) Is(target error) bool {
	if e.Claim == "nbf" {
		return target == ErrNotYetValid
	}
	return target == ErrExpired
}

// MissingClaimError reports a required claim the token lacks. It matches
// ErrMalformed (exp) or ErrAudience (aud) under errors.Is.
type MissingClaimError struct {
	Claim string
}

func (e *MissingClaimError) Error() string { return "providers: missing required claim " + e.Claim }

// Is makes errors.Is match the sentinel of the claim.
func (e *MissingClaimError) Is(target error) bool {
	if e.Claim == "aud" {
		return target == ErrAudience
	}
	return target == ErrMalformed
}

// Verify checks a compact JWS from provider name (its Logins key or its
// issuer) as the package documentation lists and returns the decoded token.
// extraAudiences are the accepted audiences when the provider has no
// ClientIDs; with neither, the audience is not checked. skew is how far
// exp and nbf may be off.
func (r *Registry) Verify(ctx context.Context, name, token string, extraAudiences []string, skew time.Duration) (*tokens.JWT, error) {
	e := r.lookup(ctx, name)
	if e == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownProvider, name)
	}
	t, err := tokens.Parse(token)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if err := r.verify(ctx, e, t, extraAudiences, skew); err != nil {
		return nil, err
	}
	return t, nil
}

// verify checks a parsed token against provider e.
func (r *Registry) verify(ctx context.Context, e *entry, t *tokens.JWT, extraAudiences []string, skew time.Duration) error {
	if err := r.checkSignature(ctx, e, t.Raw); err != nil {
		return err
	}
	if iss := t.Issuer(); !slices.Contains(e.issuers, iss) {
		return fmt.Errorf("%w: %q, want %q", ErrIssuer, iss, e.issuers[0])
	}
	want := e.clientIDs
	if len(want) == 0 {
		want = extraAudiences
	}
	if len(want) > 0 {
		if _, err := audience(t, want); err != nil {
			return err
		}
	}
	return checkTimes(t, r.now(), skew)
}

// checkSignature parses the JWS, finds its key and verifies it.
func (r *Registry) checkSignature(ctx context.Context, e *entry, raw string) error {
	jws, err := jose.ParseSignedCompact(raw, algs)
	if err != nil {
		var alg *jose.ErrUnexpectedSignatureAlgorithm
		if errors.As(err, &alg) {
			return fmt.Errorf("%w: alg %q is not accepted", ErrSignature, alg.Got)
		}
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if len(jws.Signatures) != 1 {
		return fmt.Errorf("%w: %d signatures", ErrMalformed, len(jws.Signatures))
	}
	h := jws.Signatures[0].Header
	k, err := r.key(ctx, e, h.KeyID)
	if err != nil {
		return err
	}
	if (k.alg != "" && k.alg != h.Algorithm) || !suits(h.Algorithm, k.pub) {
		return fmt.Errorf("%w: alg %q does not suit key %q", ErrSignature, h.Algorithm, k.kid)
	}
	if _, err := jws.Verify(k.pub); err != nil {
		return fmt.Errorf("%w: %w", ErrSignature, err)
	}
	return nil
}

// key finds the key of kid in e's set, fetching the set when it is not
// held or lacks kid.
func (r *Registry) key(ctx context.Context, e *entry, kid string) (*pubKey, error) {
	if e.static != nil {
		if k := e.static.find(kid); k != nil {
			return k, nil
		}
		return nil, unknownKey(kid)
	}
	ks, err := r.current(ctx, e.remote)
	if err != nil {
		return nil, err
	}
	if k := ks.find(kid); k != nil {
		return k, nil
	}
	ks, err = r.refresh(ctx, e.remote, e.remote.state.Load(), true)
	if ks != nil {
		if k := ks.find(kid); k != nil {
			return k, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return nil, unknownKey(kid)
}

func unknownKey(kid string) error {
	if kid == "" {
		return fmt.Errorf("%w: the token has no kid and the key set has several keys", ErrUnknownKey)
	}
	return fmt.Errorf("%w: kid %q", ErrUnknownKey, kid)
}

// audience returns the first of aud, then azp, that is one of want.
func audience(t *tokens.JWT, want []string) (string, error) {
	auds := t.Audiences()
	azp := t.AuthorizedParty()
	if len(auds) == 0 && azp == "" {
		return "", &MissingClaimError{Claim: "aud"}
	}
	for _, a := range auds {
		if slices.Contains(want, a) {
			return a, nil
		}
	}
	if azp != "" && slices.Contains(want, azp) {
		return azp, nil
	}
	return "", fmt.Errorf("%w: aud %q, azp %q", ErrAudience, auds, azp)
}

// checkTimes checks exp, which is required, and nbf, within skew of now.
func checkTimes(t *tokens.JWT, now time.Time, skew time.Duration) error {
	exp, ok := t.Expiry()
	if !ok {
		return &MissingClaimError{Claim: "exp"}
	}
	if !now.Before(exp.Add(skew)) {
		return &TimeError{Claim: "exp", At: exp, Now: now}
	}
	if nbf, ok := t.NotBefore(); ok && now.Add(skew).Before(nbf) {
		return &TimeError{Claim: "nbf", At: nbf, Now: now}
	}
	return nil
}
