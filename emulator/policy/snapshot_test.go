package policy

import (
	"errors"
	"testing"
)

// TestPermissionsAsAWS: permission policy documents AWS took or refused
// when LocalStack recorded them (test_iam_policies.snapshot.json,
// TestPolicyDocumentValidity invalid-N and valid-N), with AWS's message
// for those idpool refuses in AWS's words.
func TestPermissionsAsAWS(t *testing.T) {
	const bucket = `"Resource":"arn:aws:s3:::example_bucket"`
	stmt := func(body string) string {
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow",` + body + `}}`
	}
	tests := []struct {
		name string
		doc  string
		want string // the refusal's text, "" when taken
	}{
		{"invalid-13 vendor with a space", stmt(`"Action":"a a:ListBucket",` + bucket), "Vendor a a is not valid"},
		{"invalid-14 two colons", stmt(`"Action":"s3:List:Bucket",` + bucket), "Actions/Condition can contain only one colon."},
		{"invalid-15 two colons in a second statement", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3s:ListBucket",` + bucket +
			`},{"Effect":"Allow","Action":"s:3s:ListBucket",` + bucket + `}]}`, "Actions/Condition can contain only one colon."},
		{"invalid-18 a bad resource first", stmt(`"Action":"s:3:ListBucket","Resource":"sdfsadf"`), `Resource sdfsadf must be in ARN format or "*".`},
		{"invalid-29 no resource first", stmt(`"Action":"invalid"`), "Policy statement must contain resources."},
		{"invalid-38 no service", stmt(`"Action":"s3:ListBucket","Resource":"arn:aws"`), "Resource vendor must be fully qualified and cannot contain regexes."},
		{"invalid-55 IAM with a region", stmt(`"Action":"s3:ListBucket","Resource":"arn:aws:iam:us-east-1::example_bucket"`),
			"IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information."},
		{"invalid-56 S3 bucket with a region", stmt(`"Action":"s3:ListBucket","Resource":"arn:aws:s3:us-east-1::example_bucket"`),
			"Resource arn:aws:s3:us-east-1::example_bucket can not contain region information."},
		{"valid-1 spaces in the action name", stmt(`"Action":"iam: asdf safdsf af ",` + bucket), ""},
		{"valid-9 a short ARN", stmt(`"Action":"s3:ListBucket","Resource":"arn:aws:fdsasf"`), ""},
		{"valid-12 another service with a region", stmt(`"Action":"s3:ListBucket","Resource":"arn:aws:cloudwatch:us-east-1::example_bucket"`), ""},
		{"valid-19 unknown operator without keys", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"a":{}}`), ""},
		{"valid-31 unknown operators without keys", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"x":{},"y":{}}`), ""},
		{"valid-32 condition key without vendor", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"StringEqualsIfExists":{"a":"asf"}}`), ""},
		{"valid-33 set operator, key without vendor", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"ForAnyValue:StringEqualsIfExists":{"a":"asf"}}`), ""},
		{"valid-34 date key without vendor", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"DateLessThanEquals":{"a":"2019-07-01T13:20:15Z"}}`), ""},
		{"valid-50 S3 access point with region and account", stmt(`"Action":"s3:*","Resource":"arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point"`), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePermissions([]byte(tc.doc))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("ParsePermissions: got %v, want the document taken", err)
			case tc.want != "" && (!errors.Is(err, ErrMalformed) || err.Error() != tc.want):
				t.Errorf("ParsePermissions: got %v, want %q", err, tc.want)
			}
		})
	}
}
