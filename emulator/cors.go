package emulator

import (
	"strings"

	"github.com/idpool/idpool/emulator/console"
)

// corsOrigin returns the Access-Control-Allow-Origin that edge gives a
// browser's request from origin for path, which also approves a preflight
// for it; "" is no CORS header and a preflight refused.
//
// The AWS services (every path outside /_idpool/) allow every origin, as
// AWS's endpoints do: browser SDKs call them from any page. So do the
// documents under /_idpool/ that any program, or another site's page, may
// read (publicPath: the health check and the outbound issuer's discovery
// document and key set). The console allows none: its pages show users'
// logins and Cognito Sync records, and only its own pages may read them.
// The test controls allow the pages of this machine (isLocalOrigin), the
// only pages localOrigin lets call them, and no other: the answer of GET
// /_idpool/credentials/{id} says whose credentials an access key id is.
func corsOrigin(path, origin string) string {
	switch {
	case !strings.HasPrefix(path+"/", "/_idpool/") || publicPath(path):
		return "*"
	case strings.HasPrefix(path+"/", console.Prefix+"/"):
		return ""
	case isLocalOrigin(origin):
		return origin
	}
	return ""
}
