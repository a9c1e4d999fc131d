package policy

import (
	"reflect"
	"testing"
)

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, s string
		fold       bool
		want       bool
	}{
		{"", "", false, true},
		{"", "a", false, false},
		{"*", "", false, true},
		{"*", "anything", false, true},
		{"a*", "a", false, true},
		{"a*c", "abbbc", false, true},
		{"a*c", "abbbd", false, false},
		{"*a*a*", "banana", false, true},
		{"*a*a*a*a", "banana", false, false},
		{"a**b", "axxb", false, true},
		{"?", "", false, false},
		{"?", "é", false, true},
		{"??", "é", false, false},
		{"a?c*", "abcdef", false, true},
		{"*:*", "sts:AssumeRole", false, true},
		{"sts:assumerole*", "STS:AssumeRoleWithWebIdentity", true, true},
		{"sts:assumerole*", "STS:AssumeRoleWithWebIdentity", false, false},
		{"*x", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxy", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.pattern+"~"+tc.s, func(t *testing.T) {
			if got := glob(compile(tc.pattern, true, false), tc.s, tc.fold); got != tc.want {
				t.Errorf("glob(%q, %q, fold %v): got %v, want %v", tc.pattern, tc.s, tc.fold, got, tc.want)
			}
		})
	}
}

func TestCompile(t *testing.T) {
	tests := []struct {
		name       string
		s          string
		wild, vars bool
		want       []part
	}{
		{"literal", "abc", true, true, []part{{kind: lit, text: "abc"}}},
		{"wildcards", "a*b?", true, false, []part{{kind: lit, text: "a"}, {kind: star}, {kind: lit, text: "b"}, {kind: one}}},
		{"wildcards literal", "a*b?", false, false, []part{{kind: lit, text: "a*b?"}}},
		{"variable", "x/${aws:username}/y", false, true,
			[]part{{kind: lit, text: "x/"}, {kind: vari, text: "aws:username"}, {kind: lit, text: "/y"}}},
		{"variable disabled", "${aws:username}", false, false, []part{{kind: lit, text: "${aws:username}"}}},
		{"variable with spaces and default", "${ aws:username , 'a''b' }", false, true,
			[]part{{kind: vari, text: "aws:username", def: "a'b", hasDef: true}}},
		{"empty default", "${aws:username, ''}", false, true, []part{{kind: vari, text: "aws:username", hasDef: true}}},
		{"brace inside default", "${k:v, '}'}", false, true, []part{{kind: vari, text: "k:v", def: "}", hasDef: true}}},
		{"escapes", "${*}${?}${$}", true, true, []part{{kind: lit, text: "*?$"}}},
		{"unterminated", "${k:v", false, true, []part{{kind: lit, text: "${k:v"}}},
		{"empty variable", "${}", false, true, []part{{kind: lit, text: "${}"}}},
		{"unquoted default", "${k:v, d}", false, true, []part{{kind: lit, text: "${k:v, d}"}}},
		{"lone quote in default", "${k:v, 'a'b'}", false, true, []part{{kind: lit, text: "${k:v, 'a'b'}"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := compile(tc.s, tc.wild, tc.vars); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("compile(%q): got %+v, want %+v", tc.s, got, tc.want)
			}
		})
	}
}
