package conformance

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/sts"
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
