package policy

import (
	"strings"
	"testing"
	"time"
)

// TestISODate: the ISO 8601 grammar IAM takes in Date conditions, Joda's
// dateTimeParser(), with the forms AWS was recorded taking and refusing
// (test_iam_policies.snapshot.json valid-30, 34 to 36, invalid-72 to 74).
func TestISODate(t *testing.T) {
	utc := func(y int, m time.Month, d, h, mi, s, ms int) time.Time {
		return time.Date(y, m, d, h, mi, s, ms*1e6, time.UTC)
	}
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"valid-30 01T", utc(1, 1, 1, 0, 0, 0, 0), true},
		{"valid-34 2019-07-01T13:20:15Z", utc(2019, 7, 1, 13, 20, 15, 0), true},
		{"valid-35 2016-12-13T21:20:37.593194+00:00", utc(2016, 12, 13, 21, 20, 37, 593), true},
		{"valid-36 2016-12-13t2:00:00.593194+23", utc(2016, 12, 12, 3, 0, 0, 593), true},
		{"a year 2016", utc(2016, 1, 1, 0, 0, 0, 0), true},
		{"a signed year +2016-01-01", utc(2016, 1, 1, 0, 0, 0, 0), true},
		{"a negative year -0044-03-15", utc(-44, 3, 15, 0, 0, 0, 0), true},
		{"one-digit fields 2016-1-2t3:4:5z", utc(2016, 1, 2, 3, 4, 5, 0), true},
		{"a day of the year 2016-123", utc(2016, 5, 2, 0, 0, 0, 0), true},
		{"a week date 2016-W05-1", utc(2016, 2, 1, 0, 0, 0, 0), true},
		{"a week without its day, Joda's Thursday 2016-w05", utc(2016, 2, 4, 0, 0, 0, 0), true},
		{"week 53 of a long year 2020-W53-5", utc(2021, 1, 1, 0, 0, 0, 0), true},
		{"a time alone T10:30", utc(1970, 1, 1, 10, 30, 0, 0), true},
		{"a fraction of an hour 2016-12-13T10.5", utc(2016, 12, 13, 10, 30, 0, 0), true},
		{"a fraction of a minute with a comma 2016-12-13T10:30,25Z", utc(2016, 12, 13, 10, 30, 15, 0), true},
		{"an offset without colons 2016-12-13T10:00+0530", utc(2016, 12, 13, 4, 30, 0, 0), true},
		{"an offset to the millisecond 2016-12-13T10:00-05:30:15.5", utc(2016, 12, 13, 15, 30, 15, 500), true},
		{"an offset after T alone 2016-12-13T+01:00", utc(2016, 12, 12, 23, 0, 0, 0), true},
		{"T alone 2016-12-13T", utc(2016, 12, 13, 0, 0, 0, 0), true},
		{"a leap day 2016-02-29", utc(2016, 2, 29, 0, 0, 0, 0), true},
		{"nine digits of fraction 2016-12-13T00:00:00.123456789Z", utc(2016, 12, 13, 0, 0, 0, 123), true},
		{"invalid-72 month 13: 234-13", time.Time{}, false},
		{"invalid-73 an offset of one digit 2016-12-13t2:00:00.593194+1", time.Time{}, false},
		{"invalid-74 ten digits of fraction 2016-12-13t2:00:00.1999999999+10:59", time.Time{}, false},
		{"invalid-64 sdfdsf", time.Time{}, false},
		{"ten digits of year 9223372036854775808", time.Time{}, false},
		{"no leap day 2015-02-29", time.Time{}, false},
		{"hour 24 2016-12-13T24:00", time.Time{}, false},
		{"no week 53 2021-W53", time.Time{}, false},
		{"an offset without T 2016-12-13+01:00", time.Time{}, false},
		{"an offset of 24 hours 2016-12-13T00:00+24", time.Time{}, false},
		{"a colon and no minutes 2016-12-13T00:00+01:", time.Time{}, false},
		{"three digits of offset 2016-12-13T00:00+013", time.Time{}, false},
		{"a slash 2016/12/13", time.Time{}, false},
		{"empty ", time.Time{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			in := tc.in[strings.LastIndexByte(tc.in, ' ')+1:] // a case's name ends with its input
			got, ok := isoDate(in)
			if ok != tc.ok || !got.Equal(tc.want) {
				t.Errorf("isoDate(%q): got %v, %v, want %v, %v", in, got, ok, tc.want, tc.ok)
			}
			if legacyDate(in) != tc.ok {
				t.Errorf("legacyDate(%q): got %v, want %v", in, !tc.ok, tc.ok)
			}
		})
	}
}

// TestLegacyDateEpoch: a number is an epoch time when it fits in 64
// bits (valid-37), and refused past them (invalid-75).
func TestLegacyDateEpoch(t *testing.T) {
	for in, want := range map[string]bool{
		"1700000000":           true,
		"-292275054":           true,
		"9223372036854775807":  true,
		"9223372036854775808":  false,
		"-9223372036854775809": false,
		"1700000000.5":         false,
	} {
		if got := legacyDate(in); got != want {
			t.Errorf("legacyDate(%q): got %v, want %v", in, got, want)
		}
	}
}
