package conformance

import (
	"context"
	"encoding/base32"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestFixtureMFADevice: a virtual MFA device a fixture declares for its
// user (User.MFADevices, with the seed an authenticator app takes) is the
// user's at start, in strict mode: IAM lists it, STS takes its current
// code from that user, and no other, for GetSessionToken and AssumeRole,
// and a role's aws:MultiFactorAuthPresent condition holds for it.
func TestFixtureMFADevice(t *testing.T) {
	t.Parallel()
	const (
		account = "123456789012"
		keyID   = "AKIAFIXTUREMFA000001"
		seed    = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
		serial  = "arn:aws:iam::" + account + ":mfa/ci/phone"
		role    = "arn:aws:iam::" + account + ":role/NeedMFA"
	)
	path := writeJSON(t, t.TempDir(), "mfa.json", map[string]any{
		"DeveloperCredentials": []any{map[string]string{"AccessKeyId": accessKey, "SecretAccessKey": secretKey}},
		"Users": []any{map[string]any{"UserName": "ci",
			"AccessKeys": []any{map[string]string{"AccessKeyId": keyID, "SecretAccessKey": secretKey}},
			"MFADevices": []any{map[string]string{"VirtualMFADeviceName": "phone", "Path": "/ci/", "Base32StringSeed": seed}}}},
		"Roles": []any{map[string]any{"Arn": role,
			"AssumeRolePolicyDocument": map[string]any{"Statement": map[string]any{"Effect": "Allow",
				"Principal": map[string]any{"AWS": "arn:aws:iam::" + account + ":user/ci"}, "Action": "sts:AssumeRole",
				"Condition": map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}}}}}},
	})
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path, "IDPOOL_STRICT": "true"})
	ctx := context.Background()
	secret, err := base32.StdEncoding.DecodeString(seed)
	if err != nil {
		t.Fatal(err)
	}

	listed, err := s.iamWith(developerKeys()).ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String("ci")})
	ok(t, err, "ListMFADevices")
	if len(listed.MFADevices) != 1 || aws.ToString(listed.MFADevices[0].SerialNumber) != serial {
		t.Errorf("ListMFADevices: got %+v, want %s", listed.MFADevices, serial)
	}

	ci := aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secretKey}
	const msgBadCode = "MultiFactorAuthentication failed with invalid MFA one time pass code."
	for _, tt := range []struct {
		name, code string
		refused    bool
	}{
		{"the seed's current code", totpCode(secret, time.Now()), false},
		{"another code", notCode(secret), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.stsWith(ci).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(tt.code)})
			_, err2 := s.stsWith(ci).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("mfa"),
				SerialNumber: aws.String(serial), TokenCode: aws.String(tt.code)})
			if !tt.refused {
				ok(t, err, "GetSessionToken")
				ok(t, err2, "AssumeRole of a role that needs MFA")
				return
			}
			wantSTSError(t, err, codeAccessDenied, http.StatusForbidden, msgBadCode)
			wantSTSError(t, err2, codeAccessDenied, http.StatusForbidden, msgBadCode)
		})
	}
}
