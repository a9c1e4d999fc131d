package sigv4

import "testing"

// TestNormalizePath checks the canonical URI path against the
// normalize-path cases of AWS's SigV4 test suite (named after them) and
// botocore's remove_dot_segments, which the CLI and boto3 sign with.
func TestNormalizePath(t *testing.T) {
	tests := []struct {
		name, path, want string
	}{
		{name: "get-relative", path: "/example/..", want: "/"},
		{name: "get-relative-relative", path: "/example1/example2/../..", want: "/"},
		{name: "get-slash", path: "//", want: "/"},
		{name: "get-slash-dot-slash", path: "/./", want: "/"},
		{name: "get-slash-pointless-dot", path: "/./example", want: "/example"},
		{name: "get-slashes", path: "//example//", want: "/example/"},
		{name: "empty", path: "", want: ""},
		{name: "root", path: "/", want: "/"},
		{name: "plain", path: "/identitypools/us-east-1%3Aabc/identities", want: "/identitypools/us-east-1%3Aabc/identities"},
		{name: "trailing slash", path: "/a/b/", want: "/a/b/"},
		{name: "dot dataset", path: "/identities/x/datasets/./records", want: "/identities/x/datasets/records"},
		{name: "dot-dot dataset", path: "/identities/x/datasets/../records", want: "/identities/x/records"},
		{name: "final dot", path: "/datasets/.", want: "/datasets"},
		{name: "final dot-dot", path: "/datasets/x/..", want: "/datasets"},
		{name: "above the root", path: "/a/../../b", want: "/b"},
		{name: "dots in names", path: "/a/.../..b/b../.c/", want: "/a/.../..b/b../.c/"},
		{name: "escaped dots", path: "/a/%2E/%2E%2E/b", want: "/a/%2E/%2E%2E/b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := normalizePath(tt.path); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if got := isNormal(tt.path); got != (tt.path == tt.want) {
				t.Errorf("isNormal: got %v, want %v", got, tt.path == tt.want)
			}
		})
	}
}
