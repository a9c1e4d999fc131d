package cognitosync

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/idpool/idpool/storage"
)

func TestIdentityPoolConfiguration(t *testing.T) {
	e := newEnv(t, Config{})
	get := func(t *testing.T) string {
		t.Helper()
		out, err := e.svc.GetIdentityPoolConfiguration(e.dev, &GetIdentityPoolConfigurationInput{IdentityPoolId: poolA})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(out)
		return string(b)
	}
	const (
		none    = `{"IdentityPoolId":"` + poolA + `"}`
		push    = `"PushSync":{"ApplicationArns":["` + gcmApp + `"],"RoleArn":"` + pushRole + `"}`
		streams = `"CognitoStreams":{"StreamName":"s","RoleArn":"` + streamRole + `","StreamingStatus":"ENABLED"}`
	)
	if got := get(t); got != none {
		t.Errorf("got %s, want %s", got, none)
	}
	tests := []struct {
		name string
		in   SetIdentityPoolConfigurationInput
		code string
		want string
	}{
		{"push sync", SetIdentityPoolConfigurationInput{PushSync: &PushSync{ApplicationArns: []string{gcmApp}, RoleArn: pushRole}},
			"", `{"IdentityPoolId":"` + poolA + `",` + push + `}`},
		{"streams keep push sync", SetIdentityPoolConfigurationInput{CognitoStreams: &CognitoStreams{StreamName: "s", RoleArn: streamRole, StreamingStatus: StreamingEnabled}},
			"", `{"IdentityPoolId":"` + poolA + `",` + push + `,` + streams + `}`},
		{"nothing changes nothing", SetIdentityPoolConfigurationInput{},
			"", `{"IdentityPoolId":"` + poolA + `",` + push + `,` + streams + `}`},
		{"enabled without a stream", SetIdentityPoolConfigurationInput{CognitoStreams: &CognitoStreams{StreamingStatus: StreamingEnabled}},
			CodeInvalidParameter, ""},
		{"unknown status", SetIdentityPoolConfigurationInput{CognitoStreams: &CognitoStreams{StreamName: "s", StreamingStatus: "PAUSED"}},
			CodeInvalidParameter, ""},
		{"empty push sync removes it", SetIdentityPoolConfigurationInput{PushSync: &PushSync{}},
			"", `{"IdentityPoolId":"` + poolA + `",` + streams + `}`},
		{"empty streams remove them", SetIdentityPoolConfigurationInput{CognitoStreams: &CognitoStreams{}},
			"", none},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := get(t)
			in := tt.in
			in.IdentityPoolId = poolA
			out, err := e.svc.SetIdentityPoolConfiguration(e.dev, &in)
			wantErr(t, err, tt.code, "")
			after := get(t)
			if err != nil {
				if after != before {
					t.Errorf("got %s after a refused call, want %s", after, before)
				}
				return
			}
			b, _ := json.Marshal(out)
			if string(b) != tt.want || after != tt.want {
				t.Errorf("got %s, then %s, want %s", b, after, tt.want)
			}
		})
	}
	t.Run("unknown pool", func(t *testing.T) {
		_, err := e.svc.SetIdentityPoolConfiguration(e.dev, &SetIdentityPoolConfigurationInput{IdentityPoolId: unknownPool})
		wantErr(t, err, CodeResourceNotFound, fmt.Sprintf(msgPoolNotFound, unknownPool))
		_, err = e.svc.GetIdentityPoolConfiguration(e.dev, &GetIdentityPoolConfigurationInput{IdentityPoolId: unknownPool})
		wantErr(t, err, CodeResourceNotFound, fmt.Sprintf(msgPoolNotFound, unknownPool))
	})
}

func TestCognitoEvents(t *testing.T) {
	e := newEnv(t, Config{})
	tests := []struct {
		name   string
		events map[string]string
		code   string
		want   map[string]string
	}{
		{"set", map[string]string{EventSyncTrigger: syncLambda}, "", map[string]string{EventSyncTrigger: syncLambda}},
		{"nothing keeps", map[string]string{}, "", map[string]string{EventSyncTrigger: syncLambda}},
		{"unknown event type", map[string]string{"OnDelete": syncLambda}, CodeInvalidParameter, map[string]string{EventSyncTrigger: syncLambda}},
		{"not a Lambda ARN", map[string]string{EventSyncTrigger: "arn:aws:sns:us-east-1:1:x"}, CodeInvalidParameter, map[string]string{EventSyncTrigger: syncLambda}},
		{"empty value removes", map[string]string{EventSyncTrigger: ""}, "", map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.SetCognitoEvents(e.dev, &SetCognitoEventsInput{IdentityPoolId: poolA, Events: tt.events})
			wantErr(t, err, tt.code, "")
			out, err := e.svc.GetCognitoEvents(e.dev, &GetCognitoEventsInput{IdentityPoolId: poolA})
			if err != nil {
				t.Fatal(err)
			}
			if out.Events == nil || !maps.Equal(out.Events, tt.want) {
				t.Errorf("got %v, want %v", out.Events, tt.want)
			}
		})
	}
	// Events leave the rest of the configuration alone.
	if _, err := e.svc.SetIdentityPoolConfiguration(e.dev, &SetIdentityPoolConfigurationInput{IdentityPoolId: poolA,
		PushSync: &PushSync{ApplicationArns: []string{gcmApp}, RoleArn: pushRole}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SetCognitoEvents(e.dev, &SetCognitoEventsInput{IdentityPoolId: poolA, Events: map[string]string{EventSyncTrigger: syncLambda}}); err != nil {
		t.Fatal(err)
	}
	if c, _ := e.store.GetSyncConfig(e.dev, poolA); !c.HasPushSync || c.Events[EventSyncTrigger] != syncLambda {
		t.Errorf("got %+v, want push sync and the event", c)
	}
	_, err := e.svc.SetCognitoEvents(e.dev, &SetCognitoEventsInput{IdentityPoolId: unknownPool, Events: map[string]string{}})
	wantErr(t, err, CodeResourceNotFound, "")
	_, err = e.svc.GetCognitoEvents(e.dev, &GetCognitoEventsInput{IdentityPoolId: unknownPool})
	wantErr(t, err, CodeResourceNotFound, "")
}

// TestBulkPublish runs with the default Config: AWS's one successful bulk
// publish per 24 hours is the default.
func TestBulkPublish(t *testing.T) {
	e := newEnv(t, Config{})
	details := func(t *testing.T) *GetBulkPublishDetailsOutput {
		t.Helper()
		out, err := e.svc.GetBulkPublishDetails(e.dev, &GetBulkPublishDetailsInput{IdentityPoolId: poolA})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if d := details(t); d.BulkPublishStatus != BulkNotStarted || d.BulkPublishStartTime != nil || d.IdentityPoolId != poolA {
		t.Errorf("got %+v, want NOT_STARTED only", d)
	}
	publish := func() error {
		_, err := e.svc.BulkPublish(e.dev, &BulkPublishInput{IdentityPoolId: poolA})
		return err
	}
	setStreams := func(t *testing.T, status string) {
		t.Helper()
		if _, err := e.svc.SetIdentityPoolConfiguration(e.dev, &SetIdentityPoolConfigurationInput{IdentityPoolId: poolA,
			CognitoStreams: &CognitoStreams{StreamName: "s", RoleArn: streamRole, StreamingStatus: status}}); err != nil {
			t.Fatal(err)
		}
	}

	// Without streams, the publish fails, and may be retried.
	if err := publish(); err != nil {
		t.Fatal(err)
	}
	if d := details(t); d.BulkPublishStatus != BulkFailed || d.FailureMessage != msgStreamsDisabled || d.BulkPublishCompleteTime == nil {
		t.Errorf("got %+v, want FAILED with a message", d)
	}
	setStreams(t, StreamingDisabled)
	if err := publish(); err != nil {
		t.Fatal(err)
	}
	if d := details(t); d.BulkPublishStatus != BulkFailed {
		t.Errorf("got %+v, want FAILED for disabled streams", d)
	}

	setStreams(t, StreamingEnabled)
	e.clock.Advance(time.Minute)
	if err := publish(); err != nil {
		t.Fatal(err)
	}
	d := details(t)
	if d.BulkPublishStatus != BulkSucceeded || d.FailureMessage != "" || !d.BulkPublishStartTime.Time().Equal(e.clock.Now()) || !d.BulkPublishCompleteTime.Time().Equal(e.clock.Now()) {
		t.Errorf("got %+v, want SUCCEEDED now", d)
	}
	succeeded := e.clock.Now().UTC().Format("2006-01-02T15:04:05Z")
	e.clock.Advance(23 * time.Hour)
	wantErr(t, publish(), CodeAlreadyStreamed, "A bulk publish of identity pool "+poolA+" already succeeded at "+succeeded+"; only one is allowed every 24 hours.")
	e.clock.Advance(time.Hour)
	if err := publish(); err != nil {
		t.Errorf("got %v a day later, want success", err)
	}

	// The limit goes with the pool: one created again under its id (as a
	// reset seeds it again) may publish at once.
	wantErr(t, publish(), CodeAlreadyStreamed, "")
	err := e.store.Update(context.Background(), func(tx storage.Tx) error {
		if err := tx.DeletePool(context.Background(), poolA); err != nil {
			return err
		}
		return tx.CreatePool(context.Background(), storage.Pool{ID: poolA, Name: "p", CreatedAt: e.clock.Now(), ModifiedAt: e.clock.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := details(t); d.BulkPublishStatus != BulkNotStarted {
		t.Errorf("got %+v after the pool was deleted, want NOT_STARTED", d)
	}
	setStreams(t, StreamingEnabled)
	if err := publish(); err != nil {
		t.Errorf("got %v from the pool created again, want success", err)
	}

	// One in progress (as a fixture could leave it) refuses another.
	err = e.store.Update(context.Background(), func(tx storage.Tx) error {
		c, err := tx.GetSyncConfig(context.Background(), poolA)
		if err != nil {
			return err
		}
		c.BulkPublishStatus = BulkInProgress
		return tx.PutSyncConfig(context.Background(), poolA, c)
	})
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, publish(), CodeDuplicateRequest, "")
	if d := details(t); d.BulkPublishStatus != BulkInProgress || d.BulkPublishCompleteTime != nil {
		t.Errorf("got %+v, want IN_PROGRESS without a completion time", d)
	}

	_, err = e.svc.BulkPublish(e.dev, &BulkPublishInput{IdentityPoolId: unknownPool})
	wantErr(t, err, CodeResourceNotFound, "")
	_, err = e.svc.GetBulkPublishDetails(e.dev, &GetBulkPublishDetailsInput{IdentityPoolId: unknownPool})
	wantErr(t, err, CodeResourceNotFound, "")
}

func TestBulkPublishUnlimited(t *testing.T) {
	e := newEnv(t, Config{BulkPublishInterval: -1})
	if _, err := e.svc.SetIdentityPoolConfiguration(e.dev, &SetIdentityPoolConfigurationInput{IdentityPoolId: poolA,
		CognitoStreams: &CognitoStreams{StreamName: "s", RoleArn: streamRole}}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := e.svc.BulkPublish(e.dev, &BulkPublishInput{IdentityPoolId: poolA}); err != nil {
			t.Fatalf("publish %d: got %v, want success", i, err)
		}
	}
}
