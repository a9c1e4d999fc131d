package emulator

import (
	"reflect"
	"testing"

	"github.com/idpool/idpool/emulator/sts"
)

// TestWebContext: a trust policy's keys of a web identity are named after
// its provider as the Federated principal names it, whatever the token's
// iss (a provider declared with a local Issuer), with the provider's own
// claim keys beside aud, sub and amr.
func TestWebContext(t *testing.T) {
	const gh = "token.actions.githubusercontent.com"
	tests := []struct {
		name string
		w    sts.WebIdentity
		fed  string
		want map[string][]string
	}{
		{name: "GitHub at a local issuer",
			w: sts.WebIdentity{Issuer: "http://127.0.0.1:9871", Provider: "arn:aws:iam::123456789012:oidc-provider/" + gh,
				Subject: "repo:o/r:ref:refs/heads/main", Audience: "sts.amazonaws.com", Claims: map[string][]string{"repository": {"o/r"}}},
			fed: "arn:aws:iam::123456789012:oidc-provider/" + gh,
			want: map[string][]string{gh + ":aud": {"sts.amazonaws.com"}, gh + ":sub": {"repo:o/r:ref:refs/heads/main"},
				gh + ":repository": {"o/r"}}},
		{name: "cognito-local user pool",
			w: sts.WebIdentity{Issuer: "http://127.0.0.1:9229/us-east-1_abc",
				Provider: "arn:aws:iam::123456789012:oidc-provider/cognito-idp.us-east-1.amazonaws.com/us-east-1_abc",
				Subject:  "u", Audience: "client", AMR: []string{"pwd"}},
			fed: "arn:aws:iam::123456789012:oidc-provider/cognito-idp.us-east-1.amazonaws.com/us-east-1_abc",
			want: map[string][]string{"cognito-idp.us-east-1.amazonaws.com/us-east-1_abc:aud": {"client"},
				"cognito-idp.us-east-1.amazonaws.com/us-east-1_abc:sub": {"u"},
				"cognito-idp.us-east-1.amazonaws.com/us-east-1_abc:amr": {"pwd"}}},
		{name: "Google, built in",
			w: sts.WebIdentity{Issuer: "https://accounts.google.com", Provider: "accounts.google.com", Subject: "1", Audience: "android",
				Claims: map[string][]string{"oaud": {"web"}}},
			fed: "accounts.google.com",
			want: map[string][]string{"accounts.google.com:aud": {"android"}, "accounts.google.com:sub": {"1"},
				"accounts.google.com:oaud": {"web"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fed, got := webContext(&tt.w)
			if fed != tt.fed || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %s %v, want %s %v", fed, got, tt.fed, tt.want)
			}
		})
	}
}
