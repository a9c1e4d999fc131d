package iam

import (
	"encoding/xml"

	"github.com/idpool/idpool/protocol"
)

// Inputs and outputs of the IAM model. Field names are the model's member
// names, which is how the query codec decodes and encodes them; member
// order in outputs is the order IAM writes them.

// Tag is an IAM tag.
type Tag struct {
	Key   string
	Value string
}

// TagList is an entity's tags in an answer: <Tags><member>…</member>…</Tags>
// when it is not nil, even empty (GetPolicy and GetOpenIDConnectProvider
// answer an empty list), and nothing at all when it is nil, as AWS leaves
// Tags out of CreateRole, GetRole, CreatePolicy, CreateUser, GetUser and
// CreateOpenIDConnectProvider for an entity without tags, and out of
// ListRoles, ListPolicies and ListUsers always
// (test_iam_roles.snapshot.json, test_iam_policies.snapshot.json). A
// field tagged `xml:"Tags>member,omitempty"` cannot say so: encoding/xml
// writes the <Tags> parent of an empty list.
type TagList []Tag

// MarshalXML writes the list as start, with a member per tag, or nothing
// for a nil list.
func (l TagList) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if l == nil {
		return nil
	}
	return e.EncodeElement(struct {
		Member []Tag `xml:"member"`
	}{l}, start)
}

// Role is the model's Role.
type Role struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               protocol.Time
	AssumeRolePolicyDocument string  `xml:",omitempty"`
	Description              *string `xml:",omitempty"`
	MaxSessionDuration       *int32  `xml:",omitempty"`
	// PermissionsBoundary is set when the role has a boundary; ListRoles
	// leaves it out, as IAM does.
	PermissionsBoundary *AttachedPermissionsBoundary `xml:",omitempty"`
	Tags                TagList
	// RoleLastUsed is set by GetRole alone, always: empty for a role
	// never used. ListRoles and CreateRole leave it out, as IAM does.
	RoleLastUsed *RoleLastUsed `xml:",omitempty"`
}

// RoleLastUsed is the model's RoleLastUsed: when and in which region a
// session of the role was last issued.
type RoleLastUsed struct {
	LastUsedDate *protocol.Time `xml:",omitempty"`
	Region       *string        `xml:",omitempty"`
}

// AttachedPermissionsBoundary is the model's AttachedPermissionsBoundary.
type AttachedPermissionsBoundary struct {
	PermissionsBoundaryType string // always BoundaryPolicy
	PermissionsBoundaryArn  string
}

// BoundaryPolicy is the one PermissionsBoundaryType: a managed policy is
// the boundary. AWS answers "Policy" (test_iam_roles.snapshot.json,
// test_role_permissions_boundary_lifecycle), not the
// "PermissionsBoundaryPolicy" of the model's
// PermissionsBoundaryAttachmentType, which is wrong
// (awsdocs/iam-user-guide#82).
const BoundaryPolicy = "Policy"

type CreateRoleInput struct {
	Path                     *string
	RoleName                 string
	AssumeRolePolicyDocument string
	Description              *string
	MaxSessionDuration       *int32
	PermissionsBoundary      *string
	Tags                     []Tag
}

type CreateRoleOutput struct{ Role Role }

type GetRoleInput struct{ RoleName string }

type GetRoleOutput struct{ Role Role }

type ListRolesInput struct {
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

type ListRolesOutput struct {
	Roles       []Role `xml:"Roles>member"`
	IsTruncated bool
	Marker      *string `xml:",omitempty"`
}

type DeleteRoleInput struct{ RoleName string }

type UpdateRoleInput struct {
	RoleName           string
	Description        *string
	MaxSessionDuration *int32
}

// UpdateRoleDescriptionInput is the model's UpdateRoleDescriptionRequest:
// both members are required, so the codec refuses a request without
// them before the service runs.
type UpdateRoleDescriptionInput struct {
	RoleName    string
	Description string
}

type UpdateRoleDescriptionOutput struct{ Role Role }

// PutRolePermissionsBoundaryInput is the model's
// PutRolePermissionsBoundaryRequest.
type PutRolePermissionsBoundaryInput struct {
	RoleName            string
	PermissionsBoundary string
}

// DeleteRolePermissionsBoundaryInput is the model's
// DeleteRolePermissionsBoundaryRequest.
type DeleteRolePermissionsBoundaryInput struct{ RoleName string }

type UpdateAssumeRolePolicyInput struct {
	RoleName       string
	PolicyDocument string
}

type TagRoleInput struct {
	RoleName string
	Tags     []Tag
}

type UntagRoleInput struct {
	RoleName string
	TagKeys  []string
}

type ListRoleTagsInput struct {
	RoleName string
	Marker   *string
	MaxItems *int32
}

type ListRoleTagsOutput = ListTagsOutput

type PutRolePolicyInput struct {
	RoleName       string
	PolicyName     string
	PolicyDocument string
}

type GetRolePolicyInput struct {
	RoleName   string
	PolicyName string
}

type GetRolePolicyOutput struct {
	RoleName       string
	PolicyName     string
	PolicyDocument string
}

type ListRolePoliciesInput struct {
	RoleName string
	Marker   *string
	MaxItems *int32
}

type ListRolePoliciesOutput struct {
	PolicyNames []string `xml:"PolicyNames>member"`
	IsTruncated bool
	Marker      *string `xml:",omitempty"`
}

type DeleteRolePolicyInput struct {
	RoleName   string
	PolicyName string
}

// Policy is the model's Policy.
type Policy struct {
	PolicyName                    string
	PolicyId                      string
	Arn                           string
	Path                          string
	DefaultVersionId              string
	AttachmentCount               int32
	PermissionsBoundaryUsageCount int32
	IsAttachable                  bool
	Description                   *string `xml:",omitempty"`
	CreateDate                    protocol.Time
	UpdateDate                    protocol.Time
	Tags                          TagList
}

// PolicyVersion is the model's PolicyVersion.
type PolicyVersion struct {
	Document         string `xml:",omitempty"`
	VersionId        string
	IsDefaultVersion bool
	CreateDate       protocol.Time
}

type CreatePolicyInput struct {
	PolicyName     string
	Path           *string
	PolicyDocument string
	Description    *string
	Tags           []Tag
}

type CreatePolicyOutput struct{ Policy Policy }

type GetPolicyInput struct{ PolicyArn string }

type GetPolicyOutput struct{ Policy Policy }

type GetPolicyVersionInput struct {
	PolicyArn string
	VersionId string
}

type GetPolicyVersionOutput struct{ PolicyVersion PolicyVersion }

type CreatePolicyVersionInput struct {
	PolicyArn      string
	PolicyDocument string
	SetAsDefault   *bool
}

type CreatePolicyVersionOutput struct{ PolicyVersion PolicyVersion }

type ListPolicyVersionsInput struct {
	PolicyArn string
	Marker    *string
	MaxItems  *int32
}

type ListPolicyVersionsOutput struct {
	Versions    []PolicyVersion `xml:"Versions>member"`
	IsTruncated bool
	Marker      *string `xml:",omitempty"`
}

// PolicyVersionInput names one version of a managed policy:
// DeletePolicyVersion's and SetDefaultPolicyVersion's input.
type PolicyVersionInput struct {
	PolicyArn string
	VersionId string
}

type ListPoliciesInput struct {
	Scope             *string
	OnlyAttached      *bool
	PathPrefix        *string
	PolicyUsageFilter *string
	Marker            *string
	MaxItems          *int32
}

type ListPoliciesOutput struct {
	Policies    []Policy `xml:"Policies>member"`
	IsTruncated bool
	Marker      *string `xml:",omitempty"`
}

type DeletePolicyInput struct{ PolicyArn string }

type AttachRolePolicyInput struct {
	RoleName  string
	PolicyArn string
}

type DetachRolePolicyInput = AttachRolePolicyInput

// AttachedPolicy is the model's AttachedPolicy.
type AttachedPolicy struct {
	PolicyName string
	PolicyArn  string
}

type ListAttachedRolePoliciesInput struct {
	RoleName   string
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

type ListAttachedRolePoliciesOutput struct {
	AttachedPolicies []AttachedPolicy `xml:"AttachedPolicies>member"`
	IsTruncated      bool
	Marker           *string `xml:",omitempty"`
}

type CreateOpenIDConnectProviderInput struct {
	Url            string
	ClientIDList   []string
	ThumbprintList []string
	Tags           []Tag
}

type CreateOpenIDConnectProviderOutput struct {
	OpenIDConnectProviderArn string
	Tags                     TagList
}

type ProviderInput struct{ OpenIDConnectProviderArn string }

type GetOpenIDConnectProviderOutput struct {
	Url            string
	ClientIDList   []string `xml:"ClientIDList>member"`
	ThumbprintList []string `xml:"ThumbprintList>member"`
	CreateDate     protocol.Time
	Tags           TagList
}

type ListOpenIDConnectProvidersInput struct{}

// ProviderEntry is the model's OpenIDConnectProviderListEntry.
type ProviderEntry struct{ Arn string }

type ListOpenIDConnectProvidersOutput struct {
	OpenIDConnectProviderList []ProviderEntry `xml:"OpenIDConnectProviderList>member"`
}

type ClientIDInput struct {
	OpenIDConnectProviderArn string
	ClientID                 string
}

type UpdateThumbprintInput struct {
	OpenIDConnectProviderArn string
	ThumbprintList           []string
}

// User is the model's User. The account's root, as GetUser answers it,
// has neither path nor name.
type User struct {
	Path       string `xml:",omitempty"`
	UserName   string `xml:",omitempty"`
	UserId     string
	Arn        string
	CreateDate protocol.Time
	// PermissionsBoundary is set when the user has a boundary; ListUsers
	// leaves it out.
	PermissionsBoundary *AttachedPermissionsBoundary `xml:",omitempty"`
	Tags                TagList
}

type ListUsersInput struct {
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

type ListUsersOutput struct {
	Users       []User `xml:"Users>member"`
	IsTruncated bool
	Marker      *string `xml:",omitempty"`
}

type CreateUserInput struct {
	Path                *string
	UserName            string
	PermissionsBoundary *string
	Tags                []Tag
}

type CreateUserOutput struct{ User User }

type GetUserInput struct{ UserName *string }

type GetUserOutput struct{ User User }

type DeleteUserInput struct{ UserName string }

// AccessKey is the model's AccessKey.
type AccessKey struct {
	UserName        string
	AccessKeyId     string
	Status          string
	SecretAccessKey string
	CreateDate      protocol.Time
}

type CreateAccessKeyInput struct{ UserName *string }

type CreateAccessKeyOutput struct{ AccessKey AccessKey }

type DeleteAccessKeyInput struct {
	UserName    *string
	AccessKeyId string
}

type ListAccessKeysInput struct {
	UserName *string
	Marker   *string
	MaxItems *int32
}

// AccessKeyMetadata is the model's AccessKeyMetadata.
type AccessKeyMetadata struct {
	UserName    string
	AccessKeyId string
	Status      string
	CreateDate  protocol.Time
}

type ListAccessKeysOutput struct {
	AccessKeyMetadata []AccessKeyMetadata `xml:"AccessKeyMetadata>member"`
	IsTruncated       bool
	Marker            *string `xml:",omitempty"`
}

// Empty is the output of the operations that answer nothing but metadata.
type Empty struct{}

// ListTagsOutput is the output of the operations that list an entity's
// tags (ListRoleTags, ListOpenIDConnectProviderTags, ListPolicyTags), which the model
// shapes alike.
type ListTagsOutput struct {
	Tags        []Tag `xml:"Tags>member"`
	IsTruncated bool
	Marker      *string `xml:",omitempty"`
}

type TagProviderInput struct {
	OpenIDConnectProviderArn string
	Tags                     []Tag
}

type UntagProviderInput struct {
	OpenIDConnectProviderArn string
	TagKeys                  []string
}

type ListProviderTagsInput struct {
	OpenIDConnectProviderArn string
	Marker                   *string
	MaxItems                 *int32
}

type TagPolicyInput struct {
	PolicyArn string
	Tags      []Tag
}

type UntagPolicyInput struct {
	PolicyArn string
	TagKeys   []string
}

type ListPolicyTagsInput struct {
	PolicyArn string
	Marker    *string
	MaxItems  *int32
}

type TagMFADeviceInput struct {
	SerialNumber string
	Tags         []Tag
}

type UntagMFADeviceInput struct {
	SerialNumber string
	TagKeys      []string
}

type ListMFADeviceTagsInput struct {
	SerialNumber string
	Marker       *string
	MaxItems     *int32
}

// ListInstanceProfilesForRoleInput is the model's
// ListInstanceProfilesForRoleRequest.
type ListInstanceProfilesForRoleInput struct {
	RoleName string
	Marker   *string
	MaxItems *int32
}

// InstanceProfile is the model's InstanceProfile, of which idpool holds
// none: ListInstanceProfilesForRole always answers an empty list of them.
type InstanceProfile struct{}

type ListInstanceProfilesForRoleOutput struct {
	InstanceProfiles []InstanceProfile `xml:"InstanceProfiles>member"`
	IsTruncated      bool
	Marker           *string `xml:",omitempty"`
}

// ListEntitiesForPolicyInput is the model's ListEntitiesForPolicyRequest.
type ListEntitiesForPolicyInput struct {
	PolicyArn         string
	EntityFilter      *string
	PathPrefix        *string
	PolicyUsageFilter *string
	Marker            *string
	MaxItems          *int32
}

// PolicyGroup is the model's PolicyGroup.
type PolicyGroup struct {
	GroupName string
	GroupId   string
}

// PolicyUser is the model's PolicyUser.
type PolicyUser struct {
	UserName string
	UserId   string
}

// PolicyRole is the model's PolicyRole.
type PolicyRole struct {
	RoleName string
	RoleId   string
}

type ListEntitiesForPolicyOutput struct {
	PolicyGroups []PolicyGroup `xml:"PolicyGroups>member"`
	PolicyUsers  []PolicyUser  `xml:"PolicyUsers>member"`
	PolicyRoles  []PolicyRole  `xml:"PolicyRoles>member"`
	IsTruncated  bool
	Marker       *string `xml:",omitempty"`
}

type PutUserPolicyInput struct {
	UserName       string
	PolicyName     string
	PolicyDocument string
}

type UserPolicyInput struct {
	UserName   string
	PolicyName string
}

// GetUserPolicyInput and DeleteUserPolicyInput are the model's
// GetUserPolicyRequest and DeleteUserPolicyRequest, which are alike.
type (
	GetUserPolicyInput    = UserPolicyInput
	DeleteUserPolicyInput = UserPolicyInput
)

type GetUserPolicyOutput struct {
	UserName       string
	PolicyName     string
	PolicyDocument string
}

type ListUserPoliciesInput struct {
	UserName string
	Marker   *string
	MaxItems *int32
}

type ListUserPoliciesOutput = ListRolePoliciesOutput

// ListGroupsForUserInput is the model's ListGroupsForUserRequest, shaped
// as ListUserPoliciesRequest.
type ListGroupsForUserInput = ListUserPoliciesInput

// CredentialListInput is the input of the operations that list a user's
// other credentials, which the model shapes alike:
// ListSigningCertificates, ListMFADevices and ListSSHPublicKeys. Without
// UserName they list the caller's own.
type CredentialListInput struct {
	UserName *string
	Marker   *string
	MaxItems *int32
}

type AttachUserPolicyInput struct {
	UserName  string
	PolicyArn string
}

type DetachUserPolicyInput = AttachUserPolicyInput

type ListAttachedUserPoliciesInput struct {
	UserName   string
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

type ListAttachedUserPoliciesOutput = ListAttachedRolePoliciesOutput

// Group is the model's Group.
type Group struct {
	Path       string
	GroupName  string
	GroupId    string
	Arn        string
	CreateDate protocol.Time
}

// ListGroupsInput is the model's ListGroupsRequest.
type ListGroupsInput struct {
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

// ListGroupsOutput is the answer of ListGroups and of ListGroupsForUser,
// which the model shapes alike.
type ListGroupsOutput = ListGroupsForUserOutput

type ListGroupsForUserOutput struct {
	Groups      []Group `xml:"Groups>member"`
	IsTruncated bool
	Marker      *string `xml:",omitempty"`
}

// SigningCertificate, SSHPublicKeyMetadata and
// ServiceSpecificCredentialMetadata are the model's shapes of a user's
// other credentials, of which idpool holds none: the operations that list
// them answer empty lists.
type (
	SigningCertificate                struct{}
	SSHPublicKeyMetadata              struct{}
	ServiceSpecificCredentialMetadata struct{}
)

type ListSigningCertificatesOutput struct {
	Certificates []SigningCertificate `xml:"Certificates>member"`
	IsTruncated  bool
	Marker       *string `xml:",omitempty"`
}

type ListMFADevicesOutput struct {
	MFADevices  []MFADevice `xml:"MFADevices>member"`
	IsTruncated bool
	Marker      *string `xml:",omitempty"`
}

// ListVirtualMFADevicesInput is the model's ListVirtualMFADevicesRequest.
type ListVirtualMFADevicesInput struct {
	AssignmentStatus *string
	Marker           *string
	MaxItems         *int32
}

// MFADevice is the model's MFADevice: a device assigned to a user.
type MFADevice struct {
	UserName     string
	SerialNumber string
	EnableDate   protocol.Time
}

// VirtualMFADevice is the model's VirtualMFADevice. Base32StringSeed and
// QRCodePNG are blobs, base64 on the wire, which CreateVirtualMFADevice
// alone answers; User and EnableDate are an assigned device's.
type VirtualMFADevice struct {
	SerialNumber     string
	Base32StringSeed string         `xml:",omitempty"`
	QRCodePNG        string         `xml:",omitempty"`
	User             *User          `xml:",omitempty"`
	EnableDate       *protocol.Time `xml:",omitempty"`
	Tags             TagList
}

// CreateVirtualMFADeviceInput is the model's CreateVirtualMFADeviceRequest.
type CreateVirtualMFADeviceInput struct {
	Path                 *string
	VirtualMFADeviceName string
	Tags                 []Tag
}

type CreateVirtualMFADeviceOutput struct{ VirtualMFADevice VirtualMFADevice }

// EnableMFADeviceInput is the model's EnableMFADeviceRequest, and
// ResyncMFADeviceInput its ResyncMFADeviceRequest, shaped alike.
type EnableMFADeviceInput struct {
	UserName            string
	SerialNumber        string
	AuthenticationCode1 string
	AuthenticationCode2 string
}

type ResyncMFADeviceInput = EnableMFADeviceInput

// DeactivateMFADeviceInput is the model's DeactivateMFADeviceRequest:
// without UserName, the caller's own device.
type DeactivateMFADeviceInput struct {
	UserName     *string
	SerialNumber string
}

type DeleteVirtualMFADeviceInput struct{ SerialNumber string }

type GetMFADeviceInput struct {
	SerialNumber string
	UserName     *string
}

// GetMFADeviceOutput is the model's GetMFADeviceResponse; idpool holds no
// FIDO keys, so no Certifications.
type GetMFADeviceOutput struct {
	UserName     *string `xml:",omitempty"`
	SerialNumber string
	EnableDate   *protocol.Time `xml:",omitempty"`
}

type ListVirtualMFADevicesOutput struct {
	VirtualMFADevices []VirtualMFADevice `xml:"VirtualMFADevices>member"`
	IsTruncated       bool
	Marker            *string `xml:",omitempty"`
}

type ListSSHPublicKeysOutput struct {
	SSHPublicKeys []SSHPublicKeyMetadata `xml:"SSHPublicKeys>member"`
	IsTruncated   bool
	Marker        *string `xml:",omitempty"`
}

// ListServiceSpecificCredentialsInput is the model's
// ListServiceSpecificCredentialsRequest.
type ListServiceSpecificCredentialsInput struct {
	UserName    *string
	ServiceName *string
	AllUsers    *bool
	Marker      *string
	MaxItems    *int32
}

type ListServiceSpecificCredentialsOutput struct {
	ServiceSpecificCredentials []ServiceSpecificCredentialMetadata `xml:"ServiceSpecificCredentials>member"`
	IsTruncated                bool
	Marker                     *string `xml:",omitempty"`
}

// GetLoginProfileInput is the model's GetLoginProfileRequest, and
// DeleteLoginProfileRequest, which is alike.
type GetLoginProfileInput struct{ UserName *string }

type DeleteLoginProfileInput = GetLoginProfileInput

// TagUserInput, UntagUserInput and ListUserTagsInput are the model's
// TagUserRequest, UntagUserRequest and ListUserTagsRequest, shaped as a
// role's.
type (
	TagUserInput struct {
		UserName string
		Tags     []Tag
	}
	UntagUserInput struct {
		UserName string
		TagKeys  []string
	}
	ListUserTagsInput struct {
		UserName string
		Marker   *string
		MaxItems *int32
	}
)

// PutUserPermissionsBoundaryInput is the model's
// PutUserPermissionsBoundaryRequest.
type PutUserPermissionsBoundaryInput struct {
	UserName            string
	PermissionsBoundary string
}

// DeleteUserPermissionsBoundaryInput is the model's
// DeleteUserPermissionsBoundaryRequest.
type DeleteUserPermissionsBoundaryInput struct{ UserName string }

// UpdateAccessKeyInput is the model's UpdateAccessKeyRequest.
type UpdateAccessKeyInput struct {
	UserName    *string
	AccessKeyId string
	Status      string
}

// GetAccessKeyLastUsedInput is the model's GetAccessKeyLastUsedRequest.
type GetAccessKeyLastUsedInput struct{ AccessKeyId string }

// AccessKeyLastUsed is the model's AccessKeyLastUsed.
type AccessKeyLastUsed struct {
	LastUsedDate *protocol.Time `xml:",omitempty"`
	ServiceName  string
	Region       string
}

type GetAccessKeyLastUsedOutput struct {
	UserName          string
	AccessKeyLastUsed AccessKeyLastUsed
}

// UpdateUserInput is the model's UpdateUserRequest.
type UpdateUserInput struct {
	UserName    string
	NewPath     *string
	NewUserName *string
}
