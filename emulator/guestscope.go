package emulator

import (
	"slices"

	"github.com/idpool/idpool/emulator/policy"
)

// guestScopeDownARN is the AWS managed policy Cognito Identity gives, as a
// session policy, the credentials GetCredentialsForIdentity issues an
// unauthenticated identity (the enhanced flow): "Cognito Identity Service
// will automatically include it as a scoped down policy when creating
// credentials. The privileges to temporarily access other AWS resources
// through the enhanced flow will now be defined by the intersection of
// the role associated with the identity of the unauthenticated user …
// and the privileges given in this managed policy" (AWS Managed Policy
// Reference, AmazonCognitoUnAuthedIdentitiesSessionPolicy). A refusal for
// want of it reads "… because no session policy allows the <action>
// action" (aws/aws-sdk-js#4303, closed as intended). The basic flow
// (GetOpenIdToken, then AssumeRoleWithWebIdentity) and authenticated
// identities have no such cap.
//
// A client may pass this ARN to AssumeRole too; that session gets the
// managed policy's document alone (guestScopeDown[0]), as any session
// policy, and not the Developer Guide's wider list, which is Cognito's
// own cap: see guestScopeDownMarker.
const guestScopeDownARN = "arn:aws:iam::aws:policy/AmazonCognitoUnAuthedIdentitiesSessionPolicy"

// guestScopeDownMarker stands for Cognito's scope-down in the session
// policy ARNs (creds.Session's PolicyARNs) of a guest's
// GetCredentialsForIdentity credentials, so that the cap lasts as long as
// they do, across restarts too; sessionPolicies reads it as the whole of
// guestScopeDown. It is not an ARN, and at 18 characters shorter than
// the 20 the STS model's arnType allows a PolicyArns member, so no client
// can pass it to AssumeRole and get the Developer Guide's list.
const guestScopeDownMarker = "idpool:guest-scope"

// guestScopeDownDocs are the documents of the scope-down session policies
// of a guest's GetCredentialsForIdentity session, as AWS documents them,
// by the ID /_idpool/authorize and the reasons name them by. Session
// policies cap what the role allows together: the session may do what
// any of them allows (and its role allows).
//
//   - guestScopeDownARN: the managed policy's default version, v3 (edited
//     November 01, 2024, 18:12 UTC), its one statement as the AWS Managed
//     Policy Reference prints it
//     (docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonCognitoUnAuthedIdentitiesSessionPolicy.html).
//   - guestScopeDownARN + "#services": the services the Cognito Developer
//     Guide lists in "Access policies" (iam-roles.html: Cognito "applies a
//     scope-down policy to credentials vended by GetCredentialForIdentity
//     to prevent access to services other than the ones listed below for
//     your unauthenticated users"), each by its IAM service prefix, with
//     only the actions its table allows for AWS KMS, Amazon SageMaker,
//     Amazon Textract and Amazon Sumerian. The guide's list is wider than
//     the managed policy (Amazon S3, Amazon DynamoDB, Cognito Identity
//     and Cognito Sync among it); idpool allows what either allows, so
//     that a guest's S3 or Cognito Sync access its role allows is not
//     refused here when AWS would grant it.
var guestScopeDownDocs = []struct{ id, doc string }{
	{guestScopeDownARN, `{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "CognitoUnAuthedIdentitiesSessionPolicy",
    "Effect": "Allow",
    "Action": [
      "rum:PutRumEvents", "sagemaker:InvokeEndpoint", "polly:*", "comprehend:*", "translate:*", "transcribe:*",
      "rekognition:*", "mobiletargeting:*", "firehose:*", "personalize:*",
      "geo:GetMap*", "geo:SearchPlaceIndex*", "geo:GetPlace", "geo:CalculateRoute*", "geo:*Geofence", "geo:*Geofences",
      "geo:*DevicePosition*",
      "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptTo", "kms:ReEncryptFrom", "kms:GenerateDataKey", "kms:GenerateDataKeyPair",
      "kms:GenerateDataKeyPairWithoutPlaintext", "kms:GenerateDataKeyWithoutPlaintext"
    ],
    "Resource": "*"
  }]
}`},
	{guestScopeDownARN + "#services", `{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "CognitoDeveloperGuideGuestServices",
    "Effect": "Allow",
    "Action": [
      "appsync:*", "cloudwatch:*", "cognito-identity:*", "cognito-sync:*", "comprehend:*", "dynamodb:*", "gamelift:*",
      "iot:*", "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "firehose:*", "kinesis:*",
      "lambda:*", "lex:*", "geo:*", "machinelearning:*", "mobileanalytics:*", "mobiletargeting:*", "polly:*",
      "rekognition:*", "sdb:*", "ses:*", "sns:*", "sqs:*", "s3:*", "sumerian:View*", "transcribe:*", "translate:*",
      "sagemaker:InvokeEndpoint", "textract:DetectDocumentText", "textract:AnalyzeDocument"
    ],
    "Resource": "*"
  }]
}`},
}

// guestScopeDown are guestScopeDownDocs parsed, as session policies.
var guestScopeDown = func() []policy.Named {
	var ps []policy.Named
	for _, d := range guestScopeDownDocs {
		doc, err := policy.ParsePermissions([]byte(d.doc))
		if err != nil {
			panic("guestScopeDownDocs " + d.id + ": " + err.Error())
		}
		ps = append(ps, policy.Named{ID: d.id, Type: sessionPolicy, Doc: doc})
	}
	return ps
}()

// guestPolicyARNs returns the session policy ARNs of the credentials
// GetCredentialsForIdentity issues an identity whose amr claim is amr:
// guestScopeDownMarker for an unauthenticated identity, none for an
// authenticated one.
func guestPolicyARNs(amr []string) []string {
	if slices.Contains(amr, "unauthenticated") {
		return []string{guestScopeDownMarker}
	}
	return nil
}
