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
	// ErrAudience: azp, or, when the token has none, every aud, is not an
	// accepted audience, or the token has neither (a *MissingClaimError).
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
// ClientIDs; with neither, any audience is taken, but the token must have
// an aud or an azp. skew is how far exp and nbf may be off.
func (r *Registry) Verify(ctx context.Context, name, token string, extraAudiences []string, skew time.Duration) (*tokens.JWT, error) {
	e := r.lookup(ctx, name)
	if e == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownProvider, name)
	}
	t, err := tokens.Parse(token)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if err := r.verify(ctx, e, t, extraAudiences, leeway{exp: skew, nbf: skew}); err != nil {
		return nil, err
	}
	return t, nil
}

// leeway is how far a token may stray from its provider and still be
// accepted: how far past its exp and before its nbf, and, with slash,
// whether its iss may end in one "/" more than its provider's issuer.
type leeway struct {
	exp, nbf time.Duration
	// slash is Cognito Identity's rule: it takes iss
	// "https://tenant.auth0.com/" for the Logins key tenant.auth0.com
	// (aws-amplify/amplify-js#239), since Auth0 always ends its iss so.
	slash bool
	// eitherAudience takes a token whose azp or any of whose aud values
	// is a client id, where the rule is otherwise its azp when it has one
	// (audience): STS's rule for the declared Google provider
	// (STSVerifier.VerifyWebIdentity).
	eitherAudience bool
}

// verify checks a parsed token against provider e.
func (r *Registry) verify(ctx context.Context, e *entry, t *tokens.JWT, extraAudiences []string, skew leeway) error {
	if err := r.checkSignature(ctx, e, t); err != nil {
		return err
	}
	if iss := t.Issuer(); !e.accepts(iss, skew.slash) {
		return fmt.Errorf("%w: %q, want %q", ErrIssuer, iss, e.issuers[0])
	}
	want := e.clientIDs
	if len(want) == 0 {
		want = extraAudiences
	}
	switch {
	case len(want) > 0 && skew.eitherAudience:
		if err := anyAudience(t, want); err != nil {
			return err
		}
	case len(want) > 0:
		if _, err := audience(t, want); err != nil {
			return err
		}
	case len(t.Audiences()) == 0 && t.AuthorizedParty() == "":
		// Any audience is taken, but there must be one: a token for no
		// client (a user pool's access token, whose client is in
		// client_id) is not an ID token, and Cognito and STS refuse it.
		return &MissingClaimError{Claim: "aud"}
	}
	return checkTimes(t, r.now(), skew)
}

// checkSignature parses the JWS and verifies it with a key of e's set
// that suits it: of the set e fetches for the token's iss (remoteFor). A
// fetched set that has no such key, or none whose signature verifies, is
// fetched again, unless this very call fetched it, and tried once more:
// the provider may have rotated its keys, under a new kid or under the
// same one (refresh limits such fetches).
func (r *Registry) checkSignature(ctx context.Context, e *entry, t *tokens.JWT) error {
	jws, err := jose.ParseSignedCompact(t.Raw, algs)
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
	if e.static != nil {
		return verifyWith(e.static, jws, h)
	}
	rm := e.remoteFor(t.Issuer())
	before := rm.state.Load()
	ks, err := r.current(ctx, rm)
	if err != nil {
		return err
	}
	if err = verifyWith(ks, jws, h); err == nil {
		return nil
	}
	st := rm.state.Load()
	if st == before {
		// The set was fetched before this call: the provider may have
		// new keys since.
		kid := h.KeyID
		again, ferr := r.refresh(ctx, rm, st, &kid)
		if again != nil && again != ks {
			err = verifyWith(again, jws, h)
		}
		if ferr != nil && errors.Is(err, ErrUnknownKey) {
			// The key may be in the set the provider could not serve.
			return ferr
		}
		st = rm.state.Load()
	} else if st != nil && st.err != nil && errors.Is(err, ErrUnknownKey) {
		// This call's fetch failed and left the stale set, which lacks
		// the key: the provider's failure is the answer.
		return st.err
	}
	if err != nil && st != nil && st.note != "" {
		err = fmt.Errorf("%w (%s)", err, st.note)
	}
	return err
}

// verifyWith verifies jws, whose header is h, with the keys of ks that
// may have signed it, trying each in turn. It fails with ErrUnknownKey
// when no key has the token's kid, or, for a token naming none, no key
// suits its alg; with ErrSignature when the keys of that kid do not suit
// its alg or none verifies the signature.
func verifyWith(ks *keySet, jws *jose.JSONWebSignature, h jose.Header) error {
	keys, named := ks.candidates(h.KeyID, h.Algorithm)
	switch {
	case !named:
		return unknownKey(h.KeyID, ks)
	case len(keys) == 0 && h.KeyID == "":
		return fmt.Errorf("%w: no key of the set suits alg %q", ErrUnknownKey, h.Algorithm)
	case len(keys) == 0:
		return fmt.Errorf("%w: alg %q does not suit key %q", ErrSignature, h.Algorithm, h.KeyID)
	}
	for _, k := range keys {
		if _, err := jws.Verify(k.pub); err == nil {
			return nil
		}
	}
	if len(keys) == 1 {
		return fmt.Errorf("%w: the signature does not verify with key %q", ErrSignature, keys[0].kid)
	}
	return fmt.Errorf("%w: the signature verifies with none of the %d keys that suit alg %q", ErrSignature, len(keys), h.Algorithm)
}

func unknownKey(kid string, ks *keySet) error {
	if err := ks.unusable(); err != nil {
		return fmt.Errorf("%w: the key set holds %w", ErrUnknownKey, err)
	}
	return fmt.Errorf("%w: kid %q", ErrUnknownKey, kid)
}

// audience returns the token's audience if it is one of want: its azp
// when it has one, else the first of its aud that is. IAM and Cognito
// Identity check an OIDC token's azp when present, else its aud, against
// the provider's client ids (spec cognito-identity.md §3; IAM documents
// the same for Google, and refuses Azure AD v2 tokens whose azp, not their
// aud, is an unregistered client: aws/aws-sdk-net#3071).
func audience(t *tokens.JWT, want []string) (string, error) {
	auds := t.Audiences()
	azp := t.AuthorizedParty()
	switch {
	case azp != "":
		if slices.Contains(want, azp) {
			return azp, nil
		}
	case len(auds) == 0:
		return "", &MissingClaimError{Claim: "aud"}
	default:
		for _, a := range auds {
			if slices.Contains(want, a) {
				return a, nil
			}
		}
	}
	return "", fmt.Errorf("%w: aud %q, azp %q, want one of %q", ErrAudience, auds, azp, want)
}

// anyAudience checks that the token's azp or one of its aud values is
// one of want.
func anyAudience(t *tokens.JWT, want []string) error {
	auds, azp := t.Audiences(), t.AuthorizedParty()
	switch {
	case azp != "" && slices.Contains(want, azp):
		return nil
	case len(auds) == 0 && azp == "":
		return &MissingClaimError{Claim: "aud"}
	}
	for _, a := range auds {
		if slices.Contains(want, a) {
			return nil
		}
	}
	return fmt.Errorf("%w: aud %q, azp %q, want one of %q", ErrAudience, auds, azp, want)
}

// checkTimes checks exp, which is required, and nbf, within skew of now.
func checkTimes(t *tokens.JWT, now time.Time, skew leeway) error {
	exp, ok := t.Expiry()
	if !ok {
		return &MissingClaimError{Claim: "exp"}
	}
	if !now.Before(exp.Add(skew.exp)) {
		return &TimeError{Claim: "exp", At: exp, Now: now}
	}
	if nbf, ok := t.NotBefore(); ok && now.Add(skew.nbf).Before(nbf) {
		return &TimeError{Claim: "nbf", At: nbf, Now: now}
	}
	return nil
}
