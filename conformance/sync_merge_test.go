package conformance

import (
	"context"
	"slices"
	"testing"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/service/cognitosync"
)

// TestSyncMergedIdentities: when a guest signs in with a login that already
// has an identity, the two merge; the survivor gets the guest's datasets,
// its own copy of a shared name reports the guest's as MergedDatasetNames,
// and a dataset only the guest had moves over unchanged.
func TestSyncMergedIdentities(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	p := newLoginSyncPool(t, s)
	pool := p.id
	login := map[string]string{"graph.facebook.com": "merge-user"}

	owner := s.loginID(t, pool, login)
	guest := p.guest(t)
	p.as(owner).write(t, "profile", replacePatch("color", "blue", 0))
	guest.write(t, "profile", replacePatch("color", "red", 0))
	guest.write(t, "game", replacePatch("level", "7", 0))

	// The guest signs in: it is merged into the owner of the login.
	out, err := s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: awsv2.String(guest.id), Logins: login})
	ok(t, err, "GetCredentialsForIdentity with the login")
	if got := awsv2.ToString(out.IdentityId); got != owner {
		t.Fatalf("merge: got identity %s, want the owner %s", got, owner)
	}

	own := p.as(owner)
	profile, err := own.list("profile", 0)
	ok(t, err, "ListRecords profile")
	if want := []string{"profile." + guest.id}; !slices.Equal(aws.StringValueSlice(profile.MergedDatasetNames), want) {
		t.Errorf("MergedDatasetNames: got %v, want %v", aws.StringValueSlice(profile.MergedDatasetNames), want)
	}
	wantRecords(t, "survivor's own profile", profile.Records, map[string]syncRecord{"color": liveRecord("blue", 1)})
	merged, err := own.list("profile."+guest.id, 0)
	ok(t, err, "ListRecords of the merged copy")
	if len(merged.Records) != 1 || aws.StringValue(merged.Records[0].Value) != "red" {
		t.Errorf("merged copy: got %v, want the guest's color red", merged.Records)
	}
	game, err := own.list("game", 0)
	ok(t, err, "ListRecords game")
	if len(game.Records) != 1 || aws.StringValue(game.Records[0].Value) != "7" || len(game.MergedDatasetNames) != 0 {
		t.Errorf("moved dataset: got %v (merged %v), want level 7 and no merge report", game.Records, game.MergedDatasetNames)
	}
	ds, err := own.c.ListDatasets(&cognitosync.ListDatasetsInput{IdentityPoolId: aws.String(pool), IdentityId: aws.String(owner)})
	ok(t, err, "ListDatasets")
	var names []string
	for _, d := range ds.Datasets {
		names = append(names, aws.StringValue(d.DatasetName))
	}
	slices.Sort(names)
	if want := []string{"game", "profile", "profile." + guest.id}; !slices.Equal(names, want) {
		t.Errorf("ListDatasets of the survivor: got %v, want %v", names, want)
	}
}
