package cognitosync

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/idpool/idpool/storage"
)

// RegisterDevice registers the calling identity's device for push sync and
// returns its id. The id is derived from (identity, platform, token), so
// registering the same device again returns the same id.
func (s *Service) RegisterDevice(ctx context.Context, in *RegisterDeviceInput) (*RegisterDeviceOutput, error) {
	if _, err := authorize(ctx, "RegisterDevice", in.IdentityPoolId, in.IdentityId); err != nil {
		return nil, err
	}
	if err := CheckPlatform(in.Platform); err != nil {
		return nil, err
	}
	dev := storage.Device{
		ID:         DeviceID(in.IdentityId, in.Platform, in.Token),
		IdentityID: in.IdentityId,
		Platform:   in.Platform,
		Token:      in.Token,
		CreatedAt:  s.now(),
	}
	err := s.update(ctx, func(tx storage.Tx) error {
		if _, err := identityIn(ctx, tx, in.IdentityPoolId, in.IdentityId); err != nil {
			return err
		}
		c, err := pushConfig(ctx, tx, in.IdentityPoolId)
		if err != nil {
			return err
		}
		if !hasPlatform(c.PushApplicationARNs, in.Platform) {
			return invalidConfiguration(msgPlatformNotSet, in.IdentityPoolId, in.Platform)
		}
		old, err := tx.DeviceByToken(ctx, in.IdentityId, in.Platform, in.Token)
		switch {
		case err == nil:
			dev = old
			return nil
		case !errors.Is(err, storage.ErrNotFound):
			return fmt.Errorf("find device of %s: %w", in.IdentityId, err)
		}
		if err := tx.PutDevice(ctx, dev); err != nil {
			return fmt.Errorf("put device %s: %w", dev.ID, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &RegisterDeviceOutput{DeviceId: dev.ID}, nil
}

// CheckPlatform checks the Platform of RegisterDevice.
func CheckPlatform(platform string) error {
	switch platform {
	case PlatformAPNS, PlatformAPNSSandbox, PlatformGCM, PlatformADM:
		return nil
	}
	return badParam(msgBadPlatform, platform)
}

// DeviceID is the id RegisterDevice gives the device of identity on
// platform with token: a name-based UUID of the three, so that the same
// device gets the same id in every idpool, an exported one included.
func DeviceID(identity, platform, token string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("idpool:cognito-sync:device:"+identity+"\x00"+platform+"\x00"+token)).String()
}

// pushConfig returns the pool's configuration, which must have push sync.
func pushConfig(ctx context.Context, r storage.Reader, pool string) (storage.SyncConfig, error) {
	c, err := r.GetSyncConfig(ctx, pool)
	if err != nil {
		return c, fmt.Errorf("get sync configuration of %s: %w", pool, err)
	}
	if !c.HasPushSync {
		return c, invalidConfiguration(msgNoPushSync, pool)
	}
	return c, nil
}

// hasPlatform reports whether one of the SNS platform application ARNs
// (arn:aws:sns:<region>:<account>:app/<PLATFORM>/<name>) is for platform.
func hasPlatform(arns []string, platform string) bool {
	want := ":app/" + platform + "/"
	for _, a := range arns {
		if strings.Contains(a, want) {
			return true
		}
	}
	return false
}

// SubscribeToDataset subscribes one of the calling identity's devices to
// changes of one of its datasets. Subscribing again changes nothing.
func (s *Service) SubscribeToDataset(ctx context.Context, in *SubscribeToDatasetInput) (*SubscribeToDatasetOutput, error) {
	return s.subscription(ctx, "SubscribeToDataset", in, true)
}

// UnsubscribeFromDataset removes a subscription. Removing one that does
// not exist, or one of a dataset deleted since, succeeds.
func (s *Service) UnsubscribeFromDataset(ctx context.Context, in *UnsubscribeFromDatasetInput) (*UnsubscribeFromDatasetOutput, error) {
	return s.subscription(ctx, "UnsubscribeFromDataset", in, false)
}

// subscription authorises op and subscribes (on) or unsubscribes a device. Both need push
// sync configured and a device of the identity; subscribing also needs the
// dataset to exist.
func (s *Service) subscription(ctx context.Context, op string, in *SubscriptionInput, on bool) (*SubscriptionOutput, error) {
	if _, err := authorize(ctx, op, in.IdentityPoolId, in.IdentityId); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(tx storage.Tx) error {
		if _, err := identityIn(ctx, tx, in.IdentityPoolId, in.IdentityId); err != nil {
			return err
		}
		if _, err := pushConfig(ctx, tx, in.IdentityPoolId); err != nil {
			return err
		}
		dev, err := tx.GetDevice(ctx, in.DeviceId)
		if errors.Is(err, storage.ErrNotFound) || err == nil && dev.IdentityID != in.IdentityId {
			return notFound(msgDeviceNotFound, in.DeviceId)
		}
		if err != nil {
			return fmt.Errorf("get device %s: %w", in.DeviceId, err)
		}
		if !on {
			if err := tx.Unsubscribe(ctx, in.DeviceId, in.DatasetName); err != nil {
				return fmt.Errorf("unsubscribe %s from %s: %w", in.DeviceId, in.DatasetName, err)
			}
			return nil
		}
		d, err := tx.GetDataset(ctx, in.IdentityId, in.DatasetName)
		if errors.Is(err, storage.ErrNotFound) || err == nil && d.Deleted {
			return notFound(msgDatasetNotFound, in.DatasetName)
		}
		if err != nil {
			return fmt.Errorf("get dataset %s/%s: %w", in.IdentityId, in.DatasetName, err)
		}
		if err := tx.Subscribe(ctx, in.DeviceId, in.DatasetName); err != nil {
			return fmt.Errorf("subscribe %s to %s: %w", in.DeviceId, in.DatasetName, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &SubscriptionOutput{}, nil
}
