package shape

import "testing"

// TestErrorUnknown: Error finds the modeled errors only.
func TestErrorUnknown(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"IDPRejectedClaimException", true},
		{"NoSuchException", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := STS().Error(tt.name)
			if ok != tt.want || !ok && e != (ErrorShape{}) {
				t.Errorf("STS().Error(%q): got %+v, %v; want found %v", tt.name, e, ok, tt.want)
			}
		})
	}
}

// TestKindNumeric: only integers and longs bound their value; the other
// kinds' bounds are on their length.
func TestKindNumeric(t *testing.T) {
	tests := []struct {
		k    kind
		want bool
	}{
		{kindInteger, true},
		{kindLong, true},
		{kindString, false},
		{kindList, false},
		{kindMap, false},
		{kindStructure, false},
		{kindBoolean, false},
		{kindTimestamp, false},
	}
	for _, tt := range tests {
		t.Run(tt.k.String(), func(t *testing.T) {
			if got := tt.k.numeric(); got != tt.want {
				t.Errorf("%v.numeric(): got %v, want %v", tt.k, got, tt.want)
			}
		})
	}
}

// TestAfterGroupOpen: a '?' opens a group construct only right after a
// '('; one at the start of a pattern follows nothing.
func TestAfterGroupOpen(t *testing.T) {
	tests := []struct {
		name, p string
		i       int
		want    bool
	}{
		{"group flag", "(?i)", 1, true},
		{"quantifier", "a?", 1, false},
		{"first byte", "?a", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := afterGroupOpen(tt.p, tt.i); got != tt.want {
				t.Errorf("afterGroupOpen(%q, %d): got %v, want %v", tt.p, tt.i, got, tt.want)
			}
		})
	}
}
