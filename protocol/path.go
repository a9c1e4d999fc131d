package protocol

import (
	"net/http"
	"strings"
)

// RawPath returns the request's path exactly as the client sent it, still
// percent-encoded. SigV4 signs that escaped path, and the REST router splits
// it at '/' before decoding labels (an encoded slash stays inside its
// label); re-escaping a decoded path could differ from it. A server request
// holds it in RequestURI, which costs nothing to cut; URL.EscapedPath
// rebuilds it for requests made otherwise.
func RawPath(r *http.Request) string {
	p := r.RequestURI
	if p != "" && p[0] != '/' {
		// Absolute form ("http://host/path?q"): keep from the path on.
		if i := strings.Index(p, "://"); i >= 0 {
			p = p[i+3:]
			if j := strings.IndexByte(p, '/'); j >= 0 {
				p = p[j:]
			} else {
				p = ""
			}
		} else {
			p = ""
		}
	}
	if p == "" && r.URL != nil {
		return r.URL.EscapedPath()
	}
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}
