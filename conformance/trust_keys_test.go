package conformance

import (
	"context"
	"maps"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestTrustSeesTheRequestKeys: a trust policy is evaluated with the global
// condition keys of the request, as permission policies are: aws:SourceIp
// (the client's address, loopback here), aws:SecureTransport (plain HTTP
// here) and aws:RequestedRegion, for AssumeRoleWithWebIdentity and
// AssumeRole. Cognito's own call to STS for GetCredentialsForIdentity
// comes over TLS in the pool's region, from no client address.
func TestTrustSeesTheRequestKeys(t *testing.T) {
	s, _ := strictServer(t, false)
	ctx := context.Background()
	dev := uniqueDev()
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{DeveloperProviderName: aws.String(dev)})
	loopback := []string{"127.0.0.0/8", "::1/128"}
	ip := map[string]any{"IpAddress": map[string]any{"aws:SourceIp": loopback}}
	notIP := map[string]any{"NotIpAddress": map[string]any{"aws:SourceIp": loopback}}
	insecure := map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}
	secure := map[string]any{"Bool": map[string]any{"aws:SecureTransport": "true"}}
	inRegion := map[string]any{"StringEquals": map[string]any{"aws:RequestedRegion": region}}
	elsewhere := map[string]any{"StringEquals": map[string]any{"aws:RequestedRegion": "ap-south-1"}}

	tests := []struct {
		name      string
		condition map[string]any
		// web is AssumeRoleWithWebIdentity's outcome, assume AssumeRole's,
		// enhanced GetCredentialsForIdentity's.
		web, assume, enhanced bool
	}{
		{name: "from loopback", condition: ip, web: true, assume: true, enhanced: false},
		{name: "not from loopback", condition: notIP, web: false, assume: false, enhanced: true},
		{name: "plain HTTP", condition: insecure, web: true, assume: true, enhanced: false},
		{name: "TLS", condition: secure, web: false, assume: false, enhanced: true},
		{name: "region", condition: inRegion, web: true, assume: true, enhanced: true},
		{name: "other region", condition: elsewhere, web: false, assume: false, enhanced: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The web identity role also names its pool, as IAM requires.
			webCond := maps.Clone(tt.condition)
			aud := map[string]any{"cognito-identity.amazonaws.com:aud": pool}
			if eq, ok := webCond["StringEquals"].(map[string]any); ok {
				maps.Copy(aud, eq)
			}
			webCond["StringEquals"] = aud
			web := s.createRole(t, "WebKeys", map[string]any{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
				"Principal": map[string]any{"Federated": "cognito-identity.amazonaws.com"}, "Condition": webCond})
			role := s.createRole(t, "Keys", s.trustRoot("sts:AssumeRole", tt.condition))

			tok, err := s.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
				IdentityPoolId: aws.String(pool), Logins: map[string]string{dev: "user"},
			})
			ok(t, err, "GetOpenIdTokenForDeveloperIdentity")
			_, err = s.assumeWeb(aws.ToString(tok.Token), web, "keys", nil)
			check(t, "AssumeRoleWithWebIdentity", err, tt.web, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
			_, err = s.assume(developerKeys(), role, "keys", sts.AssumeRoleInput{})
			check(t, "AssumeRole", err, tt.assume, "AccessDenied", "User: "+s.rootARN()+" is not authorized to perform: sts:AssumeRole on resource: "+role)

			_, err = s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
				IdentityPoolId: aws.String(pool), Roles: map[string]string{"authenticated": web},
			})
			ok(t, err, "SetIdentityPoolRoles")
			_, err = s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{
				IdentityId: tok.IdentityId, Logins: map[string]string{"cognito-identity.amazonaws.com": aws.ToString(tok.Token)},
			})
			check(t, "GetCredentialsForIdentity", err, tt.enhanced, codeInvalidConfig, msgInvalidRoleSetup)
		})
	}
}

// check wants err nil when allowed, else the AWS error code and message.
func check(t *testing.T, call string, err error, allowed bool, code, msg string) {
	t.Helper()
	if allowed {
		ok(t, err, call)
		return
	}
	if err == nil {
		t.Fatalf("%s: got success, want %s", call, code)
	}
	wantAPIError(t, err, code, msg)
}
