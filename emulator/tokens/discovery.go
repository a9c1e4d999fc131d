package tokens

import (
	"encoding/json"
	"strings"
)

// JWKSPath is where the JWKS is served; Cognito really names it jwks_uri.
const JWKSPath = "/.well-known/jwks_uri"

// discovery is the OpenID Provider metadata idpool publishes. Cognito
// Identity has no authorization endpoint; the three *_supported members are
// the ones STS and generic OIDC clients insist on.
type discovery struct {
	Issuer            string   `json:"issuer"`
	JWKSURI           string   `json:"jwks_uri"`
	ResponseTypes     []string `json:"response_types_supported"`
	SubjectTypes      []string `json:"subject_types_supported"`
	SigningAlgorithms []string `json:"id_token_signing_alg_values_supported"`
	Claims            []string `json:"claims_supported"`
}

// Discovery returns the openid-configuration document, with jwks_uri =
// baseURL (without its trailing slash) + JWKSPath.
func (i *Issuer) Discovery(baseURL string) []byte {
	d := discovery{
		Issuer:            i.cfg.Issuer,
		JWKSURI:           strings.TrimRight(baseURL, "/") + JWKSPath,
		ResponseTypes:     []string{"id_token"},
		SubjectTypes:      []string{"public"},
		SigningAlgorithms: []string{"RS512"},
		Claims:            []string{"sub", "aud", "amr", "iss", "exp", "iat", ClaimPoolARN, ClaimTags},
	}
	b, err := json.Marshal(&d)
	if err != nil {
		// Only strings and string slices: marshalling cannot fail.
		panic("tokens: marshal discovery: " + err.Error())
	}
	return b
}
