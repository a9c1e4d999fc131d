package restjson

import "testing"

// TestIsNumber: only a JSON number is one; other JSON values, and a
// number after white space, are not.
func TestIsNumber(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"0", true},
		{"1700000000", true},
		{"-1.5", true},
		{"1e3", true},
		{"", false},
		{"true", false},
		{"null", false},
		{`"1"`, false},
		{"[1]", false},
		{" 1", false},
		{"+1", false},
		{"1x", false},
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			if got := isNumber(tt.s); got != tt.want {
				t.Errorf("isNumber(%q): got %v, want %v", tt.s, got, tt.want)
			}
		})
	}
}
