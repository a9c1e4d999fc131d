package sqlite

import (
	"encoding/json"
	"time"

	"github.com/idpool/idpool/storage"
)

// syncConfig is the JSON stored in sync_config.config. It mirrors
// storage.SyncConfig with explicit JSON names so that renaming a Go field
// never changes the stored format. Empty members are omitted; times are
// unix milliseconds, absent when zero.
type syncConfig struct {
	Events              map[string]string `json:"events,omitempty"`
	PushApplicationARNs []string          `json:"pushApplicationArns,omitempty"`
	PushRoleARN         string            `json:"pushRoleArn,omitempty"`
	HasPushSync         bool              `json:"hasPushSync,omitempty"`
	StreamName          string            `json:"streamName,omitempty"`
	StreamRoleARN       string            `json:"streamRoleArn,omitempty"`
	StreamingStatus     string            `json:"streamingStatus,omitempty"`
	HasStreams          bool              `json:"hasStreams,omitempty"`
	BulkPublishStatus   string            `json:"bulkPublishStatus,omitempty"`
	BulkPublishStart    *int64            `json:"bulkPublishStart,omitempty"`
	BulkPublishComplete *int64            `json:"bulkPublishComplete,omitempty"`
	BulkPublishFailure  string            `json:"bulkPublishFailure,omitempty"`
}

// optMillis returns t in unix milliseconds, or nil for the zero time (which
// a plain integer could not tell from the epoch).
func optMillis(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	ms := millis(t)
	return &ms
}

func fromOptMillis(ms *int64) time.Time {
	if ms == nil {
		return time.Time{}
	}
	return fromMillis(*ms)
}

// encodeSyncConfig returns the sync_config.config JSON of c.
func encodeSyncConfig(c *storage.SyncConfig) ([]byte, error) {
	return json.Marshal(&syncConfig{
		Events:              c.Events,
		PushApplicationARNs: c.PushApplicationARNs,
		PushRoleARN:         c.PushRoleARN,
		HasPushSync:         c.HasPushSync,
		StreamName:          c.StreamName,
		StreamRoleARN:       c.StreamRoleARN,
		StreamingStatus:     c.StreamingStatus,
		HasStreams:          c.HasStreams,
		BulkPublishStatus:   c.BulkPublishStatus,
		BulkPublishStart:    optMillis(c.BulkPublishStart),
		BulkPublishComplete: optMillis(c.BulkPublishComplete),
		BulkPublishFailure:  c.BulkPublishFailure,
	})
}

// decodeSyncConfig returns the SyncConfig of sync_config.config JSON. The
// maps and slices are fresh from the decoder: they share no memory with
// anything else.
func decodeSyncConfig(config []byte) (storage.SyncConfig, error) {
	var c syncConfig
	if err := json.Unmarshal(config, &c); err != nil {
		return storage.SyncConfig{}, err
	}
	return storage.SyncConfig{
		Events:              c.Events,
		PushApplicationARNs: c.PushApplicationARNs,
		PushRoleARN:         c.PushRoleARN,
		HasPushSync:         c.HasPushSync,
		StreamName:          c.StreamName,
		StreamRoleARN:       c.StreamRoleARN,
		StreamingStatus:     c.StreamingStatus,
		HasStreams:          c.HasStreams,
		BulkPublishStatus:   c.BulkPublishStatus,
		BulkPublishStart:    fromOptMillis(c.BulkPublishStart),
		BulkPublishComplete: fromOptMillis(c.BulkPublishComplete),
		BulkPublishFailure:  c.BulkPublishFailure,
	}, nil
}
