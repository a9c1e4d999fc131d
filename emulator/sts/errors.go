package sts

import (
	"net/http"

	"github.com/idpool/idpool/protocol"
)

// STS's wire error codes (spec sts.md §2.4). Several differ from the
// model's shape names: the wire code is what SDKs match on.
const (
	CodeInvalidIdentityToken    = "InvalidIdentityToken"    // InvalidIdentityTokenException, 400
	CodeExpiredToken            = "ExpiredTokenException"   // ExpiredTokenException, 400
	CodeIDPRejectedClaim        = "IDPRejectedClaim"        // IDPRejectedClaimException, 403
	CodeIDPCommunicationError   = "IDPCommunicationError"   // IDPCommunicationErrorException, 400
	CodeMalformedPolicyDocument = "MalformedPolicyDocument" // MalformedPolicyDocumentException, 400
	CodePackedPolicyTooLarge    = "PackedPolicyTooLarge"    // PackedPolicyTooLargeException, 400
	CodeRegionDisabled          = "RegionDisabledException" // RegionDisabledException, 403
	CodeValidation              = "ValidationError"         // not modeled, 400
	CodeInvalidParameterValue   = "InvalidParameterValue"   // not modeled, 400
	CodeAccessDenied            = "AccessDenied"            // not modeled, 403
	CodeMissingAuthentication   = "MissingAuthenticationToken"

	// CodeInvalidAuthorization is InvalidAuthorizationMessageException's
	// code, the shape's own name, 400.
	CodeInvalidAuthorization = "InvalidAuthorizationMessageException"
)

// Texts AWS sends (spec tokens.md §5), where they are known.
const (
	msgNotJWT       = "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"
	msgUnknownKey   = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"
	msgBadSignature = "Token signature verification failed"
)

func errInvalidToken(format string, args ...any) *protocol.Error {
	return protocol.BadRequest(CodeInvalidIdentityToken, format, args...)
}

func errExpiredToken(format string, args ...any) *protocol.Error {
	return protocol.BadRequest(CodeExpiredToken, format, args...)
}

func errRejectedClaim(format string, args ...any) *protocol.Error {
	return protocol.Errorf(http.StatusForbidden, CodeIDPRejectedClaim, format, args...)
}

func errMalformedPolicy(format string, args ...any) *protocol.Error {
	return protocol.BadRequest(CodeMalformedPolicyDocument, format, args...)
}

func errPackedTooLarge(format string, args ...any) *protocol.Error {
	return protocol.BadRequest(CodePackedPolicyTooLarge, format, args...)
}

func errValidation(format string, args ...any) *protocol.Error {
	return protocol.BadRequest(CodeValidation, format, args...)
}

func errInvalidParameter(format string, args ...any) *protocol.Error {
	return protocol.BadRequest(CodeInvalidParameterValue, format, args...)
}

func errAccessDenied(format string, args ...any) *protocol.Error {
	return protocol.Errorf(http.StatusForbidden, CodeAccessDenied, format, args...)
}

// errNotSigned answers a signed operation that reached the service without
// a principal: the codec's authenticator did not run (a wiring mistake) or
// let an unsigned request through. It is what STS answers an unsigned call.
func errNotSigned() *protocol.Error {
	return protocol.Errorf(http.StatusForbidden, CodeMissingAuthentication, "Request is missing Authentication Token")
}
