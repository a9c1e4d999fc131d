package iam

// Inputs and outputs of the group operations (see types.go).

type CreateGroupInput struct {
	Path      *string
	GroupName string
}

type CreateGroupOutput struct{ Group Group }

type GetGroupInput struct {
	GroupName string
	Marker    *string
	MaxItems  *int32
}

type GetGroupOutput struct {
	Group       Group
	Users       []User `xml:"Users>member"`
	IsTruncated bool
	Marker      *string `xml:",omitempty"`
}

type UpdateGroupInput struct {
	GroupName    string
	NewPath      *string
	NewGroupName *string
}

type DeleteGroupInput struct{ GroupName string }

// GroupUserInput is the model's AddUserToGroupRequest and
// RemoveUserFromGroupRequest, which are alike.
type GroupUserInput struct {
	GroupName string
	UserName  string
}

type PutGroupPolicyInput struct {
	GroupName      string
	PolicyName     string
	PolicyDocument string
}

// GroupPolicyInput is the model's GetGroupPolicyRequest and
// DeleteGroupPolicyRequest, which are alike.
type GroupPolicyInput struct {
	GroupName  string
	PolicyName string
}

type GetGroupPolicyOutput struct {
	GroupName      string
	PolicyName     string
	PolicyDocument string
}

type ListGroupPoliciesInput struct {
	GroupName string
	Marker    *string
	MaxItems  *int32
}

// GroupPolicyARNInput is the model's AttachGroupPolicyRequest and
// DetachGroupPolicyRequest, which are alike.
type GroupPolicyARNInput struct {
	GroupName string
	PolicyArn string
}

type ListAttachedGroupPoliciesInput struct {
	GroupName  string
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}
