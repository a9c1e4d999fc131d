package sts

import "github.com/idpool/idpool/protocol"

// Inputs and outputs of the STS model. Field names are the model's member
// names, which is how the query codec decodes and encodes them; member
// order in outputs is the order AWS writes them.

// PolicyDescriptor is a managed session policy (member "arn").
type PolicyDescriptor struct {
	ARN string `json:"arn"`
}

// Tag is a session tag.
type Tag struct {
	Key   string
	Value string
}

// ProvidedContext is a context assertion of a trusted context provider.
type ProvidedContext struct {
	ProviderArn      string
	ContextAssertion string
}

// Credentials are temporary security credentials.
type Credentials struct {
	AccessKeyId     string
	SecretAccessKey string
	SessionToken    string
	Expiration      protocol.Time
}

// AssumedRoleUser names the assumed-role session.
type AssumedRoleUser struct {
	AssumedRoleId string
	Arn           string
}

// AssumeRoleWithWebIdentityInput is the model's AssumeRoleWithWebIdentityRequest.
type AssumeRoleWithWebIdentityInput struct {
	RoleArn          string
	RoleSessionName  string
	WebIdentityToken string
	ProviderId       *string
	PolicyArns       []PolicyDescriptor
	Policy           *string
	DurationSeconds  *int32
}

// AssumeRoleWithWebIdentityOutput is the model's AssumeRoleWithWebIdentityResponse.
type AssumeRoleWithWebIdentityOutput struct {
	SubjectFromWebIdentityToken string
	Audience                    string
	AssumedRoleUser             *AssumedRoleUser
	Credentials                 *Credentials
	PackedPolicySize            *int32 `xml:",omitempty"`
	Provider                    string
	SourceIdentity              *string `xml:",omitempty"`
}

// AssumeRoleInput is the model's AssumeRoleRequest.
type AssumeRoleInput struct {
	RoleArn           string
	RoleSessionName   string
	PolicyArns        []PolicyDescriptor
	Policy            *string
	DurationSeconds   *int32
	Tags              []Tag
	TransitiveTagKeys []string
	ExternalId        *string
	SerialNumber      *string
	TokenCode         *string
	SourceIdentity    *string
	ProvidedContexts  []ProvidedContext
}

// AssumeRoleOutput is the model's AssumeRoleResponse.
type AssumeRoleOutput struct {
	AssumedRoleUser  *AssumedRoleUser
	Credentials      *Credentials
	PackedPolicySize *int32  `xml:",omitempty"`
	SourceIdentity   *string `xml:",omitempty"`
}

// GetCallerIdentityInput is the model's GetCallerIdentityRequest (empty).
type GetCallerIdentityInput struct{}

// GetCallerIdentityOutput is the model's GetCallerIdentityResponse.
type GetCallerIdentityOutput struct {
	Arn     string
	UserId  string
	Account string
}

// GetSessionTokenInput is the model's GetSessionTokenRequest.
type GetSessionTokenInput struct {
	DurationSeconds *int32
	SerialNumber    *string
	TokenCode       *string
}

// GetSessionTokenOutput is the model's GetSessionTokenResponse.
type GetSessionTokenOutput struct {
	Credentials *Credentials
}

// GetFederationTokenInput is the model's GetFederationTokenRequest.
type GetFederationTokenInput struct {
	Name            string
	Policy          *string
	PolicyArns      []PolicyDescriptor
	DurationSeconds *int32
	Tags            []Tag
}

// FederatedUser names a federated user's session.
type FederatedUser struct {
	FederatedUserId string
	Arn             string
}

// GetFederationTokenOutput is the model's GetFederationTokenResponse.
// PackedPolicySize is always written: AWS answers 0 for a request without
// session policies or tags (localstack/localstack
// tests/aws/services/sts/test_sts.snapshot.json, test_get_federation_token,
// recorded against AWS).
type GetFederationTokenOutput struct {
	Credentials      *Credentials
	FederatedUser    *FederatedUser
	PackedPolicySize int32
}

// DecodeAuthorizationMessageInput is the model's DecodeAuthorizationMessageRequest.
type DecodeAuthorizationMessageInput struct {
	EncodedMessage string
}

// DecodeAuthorizationMessageOutput is the model's DecodeAuthorizationMessageResponse.
type DecodeAuthorizationMessageOutput struct {
	DecodedMessage string
}
