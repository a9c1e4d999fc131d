package protocol

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an AWS error as it appears on the wire: the code clients match
// on (the JSON "__type", the XML <Code>, the x-amzn-ErrorType header), a
// human message and the HTTP status.
type Error struct {
	Code    string
	Message string
	Status  int
	// Sender is true for client faults; it selects <Type>Sender</Type>
	// versus Receiver in the query protocol. Errorf sets it from Status.
	Sender bool
}

// Errorf returns an *Error with the message built from format and args.
// Statuses below 500 are client (sender) faults.
func Errorf(status int, code, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Code: code, Message: msg, Status: status, Sender: status < 500}
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Code + ": " + e.Message
}

// Is reports whether target is an *Error with the same code, so that
// errors.Is(err, &protocol.Error{Code: "X"}) matches any X error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Codes shared by the codecs themselves, independent of any service.
const (
	CodeSerialization    = "SerializationException"
	CodeValidation       = "ValidationException"
	CodeUnknownOperation = "UnknownOperationException"
	CodeInternal         = "InternalFailure"
)

// BadRequest is a shorthand for a 400 client error.
func BadRequest(code, format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, code, format, args...)
}
