package identity

import "github.com/idpool/idpool/protocol"

// The input and output shapes of the 23 operations. JSON names are exactly
// the model's member names: the awsJson codec decodes request bodies into
// the inputs and encodes the outputs as they are. Output members that AWS
// leaves out when they have no value carry omitempty.

// CognitoIdentityProvider is a user-pool provider configured on a pool.
type CognitoIdentityProvider struct {
	ProviderName         string `json:"ProviderName,omitempty"`
	ClientId             string `json:"ClientId,omitempty"`
	ServerSideTokenCheck bool   `json:"ServerSideTokenCheck"`
}

// IdentityPool is the model's IdentityPool structure: the output of
// CreateIdentityPool, DescribeIdentityPool and UpdateIdentityPool, and the
// input of UpdateIdentityPool.
type IdentityPool struct {
	IdentityPoolId                 string                    `json:"IdentityPoolId"`
	IdentityPoolName               string                    `json:"IdentityPoolName"`
	AllowUnauthenticatedIdentities bool                      `json:"AllowUnauthenticatedIdentities"`
	AllowClassicFlow               *bool                     `json:"AllowClassicFlow,omitempty"`
	SupportedLoginProviders        map[string]string         `json:"SupportedLoginProviders,omitempty"`
	DeveloperProviderName          string                    `json:"DeveloperProviderName,omitempty"`
	OpenIdConnectProviderARNs      []string                  `json:"OpenIdConnectProviderARNs,omitempty"`
	CognitoIdentityProviders       []CognitoIdentityProvider `json:"CognitoIdentityProviders,omitempty"`
	SamlProviderARNs               []string                  `json:"SamlProviderARNs,omitempty"`
	// IdentityPoolTags as an input of UpdateIdentityPool: nil (omitted)
	// keeps the pool's tags, a map (even empty) replaces them. As an
	// output (DescribePool) it is never nil: AWS answers {} for a pool
	// without tags.
	IdentityPoolTags map[string]string `json:"IdentityPoolTags,omitzero"`
}

// CreateIdentityPoolInput is the input of CreateIdentityPool.
type CreateIdentityPoolInput struct {
	IdentityPoolName               string                    `json:"IdentityPoolName"`
	AllowUnauthenticatedIdentities bool                      `json:"AllowUnauthenticatedIdentities"`
	AllowClassicFlow               *bool                     `json:"AllowClassicFlow,omitempty"`
	SupportedLoginProviders        map[string]string         `json:"SupportedLoginProviders,omitempty"`
	DeveloperProviderName          string                    `json:"DeveloperProviderName,omitempty"`
	OpenIdConnectProviderARNs      []string                  `json:"OpenIdConnectProviderARNs,omitempty"`
	CognitoIdentityProviders       []CognitoIdentityProvider `json:"CognitoIdentityProviders,omitempty"`
	SamlProviderARNs               []string                  `json:"SamlProviderARNs,omitempty"`
	IdentityPoolTags               map[string]string         `json:"IdentityPoolTags,omitempty"`
}

// Pool-level outputs and the UpdateIdentityPool input share the model's
// IdentityPool structure.
type (
	CreateIdentityPoolOutput   = IdentityPool
	DescribeIdentityPoolOutput = IdentityPool
	UpdateIdentityPoolInput    = IdentityPool
	UpdateIdentityPoolOutput   = IdentityPool
)

// DescribeIdentityPoolInput is the input of DescribeIdentityPool.
type DescribeIdentityPoolInput struct {
	IdentityPoolId string `json:"IdentityPoolId"`
}

// DeleteIdentityPoolInput is the input of DeleteIdentityPool.
type DeleteIdentityPoolInput struct {
	IdentityPoolId string `json:"IdentityPoolId"`
}

// DeleteIdentityPoolOutput is empty: the operation has no output.
type DeleteIdentityPoolOutput struct{}

// ListIdentityPoolsInput is the input of ListIdentityPools.
type ListIdentityPoolsInput struct {
	MaxResults int    `json:"MaxResults"`
	NextToken  string `json:"NextToken,omitempty"`
}

// IdentityPoolShortDescription names one pool in ListIdentityPools.
type IdentityPoolShortDescription struct {
	IdentityPoolId   string `json:"IdentityPoolId,omitempty"`
	IdentityPoolName string `json:"IdentityPoolName,omitempty"`
}

// ListIdentityPoolsOutput is the output of ListIdentityPools.
type ListIdentityPoolsOutput struct {
	IdentityPools []IdentityPoolShortDescription `json:"IdentityPools"`
	NextToken     string                         `json:"NextToken,omitempty"`
}

// TagResourceInput is the input of TagResource.
type TagResourceInput struct {
	ResourceArn string            `json:"ResourceArn"`
	Tags        map[string]string `json:"Tags"`
}

// TagResourceOutput is the (empty) output of TagResource.
type TagResourceOutput struct{}

// UntagResourceInput is the input of UntagResource.
type UntagResourceInput struct {
	ResourceArn string   `json:"ResourceArn"`
	TagKeys     []string `json:"TagKeys"`
}

// UntagResourceOutput is the (empty) output of UntagResource.
type UntagResourceOutput struct{}

// ListTagsForResourceInput is the input of ListTagsForResource.
type ListTagsForResourceInput struct {
	ResourceArn string `json:"ResourceArn"`
}

// ListTagsForResourceOutput is the output of ListTagsForResource.
type ListTagsForResourceOutput struct {
	Tags map[string]string `json:"Tags"`
}

// MappingRule is one rule of a Rules role mapping.
type MappingRule struct {
	Claim     string `json:"Claim"`
	MatchType string `json:"MatchType"`
	Value     string `json:"Value"`
	RoleARN   string `json:"RoleARN"`
}

// RulesConfiguration holds the rules of a Rules role mapping.
type RulesConfiguration struct {
	Rules []MappingRule `json:"Rules"`
}

// RoleMapping is how GetCredentialsForIdentity picks a role for one provider.
type RoleMapping struct {
	Type                    string              `json:"Type"`
	AmbiguousRoleResolution string              `json:"AmbiguousRoleResolution,omitempty"`
	RulesConfiguration      *RulesConfiguration `json:"RulesConfiguration,omitempty"`
}

// SetIdentityPoolRolesInput is the input of SetIdentityPoolRoles.
type SetIdentityPoolRolesInput struct {
	IdentityPoolId string                 `json:"IdentityPoolId"`
	Roles          map[string]string      `json:"Roles"`
	RoleMappings   map[string]RoleMapping `json:"RoleMappings,omitempty"`
}

// SetIdentityPoolRolesOutput is empty: the operation has no output.
type SetIdentityPoolRolesOutput struct{}

// GetIdentityPoolRolesInput is the input of GetIdentityPoolRoles.
type GetIdentityPoolRolesInput struct {
	IdentityPoolId string `json:"IdentityPoolId"`
}

// GetIdentityPoolRolesOutput is the output of GetIdentityPoolRoles.
type GetIdentityPoolRolesOutput struct {
	IdentityPoolId string                 `json:"IdentityPoolId"`
	Roles          map[string]string      `json:"Roles,omitempty"`
	RoleMappings   map[string]RoleMapping `json:"RoleMappings,omitempty"`
}

// SetPrincipalTagAttributeMapInput is the input of SetPrincipalTagAttributeMap.
type SetPrincipalTagAttributeMapInput struct {
	IdentityPoolId       string            `json:"IdentityPoolId"`
	IdentityProviderName string            `json:"IdentityProviderName"`
	UseDefaults          *bool             `json:"UseDefaults,omitempty"`
	PrincipalTags        map[string]string `json:"PrincipalTags,omitempty"`
}

// SetPrincipalTagAttributeMapOutput is the output of SetPrincipalTagAttributeMap.
type SetPrincipalTagAttributeMapOutput struct {
	IdentityPoolId       string            `json:"IdentityPoolId"`
	IdentityProviderName string            `json:"IdentityProviderName"`
	UseDefaults          *bool             `json:"UseDefaults,omitempty"`
	PrincipalTags        map[string]string `json:"PrincipalTags,omitempty"`
}

// GetPrincipalTagAttributeMapInput is the input of GetPrincipalTagAttributeMap.
type GetPrincipalTagAttributeMapInput struct {
	IdentityPoolId       string `json:"IdentityPoolId"`
	IdentityProviderName string `json:"IdentityProviderName"`
}

// GetPrincipalTagAttributeMapOutput is the output of
// GetPrincipalTagAttributeMap. UseDefaults and PrincipalTags are omitted for
// a provider that has no map.
type GetPrincipalTagAttributeMapOutput = SetPrincipalTagAttributeMapOutput

// GetIdInput is the input of GetId.
type GetIdInput struct {
	AccountId      string            `json:"AccountId,omitempty"`
	IdentityPoolId string            `json:"IdentityPoolId"`
	Logins         map[string]string `json:"Logins,omitempty"`
}

// GetIdOutput is the output of GetId.
type GetIdOutput struct {
	IdentityId string `json:"IdentityId"`
}

// GetOpenIdTokenInput is the input of GetOpenIdToken.
type GetOpenIdTokenInput struct {
	IdentityId string            `json:"IdentityId"`
	Logins     map[string]string `json:"Logins,omitempty"`
}

// GetOpenIdTokenOutput is the output of GetOpenIdToken. IdentityId may
// differ from the input's after a merge.
type GetOpenIdTokenOutput struct {
	IdentityId string `json:"IdentityId"`
	Token      string `json:"Token"`
}

// GetOpenIdTokenForDeveloperIdentityInput is the input of
// GetOpenIdTokenForDeveloperIdentity. TokenDuration is in seconds; zero
// means the default.
type GetOpenIdTokenForDeveloperIdentityInput struct {
	IdentityPoolId string            `json:"IdentityPoolId"`
	IdentityId     string            `json:"IdentityId,omitempty"`
	Logins         map[string]string `json:"Logins"`
	PrincipalTags  map[string]string `json:"PrincipalTags,omitempty"`
	TokenDuration  int64             `json:"TokenDuration,omitempty"`
}

// GetOpenIdTokenForDeveloperIdentityOutput is the output of
// GetOpenIdTokenForDeveloperIdentity.
type GetOpenIdTokenForDeveloperIdentityOutput struct {
	IdentityId string `json:"IdentityId"`
	Token      string `json:"Token"`
}

// GetCredentialsForIdentityInput is the input of GetCredentialsForIdentity.
type GetCredentialsForIdentityInput struct {
	IdentityId    string            `json:"IdentityId"`
	Logins        map[string]string `json:"Logins,omitempty"`
	CustomRoleArn string            `json:"CustomRoleArn,omitempty"`
}

// CredentialsOutput is the model's Credentials structure. Note SecretKey,
// not STS's SecretAccessKey.
type CredentialsOutput struct {
	AccessKeyId  string        `json:"AccessKeyId"`
	SecretKey    string        `json:"SecretKey"`
	SessionToken string        `json:"SessionToken"`
	Expiration   protocol.Time `json:"Expiration"`
}

// GetCredentialsForIdentityOutput is the output of GetCredentialsForIdentity.
type GetCredentialsForIdentityOutput struct {
	IdentityId  string            `json:"IdentityId"`
	Credentials CredentialsOutput `json:"Credentials"`
}

// UnlinkIdentityInput is the input of UnlinkIdentity.
type UnlinkIdentityInput struct {
	IdentityId     string            `json:"IdentityId"`
	Logins         map[string]string `json:"Logins"`
	LoginsToRemove []string          `json:"LoginsToRemove"`
}

// UnlinkIdentityOutput is empty: the operation has no output.
type UnlinkIdentityOutput struct{}

// DescribeIdentityInput is the input of DescribeIdentity.
type DescribeIdentityInput struct {
	IdentityId string `json:"IdentityId"`
}

// IdentityDescription describes one identity. Logins holds provider names
// only, never tokens or user ids; it is omitted for guests.
type IdentityDescription struct {
	IdentityId       string        `json:"IdentityId"`
	Logins           []string      `json:"Logins,omitempty"`
	CreationDate     protocol.Time `json:"CreationDate"`
	LastModifiedDate protocol.Time `json:"LastModifiedDate"`
}

// DescribeIdentityOutput is the output of DescribeIdentity.
type DescribeIdentityOutput = IdentityDescription

// ListIdentitiesInput is the input of ListIdentities.
type ListIdentitiesInput struct {
	IdentityPoolId string `json:"IdentityPoolId"`
	MaxResults     int    `json:"MaxResults"`
	NextToken      string `json:"NextToken,omitempty"`
	HideDisabled   bool   `json:"HideDisabled,omitempty"`
}

// ListIdentitiesOutput is the output of ListIdentities.
type ListIdentitiesOutput struct {
	IdentityPoolId string                `json:"IdentityPoolId"`
	Identities     []IdentityDescription `json:"Identities"`
	NextToken      string                `json:"NextToken,omitempty"`
}

// DeleteIdentitiesInput is the input of DeleteIdentities.
type DeleteIdentitiesInput struct {
	IdentityIdsToDelete []string `json:"IdentityIdsToDelete"`
}

// UnprocessedIdentityId is an identity DeleteIdentities could not delete.
type UnprocessedIdentityId struct {
	IdentityId string `json:"IdentityId,omitempty"`
	ErrorCode  string `json:"ErrorCode,omitempty"`
}

// DeleteIdentitiesOutput is the output of DeleteIdentities; the list is
// empty, never absent, when every identity was deleted.
type DeleteIdentitiesOutput struct {
	UnprocessedIdentityIds []UnprocessedIdentityId `json:"UnprocessedIdentityIds"`
}

// LookupDeveloperIdentityInput is the input of LookupDeveloperIdentity.
type LookupDeveloperIdentityInput struct {
	IdentityPoolId          string `json:"IdentityPoolId"`
	IdentityId              string `json:"IdentityId,omitempty"`
	DeveloperUserIdentifier string `json:"DeveloperUserIdentifier,omitempty"`
	MaxResults              int    `json:"MaxResults,omitempty"`
	NextToken               string `json:"NextToken,omitempty"`
}

// LookupDeveloperIdentityOutput is the output of LookupDeveloperIdentity.
type LookupDeveloperIdentityOutput struct {
	IdentityId                  string   `json:"IdentityId"`
	DeveloperUserIdentifierList []string `json:"DeveloperUserIdentifierList"`
	NextToken                   string   `json:"NextToken,omitempty"`
}

// MergeDeveloperIdentitiesInput is the input of MergeDeveloperIdentities.
type MergeDeveloperIdentitiesInput struct {
	SourceUserIdentifier      string `json:"SourceUserIdentifier"`
	DestinationUserIdentifier string `json:"DestinationUserIdentifier"`
	DeveloperProviderName     string `json:"DeveloperProviderName"`
	IdentityPoolId            string `json:"IdentityPoolId"`
}

// MergeDeveloperIdentitiesOutput is the output of MergeDeveloperIdentities.
type MergeDeveloperIdentitiesOutput struct {
	IdentityId string `json:"IdentityId"`
}

// UnlinkDeveloperIdentityInput is the input of UnlinkDeveloperIdentity.
type UnlinkDeveloperIdentityInput struct {
	IdentityId              string `json:"IdentityId"`
	IdentityPoolId          string `json:"IdentityPoolId"`
	DeveloperProviderName   string `json:"DeveloperProviderName"`
	DeveloperUserIdentifier string `json:"DeveloperUserIdentifier"`
}

// UnlinkDeveloperIdentityOutput is empty: the operation has no output.
type UnlinkDeveloperIdentityOutput struct{}
