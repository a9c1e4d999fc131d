package arn

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		name, in string
		want     ARN
		ok       bool
	}{
		{"role", "arn:aws:iam::123456789012:role/path/r", ARN{"aws", "iam", "", "123456789012", "role/path/r"}, true},
		{"pool", "arn:aws-cn:cognito-identity:cn-north-1:123456789012:identitypool/cn-north-1:u",
			ARN{"aws-cn", "cognito-identity", "cn-north-1", "123456789012", "identitypool/cn-north-1:u"}, true},
		{"resource keeps colons", "arn:aws:sts::1:a:b:c", ARN{"aws", "sts", "", "1", "a:b:c"}, true},
		{"all empty", "arn:::::", ARN{}, true},
		{"five fields", "arn:aws:iam::123456789012", ARN{}, false},
		{"short", "arn:aws", ARN{}, false},
		{"not arn", "ARN:aws:iam::123456789012:root", ARN{}, false},
		{"prefix only", "arn", ARN{}, false},
		{"empty", "", ARN{}, false},
		{"account id", "123456789012", ARN{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Parse(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Parse(%q): got %+v, %v, want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
			if ok && got.String() != tt.in {
				t.Errorf("String: got %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestIsAccount(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"123456789012", true},
		{"000000000000", true},
		{"12345678901", false},
		{"1234567890123", false},
		{"12345678901a", false},
		{"aws", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := IsAccount(tt.in); got != tt.want {
				t.Errorf("IsAccount(%q): got %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestIsPartition(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"aws", true},
		{"aws-cn", true},
		{"aws-us-gov", true},
		{"aws-iso-b", true},
		{"aws-", true},
		{"awscn", false},
		{"aws-CN", false},
		{"aws-iso-1", false},
		{"AWS", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := IsPartition(tt.in); got != tt.want {
				t.Errorf("IsPartition(%q): got %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzParse: ARNs come from requests, so Parse must never panic, and a
// parsed ARN must write back to the text it came from and parse again to
// the same value.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"arn:aws:iam::123456789012:role/r", "arn:::::", "arn:aws", "", "arn:a:b:c:d:e:f:g"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, ok := Parse(s)
		if !ok {
			if a != (ARN{}) {
				t.Fatalf("Parse(%q): got %+v with ok false, want the zero ARN", s, a)
			}
			return
		}
		if a.String() != s {
			t.Fatalf("String: got %q, want %q", a.String(), s)
		}
		if b, ok := Parse(a.String()); !ok || b != a {
			t.Fatalf("Parse(String()): got %+v, %v, want %+v, true", b, ok, a)
		}
	})
}

func TestIsRoot(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"arn:aws:iam::123456789012:root", true},
		{"arn:aws-cn:iam::123456789012:root", true},
		{"arn:aws:iam::123456789012:user/root", false},
		{"arn:aws:sts::123456789012:root", false},
		{"arn:aws:iam::123456789012:rootx", false},
		{"123456789012:root", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := IsRoot(tt.in); got != tt.want {
				t.Errorf("IsRoot(%q): got %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// TestHeld: an ARN names the entity IAM holds only in its account, path
// and service, whatever its name's case and its partition.
func TestHeld(t *testing.T) {
	const stored = "arn:aws:iam::123456789012:role/app/Reader"
	tests := []struct {
		name, arn, want string
		ok              bool
	}{
		{"same", stored, stored, true},
		{"name in another case", "arn:aws:iam::123456789012:role/app/READER", stored, true},
		{"another partition keeps it", "arn:aws-cn:iam::123456789012:role/app/reader", "arn:aws-cn:iam::123456789012:role/app/Reader", true},
		{"no path", "arn:aws:iam::123456789012:role/Reader", "", true},
		{"path in another case", "arn:aws:iam::123456789012:role/App/Reader", "", true},
		{"another account", "arn:aws:iam::999999999999:role/app/Reader", "", false},
		{"a region", "arn:aws:iam:us-east-1:123456789012:role/app/Reader", "", false},
		{"another service", "arn:aws:sts::123456789012:role/app/Reader", "", false},
		{"not an ARN", "role/app/Reader", "", false},
		{"a user of the name", "arn:aws:iam::123456789012:user/app/Reader", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Held(stored, tt.arn)
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %q, %v, want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
