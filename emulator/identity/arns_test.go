package identity

import "testing"

// TestPoolFromARN pins which pool ARNs TagResource and its kin take.
func TestPoolFromARN(t *testing.T) {
	const id = "us-east-1:11111111-2222-3333-4444-555555555555"
	tests := []struct {
		name, arn, want string // want "" for Invalid ARN
	}{
		{"pool", "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/" + id, id},
		{"other account", "arn:aws:cognito-identity:us-east-1:999999999999:identitypool/" + id, id},
		{"cn", "arn:aws-cn:cognito-identity:cn-north-1:123456789012:identitypool/cn-north-1:x", "cn-north-1:x"},
		{"short account", "arn:aws:cognito-identity:us-east-1:12345678901:identitypool/" + id, ""},
		{"other service", "arn:aws:cognito-idp:us-east-1:123456789012:identitypool/" + id, ""},
		{"other region", "arn:aws:cognito-identity:us-west-2:123456789012:identitypool/" + id, ""},
		{"other partition", "arn:aws-cn:cognito-identity:us-east-1:123456789012:identitypool/" + id, ""},
		{"no region in id", "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/abc", ""},
		{"other resource", "arn:aws:cognito-identity:us-east-1:123456789012:pool/" + id, ""},
		{"five fields", "arn:aws:cognito-identity:us-east-1:123456789012", ""},
		{"not arn", "urn:aws:cognito-identity:us-east-1:123456789012:identitypool/" + id, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := poolFromARN(tt.arn)
			if tt.want == "" {
				wantErr(t, err, CodeInvalidParameter, "Invalid ARN: "+tt.arn)
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v, want %q", got, err, tt.want)
			}
		})
	}
}

// TestIAMARNs pins the IAM ARNs a pool's roles and providers may be.
func TestIAMARNs(t *testing.T) {
	tests := []struct {
		name  string
		check func(string) bool
		arn   string
		want  bool
	}{
		{"role", RoleARN, "arn:aws:iam::123456789012:role/p/R", true},
		{"role of aws-us-gov", RoleARN, "arn:aws-us-gov:iam::123456789012:role/R", true},
		{"role of an odd partition", RoleARN, "arn:aws-:iam::123456789012:role/R", true},
		{"role of awscn", RoleARN, "arn:awscn:iam::123456789012:role/R", false},
		{"role of AWS", RoleARN, "arn:AWS:iam::123456789012:role/R", false},
		{"role with a region", RoleARN, "arn:aws:iam:us-east-1:123456789012:role/R", false},
		{"role of sts", RoleARN, "arn:aws:sts::123456789012:role/R", false},
		{"role of a short account", RoleARN, "arn:aws:iam::12345678901:role/R", false},
		{"role of account aws", RoleARN, "arn:aws:iam::aws:role/R", false},
		{"user", RoleARN, "arn:aws:iam::123456789012:user/R", false},
		{"five fields", RoleARN, "arn:aws:iam::123456789012", false},
		{"oidc", oidcProviderARN, "arn:aws:iam::123456789012:oidc-provider/login.example.com", true},
		{"oidc with a scheme", oidcProviderARN, "arn:aws:iam::123456789012:oidc-provider/https://login.example.com", false},
		{"oidc of a short account", oidcProviderARN, "arn:aws:iam::1234:oidc-provider/login.example.com", false},
		{"saml", samlProviderARN, "arn:aws:iam::123456789012:saml-provider/Corp", true},
		{"saml without a name", samlProviderARN, "arn:aws:iam::123456789012:saml-provider/", false},
		{"saml of aws-cn", samlProviderARN, "arn:aws-cn:iam::123456789012:saml-provider/Corp", true},
		{"saml of no partition", samlProviderARN, "arn::iam::123456789012:saml-provider/Corp", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.check(tt.arn); got != tt.want {
				t.Errorf("%s: got %v, want %v", tt.arn, got, tt.want)
			}
		})
	}
}
