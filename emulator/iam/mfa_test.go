package iam

import (
	"context"
	"encoding/base32"
	"encoding/base64"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage/sqlite"
)

// TestTOTP checks totp against the SHA-1 vectors of RFC 6238 appendix B,
// whose eight-digit codes end in the six digits a virtual MFA device shows.
func TestTOTP(t *testing.T) {
	secret := []byte("12345678901234567890")
	tests := []struct {
		name string
		unix int64
		want string // last six digits of the RFC's code
	}{
		{"59", 59, "287082"},
		{"1111111109", 1111111109, "081804"},
		{"1111111111", 1111111111, "050471"},
		{"1234567890", 1234567890, "005924"},
		{"2000000000", 2000000000, "279037"},
		{"20000000000", 20000000000, "353130"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := totp(secret, step(time.Unix(tt.unix, 0))); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestConsecutive: EnableMFADevice's two codes must be consecutive, in
// order, and recent.
func TestConsecutive(t *testing.T) {
	secret := []byte("12345678901234567890")
	now := time.Unix(1_700_000_000, 0)
	at := func(d time.Duration) string { return totp(secret, step(now.Add(d))) }
	tests := []struct {
		name         string
		code1, code2 string
		want         bool
	}{
		{"the last two", at(-30 * time.Second), at(0), true},
		{"a minute ago", at(-90 * time.Second), at(-60 * time.Second), true},
		{"the next", at(0), at(30 * time.Second), true},
		{"swapped", at(0), at(-30 * time.Second), false},
		{"the same twice", at(0), at(0), false},
		{"too old", at(-150 * time.Second), at(-120 * time.Second), false},
		{"a gap", at(-60 * time.Second), at(0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := consecutive(secret, tt.code1, tt.code2, now, enableWindow); got != tt.want {
				t.Errorf("consecutive(%s, %s): got %v, want %v", tt.code1, tt.code2, got, tt.want)
			}
		})
	}
}

// mfaService is a Service whose clock the test moves, with the user alice
// and the virtual MFA device phone, enabled for her with two codes of the
// steps before now and of now. It returns the device's serial number and
// secret.
func mfaService(t *testing.T, clock *time.Time) (*Service, string, []byte) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := New(Config{AccountID: "123456789012", Region: "us-east-1"}, st, func() time.Time { return *clock }, nil)
	ctx := t.Context()
	if _, err := s.CreateUser(ctx, &CreateUserInput{UserName: "alice"}); err != nil {
		t.Fatal(err)
	}
	made, err := s.CreateVirtualMFADevice(ctx, &CreateVirtualMFADeviceInput{VirtualMFADeviceName: "phone"})
	if err != nil {
		t.Fatal(err)
	}
	serial := made.VirtualMFADevice.SerialNumber
	seed, err := base64.StdEncoding.DecodeString(made.VirtualMFADevice.Base32StringSeed)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := base32.StdEncoding.DecodeString(string(seed))
	if err != nil {
		t.Fatal(err)
	}
	cur := step(*clock)
	if _, err := s.EnableMFADevice(ctx, &EnableMFADeviceInput{UserName: "alice", SerialNumber: serial,
		AuthenticationCode1: totp(secret, cur-1), AuthenticationCode2: totp(secret, cur)}); err != nil {
		t.Fatal(err)
	}
	return s, serial, secret
}

// TestCheckMFACodeOnce: STS takes a device's code once, as AWS does, and
// no code of an earlier step than one it took; the codes EnableMFADevice
// and ResyncMFADevice take do not count. A reason tells the console why.
func TestCheckMFACodeOnce(t *testing.T) {
	const alice, bob = "arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:user/bob"
	clock := time.Unix(1_700_000_000, 0)
	s, serial, secret := mfaService(t, &clock)
	start := step(clock)
	tests := []struct {
		name    string
		advance time.Duration // the clock moves first
		step    int64         // the code's step, from start
		caller  string
		owned   bool
		valid   bool
		reason  string // in the console's reason, "" for none
	}{
		{name: "the code EnableMFADevice took last", step: 0, caller: alice, owned: true, valid: true},
		{name: "the same code again", step: 0, caller: alice, owned: true, reason: "that STS took already"},
		{name: "the step before's", step: -1, caller: alice, owned: true, reason: "that STS took already"},
		{name: "the next step's (a fast clock)", step: 1, caller: alice, owned: true, valid: true},
		{name: "now's after the next's", step: 0, caller: alice, owned: true, reason: "that STS took already"},
		{name: "a minute later, the next step's again", advance: time.Minute, step: 1, caller: alice, owned: true, reason: "that STS took already"},
		{name: "a minute later, now's", step: 2, caller: alice, owned: true, valid: true},
		{name: "another user", step: 3, caller: bob},
		{name: "a code of no step near", step: 9, caller: alice, owned: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock = clock.Add(tt.advance)
			req := &protocol.Request{}
			held, owned, use, err := s.CheckMFACode(protocol.WithRequest(t.Context(), req), serial, tt.caller, totp(secret, start+tt.step))
			if err != nil {
				t.Fatal(err)
			}
			valid := use != nil && use()
			if !held || owned != tt.owned || valid != tt.valid {
				t.Errorf("got held %v, owned %v, valid %v, want true, %v, %v", held, owned, valid, tt.owned, tt.valid)
			}
			if tt.reason != "" && !strings.Contains(req.Reason, tt.reason) {
				t.Errorf("reason: got %q, want it to contain %q", req.Reason, tt.reason)
			}
		})
	}

	t.Run("ResyncMFADevice's codes do not count", func(t *testing.T) {
		cur := step(clock)
		if _, err := s.ResyncMFADevice(t.Context(), &ResyncMFADeviceInput{UserName: "alice", SerialNumber: serial,
			AuthenticationCode1: totp(secret, cur), AuthenticationCode2: totp(secret, cur+1)}); err != nil {
			t.Fatal(err)
		}
		if !takeCode(s.CheckMFACode(t.Context(), serial, alice, totp(secret, cur+1))) {
			t.Errorf("got the code of the step after now refused, want it taken")
		}
	})

	t.Run("one of eight at once", func(t *testing.T) {
		clock = clock.Add(time.Minute)
		code := totp(secret, step(clock))
		var wg sync.WaitGroup
		var taken atomic.Int32
		for range 8 {
			wg.Go(func() {
				if takeCode(s.CheckMFACode(context.Background(), serial, alice, code)) {
					taken.Add(1)
				}
			})
		}
		wg.Wait()
		if n := taken.Load(); n != 1 {
			t.Errorf("got the code taken %d times, want once", n)
		}
	})

	t.Run("a reset and a deletion forget", func(t *testing.T) {
		code := totp(secret, step(clock))
		s.ForgetUsage()
		if !takeCode(s.CheckMFACode(t.Context(), serial, alice, code)) {
			t.Errorf("after ForgetUsage: got the code refused, want it taken")
		}
		if _, err := s.DeactivateMFADevice(t.Context(), &DeactivateMFADeviceInput{UserName: ptr("alice"), SerialNumber: serial}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeleteVirtualMFADevice(t.Context(), &DeleteVirtualMFADeviceInput{SerialNumber: serial}); err != nil {
			t.Fatal(err)
		}
		if n := len(s.codes.last); n != 0 {
			t.Errorf("after DeleteVirtualMFADevice: got %d devices remembered, want none", n)
		}
	})
}

// takeCode reports whether CheckMFACode's answer is a code STS takes,
// taking it.
func takeCode(_, _ bool, use func() bool, err error) bool {
	return err == nil && use != nil && use()
}

// TestCheckMFACodeTakenByUse: a check takes no code, so a request refused
// after it leaves the code to its retry; use takes it. Of requests that
// all passed the check with one code, the first to use it gets it and the
// others are refused with the reason, as if the code had been taken
// before their check.
func TestCheckMFACodeTakenByUse(t *testing.T) {
	const alice = "arn:aws:iam::123456789012:user/alice"
	clock := time.Unix(1_700_000_000, 0)
	s, serial, secret := mfaService(t, &clock)
	clock = clock.Add(time.Minute)
	code := totp(secret, step(clock))

	for i := range 2 {
		if _, _, use, err := s.CheckMFACode(t.Context(), serial, alice, code); err != nil || use == nil {
			t.Fatalf("check %d without use: got use %v, %v, want a use, nil", i, use != nil, err)
		}
	}

	// Eight requests at once, each checking the code before any uses it.
	var wg, checked sync.WaitGroup
	var taken, refused atomic.Int32
	checked.Add(8)
	for range 8 {
		wg.Go(func() {
			req := &protocol.Request{}
			_, _, use, err := s.CheckMFACode(protocol.WithRequest(context.Background(), req), serial, alice, code)
			checked.Done()
			checked.Wait()
			switch {
			case err != nil || use == nil:
				t.Errorf("check: got use %v, %v, want a use, nil", use != nil, err)
			case use():
				taken.Add(1)
			case strings.Contains(req.Reason, "that STS took already"):
				refused.Add(1)
			default:
				t.Errorf("use refused: got reason %q, want it to say the code was taken", req.Reason)
			}
		})
	}
	wg.Wait()
	if n, m := taken.Load(), refused.Load(); n != 1 || m != 7 {
		t.Errorf("got the code taken %d times and refused %d, want 1 and 7", n, m)
	}
	if takeCode(s.CheckMFACode(t.Context(), serial, alice, code)) {
		t.Errorf("after use: got the code taken again, want it refused")
	}
}

// TestCheckMFACodeNotHeld: a serial number IAM holds no device of is not
// held, and an unassigned device is no one's.
func TestCheckMFACodeNotHeld(t *testing.T) {
	clock := time.Unix(1_700_000_000, 0)
	s, _, _ := mfaService(t, &clock)
	made, err := s.CreateVirtualMFADevice(t.Context(), &CreateVirtualMFADeviceInput{VirtualMFADeviceName: "loose"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, serial string
		held         bool
	}{
		{"a made-up device", "arn:aws:iam::123456789012:mfa/nosuch", false},
		{"a user's ARN", "arn:aws:iam::123456789012:user/alice", false},
		{"an unassigned device", made.VirtualMFADevice.SerialNumber, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			held, owned, use, err := s.CheckMFACode(t.Context(), tt.serial, "arn:aws:iam::123456789012:user/alice", "123456")
			if err != nil || held != tt.held || owned || use != nil {
				t.Errorf("got held %v, owned %v, valid %v, %v, want %v, false, false, nil", held, owned, use != nil, err, tt.held)
			}
		})
	}
}
