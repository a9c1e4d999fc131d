package identity

import "github.com/idpool/idpool/protocol"

// Wire codes of the service's modeled errors. Clients select the exception
// class from the code; every one is a 400 client fault except
// InternalErrorException (500), which the service never returns itself:
// any error that is not a *protocol.Error (a storage or signing fault) is
// answered by the codec as the service's internal error, so the codec is
// to be configured with CodeInternalError.
const (
	CodeInvalidParameter                 = "InvalidParameterException"
	CodeResourceNotFound                 = "ResourceNotFoundException"
	CodeNotAuthorized                    = "NotAuthorizedException"
	CodeResourceConflict                 = "ResourceConflictException"
	CodeTooManyRequests                  = "TooManyRequestsException"
	CodeInternalError                    = "InternalErrorException"
	CodeLimitExceeded                    = "LimitExceededException"
	CodeExternalService                  = "ExternalServiceException"
	CodeDeveloperUserAlreadyRegistered   = "DeveloperUserAlreadyRegisteredException"
	CodeConcurrentModification           = "ConcurrentModificationException"
	CodeInvalidIdentityPoolConfiguration = "InvalidIdentityPoolConfigurationException"
	// CodeAccessDenied is the refusal of IAM authorization, which the
	// model does not list.
	CodeAccessDenied = "AccessDeniedException"
)

// Messages observed from the real service (spec cognito-identity.md §10),
// used verbatim.
const (
	msgUnauthenticated  = "Unauthenticated access is not supported for this identity pool."
	msgUnsupportedLogin = "Token is not from a supported provider of this identity pool."
	msgNoProviders      = "Identity pool - %s does not have identity providers configured."
	msgIssuerMismatch   = "Invalid login token. Issuer doesn't match providerName"
	msgMissingClaim     = "Invalid login token. Missing a required claim: %s"
	msgCognitoToken     = "Invalid login token. Can't pass in a Cognito token."
	msgLoginsDontMatch  = "Logins don't match. Please include at least one valid login for this identity or identity pool."
	msgForbidden        = "Access to Identity '%s' is forbidden."
	msgAmbiguousDenied  = "The ambiguous role mapping rules for: %s denied this request."
	msgRoleForbidden    = "Access to Role '%s' is forbidden."
	msgBadPoolConfig    = "Invalid identity pool configuration. Check assigned IAM roles for this pool."
	msgClassicDisabled  = "Basic (classic) flow is not enabled, please use enhanced flow."
	// msgClassicRoleMappings is quoted by the Cognito Developer Guide
	// (authentication-flow).
	msgClassicRoleMappings = "Basic (classic) flow is not supported with RoleMappings, please use enhanced flow."
	msgWrongDeveloper      = "This identity pool does not support the specified developer provider"
	msgPublicProvider      = "Please provide a valid public provider"
	msgBadMappingKey       = "(%s) is not a valid RoleMapping ProviderName or is not a configured provider."
	msgBadUserPool         = "Invalid Cognito Identity Provider"
	// A login whose signature does not verify (amazon-cognito-identity-js#91).
	msgBadSignature = "Invalid login token. Couldn't verify signed token."
	// A JWT under the cognito-identity.amazonaws.com key that Cognito did
	// not issue (aws-amplify/aws-sdk-android#1431).
	msgNotCognito = "Invalid login token. Not a Cognito token."
)

// Messages of our own where AWS's text is not known; worded like AWS's.
const (
	msgMalformedToken  = "Invalid login token. Not a valid OpenId Connect identity token."
	msgAudience        = "Invalid login token. Incorrect token audience."
	msgExpired         = "Invalid login token. Token expired: %d >= %d"
	msgNotYetValid     = "Invalid login token. Token is not yet valid: %d < %d"
	msgLoginConflict   = "Logins would link two different users of provider '%s' to one identity."
	msgTooManyLogins   = "An identity cannot have more than %d linked logins."
	msgBadNextToken    = "The pagination token is invalid."
	msgTooManyPools    = "Identity pool limit of %d exceeded for this account."
	msgTooManyTags     = "An identity pool cannot have more than %d tags."
	msgDevUserTaken    = "Developer user identifier '%s' is already registered with identity '%s'."
	msgDevUserNotFound = "Developer user identifier '%s' not found."
	msgNoDeveloper     = "Identity pool '%s' does not support developer authenticated identities."
	msgProviderDown    = "Error contacting the identity provider of '%s'."
)

func badParam(format string, args ...any) *protocol.Error {
	return protocol.BadRequest(CodeInvalidParameter, format, args...)
}

func notAuthorized(format string, args ...any) *protocol.Error {
	return protocol.BadRequest(CodeNotAuthorized, format, args...)
}

func conflict(format string, args ...any) *protocol.Error {
	return protocol.BadRequest(CodeResourceConflict, format, args...)
}

func limitExceeded(format string, args ...any) *protocol.Error {
	return protocol.BadRequest(CodeLimitExceeded, format, args...)
}

// poolNotFound is the observed message for an unknown pool.
func poolNotFound(id string) *protocol.Error {
	return protocol.BadRequest(CodeResourceNotFound, "IdentityPool '%s' not found.", id)
}

// identityNotFound is the observed message for an unknown identity.
func identityNotFound(id string) *protocol.Error {
	return protocol.BadRequest(CodeResourceNotFound, "Identity '%s' not found.", id)
}

func notFound(format string, args ...any) *protocol.Error {
	return protocol.BadRequest(CodeResourceNotFound, format, args...)
}

func devUserAlreadyRegistered(format string, args ...any) *protocol.Error {
	return protocol.BadRequest(CodeDeveloperUserAlreadyRegistered, format, args...)
}

func badPoolConfig() *protocol.Error {
	return protocol.BadRequest(CodeInvalidIdentityPoolConfiguration, msgBadPoolConfig)
}

func externalService(format string, args ...any) *protocol.Error {
	return protocol.BadRequest(CodeExternalService, format, args...)
}
