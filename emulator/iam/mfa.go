package iam

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// Virtual MFA devices. A device holds a TOTP secret (RFC 6238: HMAC-SHA-1,
// 30-second steps, six digits), which CreateVirtualMFADevice answers as
// its Base32 text; EnableMFADevice assigns it to a user once given two
// consecutive codes of it, and STS then takes the device's codes from that
// user alone, each once (CheckMFACode).

// CodeInvalidAuthenticationCode is IAM's answer to MFA codes that are not
// the device's.
const CodeInvalidAuthenticationCode = "InvalidAuthenticationCode"

const (
	// maxUserMFADevices is how many MFA devices a user may have: eight,
	// as AWS allows since November 2022.
	maxUserMFADevices = 8
	// totpStep is the TOTP time step, and enableWindow how many steps
	// back from now the second of EnableMFADevice's codes may be (one
	// ahead is taken too, for a clock a little fast).
	totpStep     = 30 * time.Second
	enableWindow = 2
	// resyncWindow is how many steps either way ResyncMFADevice looks
	// for the two codes, as a device's clock may have drifted far.
	resyncWindow = 10
)

// totp is the six-digit code of secret at time step n (RFC 6238 over
// RFC 4226's dynamic truncation).
func totp(secret []byte, n int64) string {
	mac := hmac.New(sha1.New, secret)
	binary.Write(mac, binary.BigEndian, n)
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000)
}

// step is the TOTP time step of t.
func step(t time.Time) int64 { return t.Unix() / int64(totpStep/time.Second) }

// consecutive reports whether code1 and code2 are the codes of secret at
// two consecutive steps, the second between back steps before now and one
// after.
func consecutive(secret []byte, code1, code2 string, now time.Time, back int64) bool {
	cur := step(now)
	for n := cur - back; n <= cur+1; n++ {
		if hmac.Equal([]byte(totp(secret, n-1)), []byte(code1)) && hmac.Equal([]byte(totp(secret, n)), []byte(code2)) {
			return true
		}
	}
	return false
}

// seedText is the Base32 text of a device's secret, as authenticator
// apps take it.
func seedText(secret []byte) string { return base32.StdEncoding.EncodeToString(secret) }

// qrCodePNG is the QRCodePNG idpool answers: a valid 1×1 white PNG, not a
// QR code of the otpauth:// URI (a QR encoder is more than a local
// emulator needs: code under test reads Base32StringSeed to compute codes,
// and a PNG it saves still opens). The README says so.
func qrCodePNG() []byte {
	img := image.NewGray(image.Rect(0, 0, 1, 1))
	img.SetGray(0, 0, color.Gray{Y: 0xff})
	var b bytes.Buffer
	png.Encode(&b, img) // cannot fail on a bytes.Buffer
	return b.Bytes()
}

// noSuchDevice is IAM's answer to a serial number it holds no device of:
// AWS's text for DeleteVirtualMFADevice and DeactivateMFADevice
// (localstack/localstack tests/aws/services/iam/test_iam_mfa.snapshot.json
// delete-nonexistent-error, deactivate-nonexistent-mfa-error). The other
// operations on a device (EnableMFADevice and ResyncMFADevice, which
// read it as DeactivateMFADevice does, GetMFADevice and the tag
// operations) answer the same; no recording shows them.
func noSuchDevice(serial string) error {
	return errNoSuch("MFA Device with serial number %s does not exist.", serial)
}

func errDeviceNotUsers() error { return errNoSuch("MFA Device invalid for user.") }

func errBadCodes() error {
	return protocol.Errorf(http.StatusForbidden, CodeInvalidAuthenticationCode, "Authentication code for device is not valid.")
}

// CreateVirtualMFADevice creates an unassigned virtual MFA device,
// arn:aws:iam::<account>:mfa<path><name>, with a random 20-byte secret. A
// name another device holds, in any case, is EntityAlreadyExists.
func (s *Service) CreateVirtualMFADevice(ctx context.Context, in *CreateVirtualMFADeviceInput) (*CreateVirtualMFADeviceOutput, error) {
	p, err := path(in.Path)
	if err != nil {
		return nil, err
	}
	ts, err := foldKeys.check(in.Tags)
	if err != nil {
		return nil, err
	}
	d := storage.MFADevice{
		SerialNumber: s.arn(ctx, "mfa"+p+in.VirtualMFADeviceName), Name: in.VirtualMFADeviceName, Path: p,
		Secret: make([]byte, 20), Tags: ts, CreatedAt: s.now().UTC(),
	}
	rand.Read(d.Secret)
	err = s.update(ctx, func(tx storage.Tx) error {
		ds, err := tx.ListMFADevices(ctx)
		if err != nil {
			return err
		}
		for _, o := range ds {
			if strings.EqualFold(o.Name, d.Name) {
				return storage.ErrAlreadyExists
			}
		}
		return tx.CreateMFADevice(ctx, d)
	})
	// AWS's text (test_iam_mfa.snapshot.json create-duplicate-error).
	if err := translate(err, nil, errExists("MFA device already exists.")); err != nil {
		return nil, err
	}
	return &CreateVirtualMFADeviceOutput{VirtualMFADevice: VirtualMFADevice{
		SerialNumber:     d.SerialNumber,
		Base32StringSeed: base64.StdEncoding.EncodeToString([]byte(seedText(d.Secret))),
		QRCodePNG:        base64.StdEncoding.EncodeToString(qrCodePNG()),
		Tags:             wireTags(d.Tags),
	}}, nil
}

// device reads, in tx, the user named and the device of serial: the
// user's NoSuchEntity first, then the device's.
func device(ctx context.Context, tx storage.Reader, user, serial string) (storage.User, storage.MFADevice, error) {
	u, err := userOwner.read(ctx, tx, user)
	if err != nil {
		return u, storage.MFADevice{}, err
	}
	d, err := tx.GetMFADevice(ctx, serial)
	return u, d, translate(err, noSuchDevice(serial), nil)
}

// EnableMFADevice assigns a device to a user once AuthenticationCode1 and
// AuthenticationCode2 are two consecutive codes of it, the second of now
// or a minute before (InvalidAuthenticationCode otherwise). A device
// assigned already is EntityAlreadyExists; a user holds at most eight.
func (s *Service) EnableMFADevice(ctx context.Context, in *EnableMFADeviceInput) (*Empty, error) {
	return nil, s.update(ctx, func(tx storage.Tx) error {
		u, d, err := device(ctx, tx, in.UserName, in.SerialNumber)
		if err != nil {
			return err
		}
		if d.UserName != "" {
			return errExists("MFA Device is already in use.")
		}
		ds, err := tx.ListMFADevices(ctx)
		if err != nil {
			return err
		}
		if len(usersDevices(ds, u.Name)) >= maxUserMFADevices {
			return errLimit("Cannot exceed quota for MFADevicesPerUser: %d", maxUserMFADevices)
		}
		now := s.now()
		if !consecutive(d.Secret, in.AuthenticationCode1, in.AuthenticationCode2, now, enableWindow) {
			return errBadCodes()
		}
		d.UserName, d.EnableDate = u.Name, now.UTC()
		return tx.UpdateMFADevice(ctx, d)
	})
}

// usersDevices returns the devices of ds assigned to the user named.
func usersDevices(ds []storage.MFADevice, user string) []storage.MFADevice {
	var out []storage.MFADevice
	for _, d := range ds {
		if d.UserName != "" && strings.EqualFold(d.UserName, user) {
			out = append(out, d)
		}
	}
	return out
}

// assigned runs fn, in one transaction, on the device of serial assigned
// to the user named (or the caller, without one: keyOwner): NoSuchEntity
// for a missing user or device, and "MFA Device invalid for user." for a
// device not assigned to that user.
func (s *Service) assigned(ctx context.Context, name *string, serial string, fn func(tx storage.Tx, d storage.MFADevice) error) error {
	user, err := keyOwner(ctx, name)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx storage.Tx) error {
		u, d, err := device(ctx, tx, user, serial)
		if err != nil {
			return err
		}
		if !strings.EqualFold(d.UserName, u.Name) || d.UserName == "" {
			return errDeviceNotUsers()
		}
		return fn(tx, d)
	})
}

// DeactivateMFADevice unassigns a device from its user, which keeps it
// until DeleteVirtualMFADevice.
func (s *Service) DeactivateMFADevice(ctx context.Context, in *DeactivateMFADeviceInput) (*Empty, error) {
	return nil, s.assigned(ctx, in.UserName, in.SerialNumber, func(tx storage.Tx, d storage.MFADevice) error {
		d.UserName, d.EnableDate = "", time.Time{}
		return tx.UpdateMFADevice(ctx, d)
	})
}

// ResyncMFADevice checks two consecutive codes of a user's device within
// five minutes either way of now. idpool's clock is the device's, so
// nothing is kept: the codes are checked as IAM checks them.
func (s *Service) ResyncMFADevice(ctx context.Context, in *ResyncMFADeviceInput) (*Empty, error) {
	return nil, s.assigned(ctx, &in.UserName, in.SerialNumber, func(_ storage.Tx, d storage.MFADevice) error {
		now := s.now().Add(resyncWindow * totpStep)
		if !consecutive(d.Secret, in.AuthenticationCode1, in.AuthenticationCode2, now, 2*resyncWindow+1) {
			return errBadCodes()
		}
		return nil
	})
}

// DeleteVirtualMFADevice deletes an unassigned device; an assigned one is
// DeleteConflict. STS forgets the device's last code.
func (s *Service) DeleteVirtualMFADevice(ctx context.Context, in *DeleteVirtualMFADeviceInput) (*Empty, error) {
	var serial string
	err := s.update(ctx, func(tx storage.Tx) error {
		d, err := tx.GetMFADevice(ctx, in.SerialNumber)
		if err != nil {
			return translate(err, noSuchDevice(in.SerialNumber), nil)
		}
		if d.UserName != "" {
			return errConflict("MFA VirtualDevice in use. Must deactivate first.")
		}
		serial = d.SerialNumber
		return tx.DeleteMFADevice(ctx, d.SerialNumber)
	})
	if err != nil {
		return nil, err
	}
	s.codes.forget(serial)
	return nil, nil
}

// GetMFADevice answers a device, with its user and EnableDate once
// assigned. With UserName, a device not assigned to that user is
// NoSuchEntity.
func (s *Service) GetMFADevice(ctx context.Context, in *GetMFADeviceInput) (*GetMFADeviceOutput, error) {
	d, err := s.store.GetMFADevice(ctx, in.SerialNumber)
	if err != nil {
		return nil, translate(err, noSuchDevice(in.SerialNumber), nil)
	}
	if in.UserName != nil && !strings.EqualFold(*in.UserName, d.UserName) {
		return nil, errDeviceNotUsers()
	}
	out := &GetMFADeviceOutput{SerialNumber: d.SerialNumber}
	if d.UserName != "" {
		out.UserName, out.EnableDate = &d.UserName, timeAt(d.EnableDate)
	}
	return out, nil
}

// ListMFADevices lists the devices assigned to a user (the one named,
// else the caller), by serial number.
func (s *Service) ListMFADevices(ctx context.Context, in *CredentialListInput) (*ListMFADevicesOutput, error) {
	u, err := s.credentialsOwner(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	ds, err := s.store.ListMFADevices(ctx)
	if err != nil {
		return nil, err
	}
	got, more, next, err := page("ListMFADevices", usersDevices(ds, u.Name), func(d storage.MFADevice) string { return d.SerialNumber }, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &ListMFADevicesOutput{MFADevices: []MFADevice{}, IsTruncated: more, Marker: next}
	for _, d := range got {
		out.MFADevices = append(out.MFADevices, MFADevice{UserName: d.UserName, SerialNumber: d.SerialNumber, EnableDate: protocol.At(d.EnableDate)})
	}
	return out, nil
}

// ListVirtualMFADevices lists the account's virtual MFA devices by serial
// number: those AssignmentStatus asks for (Assigned, Unassigned, or Any,
// the default), an assigned one with its user and EnableDate. Terraform's
// aws_iam_user with force_destroy calls it before DeleteUser.
func (s *Service) ListVirtualMFADevices(ctx context.Context, in *ListVirtualMFADevicesInput) (*ListVirtualMFADevicesOutput, error) {
	ds, err := s.store.ListMFADevices(ctx)
	if err != nil {
		return nil, err
	}
	status := "Any"
	if in.AssignmentStatus != nil {
		status = *in.AssignmentStatus
	}
	var want []storage.MFADevice
	for _, d := range ds {
		if status == "Any" || (d.UserName != "") == (status == "Assigned") {
			want = append(want, d)
		}
	}
	got, more, next, err := page("ListVirtualMFADevices", want, func(d storage.MFADevice) string { return d.SerialNumber }, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &ListVirtualMFADevicesOutput{VirtualMFADevices: []VirtualMFADevice{}, IsTruncated: more, Marker: next}
	for _, d := range got {
		w := VirtualMFADevice{SerialNumber: d.SerialNumber}
		if d.UserName != "" {
			u, err := s.store.GetUser(ctx, d.UserName)
			if err != nil && !errors.Is(err, storage.ErrNotFound) {
				return nil, err
			}
			if err == nil {
				wu := wireUser(u)
				wu.Tags, wu.PermissionsBoundary = nil, nil
				w.User = &wu
			}
			w.EnableDate = timeAt(d.EnableDate)
		}
		out.VirtualMFADevices = append(out.VirtualMFADevices, w)
	}
	return out, nil
}

// CheckMFACode checks an STS request's MFA: whether serial names a device
// IAM holds (held), whether that device is assigned to the IAM user
// callerARN names (owned), and if so whether code is a code of it that STS
// takes now: the code of now, or of the step either side, and of a later
// step than any code of the device STS took before. For such a code use
// is non-nil, else nil. AWS takes each code once, as RFC 6238 §5.2
// requires of a verifier, and users of MFA tools meet the refusal of a
// code given twice (1Password/shell-plugins PR #180: a second operation
// given the same code fails until the next 30-second step;
// glassechidna/awsweb#5), so a code STS took is remembered and refused
// after. It is taken by the request that succeeds with it, not by one
// refused for another reason (a DurationSeconds over the role's maximum,
// a trust policy), whose retry with the same code must work: STS calls use
// once it is about to issue credentials. use records the code's step and
// reports true, or reports false, with the reason, when another request
// took this code or a later one since the check (two requests given one
// code at once: one of them gets it). Only STS's checks count: the codes
// EnableMFADevice and ResyncMFADevice take are neither refused nor
// remembered, so a device enabled with the code of now takes that code
// next. A serial IAM does not hold is not held; what STS answers it is
// STS's to decide.
func (s *Service) CheckMFACode(ctx context.Context, serial, callerARN, code string) (held, owned bool, use func() bool, err error) {
	d, err := s.store.GetMFADevice(ctx, serial)
	if errors.Is(err, storage.ErrNotFound) {
		return false, false, nil, nil
	}
	if err != nil {
		return false, false, nil, err
	}
	user, isUser := userName(callerARN)
	if !isUser || d.UserName == "" || !strings.EqualFold(d.UserName, user) {
		return true, false, nil, nil
	}
	// The latest step whose code it is: a code that two steps share (one
	// in a million) is taken for the later one.
	cur, n := step(s.now()), int64(-1)
	for m := cur - 1; m <= cur+1; m++ {
		if hmac.Equal([]byte(totp(d.Secret, m)), []byte(code)) {
			n = m
		}
	}
	if n < 0 {
		return true, true, nil, nil
	}
	taken := func() bool {
		protocol.SetReason(ctx, "TokenCode is a code of the MFA device "+d.SerialNumber+" that STS took already (or older than one it took): "+
			"AWS takes each code once, so wait for the device's next code, a new one every 30 seconds")
		return false
	}
	if !s.codes.fresh(d.SerialNumber, n) {
		taken()
		return true, true, nil, nil
	}
	return true, true, func() bool { return s.codes.take(d.SerialNumber, n) || taken() }, nil
}

// usedCodes remembers, by serial number, the time step of the last code of
// each MFA device that STS took, so that it takes no code of that step or
// an earlier one again. It is kept in memory (a restart forgets it, which
// a code's 90-second life makes harmless) and holds no more than one entry
// a device: DeleteVirtualMFADevice and a reset forget them.
type usedCodes struct {
	mu   sync.Mutex
	last map[string]int64
}

// fresh reports whether STS has taken no code of step n or a later one of
// the device serial.
func (u *usedCodes) fresh(serial string, n int64) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	last, ok := u.last[serial]
	return !ok || n > last
}

// take records step n as the last of the device serial and reports true,
// unless a code of step n or a later one was taken already. The check and
// the record are one step under the lock, so that of two requests given
// one code at once one takes it.
func (u *usedCodes) take(serial string, n int64) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if last, ok := u.last[serial]; ok && n <= last {
		return false
	}
	if u.last == nil {
		u.last = make(map[string]int64)
	}
	u.last[serial] = n
	return true
}

// forget drops what is remembered of the device serial.
func (u *usedCodes) forget(serial string) {
	u.mu.Lock()
	delete(u.last, serial)
	u.mu.Unlock()
}

// forgetAll drops what is remembered of every device.
func (u *usedCodes) forgetAll() {
	u.mu.Lock()
	u.last = nil
	u.mu.Unlock()
}

// timeAt is t as an optional time of an answer.
func timeAt(t time.Time) *protocol.Time {
	at := protocol.At(t)
	return &at
}

// userDevice reports whether a device is assigned to the user named, for
// DeleteUser.
func userDevice(ctx context.Context, r storage.Reader, user string) (bool, error) {
	ds, err := r.ListMFADevices(ctx)
	return len(usersDevices(ds, user)) > 0, err
}
