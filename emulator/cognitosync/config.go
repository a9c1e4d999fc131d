package cognitosync

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// The pool-level configuration is stored and answered only: idpool never
// invokes a Lambda function, writes to a Kinesis stream or publishes to
// SNS.

// SetIdentityPoolConfiguration sets a pool's push sync and Cognito Streams
// configuration and returns what the pool then has. A member the request
// leaves out keeps its configuration; a member given replaces it, and a
// member given empty removes it.
func (s *Service) SetIdentityPoolConfiguration(ctx context.Context, in *SetIdentityPoolConfigurationInput) (*SetIdentityPoolConfigurationOutput, error) {
	if _, err := authorize(ctx, "SetIdentityPoolConfiguration", in.IdentityPoolId, ""); err != nil {
		return nil, err
	}
	if err := CheckStreams(in.CognitoStreams); err != nil {
		return nil, err
	}
	var c storage.SyncConfig
	err := s.update(ctx, func(tx storage.Tx) error {
		if _, err := getPool(ctx, tx, in.IdentityPoolId); err != nil {
			return err
		}
		var err error
		if c, err = tx.GetSyncConfig(ctx, in.IdentityPoolId); err != nil {
			return fmt.Errorf("get sync configuration of %s: %w", in.IdentityPoolId, err)
		}
		SetConfiguration(&c, in.PushSync, in.CognitoStreams)
		if err := tx.PutSyncConfig(ctx, in.IdentityPoolId, c); err != nil {
			return fmt.Errorf("put sync configuration of %s: %w", in.IdentityPoolId, err)
		}
		return nil
	})
	if errors.Is(err, storage.ErrConflict) {
		return nil, concurrentModification(msgConfigConflict, in.IdentityPoolId)
	}
	if err != nil {
		return nil, err
	}
	out := poolConfiguration(in.IdentityPoolId, &c)
	return &out, nil
}

// CheckStreams checks a CognitoStreams member (nil: none given) as
// SetIdentityPoolConfiguration does, beyond the API model's shapes.
func CheckStreams(st *CognitoStreams) error {
	if st == nil {
		return nil
	}
	switch st.StreamingStatus {
	case "", StreamingEnabled, StreamingDisabled:
	default:
		return badParam("Invalid StreamingStatus '%s'.", st.StreamingStatus)
	}
	if st.StreamingStatus == StreamingEnabled && st.StreamName == "" {
		return badParam(msgStreamNameRequired)
	}
	return nil
}

// SetConfiguration changes c as SetIdentityPoolConfiguration with members
// ps and st (nil when not given) does: a member given replaces the pool's,
// a member given empty removes it. st has passed CheckStreams.
func SetConfiguration(c *storage.SyncConfig, ps *PushSync, st *CognitoStreams) {
	if ps != nil {
		c.PushApplicationARNs = slices.Clone(ps.ApplicationArns)
		c.PushRoleARN = ps.RoleArn
		c.HasPushSync = len(ps.ApplicationArns) > 0 || ps.RoleArn != ""
	}
	if st != nil {
		c.StreamName, c.StreamRoleARN, c.StreamingStatus = st.StreamName, st.RoleArn, st.StreamingStatus
		c.HasStreams = *st != CognitoStreams{}
	}
}

// Configuration returns the members of c that GetIdentityPoolConfiguration
// answers, nil for those the pool does not have.
func Configuration(c *storage.SyncConfig) (*PushSync, *CognitoStreams) {
	out := poolConfiguration("", c)
	return out.PushSync, out.CognitoStreams
}

// GetIdentityPoolConfiguration returns a pool's push sync and Cognito
// Streams configuration; a pool without any answers its id alone.
func (s *Service) GetIdentityPoolConfiguration(ctx context.Context, in *GetIdentityPoolConfigurationInput) (*GetIdentityPoolConfigurationOutput, error) {
	c, err := s.syncConfig(ctx, "GetIdentityPoolConfiguration", in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	out := poolConfiguration(in.IdentityPoolId, &c)
	return &out, nil
}

// syncConfig authorises op, a read of a pool's configuration, and returns
// the configuration.
func (s *Service) syncConfig(ctx context.Context, op, pool string) (storage.SyncConfig, error) {
	if _, err := authorize(ctx, op, pool, ""); err != nil {
		return storage.SyncConfig{}, err
	}
	if _, err := getPool(ctx, s.store, pool); err != nil {
		return storage.SyncConfig{}, err
	}
	c, err := s.store.GetSyncConfig(ctx, pool)
	if err != nil {
		return c, fmt.Errorf("get sync configuration of %s: %w", pool, err)
	}
	return c, nil
}

func poolConfiguration(pool string, c *storage.SyncConfig) PoolConfigurationOutput {
	out := PoolConfigurationOutput{IdentityPoolId: pool}
	if c.HasPushSync {
		out.PushSync = &PushSync{ApplicationArns: slices.Clone(c.PushApplicationARNs), RoleArn: c.PushRoleARN}
	}
	if c.HasStreams {
		out.CognitoStreams = &CognitoStreams{StreamName: c.StreamName, RoleArn: c.StreamRoleARN, StreamingStatus: c.StreamingStatus}
	}
	return out
}

// SetCognitoEvents sets or, with an empty value, removes the Lambda
// function of each event type given; other event types keep theirs. A
// function's ARN must be of the pool's partition.
func (s *Service) SetCognitoEvents(ctx context.Context, in *SetCognitoEventsInput) (*SetCognitoEventsOutput, error) {
	if _, err := authorize(ctx, "SetCognitoEvents", in.IdentityPoolId, ""); err != nil {
		return nil, err
	}
	if err := CheckEvents(in.IdentityPoolId, in.Events); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(tx storage.Tx) error {
		if _, err := getPool(ctx, tx, in.IdentityPoolId); err != nil {
			return err
		}
		c, err := tx.GetSyncConfig(ctx, in.IdentityPoolId)
		if err != nil {
			return fmt.Errorf("get sync configuration of %s: %w", in.IdentityPoolId, err)
		}
		SetEvents(&c, in.Events)
		if err := tx.PutSyncConfig(ctx, in.IdentityPoolId, c); err != nil {
			return fmt.Errorf("put sync configuration of %s: %w", in.IdentityPoolId, err)
		}
		return nil
	})
	if errors.Is(err, storage.ErrConflict) {
		return nil, concurrentModification(msgConfigConflict, in.IdentityPoolId)
	}
	if err != nil {
		return nil, err
	}
	return &SetCognitoEventsOutput{}, nil
}

// CheckEvents checks the Events of SetCognitoEvents for pool: every event
// type is SyncTrigger, and every function ARN is of the pool's partition.
func CheckEvents(pool string, events map[string]string) error {
	for k, v := range events {
		if k != EventSyncTrigger {
			return badParam(msgBadEventType, k)
		}
		if v != "" && !strings.HasPrefix(v, "arn:"+protocol.Partition(protocol.IDRegion(pool))+":lambda:") {
			return badParam(msgBadLambdaARN, v)
		}
	}
	return nil
}

// SetEvents changes c as SetCognitoEvents with events does: an event
// given a function gets it, one given "" loses its own, others keep
// theirs. A pool left with no events has nil Events.
func SetEvents(c *storage.SyncConfig, events map[string]string) {
	m := maps.Clone(c.Events)
	if m == nil {
		m = make(map[string]string, len(events))
	}
	for k, v := range events {
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	if len(m) == 0 {
		m = nil
	}
	c.Events = m
}

// GetCognitoEvents returns a pool's events; {} when it has none.
func (s *Service) GetCognitoEvents(ctx context.Context, in *GetCognitoEventsInput) (*GetCognitoEventsOutput, error) {
	c, err := s.syncConfig(ctx, "GetCognitoEvents", in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	events := c.Events
	if events == nil {
		events = map[string]string{}
	}
	return &GetCognitoEventsOutput{Events: events}, nil
}

// BulkPublish records a bulk publish of the pool's data to its stream.
// Nothing is published, so it completes at once: SUCCEEDED when Cognito
// Streams is configured and not disabled, FAILED otherwise (AWS: "Bulk
// publish will also fail if StreamingStatus is DISABLED"). One still in
// progress fails the call with DuplicateRequestException, and one that
// succeeded less than Config.BulkPublishInterval ago with
// AlreadyStreamedException.
func (s *Service) BulkPublish(ctx context.Context, in *BulkPublishInput) (*BulkPublishOutput, error) {
	if _, err := authorize(ctx, "BulkPublish", in.IdentityPoolId, ""); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(tx storage.Tx) error {
		if _, err := getPool(ctx, tx, in.IdentityPoolId); err != nil {
			return err
		}
		c, err := tx.GetSyncConfig(ctx, in.IdentityPoolId)
		if err != nil {
			return fmt.Errorf("get sync configuration of %s: %w", in.IdentityPoolId, err)
		}
		now := s.now()
		switch {
		case c.BulkPublishStatus == BulkInProgress:
			return duplicateRequest(msgBulkInProgress, in.IdentityPoolId)
		case c.BulkPublishStatus == BulkSucceeded && s.cfg.BulkPublishInterval > 0 &&
			now.Sub(c.BulkPublishComplete) < s.cfg.BulkPublishInterval:
			return alreadyStreamed(msgAlreadyStreamed, in.IdentityPoolId,
				c.BulkPublishComplete.UTC().Format("2006-01-02T15:04:05Z"), interval(s.cfg.BulkPublishInterval))
		}
		c.BulkPublishStart, c.BulkPublishComplete = now, now
		if c.HasStreams && c.StreamName != "" && c.StreamingStatus != StreamingDisabled {
			c.BulkPublishStatus, c.BulkPublishFailure = BulkSucceeded, ""
		} else {
			c.BulkPublishStatus, c.BulkPublishFailure = BulkFailed, msgStreamsDisabled
		}
		if err := tx.PutSyncConfig(ctx, in.IdentityPoolId, c); err != nil {
			return fmt.Errorf("put sync configuration of %s: %w", in.IdentityPoolId, err)
		}
		return nil
	})
	if errors.Is(err, storage.ErrConflict) {
		return nil, duplicateRequest(msgBulkInProgress, in.IdentityPoolId)
	}
	if err != nil {
		return nil, err
	}
	return &BulkPublishOutput{IdentityPoolId: in.IdentityPoolId}, nil
}

// interval writes d for a message: "24 hours" rather than "24h0m0s".
func interval(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%d hours", d/time.Hour)
	}
	return d.String()
}

// GetBulkPublishDetails returns the state of a pool's last bulk publish;
// NOT_STARTED when there was none.
func (s *Service) GetBulkPublishDetails(ctx context.Context, in *GetBulkPublishDetailsInput) (*GetBulkPublishDetailsOutput, error) {
	c, err := s.syncConfig(ctx, "GetBulkPublishDetails", in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	out := &GetBulkPublishDetailsOutput{IdentityPoolId: in.IdentityPoolId, BulkPublishStatus: c.BulkPublishStatus}
	if out.BulkPublishStatus == "" {
		out.BulkPublishStatus = BulkNotStarted
		return out, nil
	}
	out.BulkPublishStartTime = timePtr(c.BulkPublishStart)
	if c.BulkPublishStatus == BulkSucceeded || c.BulkPublishStatus == BulkFailed {
		out.BulkPublishCompleteTime = timePtr(c.BulkPublishComplete)
	}
	out.FailureMessage = c.BulkPublishFailure
	return out, nil
}
