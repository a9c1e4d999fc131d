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
// each code once, and a role's aws:MultiFactorAuthPresent condition holds
// for it.
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
	gst := func(code string) error {
		_, err := s.stsWith(ci).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(code)})
		return err
	}
	assume := func(code string) error {
		_, err := s.stsWith(ci).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("mfa"),
			SerialNumber: aws.String(serial), TokenCode: aws.String(code)})
		return err
	}
	now := time.Now()
	code, next := totpCode(secret, now), totpCode(secret, now.Add(30*time.Second))
	for _, tt := range []struct {
		name string
		call func(string) error
		code string
		want string // the refusal's text, "" for none
	}{
		{"GetSessionToken with the seed's current code", gst, code, ""},
		{"AssumeRole of a role that needs MFA, with the next", assume, next, ""},
		{"GetSessionToken with the current code again", gst, code, msgMFACode},
		{"AssumeRole with another code", assume, notCode(secret), msgMFACode},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantMFA(t, tt.want, map[string]error{tt.name: tt.call(tt.code)})
		})
	}

	// A reset starts the fixture's device afresh, as a restart does.
	if res := s.post(t, "/_idpool/reset", ""); res.status != http.StatusOK {
		t.Fatalf("reset: got %d %s, want 200", res.status, res.body)
	}
	ok(t, gst(next), "GetSessionToken after a reset with a code taken before")
}
