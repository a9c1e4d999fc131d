package conformance

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// totpCode is the RFC 6238 code (HMAC-SHA-1, 30-second steps, six digits)
// of secret at time t, as an authenticator app computes it.
func totpCode(secret []byte, t time.Time) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(t.Unix()/30))
	mac := hmac.New(sha1.New, secret)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0xf
	return fmt.Sprintf("%06d", (binary.BigEndian.Uint32(sum[off:])&0x7fffffff)%1000000)
}

// notCode is a six-digit code that is not secret's around now.
func notCode(secret []byte) string {
	now := time.Now()
	near := []string{totpCode(secret, now.Add(-60*time.Second)), totpCode(secret, now.Add(-30*time.Second)),
		totpCode(secret, now), totpCode(secret, now.Add(30*time.Second)), totpCode(secret, now.Add(60*time.Second))}
	for i := 0; ; i++ {
		if c := fmt.Sprintf("%06d", i); !slices.Contains(near, c) {
			return c
		}
	}
}

// newMFADevice creates a virtual MFA device and returns its serial number
// and secret, read from Base32StringSeed as an authenticator app reads it.
func newMFADevice(t *testing.T, c *iam.Client, name string) (string, []byte) {
	t.Helper()
	out, err := c.CreateVirtualMFADevice(context.Background(), &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(name)})
	ok(t, err, "CreateVirtualMFADevice")
	d := out.VirtualMFADevice
	secret, err := base32.StdEncoding.DecodeString(string(d.Base32StringSeed))
	if err != nil || len(secret) != 20 {
		t.Fatalf("Base32StringSeed %q: got %d bytes, %v, want 20 bytes of Base32", d.Base32StringSeed, len(secret), err)
	}
	if !bytes.HasPrefix(d.QRCodePNG, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("QRCodePNG: got %q…, want a PNG", d.QRCodePNG[:min(8, len(d.QRCodePNG))])
	}
	return aws.ToString(d.SerialNumber), secret
}

// enable assigns the device serial to user with two consecutive codes of
// secret, the later one now's.
func enable(c *iam.Client, user, serial string, secret []byte) error {
	now := time.Now()
	_, err := c.EnableMFADevice(context.Background(), &iam.EnableMFADeviceInput{UserName: aws.String(user), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(totpCode(secret, now.Add(-30*time.Second))), AuthenticationCode2: aws.String(totpCode(secret, now))})
	return err
}

// TestIAMVirtualMFA: the lifecycle of AWS's MFA examples
// (awsdocs/aws-doc-sdk-examples python/example_code/sts/assume_role_mfa.py,
// session_token.py) against real TOTP codes: a virtual device is created,
// enabled for a user with two consecutive codes, listed, and then STS
// takes its current code, and no other, from that user alone; it is
// deactivated and deleted. The refusals are AWS's; a serial idpool holds
// no device of is taken in permissive mode alone.
func TestIAMVirtualMFA(t *testing.T) {
	t.Parallel()
	for _, strict := range []bool{false, true} {
		t.Run(modeName(strict), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, _ := strictServer(t, strict)
			dev := s.iamWith(developerKeys())
			name := uniqueName("mfa")
			serial, secret := newMFADevice(t, dev, name)
			if want := "arn:aws:iam::" + s.accountID + ":mfa/" + name; serial != want {
				t.Errorf("SerialNumber: got %s, want %s", serial, want)
			}
			_, err := dev.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(name)})
			wantIAMRefusal(t, "CreateVirtualMFADevice of a taken name", err, "EntityAlreadyExists", http.StatusConflict,
				"MFA device already exists.")

			listed := func(t *testing.T, status iamtypes.AssignmentStatusType) []iamtypes.VirtualMFADevice {
				t.Helper()
				out, err := dev.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{AssignmentStatus: status})
				ok(t, err, "ListVirtualMFADevices")
				return out.VirtualMFADevices
			}
			has := func(ds []iamtypes.VirtualMFADevice) bool {
				return slices.ContainsFunc(ds, func(d iamtypes.VirtualMFADevice) bool { return aws.ToString(d.SerialNumber) == serial })
			}
			if !has(listed(t, iamtypes.AssignmentStatusTypeUnassigned)) || has(listed(t, iamtypes.AssignmentStatusTypeAssigned)) {
				t.Errorf("a new device is not listed as Unassigned alone")
			}

			bad := notCode(secret)
			_, err = dev.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String(assumerName), SerialNumber: aws.String(serial),
				AuthenticationCode1: aws.String(bad), AuthenticationCode2: aws.String(totpCode(secret, time.Now()))})
			wantIAMRefusal(t, "EnableMFADevice with a wrong code", err, "InvalidAuthenticationCode", http.StatusForbidden,
				"Authentication code for device is not valid.")
			now := totpCode(secret, time.Now())
			_, err = dev.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String(assumerName), SerialNumber: aws.String(serial),
				AuthenticationCode1: aws.String(now), AuthenticationCode2: aws.String(now)})
			wantIAMError(t, err, "InvalidAuthenticationCode", http.StatusForbidden, new(*iamtypes.InvalidAuthenticationCodeException))
			err = enable(dev, "nobody", serial, secret)
			wantIAMRefusal(t, "EnableMFADevice for a missing user", err, "NoSuchEntity", http.StatusNotFound, "The user with name nobody cannot be found.")
			ok(t, enable(dev, assumerName, serial, secret), "EnableMFADevice")
			err = enable(dev, assumerName, serial, secret)
			wantIAMRefusal(t, "EnableMFADevice of an assigned device", err, "EntityAlreadyExists", http.StatusConflict, "MFA Device is already in use.")

			mine, err := dev.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String(assumerName)})
			ok(t, err, "ListMFADevices")
			if len(mine.MFADevices) != 1 || aws.ToString(mine.MFADevices[0].SerialNumber) != serial ||
				aws.ToString(mine.MFADevices[0].UserName) != assumerName || mine.MFADevices[0].EnableDate == nil {
				t.Errorf("ListMFADevices: got %+v, want %s of %s with its EnableDate", mine.MFADevices, serial, assumerName)
			}
			assigned := listed(t, iamtypes.AssignmentStatusTypeAssigned)
			i := slices.IndexFunc(assigned, func(d iamtypes.VirtualMFADevice) bool { return aws.ToString(d.SerialNumber) == serial })
			if i < 0 || assigned[i].User == nil || aws.ToString(assigned[i].User.UserName) != assumerName || assigned[i].EnableDate == nil {
				t.Errorf("ListVirtualMFADevices Assigned: got %+v, want %s with its user %s", assigned, serial, assumerName)
			}
			_, err = dev.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
			wantIAMRefusal(t, "DeleteVirtualMFADevice of an assigned device", err, "DeleteConflict", http.StatusConflict,
				"MFA VirtualDevice in use. Must deactivate first.")

			// Another user's device, which DeleteUser must refuse.
			other := uniqueName("mfauser")
			_, err = dev.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(other)})
			ok(t, err, "CreateUser")
			otherSerial, otherSecret := newMFADevice(t, dev, uniqueName("mfa"))
			ok(t, enable(dev, other, otherSerial, otherSecret), "EnableMFADevice of another user")
			_, err = dev.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(other)})
			wantIAMRefusal(t, "DeleteUser with an MFA device", err, "DeleteConflict", http.StatusConflict,
				"Cannot delete entity, must delete MFA device first.")
			_, err = dev.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String(assumerName), SerialNumber: aws.String(otherSerial)})
			wantIAMRefusal(t, "DeactivateMFADevice of another user's device", err, "NoSuchEntity", http.StatusNotFound, "MFA Device invalid for user.")

			user := assumerKeys()
			needMFA := s.createRole(t, "NeedMFA", s.trustRoot("sts:AssumeRole", map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}}))
			madeUp := "" // taken in permissive mode
			if strict {
				madeUp = msgMFASerial
			}
			at := time.Now()
			for _, tt := range []struct {
				name, serial string
				codes        [2]string // AssumeRole's and GetSessionToken's: STS takes a code once
				want         string    // the refusal's text, "" for none
			}{
				{"the device's code", serial, [2]string{totpCode(secret, at), totpCode(secret, at.Add(30*time.Second))}, ""},
				{"another code", serial, [2]string{bad, bad}, msgMFACode},
				{"another user's device", otherSerial, [2]string{totpCode(otherSecret, at), totpCode(otherSecret, at)}, msgMFASerial},
				{"a device idpool does not hold", "arn:aws:iam::" + s.accountID + ":mfa/elsewhere", [2]string{"123456", "123456"}, madeUp},
			} {
				t.Run(tt.name, func(t *testing.T) {
					_, err := s.assume(user, needMFA, "mfa", sts.AssumeRoleInput{SerialNumber: aws.String(tt.serial), TokenCode: aws.String(tt.codes[0])})
					_, err2 := s.stsWith(user).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(tt.serial), TokenCode: aws.String(tt.codes[1])})
					wantMFA(t, tt.want, map[string]error{"AssumeRole": err, "GetSessionToken": err2})
				})
			}

			_, err = dev.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String(assumerName), SerialNumber: aws.String(serial)})
			ok(t, err, "DeactivateMFADevice")
			mine, err = dev.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String(assumerName)})
			ok(t, err, "ListMFADevices after DeactivateMFADevice")
			if len(mine.MFADevices) != 0 {
				t.Errorf("ListMFADevices after DeactivateMFADevice: got %+v, want none", mine.MFADevices)
			}
			// An unassigned device is no one's: STS refuses its codes.
			_, err = s.assume(user, needMFA, "mfa", sts.AssumeRoleInput{SerialNumber: aws.String(serial), TokenCode: aws.String(totpCode(secret, time.Now()))})
			wantSTSError(t, err, codeAccessDenied, http.StatusForbidden, msgMFASerial)
			_, err = dev.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
			ok(t, err, "DeleteVirtualMFADevice")
			_, err = dev.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
			wantIAMRefusal(t, "DeleteVirtualMFADevice of a deleted device", err, "NoSuchEntity", http.StatusNotFound,
				"MFA Device with serial number "+serial+" does not exist.")
			if has(listed(t, iamtypes.AssignmentStatusTypeAny)) {
				t.Errorf("ListVirtualMFADevices lists a deleted device")
			}
		})
	}
}

// TestStrictVirtualMFA: in strict mode, a user's own policies scope the
// MFA operations as AWS's "Allows IAM users to self-manage an MFA device"
// example does: CreateVirtualMFADevice and DeleteVirtualMFADevice on the
// device (arn:aws:iam::<account>:mfa/<name>), EnableMFADevice,
// ListMFADevices and DeactivateMFADevice on the user.
func TestStrictVirtualMFA(t *testing.T) {
	t.Parallel()
	s, dev, userARN, name, keys := strictUser(t)
	ctx := context.Background()
	account := "arn:aws:iam::" + s.accountID + ":"
	_, err := dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("own-mfa"), PolicyDocument: aws.String(policyJSON(t,
		map[string]any{"Effect": "Allow", "Action": []string{"iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"}, "Resource": account + "mfa/" + name},
		map[string]any{"Effect": "Allow", "Action": []string{"iam:EnableMFADevice", "iam:ListMFADevices", "iam:DeactivateMFADevice"}, "Resource": userARN}))})
	ok(t, err, "PutUserPolicy")
	user := s.iamWith(keys)
	serial, secret := newMFADevice(t, user, name)
	ok(t, enable(user, name, serial, secret), "EnableMFADevice of the user's own device")
	_, err = user.ListMFADevices(ctx, &iam.ListMFADevicesInput{})
	ok(t, err, "ListMFADevices of the user's own")
	refused := []struct {
		action, resource string
		call             func() error
	}{
		{"iam:CreateVirtualMFADevice", account + "mfa/other", func() error {
			_, err := user.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("other")})
			return err
		}},
		{"iam:ListMFADevices", "user Other", func() error {
			_, err := user.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String("Other")})
			return err
		}},
		{"iam:DeleteVirtualMFADevice", account + "mfa/other", func() error {
			_, err := user.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(account + "mfa/other")})
			return err
		}},
	}
	for _, tt := range refused {
		wantIAMRefusal(t, tt.action, tt.call(), "AccessDenied", http.StatusForbidden,
			msgDenied(userARN, tt.action, tt.resource)+" because no identity-based policy allows the "+tt.action+" action")
	}
	_, err = user.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{SerialNumber: aws.String(serial)})
	ok(t, err, "DeactivateMFADevice of the user's own, without UserName")
	_, err = user.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	ok(t, err, "DeleteVirtualMFADevice of the user's own")
}

// TestResetClearsMFADevices: POST /_idpool/reset leaves no virtual MFA
// device, assigned or not, as a fresh start from the fixtures holds none;
// the fixture's user, which held one, may then be deleted.
func TestResetClearsMFADevices(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, false)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	serial, secret := newMFADevice(t, dev, uniqueName("mfa"))
	ok(t, enable(dev, assumerName, serial, secret), "EnableMFADevice")
	newMFADevice(t, dev, uniqueName("spare"))
	if res := s.post(t, "/_idpool/reset", ""); res.status != http.StatusOK {
		t.Fatalf("reset: got %d %s, want 200", res.status, res.body)
	}
	out, err := dev.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{})
	ok(t, err, "ListVirtualMFADevices")
	if len(out.VirtualMFADevices) != 0 {
		t.Errorf("ListVirtualMFADevices after reset: got %d devices, want none", len(out.VirtualMFADevices))
	}
	mine, err := dev.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String(assumerName)})
	ok(t, err, "ListMFADevices after reset")
	if len(mine.MFADevices) != 0 {
		t.Errorf("ListMFADevices after reset: got %+v, want none", mine.MFADevices)
	}
}

// TestIAMMFARefusalTexts: the refusals of the MFA operations AWS recorded
// (localstack/localstack tests/aws/services/iam/test_iam_mfa.snapshot.json,
// test_virtual_mfa_device_errors, test_enable_mfa_device_errors,
// test_list_virtual_mfa_devices), code, status and text.
func TestIAMMFARefusalTexts(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	device := uniqueName("mfa")
	serial, _ := newMFADevice(t, c, device)
	user := uniqueName("u")
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user)})
	ok(t, err, "CreateUser")
	missing := "arn:aws:iam::" + s.accountID + ":mfa/nonexistent-device"

	_, err = c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(device)})
	wantIAMRefusal(t, "CreateVirtualMFADevice of a taken name", err, "EntityAlreadyExists", http.StatusConflict, "MFA device already exists.")
	_, err = c.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(missing)})
	wantIAMRefusal(t, "DeleteVirtualMFADevice of a missing device", err, "NoSuchEntity", http.StatusNotFound,
		"MFA Device with serial number "+missing+" does not exist.")
	_, err = c.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String(user), SerialNumber: aws.String(missing)})
	wantIAMRefusal(t, "DeactivateMFADevice of a missing device", err, "NoSuchEntity", http.StatusNotFound,
		"MFA Device with serial number "+missing+" does not exist.")
	_, err = c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("nonexistent-user"), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321")})
	wantIAMRefusal(t, "EnableMFADevice for a missing user", err, "NoSuchEntity", http.StatusNotFound, "The user with name nonexistent-user cannot be found.")
	_, err = c.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String("nonexistent-user"), SerialNumber: aws.String(serial)})
	wantIAMRefusal(t, "DeactivateMFADevice for a missing user", err, "NoSuchEntity", http.StatusNotFound, "The user with name nonexistent-user cannot be found.")
	_, err = c.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{Marker: aws.String("invalid-marker-value")})
	wantIAMRefusal(t, "ListVirtualMFADevices with a marker idpool did not issue", err, "ValidationError", http.StatusBadRequest, "Invalid Marker.")
}
