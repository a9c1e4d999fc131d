package policy

import (
	"reflect"
	"testing"
)

// TestStatementSpansAsAWS checks statementSpans against the positions AWS's
// policy simulator answered for documents whose text is known.
func TestStatementSpansAsAWS(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want [][2]Position
	}{
		// aws/aws-cli awscli/examples/iam/simulate-custom-policy.rst: a
		// single statement object, its '{' at column 37, its '}' at 166.
		{"one-line policy, statement object",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}`,
			[][2]Position{{{1, 38}, {1, 167}}}},
		// Users' pasted simulate-principal-policy answers for
		// AdministratorAccess: Line 3 Column 17 to Line 8 Column 6.
		{"AdministratorAccess, two-space indent", `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}`, [][2]Position{{{3, 17}, {8, 6}}}},
		// A pasted answer for AmazonS3ReadOnlyAccess, which AWS stores
		// indented by tabs: Line 3 Column 16 to Line 14 Column 4.
		{"AmazonS3ReadOnlyAccess, tab indent", "{\n\t\"Version\": \"2012-10-17\",\n\t\"Statement\": [\n\t\t{\n\t\t\t\"Effect\": \"Allow\",\n" +
			"\t\t\t\"Action\": [\n\t\t\t\t\"s3:Get*\",\n\t\t\t\t\"s3:List*\",\n\t\t\t\t\"s3:Describe*\",\n\t\t\t\t\"s3-object-lambda:Get*\",\n" +
			"\t\t\t\t\"s3-object-lambda:List*\"\n\t\t\t],\n\t\t\t\"Resource\": \"*\"\n\t\t}\n\t]\n}",
			[][2]Position{{{3, 16}, {14, 4}}}},
		// A recorded boto3 SimulateCustomPolicy answer for a policy
		// written by Python's json.dumps: Column 41 to 180.
		{"json.dumps separators",
			`{"Version": "2012-10-17", "Statement": [{"Sid": "s3", "Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteObject"], "Resource": ["arn:aws:s3:::tims-fancy-bucket/only-here/*"]}]}`,
			[][2]Position{{{1, 41}, {1, 180}}}},
		// The same answer's compact bucket policy (ResourcePolicy): its
		// first statement spans 38 to 248 and its second starts at 248,
		// where the first ended, before the comma. (AWS ended the second
		// at 470; the text the author showed is longer than the one AWS
		// read, so only its start is checked here.)
		{"second statement starts where the first ended",
			`{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"*","Resource":["arn:aws:s3:::tims-fancy-bucket/*","arn:aws:s3:::tims-fancy-bucket"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},{}]}`,
			[][2]Position{{{1, 38}, {1, 248}}, {{1, 248}, {1, 251}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := statementSpans([]byte(tc.doc)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("statementSpans: got %v, want %v", got, tc.want)
			}
		})
	}
}
