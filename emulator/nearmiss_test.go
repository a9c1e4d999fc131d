package emulator

import (
	"strings"
	"testing"

	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/emulator/sts"
)

// TestProviderNearMiss: a web identity refused by a trust policy whose
// Federated principal is its provider's but for a trailing "/", its
// host's case or a loopback host's spelling has the reason name both and
// what differs; a host's case had gone unnamed.
func TestProviderNearMiss(t *testing.T) {
	const arn = "arn:aws:iam::123456789012:oidc-provider/"
	doc, err := policy.Parse([]byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
		"Principal": {"Federated": ["` + arn + `localhost:9863/realms/ts0", "cognito-identity.amazonaws.com"]},
		"Action": "sts:AssumeRoleWithWebIdentity"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, iss, key string
		says           []string // all in the reason; none for ""
	}{
		{"trailing slash", "http://localhost:9863/realms/ts0/", "localhost:9863/realms/ts0/",
			[]string{arn + "localhost:9863/realms/ts0/ (iss http://localhost:9863/realms/ts0/)", "principal " + arn + "localhost:9863/realms/ts0,", `a trailing "/"`, "iss http://localhost:9863/realms/ts0,"}},
		{"127.0.0.1", "http://127.0.0.1:9863/realms/ts0", "127.0.0.1:9863/realms/ts0",
			[]string{arn + "127.0.0.1:9863/realms/ts0", "its host, 127.0.0.1 where the principal has localhost"}},
		{"both", "http://127.0.0.1:9863/realms/ts0/", "127.0.0.1:9863/realms/ts0/",
			[]string{`a trailing "/" and its host`}},
		{"host case", "http://LocalHost:9863/realms/ts0", "LocalHost:9863/realms/ts0",
			[]string{"the case of its host, LocalHost:9863 where the principal has localhost:9863"}},
		{"host case and trailing slash", "http://LOCALHOST:9863/realms/ts0/", "LOCALHOST:9863/realms/ts0/",
			[]string{`a trailing "/" and the case of its host, LOCALHOST:9863 where the principal has localhost:9863`}},
		{"path case", "http://localhost:9863/Realms/ts0", "localhost:9863/Realms/ts0", nil},
		{"another port", "http://localhost:9864/realms/ts0", "localhost:9864/realms/ts0", nil},
		{"another realm", "http://localhost:9863/realms/ts1", "localhost:9863/realms/ts1", nil},
		{"another host", "http://idp.local:9863/realms/ts0", "idp.local:9863/realms/ts0", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := providerNearMiss(&sts.WebIdentity{Issuer: tt.iss, Provider: arn + tt.key}, doc)
			if len(tt.says) == 0 && got != "" {
				t.Fatalf("got %q, want none", got)
			}
			for _, s := range tt.says {
				if !strings.Contains(got, s) {
					t.Errorf("got %q, want it to say %q", got, s)
				}
			}
		})
	}
}
