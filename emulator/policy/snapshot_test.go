package policy

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
)

// TestSyntaxErrors: the refusals AWS's CreatePolicy answers "Syntax
// errors in policy." are marked Syntax (test_iam_policies.snapshot.json
// invalid-0, 3 to 10, 31, 39, 45, 47, 57, 61); the others are not.
func TestSyntaxErrors(t *testing.T) {
	const bucket = `"Resource":"arn:aws:s3:::example_bucket"`
	stmt := func(body string) string {
		return `{"Version":"2012-10-17","Statement":{` + body + `}}`
	}
	tests := []struct {
		name   string
		doc    string
		syntax bool
	}{
		{"invalid-0 not JSON", `This is not a json document`, true},
		{"invalid-3 another Version", `{"Version":"2013-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket",` + bucket + `}}`, true},
		{"invalid-4 no Statement", `{"Version":"2012-10-17"}`, true},
		{"invalid-5 a statement not an object", `{"Version":"2012-10-17","Statement":["afd"]}`, true},
		{"invalid-6 an unknown element", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket",` + bucket + `},"Extra field":"value"}`, true},
		{"invalid-8 Id not a string", `{"Version":"2012-10-17","Id":["x"],"Statement":{"Effect":"Allow","Action":"s3:ListBucket",` + bucket + `}}`, true},
		{"invalid-10 Effect invalid", stmt(`"Effect":"invalid","Action":"s3:ListBucket",` + bucket), true},
		{"invalid-31 no Effect", stmt(`"Action":"s3:ListBucket",` + bucket), true},
		{"invalid-39 Resource an object", stmt(`"Effect":"Allow","Action":"s3:ListBucket","Resource":{"a":"b"}`), true},
		{"invalid-45 Condition a list", stmt(`"Effect":"Allow","Action":"s3:ListBucket",` + bucket + `,"Condition":[]`), true},
		{"invalid-47 unknown operator with a value", stmt(`"Effect":"Allow","Action":"s3:ListBucket",` + bucket + `,"Condition":{"a":"b"}`), true},
		{"invalid-57 Sid an object", stmt(`"Sid":{},"Effect":"Allow","Action":"s3:ListBucket",` + bucket), true},
		{"invalid-61 Action and NotAction", stmt(`"Effect":"Allow","NotAction":"s3:ListBucket","Action":"iam:dsf",` + bucket), true},
		{"invalid-63 Effect in another case", stmt(`"Effect":"denY","Action":"s3:ListBucket",` + bucket), false},
		{"invalid-11 action without vendor", stmt(`"Effect":"Allow","Action":"invalid",` + bucket), false},
		{"invalid-27 no Resource", stmt(`"Effect":"Allow","Action":"s3:ListBucket"`), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePermissions([]byte(tc.doc))
			var m *MalformedError
			if !errors.As(err, &m) {
				t.Fatalf("ParsePermissions: got %v, want a *MalformedError", err)
			}
			if m.Syntax != tc.syntax {
				t.Errorf("ParsePermissions: got %q Syntax %v, want Syntax %v", m.Reason, m.Syntax, tc.syntax)
			}
		})
	}
}

// TestPermissionsAsAWS: permission policy documents AWS took or refused,
// being written, when LocalStack recorded them (test_iam_policies.snapshot.json,
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
		{"invalid-12 empty NotAction", stmt(`"NotAction":"",` + bucket), "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"invalid-17 empty Resource", stmt(`"Action":"account:ListRegions","Resource":""`), `Resource  must be in ARN format or "*".`},
		{"invalid-28 Resource empty list", stmt(`"Action":"s3:ListBucket","Resource":[]`), "Policy statement must contain resources."},
		{"invalid-33 Action empty list", stmt(`"Action":[],` + bucket), "Policy statement must contain actions."},
		{"invalid-59 duplicate Sid before a statement without actions", `{"Version":"2012-10-17","Statement":[{"Sid":"sdf","Effect":"Allow","Action":"s3:ListBucket",` + bucket +
			`},{"Sid":"sdf","Effect":"Allow"}]}`, "Statement IDs (SID) in a single policy must be unique."},
		{"invalid-36 an S3 bucket in the account field", stmt(`"Action":"s3:ListBucket","Resource":"arn:aws:s3::example_bucket"`), "The policy failed legacy parsing"},
		{"invalid-71 legacy parsing before the missing actions", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"arn:aws:s3::example_bucket"}}`, "The policy failed legacy parsing"},
		{"a placeholder for the account", stmt(`"Action":"ssm:GetParameter","Resource":"arn:aws:ssm:us-east-1:<ACCOUNT_ID>:parameter/x"`), "The policy failed legacy parsing"},
		{"a policy variable for the account", stmt(`"Action":"sts:AssumeRole","Resource":"arn:aws:iam::${aws:PrincipalAccount}:role/x"`), "The policy failed legacy parsing"},
		{"an account with wildcards", stmt(`"Action":"sts:AssumeRole","Resource":["arn:aws:iam::*:role/x","arn:aws:iam::12345678901?:role/x"]`), ""},
		{"AWS's own account", stmt(`"Action":"iam:GetPolicy","Resource":"arn:aws:iam::aws:policy/ReadOnlyAccess"`), ""},
		{"a policy variable in the resource", stmt(`"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/${aws:username}/*"`), ""},
		{"valid-1 spaces in the action name", stmt(`"Action":"iam: asdf safdsf af ",` + bucket), ""},
		{"valid-9 a short ARN", stmt(`"Action":"s3:ListBucket","Resource":"arn:aws:fdsasf"`), ""},
		{"valid-12 another service with a region", stmt(`"Action":"s3:ListBucket","Resource":"arn:aws:cloudwatch:us-east-1::example_bucket"`), ""},
		{"valid-19 unknown operator without keys", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"a":{}}`), ""},
		{"valid-31 unknown operators without keys", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"x":{},"y":{}}`), ""},
		{"valid-32 condition key without vendor", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"StringEqualsIfExists":{"a":"asf"}}`), ""},
		{"valid-33 set operator, key without vendor", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"ForAnyValue:StringEqualsIfExists":{"a":"asf"}}`), ""},
		{"valid-34 date key without vendor", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"DateLessThanEquals":{"a":"2019-07-01T13:20:15Z"}}`), ""},
		{"valid-5 dates in UTC", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"DateGreaterThan":{"aws:CurrentTime":"2017-07-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2017-12-31T23:59:59Z"}}`), ""},
		{"valid-30 a year and a lower-case T", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"DateGreaterThan":{"a":"01T"}}`), ""},
		{"valid-35 a fraction and an offset", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"DateLessThanEquals":{"a":"2016-12-13T21:20:37.593194+00:00"}}`), ""},
		{"valid-36 a one-digit hour, an offset of hours", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"DateLessThanEquals":{"a":"2016-12-13t2:00:00.593194+23"}}`), ""},
		{"valid-37 a negative number", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"DateLessThan":{"a":"-292275054"}}`), ""},
		{"an epoch time", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"DateLessThan":{"aws:EpochTime":["1700000000",1700000000]}}`), ""},
		{"invalid-64 not a date", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"DateGreaterThan":{"a":"sdfdsf"}}`), "The policy failed legacy parsing"},
		{"invalid-67 not a date, no actions", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Condition":{"DateGreaterThan":{"a":"sdfdsf"}}}}`, "The policy failed legacy parsing"},
		{"invalid-72 month 13", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"DateLessThanEquals":{"a":"234-13"}}`), "The policy failed legacy parsing"},
		{"invalid-73 an offset of one digit", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"DateLessThanEquals":{"a":"2016-12-13t2:00:00.593194+1"}}`), "The policy failed legacy parsing"},
		{"invalid-74 ten digits of fraction", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"DateLessThanEquals":{"a":"2016-12-13t2:00:00.1999999999+10:59"}}`), "The policy failed legacy parsing"},
		{"invalid-75 past a 64-bit integer", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"DateLessThan":{"a":"9223372036854775808"}}`), "The policy failed legacy parsing"},
		{"invalid-76 not a date, another partition", stmt(`"Action":"s3:ListBucket","Resource":"arn:error:s3:::example_bucket","Condition":{"DateGreaterThan":{"a":"sdfdsf"}}`), "The policy failed legacy parsing"},
		{"a set operator on a date", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"ForAnyValue:DateEqualsIfExists":{"a":["2016-01-01","x"]}}`), "The policy failed legacy parsing"},
		{"invalid-63 Effect in another case", `{"Version":"2012-10-17","Statement":{"Effect":"denY","Action":"s3:ListBucket",` + bucket + `}}`, "The policy failed legacy parsing"},
		{"invalid-69 Effect in another case, no actions", `{"Version":"2012-10-17","Statement":{"Effect":"allow","Resource":"arn:aws:s3:us-east-1::example_bucket"}}`, "The policy failed legacy parsing"},
		{"invalid-70 Effect in another case before a duplicate Sid", `{"Version":"2012-10-17","Statement":[{"Sid":"sdf","Effect":"aLLow","Action":"s3:ListBucket",` + bucket +
			`},{"Sid":"sdf","Effect":"Allow"}]}`, "The policy failed legacy parsing"},
		{"invalid-21 two fields, not an ARN", stmt(`"NotAction":"s3s:ListBucket","Resource":"a:bsdfdsafsad"`), `Partition "bsdfdsafsad" is not valid for resource "arn:bsdfdsafsad:*:*:*:*".`},
		{"invalid-22 three fields, not an ARN", stmt(`"NotAction":"s3s:ListBucket","Resource":"a:b:cadfsdf"`), `Partition "b" is not valid for resource "arn:b:cadfsdf:*:*:*".`},
		{"invalid-23 eight fields, not an ARN", stmt(`"NotAction":"s3s:ListBucket","Resource":"a:b:c:d:e:f:g:h"`), `Partition "b" is not valid for resource "arn:b:c:d:e:f:g:h".`},
		{"invalid-24 no arn: prefix", stmt(`"Action":"s3:ListBucket","Resource":"aws:s3:::example_bucket"`), `Partition "s3" is not valid for resource "arn:s3:::example_bucket:*".`},
		{"invalid-25 another partition before a legacy failure", stmt(`"Action":"s3:ListBucket","Resource":["arn:error:s3:::example_bucket","arn:error:s3::example_bucket"]`),
			`Partition "error" is not valid for resource "arn:error:s3:::example_bucket".`},
		{"an empty partition", stmt(`"Action":"s3:ListBucket","Resource":"arn::s3"`), `Partition "" is not valid for resource "arn::s3:*:*:*".`},
		{"a partition with a wildcard", stmt(`"Action":"s3:ListBucket","Resource":"arn:*:s3:::example_bucket"`), ""},
		{"another first field before a partition", stmt(`"Action":"s3:ListBucket","Resource":"a:aws:s3:::example_bucket"`), `Resource a:aws:s3:::example_bucket must be in ARN format or "*".`},
		{"invalid-35 an IAM resource of no type", stmt(`"Action":"s3:ListBucket","Resource":"arn:aws:iam:::example_bucket"`),
			`IAM resource path must either be "*", root, or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.`},
		{"an IAM type written with a wildcard", stmt(`"Action":"iam:GetRole","Resource":"arn:aws:iam::*:*/cdk-*"`),
			`IAM resource path must either be "*", root, or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.`},
		{"an empty IAM path", stmt(`"Action":"iam:GetRole","Resource":"arn:aws:iam::123456789012:"`),
			`IAM resource path must either be "*", root, or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.`},
		{"valid-7 an IAM user", stmt(`"Action":"s3:ListBucket","Resource":"arn:aws:iam:::user/example_bucket"`), ""},
		{"valid-38 IAM users and MFA devices by variable", stmt(`"Action":"iam:ChangePassword","Resource":["arn:aws:iam::*:user/${aws:username}","arn:aws:iam::*:mfa/${aws:username}"]`), ""},
		{"IAM root, every IAM resource, a short IAM ARN", stmt(`"Action":"iam:*","Resource":["arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:*","arn:aws:iam"]`), ""},
		{"IAM's other types", stmt(`"Action":"iam:*","Resource":["arn:aws:iam::1:federated-user/a","arn:aws:iam::1:group/a","arn:aws:iam::1:instance-profile/a",` +
			`"arn:aws:iam::1:server-certificate/a","arn:aws:iam::1:sms-mfa/a","arn:aws:iam::1:saml-provider/a","arn:aws:iam::1:oidc-provider/a",` +
			`"arn:aws:iam::1:report/a","arn:aws:iam::1:access-report/a","arn:aws:iam::1:role/a","arn:aws:iam::aws:policy/a"]`), ""},
		{"invalid-68 no service, six fields", stmt(`"NotAction":"s3:ListBucket","Resource":"arn:aws::::example_bucket"`), "The policy failed legacy parsing"},
		{"invalid-77 no service, four fields", stmt(`"Action":"s3:ListBucket","Resource":"arn:aws::fdsasf"`), "The policy failed legacy parsing"},
		{"valid-42 placeholders for region and account", stmt(`"Action":"ec2:StartInstances","Resource":"arn:aws:ec2:region:account-id:instance/*"`), ""},
		{"valid-48 a placeholder region", stmt(`"Action":"rds:*","Resource":["arn:aws:rds:region:*:*"]`), ""},
		{"valid-50 S3 access point with region and account", stmt(`"Action":"s3:*","Resource":"arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point"`), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CheckPermissions([]byte(tc.doc))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("CheckPermissions: got %v, want the document taken", err)
			case tc.want != "" && (!errors.Is(err, ErrMalformed) || err.Error() != tc.want):
				t.Errorf("CheckPermissions: got %v, want %q", err, tc.want)
			}
		})
	}
}

// TestHeldDocumentsRead: the rules IAM applies to the text of a policy
// being written that earlier idpool versions did not apply (an IAM or S3
// bucket resource with a region, an action with two colons, a vendor with
// white space, a resource that fails legacy parsing, an IAM resource of no
// type IAM knows, a partition that is none) refuse a document being written (CheckPermissions,
// CheckTrust) but not one idpool holds: ParsePermissions and Parse read
// it, and it is evaluated as written.
func TestHeldDocumentsRead(t *testing.T) {
	tests := []struct {
		name, action, resource, want string
	}{
		{"S3 bucket with a region", "s3:GetObject", "arn:aws:s3:us-east-1::bucket/x", "Resource arn:aws:s3:us-east-1::bucket/x can not contain region information."},
		{"IAM with a region", "iam:GetRole", "arn:aws:iam:us-east-1:123456789012:role/x", "IAM resource arn:aws:iam:us-east-1:123456789012:role/x cannot contain region information."},
		{"two colons", "s3:List:Bucket", "*", "Actions/Condition can contain only one colon."},
		{"vendor with a space", "a a:ListBucket", "*", "Vendor a a is not valid"},
		{"a bucket in the account field", "s3:ListBucket", "arn:aws:s3::bucket", "The policy failed legacy parsing"},
		{"an IAM resource of no type", "iam:GetRole", "arn:aws:iam::123456789012:example",
			`IAM resource path must either be "*", root, or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.`},
		{"a partition that is none", "s3:GetObject", "arn:error:s3:::bucket/x", `Partition "error" is not valid for resource "arn:error:s3:::bucket/x".`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := []byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"` + tc.action + `","Resource":"` + tc.resource + `"}}`)
			if _, err := CheckPermissions(doc); err == nil || err.Error() != tc.want {
				t.Errorf("CheckPermissions: got %v, want %q", err, tc.want)
			}
			d, err := ParsePermissions(doc)
			if err != nil {
				t.Fatalf("ParsePermissions: got %v, want the document read", err)
			}
			res := tc.resource
			if res == "*" {
				res = "arn:aws:s3:::bucket"
			}
			if !d.Allowed(Request{Action: tc.action, Resource: res}) {
				t.Errorf("Allowed(%s on %s): got false, want true", tc.action, res)
			}
		})
	}
	trust := []byte(`{"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":["sts:AssumeRole","s3:List:Bucket"]}}`)
	if _, err := CheckTrust(trust); err == nil || err.Error() != "Actions/Condition can contain only one colon." {
		t.Errorf("CheckTrust: got %v, want the two colons refused", err)
	}
	if _, err := Parse(trust); err != nil {
		t.Errorf("Parse: got %v, want the trust policy read", err)
	}
}

// TestResourcePartition: a resource of another partition than the
// endpoint's is refused with the ARN IAM read, short ones padded with "*"
// as IAM pads them (test_iam_policies.snapshot.json invalid-21 to 25).
func TestResourcePartition(t *testing.T) {
	tests := []struct{ resource, want string }{
		{"arn:aws:logs:*:*:*", `Partition "aws" is not valid for resource "arn:aws:logs:*:*:*".`},
		{"arn:aws:s3:::b/*", `Partition "aws" is not valid for resource "arn:aws:s3:::b/*".`},
		{"arn:aws:fdsasf", `Partition "aws" is not valid for resource "arn:aws:fdsasf:*:*:*".`},
		{"arn:aws-cn:s3:::b", ""},
		{"arn:*:s3:::b", ""},
	}
	for _, tc := range tests {
		t.Run(tc.resource, func(t *testing.T) {
			d, err := CheckPermissions([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"` + tc.resource + `"}}`))
			if err != nil {
				t.Fatalf("CheckPermissions: got %v, want the document taken", err)
			}
			err = d.CheckPartition("aws-cn")
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("CheckPartition: got %v, want nil", err)
			case tc.want != "" && (!errors.Is(err, ErrMalformed) || err.Error() != tc.want):
				t.Errorf("CheckPartition: got %v, want %q", err, tc.want)
			}
		})
	}
}

// TestPolicyDocumentValidity: every document of LocalStack's
// TestPolicyDocumentValidity (testdata/validity.json) gets the answer AWS
// was recorded giving to CreatePolicy in the commercial partition:
// CheckManaged, then CheckPartition("aws"), refuse the invalid ones with
// AWS's message (a syntax error is marked Syntax, which IAM answers
// "Syntax errors in policy.") and take the valid ones.
func TestPolicyDocumentValidity(t *testing.T) {
	b, err := os.ReadFile("testdata/validity.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases struct {
		Invalid []struct{ Case, Doc, Want string }
		Valid   []struct{ Case, Doc string }
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases.Invalid) != 78 || len(cases.Valid) != 51 {
		t.Fatalf("testdata: got %d invalid and %d valid documents, want 78 and 51", len(cases.Invalid), len(cases.Valid))
	}
	check := func(doc string) error {
		d, err := CheckManaged([]byte(doc))
		if err != nil {
			return err
		}
		return d.CheckPartition("aws")
	}
	for _, tc := range cases.Invalid {
		t.Run(tc.Case, func(t *testing.T) {
			err := check(tc.Doc)
			var m *MalformedError
			switch {
			case !errors.As(err, &m):
				t.Errorf("got %v, want %q", err, tc.Want)
			case tc.Want == "Syntax errors in policy." && !m.Syntax:
				t.Errorf("got %q, want a syntax error", m.Reason)
			case tc.Want != "Syntax errors in policy." && (m.Syntax || m.Reason != tc.Want):
				t.Errorf("got %q (Syntax %v), want %q", m.Reason, m.Syntax, tc.Want)
			}
		})
	}
	for _, tc := range cases.Valid {
		t.Run(tc.Case, func(t *testing.T) {
			if err := check(tc.Doc); err != nil {
				t.Errorf("got %v, want the document taken", err)
			}
		})
	}
}
