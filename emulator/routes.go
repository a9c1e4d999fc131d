package emulator

import (
	"github.com/idpool/idpool/emulator/cognitosync"
	"github.com/idpool/idpool/emulator/iam"
	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/protocol/awsjson"
	"github.com/idpool/idpool/protocol/awsquery"
	"github.com/idpool/idpool/protocol/restjson"
)

// identityRoutes registers every Cognito Identity operation on the JSON
// service. It is the one place that pairs the wire codec with the service.
func identityRoutes(s *awsjson.Service, id *identity.Service) {
	s.Handle("CreateIdentityPool", awsjson.Op(id.CreateIdentityPool))
	s.Handle("DeleteIdentities", awsjson.Op(id.DeleteIdentities))
	s.Handle("DeleteIdentityPool", awsjson.Op(id.DeleteIdentityPool))
	s.Handle("DescribeIdentity", awsjson.Op(id.DescribeIdentity))
	s.Handle("DescribeIdentityPool", awsjson.Op(id.DescribeIdentityPool))
	s.Handle("GetCredentialsForIdentity", awsjson.Op(id.GetCredentialsForIdentity))
	s.Handle("GetId", awsjson.Op(id.GetId))
	s.Handle("GetIdentityPoolRoles", awsjson.Op(id.GetIdentityPoolRoles))
	s.Handle("GetOpenIdToken", awsjson.Op(id.GetOpenIdToken))
	s.Handle("GetOpenIdTokenForDeveloperIdentity", awsjson.Op(id.GetOpenIdTokenForDeveloperIdentity))
	s.Handle("GetPrincipalTagAttributeMap", awsjson.Op(id.GetPrincipalTagAttributeMap))
	s.Handle("ListIdentities", awsjson.Op(id.ListIdentities))
	s.Handle("ListIdentityPools", awsjson.Op(id.ListIdentityPools))
	s.Handle("ListTagsForResource", awsjson.Op(id.ListTagsForResource))
	s.Handle("LookupDeveloperIdentity", awsjson.Op(id.LookupDeveloperIdentity))
	s.Handle("MergeDeveloperIdentities", awsjson.Op(id.MergeDeveloperIdentities))
	s.Handle("SetIdentityPoolRoles", awsjson.Op(id.SetIdentityPoolRoles))
	s.Handle("SetPrincipalTagAttributeMap", awsjson.Op(id.SetPrincipalTagAttributeMap))
	s.Handle("TagResource", awsjson.Op(id.TagResource))
	s.Handle("UnlinkDeveloperIdentity", awsjson.Op(id.UnlinkDeveloperIdentity))
	s.Handle("UnlinkIdentity", awsjson.Op(id.UnlinkIdentity))
	s.Handle("UntagResource", awsjson.Op(id.UntagResource))
	s.Handle("UpdateIdentityPool", awsjson.Op(id.UpdateIdentityPool))
}

// stsRoutes registers the STS operations idpool implements; the codec
// answers any other Action with InvalidAction.
func stsRoutes(q *awsquery.Service, st *sts.Service) {
	q.Handle("AssumeRoleWithWebIdentity", awsquery.Op(st.AssumeRoleWithWebIdentity))
	q.Handle("GetCallerIdentity", awsquery.Op(st.GetCallerIdentity))
	q.Handle("AssumeRole", awsquery.Op(st.AssumeRole))
	q.Handle("GetSessionToken", awsquery.Op(st.GetSessionToken))
	q.Handle("GetAccessKeyInfo", awsquery.Op(st.GetAccessKeyInfo))
}

// iamRoutes registers the IAM operations idpool implements; the codec
// answers any other Action with InvalidAction.
func iamRoutes(q *awsquery.Service, s *iam.Service) {
	q.Handle("CreateRole", awsquery.Op(s.CreateRole))
	q.Handle("GetRole", awsquery.Op(s.GetRole))
	q.Handle("ListRoles", awsquery.Op(s.ListRoles))
	q.Handle("DeleteRole", awsquery.Op(s.DeleteRole))
	q.Handle("UpdateRole", awsquery.Op(s.UpdateRole))
	q.Handle("UpdateRoleDescription", awsquery.Op(s.UpdateRoleDescription))
	q.Handle("UpdateAssumeRolePolicy", awsquery.Op(s.UpdateAssumeRolePolicy))
	q.Handle("PutRolePermissionsBoundary", awsquery.Op(s.PutRolePermissionsBoundary))
	q.Handle("DeleteRolePermissionsBoundary", awsquery.Op(s.DeleteRolePermissionsBoundary))
	q.Handle("TagRole", awsquery.Op(s.TagRole))
	q.Handle("UntagRole", awsquery.Op(s.UntagRole))
	q.Handle("ListRoleTags", awsquery.Op(s.ListRoleTags))
	q.Handle("PutRolePolicy", awsquery.Op(s.PutRolePolicy))
	q.Handle("GetRolePolicy", awsquery.Op(s.GetRolePolicy))
	q.Handle("ListRolePolicies", awsquery.Op(s.ListRolePolicies))
	q.Handle("DeleteRolePolicy", awsquery.Op(s.DeleteRolePolicy))
	q.Handle("CreatePolicy", awsquery.Op(s.CreatePolicy))
	q.Handle("GetPolicy", awsquery.Op(s.GetPolicy))
	q.Handle("GetPolicyVersion", awsquery.Op(s.GetPolicyVersion))
	q.Handle("CreatePolicyVersion", awsquery.Op(s.CreatePolicyVersion))
	q.Handle("ListPolicyVersions", awsquery.Op(s.ListPolicyVersions))
	q.Handle("SetDefaultPolicyVersion", awsquery.Op(s.SetDefaultPolicyVersion))
	q.Handle("DeletePolicyVersion", awsquery.Op(s.DeletePolicyVersion))
	q.Handle("ListPolicies", awsquery.Op(s.ListPolicies))
	q.Handle("DeletePolicy", awsquery.Op(s.DeletePolicy))
	q.Handle("TagPolicy", awsquery.Op(s.TagPolicy))
	q.Handle("UntagPolicy", awsquery.Op(s.UntagPolicy))
	q.Handle("ListPolicyTags", awsquery.Op(s.ListPolicyTags))
	q.Handle("AttachRolePolicy", awsquery.Op(s.AttachRolePolicy))
	q.Handle("DetachRolePolicy", awsquery.Op(s.DetachRolePolicy))
	q.Handle("ListAttachedRolePolicies", awsquery.Op(s.ListAttachedRolePolicies))
	q.Handle("ListEntitiesForPolicy", awsquery.Op(s.ListEntitiesForPolicy))
	q.Handle("ListInstanceProfilesForRole", awsquery.Op(s.ListInstanceProfilesForRole))
	q.Handle("CreateOpenIDConnectProvider", awsquery.Op(s.CreateOpenIDConnectProvider))
	q.Handle("GetOpenIDConnectProvider", awsquery.Op(s.GetOpenIDConnectProvider))
	q.Handle("ListOpenIDConnectProviders", awsquery.Op(s.ListOpenIDConnectProviders))
	q.Handle("DeleteOpenIDConnectProvider", awsquery.Op(s.DeleteOpenIDConnectProvider))
	q.Handle("AddClientIDToOpenIDConnectProvider", awsquery.Op(s.AddClientIDToOpenIDConnectProvider))
	q.Handle("RemoveClientIDFromOpenIDConnectProvider", awsquery.Op(s.RemoveClientIDFromOpenIDConnectProvider))
	q.Handle("UpdateOpenIDConnectProviderThumbprint", awsquery.Op(s.UpdateOpenIDConnectProviderThumbprint))
	q.Handle("TagOpenIDConnectProvider", awsquery.Op(s.TagOpenIDConnectProvider))
	q.Handle("UntagOpenIDConnectProvider", awsquery.Op(s.UntagOpenIDConnectProvider))
	q.Handle("ListOpenIDConnectProviderTags", awsquery.Op(s.ListOpenIDConnectProviderTags))
	q.Handle("CreateUser", awsquery.Op(s.CreateUser))
	q.Handle("GetUser", awsquery.Op(s.GetUser))
	q.Handle("DeleteUser", awsquery.Op(s.DeleteUser))
	q.Handle("UpdateUser", awsquery.Op(s.UpdateUser))
	q.Handle("ListUsers", awsquery.Op(s.ListUsers))
	q.Handle("CreateAccessKey", awsquery.Op(s.CreateAccessKey))
	q.Handle("DeleteAccessKey", awsquery.Op(s.DeleteAccessKey))
	q.Handle("ListAccessKeys", awsquery.Op(s.ListAccessKeys))
	q.Handle("UpdateAccessKey", awsquery.Op(s.UpdateAccessKey))
	q.Handle("GetAccessKeyLastUsed", awsquery.Op(s.GetAccessKeyLastUsed))
	q.Handle("TagUser", awsquery.Op(s.TagUser))
	q.Handle("UntagUser", awsquery.Op(s.UntagUser))
	q.Handle("ListUserTags", awsquery.Op(s.ListUserTags))
	q.Handle("PutUserPermissionsBoundary", awsquery.Op(s.PutUserPermissionsBoundary))
	q.Handle("DeleteUserPermissionsBoundary", awsquery.Op(s.DeleteUserPermissionsBoundary))
	q.Handle("PutUserPolicy", awsquery.Op(s.PutUserPolicy))
	q.Handle("GetUserPolicy", awsquery.Op(s.GetUserPolicy))
	q.Handle("ListUserPolicies", awsquery.Op(s.ListUserPolicies))
	q.Handle("DeleteUserPolicy", awsquery.Op(s.DeleteUserPolicy))
	q.Handle("AttachUserPolicy", awsquery.Op(s.AttachUserPolicy))
	q.Handle("DetachUserPolicy", awsquery.Op(s.DetachUserPolicy))
	q.Handle("ListAttachedUserPolicies", awsquery.Op(s.ListAttachedUserPolicies))
	q.Handle("ListGroupsForUser", awsquery.Op(s.ListGroupsForUser))
	q.Handle("ListSigningCertificates", awsquery.Op(s.ListSigningCertificates))
	q.Handle("ListMFADevices", awsquery.Op(s.ListMFADevices))
	q.Handle("ListVirtualMFADevices", awsquery.Op(s.ListVirtualMFADevices))
	q.Handle("ListSSHPublicKeys", awsquery.Op(s.ListSSHPublicKeys))
	q.Handle("ListServiceSpecificCredentials", awsquery.Op(s.ListServiceSpecificCredentials))
	q.Handle("GetLoginProfile", awsquery.Op(s.GetLoginProfile))
	q.Handle("DeleteLoginProfile", awsquery.Op(s.DeleteLoginProfile))
	q.Handle("ListGroups", awsquery.Op(s.ListGroups))
	q.Handle("SimulatePrincipalPolicy", awsquery.Op(s.SimulatePrincipalPolicy))
	q.Handle("SimulateCustomPolicy", awsquery.Op(s.SimulateCustomPolicy))
	q.Handle("GetContextKeysForCustomPolicy", awsquery.Op(s.GetContextKeysForCustomPolicy))
	q.Handle("GetContextKeysForPrincipalPolicy", awsquery.Op(s.GetContextKeysForPrincipalPolicy))
}

// syncRoutes registers every Cognito Sync operation; the codec routes them
// by the model's method and URI template.
func syncRoutes(s *restjson.Service, cs *cognitosync.Service) {
	s.Handle("BulkPublish", restjson.Op(cs.BulkPublish))
	s.Handle("DeleteDataset", restjson.Op(cs.DeleteDataset))
	s.Handle("DescribeDataset", restjson.Op(cs.DescribeDataset))
	s.Handle("DescribeIdentityPoolUsage", restjson.Op(cs.DescribeIdentityPoolUsage))
	s.Handle("DescribeIdentityUsage", restjson.Op(cs.DescribeIdentityUsage))
	s.Handle("GetBulkPublishDetails", restjson.Op(cs.GetBulkPublishDetails))
	s.Handle("GetCognitoEvents", restjson.Op(cs.GetCognitoEvents))
	s.Handle("GetIdentityPoolConfiguration", restjson.Op(cs.GetIdentityPoolConfiguration))
	s.Handle("ListDatasets", restjson.Op(cs.ListDatasets))
	s.Handle("ListIdentityPoolUsage", restjson.Op(cs.ListIdentityPoolUsage))
	s.Handle("ListRecords", restjson.Op(cs.ListRecords))
	s.Handle("RegisterDevice", restjson.Op(cs.RegisterDevice))
	s.Handle("SetCognitoEvents", restjson.Op(cs.SetCognitoEvents))
	s.Handle("SetIdentityPoolConfiguration", restjson.Op(cs.SetIdentityPoolConfiguration))
	s.Handle("SubscribeToDataset", restjson.Op(cs.SubscribeToDataset))
	s.Handle("UnsubscribeFromDataset", restjson.Op(cs.UnsubscribeFromDataset))
	s.Handle("UpdateRecords", restjson.Op(cs.UpdateRecords))
}
