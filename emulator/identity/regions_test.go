package identity

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// inRegionCtx is the context of a request signed for region.
func inRegionCtx(region string) context.Context {
	return protocol.WithRegion(protocol.WithRequestID(context.Background(), "r"), region)
}

// TestRegions checks that each region has its own pools, whose identities
// and ARNs are of the pool's region and partition.
func TestRegions(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, region, wantRegion, wantPartition string
	}{
		{"default", "", testRegion, "aws"},
		{"eu-west-1", "eu-west-1", "eu-west-1", "aws"},
		{"cn-north-1", "cn-north-1", "cn-north-1", "aws-cn"},
		{"us-gov-west-1", "us-gov-west-1", "us-gov-west-1", "aws-us-gov"},
		{"scope not a region", "EU:WEST", testRegion, "aws"},
		{"scope local", "local", testRegion, "aws"},
		{"scope aws-global", "aws-global", testRegion, "aws"},
		{"scope of words", "not-a-region", testRegion, "aws"},
		{"eusc-de-east-1", "eusc-de-east-1", "eusc-de-east-1", "aws-eusc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := e.ctx
			if tt.region != "" {
				ctx = inRegionCtx(tt.region)
			}
			out, err := e.svc.CreateIdentityPool(ctx, &CreateIdentityPoolInput{IdentityPoolName: "p", AllowUnauthenticatedIdentities: true,
				DeveloperProviderName: "dev." + uuid.NewString()[:8]})
			if err != nil {
				t.Fatal(err)
			}
			pool := out.IdentityPoolId
			if got := protocol.IDRegion(pool); got != tt.wantRegion {
				t.Errorf("pool id %q: got region %q, want %q", pool, got, tt.wantRegion)
			}
			// Unsigned calls name no region: the pool's id decides.
			if id := e.getID(t, pool, nil); protocol.IDRegion(id) != tt.wantRegion {
				t.Errorf("GetId: got identity %q, want one in %s", id, tt.wantRegion)
			}
			tok, err := e.svc.GetOpenIdTokenForDeveloperIdentity(ctx, &GetOpenIdTokenForDeveloperIdentityInput{
				IdentityPoolId: pool, Logins: map[string]string{out.DeveloperProviderName: "user"}})
			if err != nil {
				t.Fatal(err)
			}
			if protocol.IDRegion(tok.IdentityId) != tt.wantRegion {
				t.Errorf("developer identity: got %q, want one in %s", tok.IdentityId, tt.wantRegion)
			}
			c, err := e.issuer.Verify(e.ctx, tok.Token)
			if err != nil {
				t.Fatal(err)
			}
			arn := "arn:" + tt.wantPartition + ":cognito-identity:" + tt.wantRegion + ":" + testAccount + ":identitypool/" + pool
			if c.PoolARN != arn {
				t.Errorf("token pool ARN: got %q, want %q", c.PoolARN, arn)
			}
			if _, err := e.svc.TagResource(ctx, &TagResourceInput{ResourceArn: arn, Tags: map[string]string{"k": "v"}}); err != nil {
				t.Errorf("TagResource %s: %v", arn, err)
			}
			other := strings.Replace(arn, "arn:"+tt.wantPartition+":", "arn:aws-iso:", 1)
			_, err = e.svc.ListTagsForResource(ctx, &ListTagsForResourceInput{ResourceArn: other})
			wantErr(t, err, CodeInvalidParameter, "Invalid ARN: "+other)
		})
	}
}

func TestListIdentityPoolsRegional(t *testing.T) {
	e := newEnv(t)
	// us-east-10 and us-east-19 start with us-east-1: neither may leak
	// into a us-east-1 listing. (A region name continues us-east-1 only
	// with digits, so no other region's ids sort after us-east-1's.)
	want := map[string][]string{}
	for _, region := range []string{"us-east-10", "us-east-1", "us-east-19", "eu-west-1", "us-east-1", "us-east-1", "us-east-10", "us-east-19"} {
		out, err := e.svc.CreateIdentityPool(inRegionCtx(region), &CreateIdentityPoolInput{IdentityPoolName: region})
		if err != nil {
			t.Fatal(err)
		}
		want[region] = append(want[region], out.IdentityPoolId)
	}
	want["cn-north-1"] = nil
	for region, ids := range want {
		t.Run(region, func(t *testing.T) {
			ctx := inRegionCtx(region)
			var got []string
			token := ""
			for range 10 {
				out, err := e.svc.ListIdentityPools(ctx, &ListIdentityPoolsInput{MaxResults: 1, NextToken: token})
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range out.IdentityPools {
					got = append(got, p.IdentityPoolId)
				}
				if token = out.NextToken; token == "" {
					break
				}
			}
			slices.Sort(ids)
			if !slices.Equal(got, ids) {
				t.Errorf("got %q, want %q", got, ids)
			}
		})
	}
	t.Run("token of another region", func(t *testing.T) {
		out, err := e.svc.ListIdentityPools(inRegionCtx("us-east-1"), &ListIdentityPoolsInput{MaxResults: 1})
		if err != nil || out.NextToken == "" {
			t.Fatalf("got %v, %v, want a next page", out, err)
		}
		_, err = e.svc.ListIdentityPools(inRegionCtx("eu-west-1"), &ListIdentityPoolsInput{MaxResults: 1, NextToken: out.NextToken})
		wantErr(t, err, CodeInvalidParameter, msgBadNextToken)
	})
}

// TestPoolQuotaPerRegion checks that the pool quota counts one region's
// pools only.
func TestPoolQuotaPerRegion(t *testing.T) {
	e := newEnv(t)
	err := e.store.Update(e.ctx, func(tx storage.Tx) error {
		for i := range maxPools {
			if err := tx.CreatePool(e.ctx, storage.Pool{ID: fmt.Sprintf("%s:%036d", testRegion, i), Name: "p"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.CreateIdentityPool(inRegionCtx(testRegion), &CreateIdentityPoolInput{IdentityPoolName: "full"})
	wantErr(t, err, CodeLimitExceeded, "")
	for _, region := range []string{"eu-west-1", "us-east-10"} {
		if _, err := e.svc.CreateIdentityPool(inRegionCtx(region), &CreateIdentityPoolInput{IdentityPoolName: "free"}); err != nil {
			t.Errorf("CreateIdentityPool in %s: got %v, want a pool", region, err)
		}
	}
}

// verifiedCtx is the context of a request whose signature idpool verified,
// scoped to region: the endpoint of region, which knows only its pools.
func verifiedCtx(region string) context.Context {
	ctx := inRegionCtx(region)
	protocol.RequestFrom(ctx).Regional = true
	return ctx
}

// TestOtherRegionNotFound checks that every signed operation answers a pool
// or identity of another region than its verified signature's as one that
// does not exist, and leaves it as it was; a request whose signature is
// not verified reaches it by its id.
func TestOtherRegionNotFound(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	guest := e.getID(t, pool, nil)
	dev, err := e.svc.GetOpenIdTokenForDeveloperIdentity(e.ctx, &GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool, Logins: map[string]string{testDev: "alice"}})
	if err != nil {
		t.Fatal(err)
	}
	arn := e.svc.poolARN(pool)
	poolGone, identityGone := "IdentityPool '"+pool+"' not found.", "Identity '"+guest+"' not found."
	ctx := verifiedCtx("eu-west-1")
	tests := []struct {
		name, msg string
		call      func() error
	}{
		{"DescribeIdentityPool", poolGone, func() error {
			_, err := e.svc.DescribeIdentityPool(ctx, &DescribeIdentityPoolInput{IdentityPoolId: pool})
			return err
		}},
		{"UpdateIdentityPool", poolGone, func() error {
			_, err := e.svc.UpdateIdentityPool(ctx, &UpdateIdentityPoolInput{IdentityPoolId: pool, IdentityPoolName: "renamed"})
			return err
		}},
		{"ListIdentities", poolGone, func() error {
			_, err := e.svc.ListIdentities(ctx, &ListIdentitiesInput{IdentityPoolId: pool, MaxResults: 10})
			return err
		}},
		{"SetIdentityPoolRoles", poolGone, func() error {
			_, err := e.svc.SetIdentityPoolRoles(ctx, &SetIdentityPoolRolesInput{IdentityPoolId: pool, Roles: map[string]string{"unauthenticated": unauthRole}})
			return err
		}},
		{"GetIdentityPoolRoles", poolGone, func() error {
			_, err := e.svc.GetIdentityPoolRoles(ctx, &GetIdentityPoolRolesInput{IdentityPoolId: pool})
			return err
		}},
		{"TagResource", poolGone, func() error {
			_, err := e.svc.TagResource(ctx, &TagResourceInput{ResourceArn: arn, Tags: map[string]string{"k": "v"}})
			return err
		}},
		{"ListTagsForResource", poolGone, func() error {
			_, err := e.svc.ListTagsForResource(ctx, &ListTagsForResourceInput{ResourceArn: arn})
			return err
		}},
		{"GetOpenIdTokenForDeveloperIdentity", poolGone, func() error {
			_, err := e.svc.GetOpenIdTokenForDeveloperIdentity(ctx, &GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool, Logins: map[string]string{testDev: "bob"}})
			return err
		}},
		{"LookupDeveloperIdentity", poolGone, func() error {
			_, err := e.svc.LookupDeveloperIdentity(ctx, &LookupDeveloperIdentityInput{IdentityPoolId: pool, DeveloperUserIdentifier: "alice"})
			return err
		}},
		{"UnlinkDeveloperIdentity", poolGone, func() error {
			_, err := e.svc.UnlinkDeveloperIdentity(ctx, &UnlinkDeveloperIdentityInput{IdentityId: dev.IdentityId, IdentityPoolId: pool,
				DeveloperProviderName: testDev, DeveloperUserIdentifier: "alice"})
			return err
		}},
		{"DescribeIdentity", identityGone, func() error {
			_, err := e.svc.DescribeIdentity(ctx, &DescribeIdentityInput{IdentityId: guest})
			return err
		}},
		// Last: on a failure, it would hide the others'.
		{"DeleteIdentityPool", poolGone, func() error {
			_, err := e.svc.DeleteIdentityPool(ctx, &DeleteIdentityPoolInput{IdentityPoolId: pool})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, tt.call(), CodeResourceNotFound, tt.msg)
		})
	}
	out, err := e.svc.DeleteIdentities(ctx, &DeleteIdentitiesInput{IdentityIdsToDelete: []string{guest}})
	if err != nil || len(out.UnprocessedIdentityIds) != 0 {
		t.Errorf("DeleteIdentities of another region: got %+v, %v, want nothing unprocessed", out, err)
	}

	// All is as it was, for the pool's own region and for a request
	// whose signature idpool did not verify.
	for name, ctx := range map[string]context.Context{"own region": verifiedCtx(testRegion), "not verified": inRegionCtx("eu-west-1")} {
		t.Run(name, func(t *testing.T) {
			p, err := e.svc.DescribeIdentityPool(ctx, &DescribeIdentityPoolInput{IdentityPoolId: pool})
			if err != nil {
				t.Fatalf("DescribeIdentityPool: %v", err)
			}
			if p.IdentityPoolName != "full" || len(p.IdentityPoolTags) != 0 {
				t.Errorf("DescribeIdentityPool: got name %q, tags %v, want full and none", p.IdentityPoolName, p.IdentityPoolTags)
			}
			if _, err := e.svc.DescribeIdentity(ctx, &DescribeIdentityInput{IdentityId: guest}); err != nil {
				t.Errorf("DescribeIdentity %s: %v", guest, err)
			}
			l, err := e.svc.LookupDeveloperIdentity(ctx, &LookupDeveloperIdentityInput{IdentityPoolId: pool, DeveloperUserIdentifier: "alice"})
			if err != nil || l.IdentityId != dev.IdentityId {
				t.Errorf("LookupDeveloperIdentity alice: got %+v, %v, want %s", l, err, dev.IdentityId)
			}
		})
	}
}

// TestDeveloperNamePerRegion checks that a developer provider name is
// unique among one region's pools only: pools of other regions may share
// it, through CreateIdentityPool and UpdateIdentityPool alike.
func TestDeveloperNamePerRegion(t *testing.T) {
	e := newEnv(t)
	const name = "login.myapp"
	if _, err := e.svc.CreateIdentityPool(inRegionCtx("us-east-1"), &CreateIdentityPoolInput{IdentityPoolName: "us", DeveloperProviderName: name}); err != nil {
		t.Fatal(err)
	}
	plain, err := e.svc.CreateIdentityPool(inRegionCtx("eu-west-2"), &CreateIdentityPoolInput{IdentityPoolName: "plain"})
	if err != nil {
		t.Fatal(err)
	}
	sameRegion, err := e.svc.CreateIdentityPool(inRegionCtx("us-east-1"), &CreateIdentityPoolInput{IdentityPoolName: "plain"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		call     func() error
		wantCode string
	}{
		{"create in another region", func() error {
			_, err := e.svc.CreateIdentityPool(inRegionCtx("eu-west-1"), &CreateIdentityPoolInput{IdentityPoolName: "eu", DeveloperProviderName: name})
			return err
		}, ""},
		{"create in the same region", func() error {
			_, err := e.svc.CreateIdentityPool(inRegionCtx("us-east-1"), &CreateIdentityPoolInput{IdentityPoolName: "us2", DeveloperProviderName: name})
			return err
		}, CodeResourceConflict},
		{"update in another region", func() error {
			_, err := e.svc.UpdateIdentityPool(inRegionCtx("eu-west-2"), &UpdateIdentityPoolInput{IdentityPoolId: plain.IdentityPoolId,
				IdentityPoolName: "plain", DeveloperProviderName: name})
			return err
		}, ""},
		{"update in the same region", func() error {
			_, err := e.svc.UpdateIdentityPool(inRegionCtx("us-east-1"), &UpdateIdentityPoolInput{IdentityPoolId: sameRegion.IdentityPoolId,
				IdentityPoolName: "plain", DeveloperProviderName: name})
			return err
		}, CodeResourceConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("got %v, want success", err)
				}
				return
			}
			wantErr(t, err, tt.wantCode, "")
		})
	}
}
