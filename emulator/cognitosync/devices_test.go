package cognitosync

import (
	"context"
	"fmt"
	"testing"
)

func TestRegisterDevice(t *testing.T) {
	e := newEnv(t, Config{})
	register := func(ctx context.Context, pool, id, platform, token string) (string, error) {
		out, err := e.svc.RegisterDevice(ctx, &RegisterDeviceInput{IdentityPoolId: pool, IdentityId: id, Platform: platform, Token: token})
		if err != nil {
			return "", err
		}
		return out.DeviceId, nil
	}
	_, err := register(e.a1, poolA, idA1, PlatformGCM, "t1")
	wantErr(t, err, CodeInvalidConfiguration, fmt.Sprintf(msgNoPushSync, poolA))
	if _, err := e.svc.SetIdentityPoolConfiguration(e.dev, &SetIdentityPoolConfigurationInput{IdentityPoolId: poolA,
		PushSync: &PushSync{ApplicationArns: []string{gcmApp}, RoleArn: pushRole}}); err != nil {
		t.Fatal(err)
	}
	first, err := register(e.a1, poolA, idA1, PlatformGCM, "t1")
	if err != nil || first == "" {
		t.Fatalf("got %q, %v, want a device id", first, err)
	}
	tests := []struct {
		name     string
		ctx      context.Context
		id       string
		platform string
		token    string
		code     string
		same     bool
	}{
		{"again", e.a1, idA1, PlatformGCM, "t1", "", true},
		{"another token", e.a1, idA1, PlatformGCM, "t2", "", false},
		{"another identity, same token", e.a2, idA2, PlatformGCM, "t1", "", false},
		{"platform without an application", e.a1, idA1, PlatformAPNS, "t1", CodeInvalidConfiguration, false},
		{"unknown platform", e.a1, idA1, "WNS", "t1", CodeInvalidParameter, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := register(tt.ctx, poolA, tt.id, tt.platform, tt.token)
			wantErr(t, err, tt.code, "")
			if err == nil && (got == first) != tt.same {
				t.Errorf("got id %q (first %q), want the same: %v", got, first, tt.same)
			}
		})
	}
	d, err := e.store.GetDevice(e.dev, first)
	if err != nil || d.IdentityID != idA1 || d.Platform != PlatformGCM || d.Token != "t1" {
		t.Errorf("got %+v, %v, want the stored device", d, err)
	}
}

func TestSubscriptions(t *testing.T) {
	e := newEnv(t, Config{})
	e.mustUpdate(t, e.a1, poolA, idA1, "d", put("k", "v", 0))
	sub := func(ctx context.Context, id, dataset, device string, on bool) error {
		in := &SubscriptionInput{IdentityPoolId: poolA, IdentityId: id, DatasetName: dataset, DeviceId: device}
		var err error
		if on {
			_, err = e.svc.SubscribeToDataset(ctx, in)
		} else {
			_, err = e.svc.UnsubscribeFromDataset(ctx, in)
		}
		return err
	}
	wantErr(t, sub(e.a1, idA1, "d", "x", true), CodeInvalidConfiguration, "")
	wantErr(t, sub(e.a1, idA1, "d", "x", false), CodeInvalidConfiguration, "")
	if _, err := e.svc.SetIdentityPoolConfiguration(e.dev, &SetIdentityPoolConfigurationInput{IdentityPoolId: poolA,
		PushSync: &PushSync{ApplicationArns: []string{gcmApp}, RoleArn: pushRole}}); err != nil {
		t.Fatal(err)
	}
	reg := func(ctx context.Context, id string) string {
		out, err := e.svc.RegisterDevice(ctx, &RegisterDeviceInput{IdentityPoolId: poolA, IdentityId: id, Platform: PlatformGCM, Token: "tok"})
		if err != nil {
			t.Fatal(err)
		}
		return out.DeviceId
	}
	mine, theirs := reg(e.a1, idA1), reg(e.a2, idA2)
	tests := []struct {
		name    string
		dataset string
		device  string
		on      bool
		code    string
		want    bool // subscribed afterwards
	}{
		{"subscribe", "d", mine, true, "", true},
		{"subscribe again", "d", mine, true, "", true},
		{"unknown device", "d", "nope", true, CodeResourceNotFound, true},
		{"device of another identity", "d", theirs, true, CodeResourceNotFound, true},
		{"unknown dataset", "none", mine, true, CodeResourceNotFound, true},
		{"unsubscribe", "d", mine, false, "", false},
		{"unsubscribe again", "d", mine, false, "", false},
		{"unsubscribe unknown device", "d", "nope", false, CodeResourceNotFound, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, sub(e.a1, idA1, tt.dataset, tt.device, tt.on), tt.code, "")
			if got, err := e.store.Subscribed(e.dev, mine, "d"); err != nil || got != tt.want {
				t.Errorf("got subscribed %v, %v, want %v", got, err, tt.want)
			}
		})
	}
}
