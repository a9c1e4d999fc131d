package cognitosync

import (
	"net/http"

	"github.com/idpool/idpool/protocol"
)

// Wire codes of the service's modeled errors, with the statuses the model
// gives them. The service never returns InternalErrorException itself: any
// error that is not a *protocol.Error (a storage fault) is answered by the
// codec as the service's internal error, so the codec is to be configured
// with CodeInternalError.
const (
	CodeInvalidParameter       = "InvalidParameterException"     // 400
	CodeNotAuthorized          = "NotAuthorizedException"        // 403
	CodeResourceNotFound       = "ResourceNotFoundException"     // 404
	CodeResourceConflict       = "ResourceConflictException"     // 409
	CodeLimitExceeded          = "LimitExceededException"        // 400
	CodeTooManyRequests        = "TooManyRequestsException"      // 429
	CodeInvalidConfiguration   = "InvalidConfigurationException" // 400
	CodeDuplicateRequest       = "DuplicateRequestException"     // 400
	CodeAlreadyStreamed        = "AlreadyStreamedException"      // 400
	CodeConcurrentModification = "ConcurrentModificationException"
	CodeInternalError          = "InternalErrorException" // 500
)

// Messages observed from the real service (spec cognito-sync.md §1.2),
// used verbatim.
const (
	msgNotAuthorized   = "These credentials are not valid for accessing this resource"
	msgBadSession      = "SyncSessionToken not valid for these inputs"
	msgStaleRecord     = "Current SyncCount for: %s is: %d not: %d"
	msgNoSuchSyncCount = "No such SyncCount: %d exists for this Dataset"
)

// Messages of our own where AWS's text is not known; worded like AWS's.
const (
	msgPoolNotFound       = "IdentityPool '%s' not found."
	msgIdentityNotFound   = "Identity '%s' not found."
	msgDatasetNotFound    = "Dataset '%s' not found."
	msgDeviceNotFound     = "Device '%s' not found."
	msgBadNextToken       = "The pagination token is invalid."
	msgNegativeSyncCount  = "LastSyncCount cannot be negative."
	msgBadOp              = "Invalid operation '%s' for record: %s"
	msgNoValue            = "A replace operation requires a value for record: %s"
	msgPatchSyncCount     = "SyncCount cannot be negative for record: %s"
	msgDuplicateKey       = "Duplicate record key in one request: %s"
	msgBadKey             = "Record key must be 1 to %d characters long."
	msgTooManyDatasets    = "The number of datasets of identity %s cannot exceed %d."
	msgTooManyRecords     = "The number of records of dataset %s cannot exceed %d."
	msgDatasetTooLarge    = "The size of dataset %s cannot exceed %d bytes."
	msgDatasetConflict    = "Dataset %s was modified by a concurrent request."
	msgNoPushSync         = "Push sync is not configured for identity pool %s."
	msgPlatformNotSet     = "Push sync of identity pool %s has no platform application for %s."
	msgBadPlatform        = "Invalid platform '%s'."
	msgBadEventType       = "Invalid event type '%s'; the only event type is SyncTrigger."
	msgBadLambdaARN       = "Invalid Lambda function ARN '%s'."
	msgStreamNameRequired = "A stream name is required to enable Cognito Streams."
	msgConfigConflict     = "The configuration of identity pool %s was modified by a concurrent request."
	msgBulkInProgress     = "A bulk publish is already in progress for identity pool %s."
	msgAlreadyStreamed    = "A bulk publish of identity pool %s already succeeded at %s; only one is allowed every %s."
	msgStreamsDisabled    = "Cognito Streams is not enabled for this identity pool."
)

func newError(status int, code, format string, args ...any) *protocol.Error {
	return protocol.Errorf(status, code, format, args...)
}

func badParam(format string, args ...any) *protocol.Error {
	return newError(http.StatusBadRequest, CodeInvalidParameter, format, args...)
}

// notAuthorized is the one answer to credentials that may not touch the
// resource named, whatever the reason.
func notAuthorized() *protocol.Error {
	return newError(http.StatusForbidden, CodeNotAuthorized, msgNotAuthorized)
}

func notFound(format string, args ...any) *protocol.Error {
	return newError(http.StatusNotFound, CodeResourceNotFound, format, args...)
}

func conflict(format string, args ...any) *protocol.Error {
	return newError(http.StatusConflict, CodeResourceConflict, format, args...)
}

func limitExceeded(format string, args ...any) *protocol.Error {
	return newError(http.StatusBadRequest, CodeLimitExceeded, format, args...)
}

func invalidConfiguration(format string, args ...any) *protocol.Error {
	return newError(http.StatusBadRequest, CodeInvalidConfiguration, format, args...)
}

func duplicateRequest(format string, args ...any) *protocol.Error {
	return newError(http.StatusBadRequest, CodeDuplicateRequest, format, args...)
}

func alreadyStreamed(format string, args ...any) *protocol.Error {
	return newError(http.StatusBadRequest, CodeAlreadyStreamed, format, args...)
}

func concurrentModification(format string, args ...any) *protocol.Error {
	return newError(http.StatusBadRequest, CodeConcurrentModification, format, args...)
}

// badSession is the answer to a SyncSessionToken that is missing, forged,
// expired, or issued for another identity or dataset.
func badSession() *protocol.Error { return badParam(msgBadSession) }
