package providers

import (
	"context"
	"errors"
	"net/http"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
)

// failingSource is a Source whose store fails.
type failingSource struct{}

func (failingSource) Provider(context.Context, string) (Provider, bool, error) {
	return Provider{}, false, errors.New("store closed")
}

// TestDeclaredTakesIAMClientIDs: while IAM holds the provider of a
// declared generic OIDC provider, STS and the logins of its key check a
// token's audience against IAM's client ids, not the declared ones, as
// AWS checks the IAM provider's ClientIDList (spec cognito-identity.md
// §3); the fixture's had won. Once IAM holds none, logins of its key
// are refused as STS refuses its tokens, in either mode.
func TestDeclaredTakesIAMClientIDs(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	const iss, key = "https://oidc.example.com", "oidc.example.com"
	reg, err := New([]Provider{{Name: iss, JWKS: jwks(t, k), ClientIDs: []string{"client1"}}}, nil, newClock().now, nil)
	if err != nil {
		t.Fatal(err)
	}
	src := mapSource{key: {Name: iss, ClientIDs: []string{"zzz"}}} // after Add zzz, Remove client1
	reg.SetSource(src)
	token := func(aud string) string { return k.sign(t, claims(iss, aud, nil)) }
	for _, strict := range []bool{false, true} {
		sv, iv := reg.ForSTS(account, strict), reg.ForIdentity(strict)
		stsVerify := func(aud string) error {
			jwt, err := tokens.Parse(token(aud))
			if err != nil {
				t.Fatal(err)
			}
			_, err = sv.VerifyWebIdentity(context.Background(), jwt)
			return err
		}
		tests := []struct {
			name, aud string
			ok        bool
		}{
			{"client IAM added", "zzz", true},
			{"client IAM removed", "client1", false},
		}
		for _, tt := range tests {
			t.Run(tt.name+strictName(strict), func(t *testing.T) {
				_, loginErr := iv.VerifyProviderToken(context.Background(), key, token(tt.aud))
				if tt.ok {
					wantErr(t, stsVerify(tt.aud), nil)
					wantErr(t, loginErr, nil)
					return
				}
				wantWire(t, stsVerify(tt.aud), sts.CodeInvalidIdentityToken, http.StatusBadRequest, "Incorrect token audience")
				wantWire(t, loginErr, identity.CodeNotAuthorized, http.StatusBadRequest, "Invalid login token. Incorrect token audience.")
			})
		}
		t.Run("deleted from IAM"+strictName(strict), func(t *testing.T) {
			held := src[key]
			delete(src, key)
			defer func() { src[key] = held }()
			_, err := iv.VerifyProviderToken(context.Background(), key, token("zzz"))
			wantWire(t, err, identity.CodeNotAuthorized, http.StatusBadRequest, "Invalid login token. No OpenIDConnect provider found in your account for "+key)
		})
	}
}

// TestSourceFailureIsInternal: a store that fails while STS or a login
// asks IAM for a declared provider's OpenID Connect provider is idpool's
// fault, answered as the services' internal error (500), not as a
// provider the account lacks.
func TestSourceFailureIsInternal(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	const iss, key = "https://oidc.example.com", "oidc.example.com"
	reg, err := New([]Provider{{Name: iss, JWKS: jwks(t, k)}}, nil, newClock().now, nil)
	if err != nil {
		t.Fatal(err)
	}
	reg.SetSource(failingSource{})
	token := k.sign(t, claims(iss, "app", nil))
	jwt, err := tokens.Parse(token)
	if err != nil {
		t.Fatal(err)
	}
	_, err = reg.ForSTS(account, false).VerifyWebIdentity(context.Background(), jwt)
	if _, wire := protocol.As(err); err == nil || wire {
		t.Errorf("STS: got %v, want a non-wire error (the 500 path)", err)
	}
	_, err = reg.ForIdentity(false).VerifyProviderToken(context.Background(), key, token)
	if e, ok := protocol.As(err); !ok || e.Status != http.StatusInternalServerError || e.Code != identity.CodeInternalError {
		t.Errorf("login: got %v, want InternalErrorException (500)", err)
	}
}

// TestUserPoolLoginsNotThroughIAM: logins under a user pool's key are
// never verified by an IAM provider of that key, which AWS never uses for
// them: with none declared, permissive mode takes the login as before IAM
// held one (no discovery from the https issuer, which failed as
// ExternalServiceException) and strict mode refuses it as one no
// declared provider knows.
func TestUserPoolLoginsNotThroughIAM(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	const key = "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc"
	reg, err := New(nil, nil, newClock().now, nil)
	if err != nil {
		t.Fatal(err)
	}
	reg.SetSource(mapSource{key: {Name: "https://" + key, ClientIDs: []string{"app"}}})
	token := k.sign(t, claims("http://localhost:9229/us-east-1_abc", "app", nil))
	tests := []struct {
		name   string
		strict bool
		want   string // the NotAuthorizedException message; none when empty
	}{
		{"permissive", false, ""},
		{"strict", true, "Invalid login token. No key set is configured for provider " + key + "."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checked, err := reg.ForIdentity(tt.strict).VerifyProviderToken(context.Background(), key, token)
			if checked {
				t.Errorf("got issuerChecked true, want false: no declared provider verified it")
			}
			if tt.want == "" {
				wantErr(t, err, nil)
				return
			}
			wantWire(t, err, identity.CodeNotAuthorized, http.StatusBadRequest, tt.want)
		})
	}
}
