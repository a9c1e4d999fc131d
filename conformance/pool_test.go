package conformance

import (
	"context"
	"maps"
	"reflect"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
)

// idPattern is the form of pool and identity ids: the region, a colon and
// a lower-case UUID.
var idPattern = regexp.MustCompile(`^us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// pool is the comparable part of a pool description.
type pool struct {
	Name         string
	AllowUnauth  bool
	AllowClassic *bool
	Supported    map[string]string
	Developer    string
	OIDC         []string
	UserPools    []string
	SAML         []string
	Tags         map[string]string
}

func describe(out *cognitoidentity.DescribeIdentityPoolOutput) pool {
	p := pool{
		Name:        aws.ToString(out.IdentityPoolName),
		AllowUnauth: out.AllowUnauthenticatedIdentities,
		Supported:   out.SupportedLoginProviders,
		Developer:   aws.ToString(out.DeveloperProviderName),
		OIDC:        out.OpenIdConnectProviderARNs,
		SAML:        out.SamlProviderARNs,
		Tags:        out.IdentityPoolTags,
	}
	p.AllowClassic = out.AllowClassicFlow
	for _, up := range out.CognitoIdentityProviders {
		p.UserPools = append(p.UserPools, aws.ToString(up.ProviderName)+"|"+aws.ToString(up.ClientId))
	}
	return p
}

// emptyAsNil folds empty maps and lists to nil: AWS omits empty members and
// SDKs decode an omitted member as nil, an empty one as empty.
func (p pool) emptyAsNil() pool {
	if len(p.Supported) == 0 {
		p.Supported = nil
	}
	if len(p.OIDC) == 0 {
		p.OIDC = nil
	}
	if len(p.UserPools) == 0 {
		p.UserPools = nil
	}
	if len(p.SAML) == 0 {
		p.SAML = nil
	}
	if len(p.Tags) == 0 {
		p.Tags = nil
	}
	return p
}

func TestPoolLifecycle(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	dev := uniqueDev()
	name := uniqueName("Life cycle+=,.@-")
	saml := "arn:aws:iam::" + s.accountID + ":saml-provider/corp"

	in := s.fullPool(dev)
	in.IdentityPoolName = aws.String(name)
	in.AllowClassicFlow = aws.Bool(true)
	in.SamlProviderARNs = []string{saml}
	in.IdentityPoolTags = map[string]string{"team": "blue", "env": ""}
	created, err := s.signed.CreateIdentityPool(ctx, in)
	ok(t, err, "CreateIdentityPool")
	id := aws.ToString(created.IdentityPoolId)
	if !idPattern.MatchString(id) {
		t.Fatalf("got pool id %q, want region:uuid", id)
	}

	want := pool{
		Name: name, AllowUnauth: true, AllowClassic: aws.Bool(true),
		Supported: map[string]string{googleKey: googleClient, facebookKey: facebookApp},
		Developer: dev, OIDC: []string{s.oidcARN()}, UserPools: []string{userPoolKey + "|" + userPoolApp},
		SAML: []string{saml}, Tags: map[string]string{"team": "blue", "env": ""},
	}
	got := describe(&cognitoidentity.DescribeIdentityPoolOutput{
		IdentityPoolName: created.IdentityPoolName, AllowUnauthenticatedIdentities: created.AllowUnauthenticatedIdentities,
		AllowClassicFlow: created.AllowClassicFlow, SupportedLoginProviders: created.SupportedLoginProviders,
		DeveloperProviderName: created.DeveloperProviderName, OpenIdConnectProviderARNs: created.OpenIdConnectProviderARNs,
		CognitoIdentityProviders: created.CognitoIdentityProviders, SamlProviderARNs: created.SamlProviderARNs,
		IdentityPoolTags: created.IdentityPoolTags,
	})
	if !reflect.DeepEqual(got.emptyAsNil(), want) {
		t.Errorf("CreateIdentityPool: got %+v, want %+v", got, want)
	}

	desc, err := s.signed.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(id)})
	ok(t, err, "DescribeIdentityPool")
	if aws.ToString(desc.IdentityPoolId) != id {
		t.Errorf("DescribeIdentityPool: got id %q, want %q", aws.ToString(desc.IdentityPoolId), id)
	}
	if got := describe(desc).emptyAsNil(); !reflect.DeepEqual(got, want) {
		t.Errorf("DescribeIdentityPool: got %+v, want %+v", got, want)
	}

	// UpdateIdentityPool replaces the pool: what the update leaves out goes
	// back to its default, except the developer provider, which is set for
	// good (an update that omits it keeps it).
	renamed := uniqueName("renamed")
	up, err := s.signed.UpdateIdentityPool(ctx, &cognitoidentity.UpdateIdentityPoolInput{
		IdentityPoolId:                 aws.String(id),
		IdentityPoolName:               aws.String(renamed),
		AllowUnauthenticatedIdentities: false,
		SupportedLoginProviders:        map[string]string{googleKey: "other-client"},
	})
	ok(t, err, "UpdateIdentityPool")
	if aws.ToString(up.IdentityPoolName) != renamed || up.AllowUnauthenticatedIdentities {
		t.Errorf("UpdateIdentityPool: got name %q guests %v, want %q false", aws.ToString(up.IdentityPoolName), up.AllowUnauthenticatedIdentities, renamed)
	}
	desc, err = s.signed.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(id)})
	ok(t, err, "DescribeIdentityPool after update")
	got = describe(desc).emptyAsNil()
	got.Tags = nil // whether Update without tags clears them is not settled; TestTags covers tags.
	want = pool{Name: renamed, Supported: map[string]string{googleKey: "other-client"}, Developer: dev}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DescribeIdentityPool after replace: got %+v, want %+v", got, want)
	}

	_, err = s.signed.UpdateIdentityPool(ctx, &cognitoidentity.UpdateIdentityPoolInput{
		IdentityPoolId:        aws.String(id),
		IdentityPoolName:      aws.String(renamed),
		DeveloperProviderName: aws.String(dev + ".changed"),
	})
	wantAPIError(t, err, codeInvalidParam, "")
	_, err = s.signed.UpdateIdentityPool(ctx, &cognitoidentity.UpdateIdentityPoolInput{
		IdentityPoolId:        aws.String(id),
		IdentityPoolName:      aws.String(renamed),
		DeveloperProviderName: aws.String(dev),
	})
	ok(t, err, "UpdateIdentityPool with the same developer provider")

	dt, err := s.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
		IdentityPoolId: aws.String(id), Logins: map[string]string{dev: "member"},
	})
	ok(t, err, "GetOpenIdTokenForDeveloperIdentity")
	member := aws.ToString(dt.IdentityId)
	_, err = s.signed.DeleteIdentityPool(ctx, &cognitoidentity.DeleteIdentityPoolInput{IdentityPoolId: aws.String(id)})
	ok(t, err, "DeleteIdentityPool")
	t.Run("identity of the deleted pool", func(t *testing.T) {
		_, err := s.signed.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: aws.String(member)})
		wantAPIError(t, err, codeNotFound, msgIdentityNotFound(member))
	})
	for name, call := range map[string]func() error{
		"DescribeIdentityPool": func() error {
			_, err := s.signed.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(id)})
			return err
		},
		"DeleteIdentityPool": func() error {
			_, err := s.signed.DeleteIdentityPool(ctx, &cognitoidentity.DeleteIdentityPoolInput{IdentityPoolId: aws.String(id)})
			return err
		},
		"UpdateIdentityPool": func() error {
			_, err := s.signed.UpdateIdentityPool(ctx, &cognitoidentity.UpdateIdentityPoolInput{IdentityPoolId: aws.String(id), IdentityPoolName: aws.String("x")})
			return err
		},
		"GetId": func() error {
			_, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(id)})
			return err
		},
	} {
		t.Run(name+" after delete", func(t *testing.T) {
			wantAPIError(t, call(), codeNotFound, msgPoolNotFound(id))
		})
	}
}

// TestClassicFlowUnset checks the tri-state AllowClassicFlow: a pool created
// without it describes without it.
func TestClassicFlowUnset(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	id := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	desc, err := s.signed.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(id)})
	ok(t, err, "DescribeIdentityPool")
	if desc.AllowClassicFlow != nil {
		t.Errorf("got AllowClassicFlow %v, want it omitted", *desc.AllowClassicFlow)
	}
	for _, v := range []bool{false, true} {
		up, err := s.signed.UpdateIdentityPool(ctx, &cognitoidentity.UpdateIdentityPoolInput{
			IdentityPoolId: aws.String(id), IdentityPoolName: aws.String("classic"), AllowClassicFlow: aws.Bool(v),
		})
		ok(t, err, "UpdateIdentityPool")
		if up.AllowClassicFlow == nil || *up.AllowClassicFlow != v {
			t.Errorf("UpdateIdentityPool AllowClassicFlow=%v: got %v", v, up.AllowClassicFlow)
		}
	}

	// Explicitly false, then an update that leaves it out: back to unset,
	// and the classic flow works again.
	for _, classic := range []*bool{aws.Bool(false), nil} {
		_, err := s.signed.UpdateIdentityPool(ctx, &cognitoidentity.UpdateIdentityPoolInput{
			IdentityPoolId: aws.String(id), IdentityPoolName: aws.String("classic"), AllowUnauthenticatedIdentities: true, AllowClassicFlow: classic,
		})
		ok(t, err, "UpdateIdentityPool")
	}
	desc, err = s.signed.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(id)})
	ok(t, err, "DescribeIdentityPool")
	if desc.AllowClassicFlow != nil {
		t.Errorf("after an update without it: got AllowClassicFlow %v, want it omitted", *desc.AllowClassicFlow)
	}
	_, err = s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(s.guestID(t, id))})
	ok(t, err, "GetOpenIdToken after AllowClassicFlow reverted to unset")
}

func TestCreateIdentityPoolErrors(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	taken := uniqueDev()
	s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{DeveloperProviderName: aws.String(taken)})

	userPool := func(name *string) cognitoidentity.CreateIdentityPoolInput {
		return cognitoidentity.CreateIdentityPoolInput{CognitoIdentityProviders: []types.CognitoIdentityProvider{
			{ProviderName: name, ClientId: aws.String(userPoolApp)},
		}}
	}
	tests := []struct {
		name string
		in   cognitoidentity.CreateIdentityPoolInput
		code string
		msg  string
	}{
		// aws/aws-cdk#11054, amazon-quicksight-embedding-sample#1.
		{name: "user pool without a ProviderName", in: userPool(nil), code: codeInvalidParam, msg: msgBadUserPool},
		{name: "bare user pool id", in: userPool(aws.String("us-east-1_AbCdEf123")), code: codeInvalidParam, msg: msgBadUserPool},
		{name: "user pool URL", in: userPool(aws.String("https://" + userPoolKey)), code: codeInvalidParam, msg: msgBadUserPool},
		{name: "social provider as a user pool", in: userPool(aws.String("graph.facebook.com")), code: codeInvalidParam, msg: msgBadUserPool},
		{
			name: "SupportedLoginProviders key that is not a social provider",
			in:   cognitoidentity.CreateIdentityPoolInput{SupportedLoginProviders: map[string]string{"login.example.org": "x"}},
			code: codeInvalidParam,
		},
		{
			name: "same user pool twice",
			in: cognitoidentity.CreateIdentityPoolInput{CognitoIdentityProviders: []types.CognitoIdentityProvider{
				{ProviderName: aws.String(userPoolKey), ClientId: aws.String(userPoolApp)},
				{ProviderName: aws.String(userPoolKey), ClientId: aws.String(userPoolApp)},
			}},
			code: codeInvalidParam,
		},
		{
			name: "developer provider used by another pool",
			in:   cognitoidentity.CreateIdentityPoolInput{DeveloperProviderName: aws.String(taken)},
			code: codeConflict,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.IdentityPoolName = aws.String(uniqueName("bad"))
			_, err := s.signed.CreateIdentityPool(ctx, &in)
			wantAPIError(t, err, tt.code, tt.msg)
		})
	}
}

func TestListIdentityPoolsPaginator(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	mine := map[string]string{}
	for range 7 {
		name := uniqueName("page")
		mine[s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{IdentityPoolName: aws.String(name)})] = name
	}

	seen := map[string]int{}
	pages := 0
	p := cognitoidentity.NewListIdentityPoolsPaginator(s.signed, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		ok(t, err, "ListIdentityPools page")
		pages++
		if len(page.IdentityPools) > 2 {
			t.Errorf("page %d: got %d pools, want at most 2", pages, len(page.IdentityPools))
		}
		for _, ip := range page.IdentityPools {
			id := aws.ToString(ip.IdentityPoolId)
			seen[id]++
			if name, ok := mine[id]; ok && aws.ToString(ip.IdentityPoolName) != name {
				t.Errorf("pool %s: got name %q, want %q", id, aws.ToString(ip.IdentityPoolName), name)
			}
		}
		if pages > 1000 {
			t.Fatal("paginator does not end")
		}
	}
	for id := range mine {
		if seen[id] != 1 {
			t.Errorf("pool %s: listed %d times, want once", id, seen[id])
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("pool %s: listed %d times, want once", id, n)
		}
	}
	if s.restartFn != nil { // Only this test's pools exist in-process.
		if len(seen) != 7 || pages != 4 {
			t.Errorf("got %d pools in %d pages, want 7 in 4", len(seen), pages)
		}
	}

	_, err := s.signed.ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(2), NextToken: aws.String("not-a-token")})
	wantAPIError(t, err, codeInvalidParam, "")
}

func TestTags(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	id := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{IdentityPoolTags: map[string]string{"a": "1"}})
	arn := s.poolARN(id)

	list := func() map[string]string {
		t.Helper()
		out, err := s.signed.ListTagsForResource(ctx, &cognitoidentity.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		ok(t, err, "ListTagsForResource")
		return out.Tags
	}
	if got, want := list(), map[string]string{"a": "1"}; !maps.Equal(got, want) {
		t.Errorf("tags after create: got %v, want %v", got, want)
	}
	_, err := s.signed.TagResource(ctx, &cognitoidentity.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"b": "2", "a": "one"}})
	ok(t, err, "TagResource")
	if got, want := list(), map[string]string{"a": "one", "b": "2"}; !maps.Equal(got, want) {
		t.Errorf("tags after TagResource: got %v, want %v", got, want)
	}
	_, err = s.signed.UntagResource(ctx, &cognitoidentity.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"a", "missing"}})
	ok(t, err, "UntagResource")
	want := map[string]string{"b": "2"}
	if got := list(); !maps.Equal(got, want) {
		t.Errorf("tags after UntagResource: got %v, want %v", got, want)
	}
	desc, err := s.signed.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(id)})
	ok(t, err, "DescribeIdentityPool")
	if !maps.Equal(desc.IdentityPoolTags, want) {
		t.Errorf("IdentityPoolTags: got %v, want %v", desc.IdentityPoolTags, want)
	}

	unknown := s.poolARN("us-east-1:00000000-0000-0000-0000-000000000000")
	tests := []struct {
		name string
		call func() error
	}{
		{"ListTagsForResource", func() error {
			_, err := s.signed.ListTagsForResource(ctx, &cognitoidentity.ListTagsForResourceInput{ResourceArn: aws.String(unknown)})
			return err
		}},
		{"TagResource", func() error {
			_, err := s.signed.TagResource(ctx, &cognitoidentity.TagResourceInput{ResourceArn: aws.String(unknown), Tags: map[string]string{"k": "v"}})
			return err
		}},
		{"UntagResource", func() error {
			_, err := s.signed.UntagResource(ctx, &cognitoidentity.UntagResourceInput{ResourceArn: aws.String(unknown), TagKeys: []string{"k"}})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" unknown pool", func(t *testing.T) {
			wantAPIError(t, tt.call(), codeNotFound, "")
		})
	}

	// A pool id given as the ARN is refused by authorization, as AWS
	// refused an administrator (aws-sdk-ruby#2173).
	t.Run("ListTagsForResource of a pool id", func(t *testing.T) {
		_, err := s.signed.ListTagsForResource(ctx, &cognitoidentity.ListTagsForResourceInput{ResourceArn: aws.String(id)})
		wantAPIError(t, err, "AccessDeniedException", "User: arn:aws:iam::"+s.accountID+":root is not authorized to perform: "+
			"cognito-identity:ListTagsForResource on resource: "+id)
	})

	t.Run("TagResource over 50 tags", func(t *testing.T) {
		many := map[string]string{}
		for i := range 51 {
			many["k"+string(rune('A'+i%26))+string(rune('a'+i/26))] = "v"
		}
		_, err := s.signed.TagResource(ctx, &cognitoidentity.TagResourceInput{ResourceArn: aws.String(arn), Tags: many})
		wantAPIError(t, err, codeInvalidParam, "")
		if got := list(); len(got) > 50 {
			t.Errorf("got %d tags stored, want at most 50", len(got))
		}
	})
}
