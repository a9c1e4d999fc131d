package policy

import "testing"

// TestDateFractionPastNineDigits: a request's date with a fraction of
// more than nine digits (RFC 3339 sets no bound, and IAM's grammar takes
// nine) is still read as a date, the fraction truncated, as earlier
// idpool versions read it.
func TestDateFractionPastNineDigits(t *testing.T) {
	tests := []struct {
		name, cond, value string
		want              bool
	}{
		{"later than the second", `{"DateGreaterThan":{"aws:d":"2024-01-01T00:00:00Z"}}`, "2024-01-01T00:00:00.1234567890Z", true},
		{"earlier than the next second", `{"DateLessThan":{"aws:d":"2024-01-01T00:00:01Z"}}`, "2024-01-01T00:00:00.1234567890123Z", true},
		{"with an offset", `{"DateLessThan":{"aws:d":"2024-01-01T00:00:00Z"}}`, "2024-01-01T00:00:00.1234567890+01:00", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := allowIf(t, tc.cond)
			c := ctx{"aws:d": {tc.value}}
			if got := d.Allowed(Request{Action: "sts:AssumeRole", Context: c}); got != tc.want {
				t.Errorf("Allowed(%v): got %v, want %v", c, got, tc.want)
			}
		})
	}
}

// TestDateDecimalPointWithoutDigits: a decimal point must be followed by a
// digit; a date with a bare one is no date, in a policy or a request.
func TestDateDecimalPointWithoutDigits(t *testing.T) {
	tests := []string{"2024-01-01T00:00:00.Z", "2024-01-01T00:00:00.", "2024-01-01T00:00:00.+01:00", "2024-01-01T00:00:00,Z"}
	for _, s := range tests {
		t.Run(s, func(t *testing.T) {
			if _, ok := isoDate(s); ok {
				t.Errorf("isoDate(%q): got a date, want none", s)
			}
			d := allowIf(t, `{"DateEquals":{"aws:d":"2024-01-01T00:00:00Z"}}`)
			c := ctx{"aws:d": {s}}
			if d.Allowed(Request{Action: "sts:AssumeRole", Context: c}) {
				t.Errorf("Allowed(%v): got true, want false", c)
			}
		})
	}
}
