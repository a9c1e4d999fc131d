package conformance

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	credsv2 "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	awsv1 "github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/service/cognitosync"
)

// regionServer is s as clients configured for one region see it: the SDK
// signs for that region, and the anonymous client names none.
type regionServer struct {
	*server
	region, partition string
	signed, anon      *cognitoidentity.Client
	// scopes records the credential scope of each signed request the
	// clients send, to show what the SDK signs for.
	scopes *scopeRecorder
}

func (s *server) inRegion(region, partition string) *regionServer {
	rec := &scopeRecorder{}
	opts := func(o *cognitoidentity.Options) {
		o.Region = region
		o.HTTPClient = rec
	}
	return &regionServer{
		server: s, region: region, partition: partition, scopes: rec,
		signed: cognitoidentity.New(s.signed.Options(), opts),
		anon:   cognitoidentity.New(s.anon.Options(), opts),
	}
}

// sts returns an STS client of the region signing with c.
func (r *regionServer) sts(c aws.Credentials) *sts.Client {
	return sts.New(r.stsWith(c).Options(), func(o *sts.Options) {
		o.Region = r.region
		o.HTTPClient = r.scopes
	})
}

// roleARN is the ARN of role name in the region's partition.
func (r *regionServer) roleARN(name string) string {
	return "arn:" + r.partition + ":iam::" + r.accountID + ":role/" + name
}

// poolARN is the ARN of pool id in the region and its partition.
func (r *regionServer) poolARN(id string) string {
	return "arn:" + r.partition + ":cognito-identity:" + r.region + ":" + r.accountID + ":identitypool/" + id
}

// wantCaller checks that GetCallerIdentity signed with c in the region
// names arn.
func (r *regionServer) wantCaller(t *testing.T, c aws.Credentials, arn string) {
	t.Helper()
	out, err := r.sts(c).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	ok(t, err, "GetCallerIdentity in "+r.region)
	if got := aws.ToString(out.Arn); got != arn {
		t.Errorf("GetCallerIdentity in %s: got Arn %q, want %q", r.region, got, arn)
	}
	if got := aws.ToString(out.Account); got != r.accountID {
		t.Errorf("GetCallerIdentity in %s: got Account %q, want %q", r.region, got, r.accountID)
	}
}

// listPools lists every pool the region's ListIdentityPools shows.
func (r *regionServer) listPools(t *testing.T) []string {
	t.Helper()
	var ids []string
	p := cognitoidentity.NewListIdentityPoolsPaginator(r.signed, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(60)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		ok(t, err, "ListIdentityPools in "+r.region)
		for _, ip := range page.IdentityPools {
			ids = append(ids, aws.ToString(ip.IdentityPoolId))
		}
	}
	return ids
}

// scopeRecorder is an HTTP client that records the SigV4 credential scope
// of each request it sends.
type scopeRecorder struct {
	mu     sync.Mutex
	scopes []string
}

var credentialScope = regexp.MustCompile(`Credential=[^/]+/\d{8}/([^,]+)`)

func (c *scopeRecorder) Do(r *http.Request) (*http.Response, error) {
	if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		c.mu.Lock()
		c.scopes = append(c.scopes, m[1])
		c.mu.Unlock()
	}
	return http.DefaultClient.Do(r)
}

func (c *scopeRecorder) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.scopes...)
}

// TestRegions is the acceptance test of one endpoint serving every region:
// clients in eu-west-1 and cn-north-1 get pools, identities and ARNs of
// their region and partition, each region lists only its own pools, and
// credentials of a China role act as an aws-cn session.
func TestRegions(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	regions := []*regionServer{s.inRegion("eu-west-1", "aws"), s.inRegion("cn-north-1", "aws-cn")}
	pools := map[string]string{} // region → a pool created there

	for _, r := range regions {
		t.Run(r.region, func(t *testing.T) {
			dev := uniqueDev()
			out, err := r.signed.CreateIdentityPool(ctx, &cognitoidentity.CreateIdentityPoolInput{
				IdentityPoolName: aws.String(uniqueName("region")), AllowUnauthenticatedIdentities: true, DeveloperProviderName: aws.String(dev),
			})
			ok(t, err, "CreateIdentityPool")
			pool := aws.ToString(out.IdentityPoolId)
			pools[r.region] = pool
			if !strings.HasPrefix(pool, r.region+":") {
				t.Fatalf("CreateIdentityPool in %s: got id %q, want one in %s", r.region, pool, r.region)
			}
			_, err = r.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
				IdentityPoolId: aws.String(pool),
				Roles:          map[string]string{"authenticated": r.roleARN("Auth"), "unauthenticated": r.roleARN("Guest")},
			})
			ok(t, err, "SetIdentityPoolRoles")

			// The guest flow, unsigned: the pool's id names the region.
			id, err := r.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(pool)})
			ok(t, err, "GetId")
			guest := aws.ToString(id.IdentityId)
			if !strings.HasPrefix(guest, r.region+":") {
				t.Errorf("GetId: got identity %q, want one in %s", guest, r.region)
			}
			gc, err := r.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: aws.String(guest)})
			ok(t, err, "GetCredentialsForIdentity (guest)")
			r.wantCaller(t, fromCognito(t, gc.Credentials), "arn:"+r.partition+":sts::"+r.accountID+":assumed-role/Guest/"+cognitoSession)

			// A developer identity takes the authenticated role.
			tok, err := r.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
				IdentityPoolId: aws.String(pool), Logins: map[string]string{dev: "user-1"},
			})
			ok(t, err, "GetOpenIdTokenForDeveloperIdentity")
			if !strings.HasPrefix(aws.ToString(tok.IdentityId), r.region+":") {
				t.Errorf("GetOpenIdTokenForDeveloperIdentity: got identity %q, want one in %s", aws.ToString(tok.IdentityId), r.region)
			}
			ac, err := r.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{
				IdentityId: tok.IdentityId, Logins: map[string]string{cognitoProvider: aws.ToString(tok.Token)},
			})
			ok(t, err, "GetCredentialsForIdentity (developer)")
			r.wantCaller(t, fromCognito(t, ac.Credentials), "arn:"+r.partition+":sts::"+r.accountID+":assumed-role/Auth/"+cognitoSession)

			// The basic flow: STS in the region, the role of its partition.
			web, err := sts.New(r.stsFor(aws.AnonymousCredentials{}).Options(), func(o *sts.Options) { o.Region = r.region }).
				AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
					RoleArn: aws.String(r.roleARN("Web")), RoleSessionName: aws.String("web-session"), WebIdentityToken: tok.Token,
				})
			ok(t, err, "AssumeRoleWithWebIdentity")
			if got, want := aws.ToString(web.AssumedRoleUser.Arn), "arn:"+r.partition+":sts::"+r.accountID+":assumed-role/Web/web-session"; got != want {
				t.Errorf("AssumeRoleWithWebIdentity: got AssumedRoleUser.Arn %q, want %q", got, want)
			}
			r.wantCaller(t, fromSTS(t, web.Credentials), "arn:"+r.partition+":sts::"+r.accountID+":assumed-role/Web/web-session")

			// A developer's own keys act as the root of the partition.
			r.wantCaller(t, developerKeys(), "arn:"+r.partition+":iam::"+r.accountID+":root")

			// The pool's ARN is of its region and partition.
			arn := r.poolARN(pool)
			_, err = r.signed.TagResource(ctx, &cognitoidentity.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"region": r.region}})
			ok(t, err, "TagResource "+arn)
			tags, err := r.signed.ListTagsForResource(ctx, &cognitoidentity.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
			ok(t, err, "ListTagsForResource "+arn)
			if tags.Tags["region"] != r.region {
				t.Errorf("ListTagsForResource %s: got %v, want region=%s", arn, tags.Tags, r.region)
			}
			other := "arn:aws-us-gov" + strings.TrimPrefix(arn, "arn:"+r.partition)
			_, err = r.signed.ListTagsForResource(ctx, &cognitoidentity.ListTagsForResourceInput{ResourceArn: aws.String(other)})
			wantAPIError(t, err, codeInvalidParam, "")

			// The SDK signed every call for the region.
			for _, sc := range r.scopes.all() {
				if !strings.HasPrefix(sc, r.region+"/") {
					t.Errorf("got a request signed for %q, want %s", sc, r.region)
				}
			}
			if len(r.scopes.all()) == 0 {
				t.Error("recorded no signed request")
			}
		})
	}

	// Each region lists its own pools only, and the default region neither.
	home := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{})
	views := append(regions, &regionServer{server: s, region: region, signed: s.signed})
	pools[region] = home
	for _, r := range views {
		t.Run("list "+r.region, func(t *testing.T) {
			listed := map[string]bool{}
			for _, id := range r.listPools(t) {
				listed[id] = true
				if !strings.HasPrefix(id, r.region+":") {
					t.Errorf("ListIdentityPools in %s: got pool %s of another region", r.region, id)
				}
			}
			for reg, id := range pools {
				if listed[id] != (reg == r.region) {
					t.Errorf("ListIdentityPools in %s: pool %s of %s listed %v, want %v", r.region, id, reg, listed[id], reg == r.region)
				}
			}
		})
	}
}

// TestRegionsFixtures checks that a fixture may seed pools of several
// regions, each served to clients of its region.
func TestRegionsFixtures(t *testing.T) {
	t.Parallel()
	const (
		euPool = "eu-west-1:11111111-2222-4333-8444-555555555555"
		cnPool = "cn-north-1:11111111-2222-4333-8444-666666666666"
	)
	path := filepath.Join(t.TempDir(), "regions.json")
	err := os.WriteFile(path, []byte(`{"Region": "us-east-1", "IdentityPools": [
		{"IdentityPoolId": "`+euPool+`", "IdentityPoolName": "eu", "AllowUnauthenticatedIdentities": true},
		{"IdentityPoolId": "`+cnPool+`", "IdentityPoolName": "cn", "AllowUnauthenticatedIdentities": true,
		 "Roles": {"unauthenticated": "arn:aws-cn:iam::123456789012:role/Guest"}}]}`), 0o600)
	ok(t, err, "write fixture")
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path})
	for _, tt := range []struct{ region, partition, pool string }{{"eu-west-1", "aws", euPool}, {"cn-north-1", "aws-cn", cnPool}} {
		t.Run(tt.region, func(t *testing.T) {
			r := s.inRegion(tt.region, tt.partition)
			if got := r.listPools(t); len(got) != 1 || got[0] != tt.pool {
				t.Errorf("ListIdentityPools in %s: got %q, want [%s]", tt.region, got, tt.pool)
			}
			id, err := r.anon.GetId(context.Background(), &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(tt.pool)})
			ok(t, err, "GetId")
			if !strings.HasPrefix(aws.ToString(id.IdentityId), tt.region+":") {
				t.Errorf("GetId: got identity %q, want one in %s", aws.ToString(id.IdentityId), tt.region)
			}
		})
	}
	if got := s.inRegion(region, "aws").listPools(t); len(got) != 0 {
		t.Errorf("ListIdentityPools in %s: got %q, want none", region, got)
	}
}

// sync returns a Cognito Sync client (aws-sdk-go v1) of the region that
// signs with creds, as one built with the region in its session.
func (r *regionServer) sync(t *testing.T, creds *credentials.Credentials) *cognitosync.CognitoSync {
	t.Helper()
	c := newSyncClient(t, r.endpoint, creds)
	c.Config.Region = awsv1.String(r.region)
	c.ClientInfo.SigningRegion = r.region
	return c
}

// TestRegionsEndpoint: a client configured for a region calls that
// region's endpoint, which does not know the pools and identities of other
// regions (AWS answers "IdentityPool '…' not found."). idpool serves every
// region on one endpoint, so a signature it verifies (a fixture's
// developer key, credentials it issued) stands for the endpoint of its
// region: a pool or identity of another region gets the service's own
// not-found, and its data stays out of reach, in both modes. Unsigned
// calls still reach a pool by its id.
func TestRegionsEndpoint(t *testing.T) {
	t.Parallel()
	for _, strict := range []bool{false, true} {
		t.Run(modeName(strict), func(t *testing.T) {
			s, _ := strictServer(t, strict) // accessKey is a fixture developer key
			ctx := context.Background()
			eu := s.inRegion("eu-west-1", "aws")
			p := newSyncPool(t, s) // in us-east-1
			guest := p.guest(t)
			guest.write(t, "notes", replacePatch("k", "v", 0))

			// An id whose prefix is no region's name matches the model's
			// pattern, and is not found in any region.
			for _, bad := range []string{"foo:11111111-2222-4333-8444-555555555555", "US-EAST-1:11111111-2222-4333-8444-555555555555"} {
				t.Run(bad, func(t *testing.T) {
					_, err := s.signed.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(bad)})
					wantAPIError(t, err, codeNotFound, msgPoolNotFound(bad))
					_, err = p.dev.DescribeIdentityPoolUsage(&cognitosync.DescribeIdentityPoolUsageInput{IdentityPoolId: awsv1.String(bad)})
					wantSyncError(t, err, codeNotFound, http.StatusNotFound, msgPoolNotFound(bad))
				})
			}

			// The developer's keys, signing for eu-west-1.
			_, err := eu.signed.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(p.id)})
			wantAPIError(t, err, codeNotFound, msgPoolNotFound(p.id))
			_, err = eu.signed.ListIdentities(ctx, &cognitoidentity.ListIdentitiesInput{IdentityPoolId: aws.String(p.id), MaxResults: aws.Int32(10)})
			wantAPIError(t, err, codeNotFound, msgPoolNotFound(p.id))
			_, err = eu.signed.TagResource(ctx, &cognitoidentity.TagResourceInput{ResourceArn: aws.String(s.poolARN(p.id)), Tags: map[string]string{"k": "v"}})
			wantAPIError(t, err, codeNotFound, msgPoolNotFound(p.id))
			_, err = eu.signed.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: aws.String(guest.id)})
			wantAPIError(t, err, codeNotFound, msgIdentityNotFound(guest.id))
			_, err = eu.signed.DeleteIdentityPool(ctx, &cognitoidentity.DeleteIdentityPoolInput{IdentityPoolId: aws.String(p.id)})
			wantAPIError(t, err, codeNotFound, msgPoolNotFound(p.id))
			del, err := eu.signed.DeleteIdentities(ctx, &cognitoidentity.DeleteIdentitiesInput{IdentityIdsToDelete: []string{guest.id}})
			ok(t, err, "DeleteIdentities in eu-west-1")
			if len(del.UnprocessedIdentityIds) != 0 {
				t.Errorf("DeleteIdentities in eu-west-1: got unprocessed %+v, want none", del.UnprocessedIdentityIds)
			}
			devSync := eu.sync(t, credentials.NewStaticCredentials(accessKey, secretKey, ""))
			_, err = devSync.DescribeIdentityPoolUsage(&cognitosync.DescribeIdentityPoolUsageInput{IdentityPoolId: awsv1.String(p.id)})
			wantSyncError(t, err, codeNotFound, http.StatusNotFound, msgPoolNotFound(p.id))
			_, err = devSync.DescribeIdentityUsage(&cognitosync.DescribeIdentityUsageInput{IdentityPoolId: awsv1.String(p.id), IdentityId: awsv1.String(guest.id)})
			wantSyncError(t, err, codeNotFound, http.StatusNotFound, msgPoolNotFound(p.id))

			// The guest's own credentials, signing for eu-west-1: its data
			// is not there.
			gc := eu.sync(t, guest.creds)
			_, err = gc.DescribeDataset(&cognitosync.DescribeDatasetInput{IdentityPoolId: awsv1.String(p.id), IdentityId: awsv1.String(guest.id), DatasetName: awsv1.String("notes")})
			wantSyncError(t, err, codeNotFound, http.StatusNotFound, msgPoolNotFound(p.id))
			list, err := gc.ListRecords(&cognitosync.ListRecordsInput{IdentityPoolId: awsv1.String(p.id), IdentityId: awsv1.String(guest.id), DatasetName: awsv1.String("notes")})
			ok(t, err, "ListRecords in eu-west-1")
			if len(list.Records) != 0 || awsv1.BoolValue(list.DatasetExists) {
				t.Errorf("ListRecords in eu-west-1: got %d records, DatasetExists %v, want none of a dataset that does not exist", len(list.Records), awsv1.BoolValue(list.DatasetExists))
			}
			datasets, err := gc.ListDatasets(&cognitosync.ListDatasetsInput{IdentityPoolId: awsv1.String(p.id), IdentityId: awsv1.String(guest.id)})
			ok(t, err, "ListDatasets in eu-west-1")
			if len(datasets.Datasets) != 0 {
				t.Errorf("ListDatasets in eu-west-1: got %d datasets, want none", len(datasets.Datasets))
			}

			// In the pool's own region all is there, the identity included.
			_, err = s.signed.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(p.id)})
			ok(t, err, "DescribeIdentityPool in "+region)
			_, err = s.signed.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: aws.String(guest.id)})
			ok(t, err, "DescribeIdentity in "+region)
			if _, err := guest.describe("notes"); err != nil {
				t.Errorf("DescribeDataset in %s: %v", region, err)
			}
			// Unsigned calls name no region: the pool's id decides.
			id, err := eu.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(p.id)})
			ok(t, err, "unsigned GetId from eu-west-1")
			if !strings.HasPrefix(aws.ToString(id.IdentityId), region+":") {
				t.Errorf("unsigned GetId from eu-west-1: got identity %q, want one in %s", aws.ToString(id.IdentityId), region)
			}

		})
	}
}

// TestRegionsUnknownKey: in permissive mode a key idpool does not know
// (the dummy test/test of a tutorial) is not verified, but its client is
// still configured for a region, and on AWS that region's endpoint answers
// it: a client of eu-west-1 does not find a us-east-1 pool, as AWS's
// eu-west-1 endpoint answers users who paste their errors
// (awslabs/serverless-photo-recognition#11,
// aws-sdk-android-samples#151: "IdentityPool 'us-east-2:…' not found."),
// and ListIdentityPools agrees. An unsigned call and a scope that is no
// region name still reach a pool by its id.
func TestRegionsUnknownKey(t *testing.T) {
	t.Parallel()
	s := testServerEnv(t, map[string]string{"IDPOOL_STRICT": "false"})
	ctx := context.Background()
	dummy := credsv2.NewStaticCredentialsProvider("test", "test", "")
	client := func(region string) *cognitoidentity.Client {
		return cognitoidentity.NewFromConfig(aws.Config{Region: region, Credentials: dummy, RetryMaxAttempts: 1},
			func(o *cognitoidentity.Options) { o.BaseEndpoint = aws.String(s.endpoint) })
	}
	us, eu := client(region), client("eu-west-1")
	create := func(c *cognitoidentity.Client, where string) string {
		out, err := c.CreateIdentityPool(ctx, &cognitoidentity.CreateIdentityPoolInput{
			IdentityPoolName: aws.String(uniqueName("unknownkey")), AllowUnauthenticatedIdentities: true,
		})
		ok(t, err, "CreateIdentityPool in "+where)
		return aws.ToString(out.IdentityPoolId)
	}
	usPool, euPool := create(us, region), create(eu, "eu-west-1")

	_, err := eu.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(usPool)})
	wantAPIError(t, err, codeNotFound, msgPoolNotFound(usPool))
	_, err = eu.GetIdentityPoolRoles(ctx, &cognitoidentity.GetIdentityPoolRolesInput{IdentityPoolId: aws.String(usPool)})
	wantAPIError(t, err, codeNotFound, msgPoolNotFound(usPool))
	_, err = eu.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(euPool)})
	ok(t, err, "DescribeIdentityPool of eu-west-1's own pool")
	_, err = us.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(euPool)})
	wantAPIError(t, err, codeNotFound, msgPoolNotFound(euPool))

	// ListIdentityPools shows each region the pools the others do not find.
	for _, tt := range []struct {
		name       string
		c          *cognitoidentity.Client
		own, other string
	}{
		{region, us, usPool, euPool},
		{"eu-west-1", eu, euPool, usPool},
	} {
		out, err := tt.c.ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(60)})
		ok(t, err, "ListIdentityPools in "+tt.name)
		var ids []string
		for _, p := range out.IdentityPools {
			ids = append(ids, aws.ToString(p.IdentityPoolId))
		}
		if !slices.Contains(ids, tt.own) || slices.Contains(ids, tt.other) {
			t.Errorf("ListIdentityPools in %s: got %v, want %s and not %s", tt.name, ids, tt.own, tt.other)
		}
	}

	// Cognito Sync's regional endpoint does not know the pool either.
	dummyV1 := credentials.NewStaticCredentials("test", "test", "")
	_, err = s.inRegion("eu-west-1", "aws").sync(t, dummyV1).DescribeIdentityPoolUsage(&cognitosync.DescribeIdentityPoolUsageInput{IdentityPoolId: awsv1.String(usPool)})
	wantSyncError(t, err, codeNotFound, http.StatusNotFound, msgPoolNotFound(usPool))

	// GetId, which the model leaves unsigned: signed anyway for eu-west-1
	// it is that endpoint's; unsigned it names no region and reaches the
	// pool by its id, as a misconfigured client's does here and not on AWS.
	body := []byte(`{"IdentityPoolId":"` + usPool + `"}`)
	keys, err := dummy.Retrieve(ctx)
	ok(t, err, "dummy credentials")
	req := signedRequest(t, s.identityRequest(t, "AWSCognitoIdentityService.GetId", body), body, keys, "cognito-identity", "eu-west-1")
	wantRefused(t, s.do(t, req), http.StatusBadRequest, codeNotFound, msgPoolNotFound(usPool))
	id, err := s.inRegion("eu-west-1", "aws").anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(usPool)})
	ok(t, err, "unsigned GetId from eu-west-1")
	if !strings.HasPrefix(aws.ToString(id.IdentityId), region+":") {
		t.Errorf("unsigned GetId from eu-west-1: got identity %q, want one in %s", aws.ToString(id.IdentityId), region)
	}

	// A scope that is no region name is in the default region, as before.
	_, err = client("local").DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(usPool)})
	ok(t, err, "DescribeIdentityPool signed for local")
}

// TestRegionsRequestedRegion: AssumeRoleWithWebIdentity, which the model
// leaves unsigned, is in the region of its signature when its client signs
// it anyway, as aws:RequestedRegion in the trust policy sees it; unsigned,
// it is in idpool's default region.
func TestRegionsRequestedRegion(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, false)
	ctx := context.Background()
	ap := s.inRegion("ap-southeast-2", "aws")
	out, err := ap.signed.CreateIdentityPool(ctx, &cognitoidentity.CreateIdentityPoolInput{
		IdentityPoolName: aws.String(uniqueName("requested")), AllowUnauthenticatedIdentities: true,
	})
	ok(t, err, "CreateIdentityPool in ap-southeast-2")
	pool := aws.ToString(out.IdentityPoolId)
	role := s.createRole(t, "Requested", map[string]any{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
		"Principal": map[string]any{"Federated": "cognito-identity.amazonaws.com"},
		"Condition": map[string]any{"StringEquals": map[string]any{"cognito-identity.amazonaws.com:aud": pool, "aws:RequestedRegion": ap.region}}})
	id, err := ap.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(pool)})
	ok(t, err, "GetId")
	tok, err := ap.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: id.IdentityId})
	ok(t, err, "GetOpenIdToken")
	form := []byte(url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {role},
		"RoleSessionName": {"requested"}, "WebIdentityToken": {aws.ToString(tok.Token)}}.Encode())

	tests := []struct {
		name   string
		signed string // the signature's region, "" for none
		ok     bool
	}{
		{"signed for the region", ap.region, true},
		{"signed for another region", "eu-west-1", false},
		{"unsigned, in the default region", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, s.endpoint+"/", bytes.NewReader(form))
			ok(t, err, "new request")
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.signed != "" {
				req = signedRequest(t, req, form, developerKeys(), "sts", tt.signed)
			}
			res := s.do(t, req)
			if tt.ok {
				if res.status != http.StatusOK {
					t.Errorf("got %d %s, want 200", res.status, res.body)
				}
				return
			}
			wantRefused(t, res, http.StatusForbidden, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
		})
	}
}

// TestRegionsDefaultPartition: a client configured for a scope that is no
// region's name (local, aws-global) is in idpool's default region, whose
// partition the developer's root takes, in STS and IAM alike.
func TestRegionsDefaultPartition(t *testing.T) {
	t.Parallel()
	s := testServerEnv(t, map[string]string{"IDPOOL_REGION": "cn-north-1"})
	root := "arn:aws-cn:iam::" + s.accountID + ":root"
	for _, scope := range []string{"local", "aws-global"} {
		t.Run(scope, func(t *testing.T) {
			r := s.inRegion(scope, "aws-cn")
			r.wantCaller(t, developerKeys(), root)
			c := iam.New(s.iamWith(developerKeys()).Options(), func(o *iam.Options) {
				o.Region = scope
				o.HTTPClient = r.scopes
			})
			out, err := c.GetUser(context.Background(), &iam.GetUserInput{})
			ok(t, err, "GetUser")
			if got := aws.ToString(out.User.Arn); got != root {
				t.Errorf("GetUser: got Arn %q, want %q", got, root)
			}
			role, err := c.CreateRole(context.Background(), &iam.CreateRoleInput{RoleName: aws.String(uniqueName("Default")),
				AssumeRolePolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole",
					"Principal": map[string]any{"AWS": root}}))})
			ok(t, err, "CreateRole")
			if got := aws.ToString(role.Role.Arn); !strings.HasPrefix(got, "arn:aws-cn:iam::") {
				t.Errorf("CreateRole: got Arn %q, want one of aws-cn", got)
			}
			for _, sc := range r.scopes.all() {
				if !strings.HasPrefix(sc, scope+"/") {
					t.Errorf("got a request signed for %q, want %s", sc, scope)
				}
			}
		})
	}
}
