package conformance

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestIAMExportOIDCProvider creates an OpenID Connect provider through the
// SDK with a thumbprint and a tag (as `aws iam
// create-open-id-connect-provider --thumbprint-list … --tags …` does),
// exports the database with the idpool binary, and starts a fresh server
// from that file alone: GetOpenIDConnectProvider answers the same client
// ids, thumbprints and tags (probe I: the export had dropped both). So it
// does for the provider of a user pool, as AWS's guides make one before
// STS takes the pool's tokens, which the export had written as a user
// pool without IamProvider, whose thumbprints the load refused.
func TestIAMExportOIDCProvider(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "idpool.db")
	s := testServerEnv(t, map[string]string{"IDPOOL_DB": db})
	ctx := context.Background()
	c := s.iamWith(developerKeys())

	const thumb = "0123456789012345678901234567890123456789"
	created, err := c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://idp.example.org"), ClientIDList: []string{"app"}, ThumbprintList: []string{thumb},
		Tags: []iamtypes.Tag{{Key: aws.String("owner"), Value: aws.String("qa")}, {Key: aws.String("empty"), Value: aws.String("")}}})
	ok(t, err, "CreateOpenIDConnectProvider")
	arn := created.OpenIDConnectProviderArn
	userPool, err := c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Export1"), ClientIDList: []string{"app"}, ThumbprintList: []string{thumb}})
	ok(t, err, "CreateOpenIDConnectProvider of a user pool")
	before, err := c.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn})
	ok(t, err, "GetOpenIDConnectProvider")

	file := filepath.Join(dir, "fixtures.json")
	idpoolExport(t, db, file)
	back := testServerEnv(t, map[string]string{"IDPOOL_DB": filepath.Join(dir, "fresh.db"), "IDPOOL_FIXTURES": file})
	c = back.iamWith(developerKeys())

	after, err := c.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn})
	ok(t, err, "GetOpenIDConnectProvider after the export")
	if !slices.Equal(after.ClientIDList, before.ClientIDList) || !slices.Equal(after.ThumbprintList, []string{thumb}) {
		t.Errorf("GetOpenIDConnectProvider: got client ids %v, thumbprints %v; want %v, [%s]",
			after.ClientIDList, after.ThumbprintList, before.ClientIDList, thumb)
	}
	if got, want := tagPairs(after.Tags), tagPairs(before.Tags); !slices.Equal(got, want) || len(got) != 2 {
		t.Errorf("GetOpenIDConnectProvider: got tags %v, want %v (owner=qa, empty=)", got, want)
	}
	pool, err := c.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: userPool.OpenIDConnectProviderArn})
	ok(t, err, "GetOpenIDConnectProvider of the user pool after the export")
	if !slices.Equal(pool.ClientIDList, []string{"app"}) || !slices.Equal(pool.ThumbprintList, []string{thumb}) {
		t.Errorf("GetOpenIDConnectProvider of the user pool: got client ids %v, thumbprints %v; want [app], [%s]", pool.ClientIDList, pool.ThumbprintList, thumb)
	}
}
