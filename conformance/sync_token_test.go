package conformance

import (
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/service/cognitosync"
)

// TestExportEmptyPushToken: RegisterDevice takes an empty push token (the
// model requires the member and sets no minimum length). "idpool export"
// of a database holding such a device starts a fresh server, on which the
// device keeps its id and its subscription.
func TestExportEmptyPushToken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "idpool.db")
	s := testServerEnv(t, map[string]string{"IDPOOL_DB": db})
	p := newLoginSyncPool(t, s)
	_, err := p.dev.SetIdentityPoolConfiguration(&cognitosync.SetIdentityPoolConfigurationInput{IdentityPoolId: aws.String(p.id),
		PushSync: &cognitosync.PushSync{ApplicationArns: aws.StringSlice([]string{s.snsAppARN("GCM", "app")})}})
	ok(t, err, "SetIdentityPoolConfiguration")
	phone := p.guest(t)
	phone.write(t, "profile", replacePatch("color", "green", 0))
	register := func(t *testing.T, u *syncUser) string {
		t.Helper()
		out, err := u.c.RegisterDevice(&cognitosync.RegisterDeviceInput{IdentityPoolId: aws.String(p.id), IdentityId: aws.String(u.id),
			Platform: aws.String(cognitosync.PlatformGcm), Token: aws.String("")})
		ok(t, err, "RegisterDevice with an empty token")
		return aws.StringValue(out.DeviceId)
	}
	device := register(t, phone)
	_, err = phone.c.SubscribeToDataset(&cognitosync.SubscribeToDatasetInput{IdentityPoolId: aws.String(p.id), IdentityId: aws.String(phone.id),
		DatasetName: aws.String("profile"), DeviceId: aws.String(device)})
	ok(t, err, "SubscribeToDataset")

	file := filepath.Join(dir, "fixtures.json")
	idpoolExport(t, db, file)
	back := testServerEnv(t, map[string]string{"IDPOOL_DB": filepath.Join(dir, "fresh.db"), "IDPOOL_FIXTURES": file})
	bp := &syncPool{s: back, id: p.id, dev: newSyncClient(t, back.endpoint, credentials.NewStaticCredentials(accessKey, secretKey, ""))}
	phone = bp.device(t, phone.id)
	// The phone's cached device id names a device of the fresh server
	// (unsubscribing needs one), and registering again gives it back.
	_, err = phone.c.UnsubscribeFromDataset(&cognitosync.UnsubscribeFromDatasetInput{IdentityPoolId: aws.String(p.id), IdentityId: aws.String(phone.id),
		DatasetName: aws.String("profile"), DeviceId: aws.String(device)})
	ok(t, err, "UnsubscribeFromDataset after the restart")
	if got := register(t, phone); got != device {
		t.Errorf("RegisterDevice after the restart: got DeviceId %s, want %s", got, device)
	}
}
