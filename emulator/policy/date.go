package policy

import (
	"strconv"
	"strings"
	"time"
)

// legacyDate reports whether IAM takes s as the value of a Date condition
// in a policy being written: an epoch time in seconds (a 64-bit integer),
// or an ISO 8601 date in the lenient grammar isoDate reads. Any other
// value fails "The policy failed legacy parsing".
//
// AWS's recorded answers (test_iam_policies.snapshot.json) fit that
// grammar: it takes 2017-07-01T00:00:00Z, 2016-12-13T21:20:37.593194+00:00,
// "01T" (a year and a lower-case T, valid-30), 2016-12-13t2:00:00.593194+23
// (a one-digit hour, an offset of hours only, valid-36) and -292275054
// (valid-37), and refuses "sdfdsf" (invalid-64, 67, 76), 234-13 (month 13,
// invalid-72), an offset of one digit (…+1, invalid-73), ten digits of
// fraction (invalid-74) and 9223372036854775808, past a 64-bit integer
// (invalid-75).
func legacyDate(s string) bool {
	if _, err := strconv.ParseInt(s, 10, 64); err == nil {
		return true
	}
	_, ok := isoDate(s)
	return ok
}

// isoDate parses s as Joda-Time's ISODateTimeFormat.dateTimeParser()
// does, the ISO 8601 parser whose leniency IAM's answers show, and
// returns the instant, in UTC when s names no offset:
//
//	datetime      = time | date-opt-time
//	time          = 'T' time-element [offset]
//	date-opt-time = date-element ['T' [time-element] [offset]]
//	date-element  = yyyy ['-' MM ['-' dd]] | xxxx '-W' ww ['-' e] | yyyy '-' DDD
//	time-element  = HH [':' mm [':' ss [fraction] | fraction] | fraction]
//	fraction      = ('.' | ',') digit{1,9}
//	offset        = 'Z' | ('+' | '-') HH [[':'] mm [[':'] ss [('.' | ',') SSS]]]
//
// Letters match in either case; a year (or week year) is signed and of
// one to nine digits, the other fields of one digit up to their width,
// except an offset's, which are of two. Among alternatives the first
// that reaches the end of s wins, else the one that reads furthest, and
// nothing is read again (Joda's rules). The fields must then make a date:
// month 1 to 12, a day its month has, hour 0 to 23 and so on; a fraction
// counts to the millisecond, as Joda's does. A time alone is on
// 1970-01-01; a week date without its day is the Thursday of that week,
// which Joda keeps from 1970-01-01.
func isoDate(s string) (time.Time, bool) {
	var f dateFields
	if dateTime(s, 0, &f) != len(s) {
		return time.Time{}, false
	}
	return f.instant()
}

// The fields of a date being parsed, indexes of dateFields.v.
const (
	dYear = iota
	dMonth
	dDay
	dWeekyear
	dWeek
	dWeekday
	dYearDay
	dHour
	dMinute
	dSecond
	nDateFields
)

// dateFields holds what a parse read so far. It is copied to try an
// alternative and kept from the one that wins.
type dateFields struct {
	v        [nDateFields]int
	set      [nDateFields]bool
	frac     int // milliseconds into the unit of the last field read
	fracUnit int // that unit in milliseconds, 0 without a fraction
	offset   int // milliseconds east of UTC, 0 when none is read
}

// dateParser reads s from pos into f and returns where it stopped, or -1
// when s does not match there.
type dateParser func(s string, pos int, f *dateFields) int

// The grammar of isoDate, as Joda builds dateTimeParser().
var (
	decimalPoint = dateAlt(dateLit("."), dateLit(","))
	timeElement  = dateSeq(dateNum(dHour, 2, false), dateAlt(
		dateSeq(dateLit(":"), dateNum(dMinute, 2, false), dateAlt(
			dateSeq(dateLit(":"), dateNum(dSecond, 2, false), dateOpt(dateSeq(decimalPoint, dateFrac(1000)))),
			dateSeq(decimalPoint, dateFrac(60_000)),
			nil)),
		dateSeq(decimalPoint, dateFrac(3_600_000)),
		nil))
	dateElement = dateAlt(
		dateSeq(dateNum(dYear, 9, true), dateOpt(dateSeq(dateLit("-"), dateNum(dMonth, 2, false),
			dateOpt(dateSeq(dateLit("-"), dateNum(dDay, 2, false)))))),
		dateSeq(dateNum(dWeekyear, 9, true), dateLit("-W"), dateNum(dWeek, 2, false),
			dateOpt(dateSeq(dateLit("-"), dateNum(dWeekday, 1, false)))),
		dateSeq(dateNum(dYear, 9, true), dateLit("-"), dateNum(dYearDay, 3, false)),
	)
	dateTime = dateAlt(
		dateSeq(dateLit("T"), timeElement, dateOpt(dateOffset)),
		dateSeq(dateElement, dateOpt(dateSeq(dateLit("T"), dateOpt(timeElement), dateOpt(dateOffset)))),
	)
)

// dateSeq reads each parser in turn.
func dateSeq(ps ...dateParser) dateParser {
	return func(s string, pos int, f *dateFields) int {
		for _, p := range ps {
			if pos = p(s, pos, f); pos < 0 {
				return -1
			}
		}
		return pos
	}
}

// dateOpt reads p, or nothing.
func dateOpt(p dateParser) dateParser { return dateAlt(p, nil) }

// dateAlt reads one of ps as Joda's MatchingParser does: the first that
// reaches the end of s, or is the last to try, wins at once; otherwise
// the one that reads furthest. A nil parser, last, matches nothing, so
// the alternative is optional.
func dateAlt(ps ...dateParser) dateParser {
	return func(s string, pos int, f *dateFields) int {
		orig := *f
		best, bestFields, optional := pos, orig, false
		for i, p := range ps {
			if p == nil {
				if best <= pos {
					*f = orig
					return pos
				}
				optional = true
				break
			}
			g := orig
			n := p(s, pos, &g)
			if n > best {
				if n >= len(s) || i+1 == len(ps) || ps[i+1] == nil {
					*f = g
					return n
				}
				best, bestFields = n, g
			}
		}
		switch {
		case best > pos:
			*f = bestFields
			return best
		case optional:
			*f = orig
			return pos
		}
		return -1
	}
}

// dateLit reads lit, in either case.
func dateLit(lit string) dateParser {
	return func(s string, pos int, _ *dateFields) int {
		if len(s)-pos < len(lit) || !strings.EqualFold(s[pos:pos+len(lit)], lit) {
			return -1
		}
		return pos + len(lit)
	}
}

// dateNum reads field: one digit up to max, after a sign when signed.
func dateNum(field, max int, signed bool) dateParser {
	return func(s string, pos int, f *dateFields) int {
		i, neg := pos, false
		if signed && i+1 < len(s) && (s[i] == '-' || s[i] == '+') && isDigit(s[i+1]) {
			neg, i = s[i] == '-', i+1
		}
		start := i
		for i < len(s) && i-start < max && isDigit(s[i]) {
			i++
		}
		if i == start {
			return -1
		}
		v, _ := strconv.Atoi(s[start:i]) // nine digits at most: no overflow
		if neg {
			v = -v
		}
		f.v[field], f.set[field] = v, true
		return i
	}
}

// dateFrac reads the decimal fraction of a unit of unit milliseconds,
// one to nine digits, truncated to the millisecond.
func dateFrac(unit int) dateParser {
	return func(s string, pos int, f *dateFields) int {
		i, v, n := pos, 0, unit*10
		for i < len(s) && i-pos < 9 && isDigit(s[i]) {
			n /= 10
			v += int(s[i]-'0') * n
			i++
		}
		if i == pos {
			return -1
		}
		f.frac, f.fracUnit = v/10, unit
		return i
	}
}

// dateOffset reads a zone offset as Joda's TimeZoneOffset parser does:
// Z, or a sign and two-digit hours, then optionally two-digit minutes and
// seconds and one to three digits of milliseconds, with separators (':',
// then '.' or ',') throughout or none.
func dateOffset(s string, pos int, f *dateFields) int {
	if pos < len(s) && (s[pos] == 'Z' || s[pos] == 'z') {
		f.offset = 0
		return pos + 1
	}
	if len(s)-pos <= 1 || s[pos] != '+' && s[pos] != '-' {
		return -1
	}
	neg, i := s[pos] == '-', pos+1
	digits := func(max int) int {
		n := 0
		for n < max && i+n < len(s) && isDigit(s[i+n]) {
			n++
		}
		return n
	}
	if digits(2) < 2 {
		return -1
	}
	ms := 0
	// field reads a two-digit field of at most max, worth unit each; it
	// reports false when the offset is malformed there.
	field := func(max, unit int) bool {
		v := int(s[i]-'0')*10 + int(s[i+1]-'0')
		ms += v * unit
		i += 2
		return v <= max
	}
	if !field(23, 3_600_000) {
		return -1
	}
	// rest reads what may follow the hours; false: malformed.
	rest := func() bool {
		if i >= len(s) {
			return true
		}
		colons := s[i] == ':'
		switch {
		case colons:
			i++
		case !isDigit(s[i]):
			return true
		}
		if digits(2) < 2 || !field(59, 60_000) {
			return false
		}
		if i >= len(s) || colons && s[i] != ':' {
			return true
		}
		if colons {
			i++
		}
		if n := digits(2); n == 0 && !colons {
			return true
		} else if n < 2 || !field(59, 1000) {
			return false
		}
		if i >= len(s) || colons && s[i] != '.' && s[i] != ',' {
			return true
		}
		if colons {
			i++
		}
		n := digits(3)
		if n == 0 {
			return !colons
		}
		frac, _ := strconv.Atoi(s[i:i+n] + "00"[:3-n]) // tenths, hundredths, thousandths
		ms += frac
		i += n
		return true
	}
	if !rest() {
		return -1
	}
	if neg {
		ms = -ms
	}
	f.offset = ms
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// instant makes the fields read into an instant, as Joda's
// DateTimeParserBucket does: each field set in turn from the largest,
// starting from 1970-01-01T00:00Z, and refused out of its range.
func (f *dateFields) instant() (time.Time, bool) {
	// Joda's ISO chronology supports these years.
	const minYear, maxYear = -292275054, 292278993
	in := func(field, lo, hi int) bool {
		return !f.set[field] || lo <= f.v[field] && f.v[field] <= hi
	}
	d := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	switch {
	case f.set[dYear]:
		y := f.v[dYear]
		if !in(dYear, minYear, maxYear) || !in(dMonth, 1, 12) || !in(dYearDay, 1, daysIn(y, 12, 31)) {
			return time.Time{}, false
		}
		m := 1
		if f.set[dMonth] {
			m = f.v[dMonth]
		}
		if !in(dDay, 1, daysIn(y, m, 0)) {
			return time.Time{}, false
		}
		day := 1
		switch {
		case f.set[dDay]:
			day = f.v[dDay]
		case f.set[dYearDay]:
			day = f.v[dYearDay]
		}
		d = time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC)
	case f.set[dWeekyear]:
		y := f.v[dWeekyear]
		if !in(dWeekyear, minYear, maxYear) || !in(dWeek, 1, weeksIn(y)) || !in(dWeekday, 1, 7) {
			return time.Time{}, false
		}
		wd := 4 // 1970-01-01's, a Thursday
		if f.set[dWeekday] {
			wd = f.v[dWeekday]
		}
		d = week1(y).AddDate(0, 0, (f.v[dWeek]-1)*7+wd-1)
	}
	if !in(dHour, 0, 23) || !in(dMinute, 0, 59) || !in(dSecond, 0, 59) {
		return time.Time{}, false
	}
	ms := f.v[dHour]*3_600_000 + f.v[dMinute]*60_000 + f.v[dSecond]*1000 + f.frac - f.offset
	return d.Add(time.Duration(ms) * time.Millisecond), true
}

// daysIn returns the number of days of month m of year y when day is 0,
// and the day of the year of (y, 12, 31) when it is 31: time.Date
// normalises both.
func daysIn(y, m, day int) int {
	if day == 31 {
		return time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC).YearDay()
	}
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// week1 returns the Monday of ISO week 1 of week year y, the week that
// holds January 4th.
func week1(y int) time.Time {
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
	wd := int(jan4.Weekday()+6)%7 + 1 // Monday 1 … Sunday 7
	return jan4.AddDate(0, 0, 1-wd)
}

// weeksIn returns the number of ISO weeks of week year y: 53 when
// December 28th is in week 53.
func weeksIn(y int) int {
	_, w := time.Date(y, 12, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
	return w
}
