package sigv4

import (
	"errors"
	"net/http"
)

// Describe says how r is signed, for a reason a log line or the console
// shows (see protocol.SetReason): "signed for <service>", "unsigned" or
// "with a malformed signature". service is the credential scope's service
// when r is signed, else "". It does not verify the signature.
func Describe(r *http.Request) (desc, service string) {
	sig, err := Parse(r)
	switch {
	case err == nil:
		return "signed for " + sig.Service, sig.Service
	case errors.Is(err, ErrMissing):
		return "unsigned", ""
	}
	return "with a malformed signature", ""
}

// EndpointHint is what a reason adds when a request signed for a service
// idpool does not emulate reached it: most often a client of another
// service that a global AWS_ENDPOINT_URL sent to idpool.
const EndpointHint = "a global AWS_ENDPOINT_URL gives idpool's URL to every service's client; set the per-service variables of idpool's services instead (AWS_ENDPOINT_URL_COGNITO_IDENTITY, _STS, _COGNITO_SYNC, _IAM)"
