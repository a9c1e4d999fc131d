package iam

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/storage"
)

// TestRules: the exported rules take what IAM takes and refuse the rest;
// every shape they name is in the embedded model (a missing one would
// refuse everything).
func TestRules(t *testing.T) {
	tests := []struct {
		name string
		rule func(string) bool
		ok   []string
		bad  []string
	}{
		{"Path", Path, []string{"/", "/a/b/", "/a!b/", "/a//b/"}, []string{"", "a/", "/a", "/a b/", "/" + strings.Repeat("a", 511) + "/"}},
		{"PolicyPath", PolicyPath, []string{"/", "/team/x/"}, []string{"/a!/", "/a//", "x"}},
		{"UserName", UserName, []string{"ci", "a+=,.@_-"}, []string{"", "a b", strings.Repeat("u", 65)}},
		{"PolicyName", PolicyName, []string{"MP"}, []string{"", "a/b", strings.Repeat("p", 129)}},
		{"RoleDescription", RoleDescription, []string{"", "d é"}, []string{"a\x01", strings.Repeat("d", 1001)}},
		{"PolicyDescription", PolicyDescription, []string{"", "d"}, []string{strings.Repeat("d", 1001)}},
		{"TagKey", TagKey, []string{"k", "a:b/c=d+e-f@g"}, []string{"", "a*b"}},
		{"TagValue", TagValue, []string{"", "v"}, []string{"v;", strings.Repeat("v", 257)}},
		{"PolicyARN", PolicyARN, []string{
			"arn:aws:iam::123456789012:policy/MP", "arn:aws:iam::aws:policy/service-role/x!y/Odd", "arn:aws-cn:iam::aws:policy/ReadOnlyAccess",
			"arn:awsx:iam::aws:policy/P",   // the partition only starts with aws
			"arn:aws:iam::aws:policy/a//P", // an empty segment is a path IAM takes
		}, []string{
			"urn:aws:iam::aws:policy/P", "arn:aws:iam:us-east-1:aws:policy/P", "arn:AWS:iam::aws:policy/P", "arn:aws:iam::aws:policy",
			"ReadOnlyAccess", "arn:aws:iam::12345:policy/MP", "arn:aws:s3:::policy/MP", "arn:aws:iam::aws:role/R",
			"arn:aws:iam::aws:policy/", "arn:aws:iam::aws:policy/a/b c", "arn:aws:iam::aws:policy/a b/P",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range tt.ok {
				if !tt.rule(s) {
					t.Errorf("%s(%q): got false, want true", tt.name, s)
				}
			}
			for _, s := range tt.bad {
				if tt.rule(s) {
					t.Errorf("%s(%q): got true, want false", tt.name, s)
				}
			}
		})
	}
	for _, d := range []int32{3600, 43200} {
		if !SessionDuration(d) {
			t.Errorf("SessionDuration(%d): got false, want true", d)
		}
	}
	for _, d := range []int32{0, 3599, 43201} {
		if SessionDuration(d) {
			t.Errorf("SessionDuration(%d): got true, want false", d)
		}
	}
	tags := []struct {
		name  string
		check func([]Tag) error
		tags  []Tag
		want  string // the refusal's message, "" when taken
	}{
		{"role keys k and K", CheckTags, []Tag{{Key: "k"}, {Key: "K"}}, "Duplicate tag keys found. Please note that Tag keys are case insensitive."},
		{"role keys k and k", CheckTags, []Tag{{Key: "k"}, {Key: "k"}}, "Duplicate tag keys found. Please note that Tag keys are case insensitive."},
		{"policy keys a and A", CheckPolicyTags, []Tag{{Key: "a"}, {Key: "A"}}, ""},
		{"policy keys 0 and 0", CheckPolicyTags, []Tag{{Key: "0"}, {Key: "0"}}, "Duplicate tag keys found."},
	}
	for _, tt := range tags {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check(tt.tags)
			if tt.want == "" {
				wantCode(t, err, "", 0)
				return
			}
			wantError(t, err, CodeInvalidInput, http.StatusBadRequest, tt.want)
		})
	}
}

// TestAddVersion: the next version id follows the highest ever issued,
// which a policy stored before LastVersion was kept does not hold: the
// highest of its versions stands for it.
func TestAddVersion(t *testing.T) {
	versions := func(ids ...string) []storage.PolicyVersion {
		var vs []storage.PolicyVersion
		for _, id := range ids {
			vs = append(vs, storage.PolicyVersion{ID: id})
		}
		return vs
	}
	tests := []struct {
		name string
		p    storage.ManagedPolicy
		want string
	}{
		{"after the highest issued", storage.ManagedPolicy{Versions: versions("v1", "v2"), LastVersion: 4}, "v5"},
		{"stored without LastVersion", storage.ManagedPolicy{Versions: versions("v1", "v3")}, "v4"},
		{"LastVersion behind the versions", storage.ManagedPolicy{Versions: versions("v1", "v6"), LastVersion: 2}, "v7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.p
			v := AddVersion(&p, perm, time.Time{}, false)
			if v.ID != tt.want || p.Versions[len(p.Versions)-1].ID != tt.want || p.LastVersion != versionNumber(tt.want) {
				t.Errorf("got version %s, last %s, LastVersion %d, want %s", v.ID, p.Versions[len(p.Versions)-1].ID, p.LastVersion, tt.want)
			}
		})
	}
}

// TestSessionDurationMessage: a MaxSessionDuration out of range names the
// bound it breaks and, as IAM's messages do, not the value.
func TestSessionDurationMessage(t *testing.T) {
	tests := []struct {
		d    int32
		want string
	}{
		{3599, "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600"},
		{43201, "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200"},
	}
	for _, tt := range tests {
		_, err := sessionDuration(&tt.d)
		wantError(t, err, "ValidationError", http.StatusBadRequest, tt.want)
	}
}
