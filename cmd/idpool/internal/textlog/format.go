package textlog

import (
	"log/slog"
	"strconv"
	"time"
)

// appendString appends s as slog.TextHandler writes a key, a string value or
// the message, and reports false when it cannot tell how that is.
//
// The text handler quotes a string with strconv.Quote when it is empty or
// contains a control character, space, '=' or '"' (log/slog's needsQuoting);
// it returns at the first such byte, so one anywhere decides, whatever else
// the string holds. Otherwise it also quotes for some non-ASCII runes (spaces,
// unprintable ones, invalid UTF-8), which this function does not try to
// judge: it writes a string bare only when every byte is in '!' to '~' and
// none is '"', '=' or '\\'. That is stricter than the text handler, which
// also writes '\\' and DEL bare; a string neither bare nor quoted by these
// rules makes appendString report false.
func appendString(b []byte, s string) ([]byte, bool) {
	if s == "" {
		return append(b, `""`...), true
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		bare := uint64(bareLow)
		if c >= 64 {
			bare = bareHigh
		}
		if c >= 0x80 || bare&(1<<(c&63)) == 0 {
			return appendUnusual(b, s[i:], s)
		}
	}
	return append(b, s...), true
}

// bareLow and bareHigh have bit c%64 set for the ASCII bytes c below and
// from 64 that appendString writes bare: '!' to '~' except '"', '=' and '\\'.
const (
	bareLow  = ^uint64(1<<'!'-1) &^ (1<<'"' | 1<<'=')
	bareHigh = ^uint64(0) >> 1 &^ (1 << ('\\' - 64))
)

// appendUnusual finishes appendString for s, of whose bytes rest is the
// part from the first one that cannot be written bare.
func appendUnusual(b []byte, rest, s string) ([]byte, bool) {
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; c < 0x20 || c == ' ' || c == '"' || c == '=' {
			return strconv.AppendQuote(b, s), true
		}
	}
	return b, false
}

// appendLevel appends l as slog.Level.String formats it: the name of the
// nearest named level at or below l and, unless l is that level, the signed
// difference, as in "INFO" or "WARN+2" or "DEBUG-4".
func appendLevel(b []byte, l slog.Level) []byte {
	var base slog.Level
	switch {
	case l < slog.LevelInfo:
		b, base = append(b, "DEBUG"...), slog.LevelDebug
	case l < slog.LevelWarn:
		b, base = append(b, "INFO"...), slog.LevelInfo
	case l < slog.LevelError:
		b, base = append(b, "WARN"...), slog.LevelWarn
	default:
		b, base = append(b, "ERROR"...), slog.LevelError
	}
	d := l - base
	if d > 0 {
		b = append(b, '+')
	}
	if d != 0 {
		b = strconv.AppendInt(b, int64(d), 10)
	}
	return b
}

// The fast path formats times from the start of 2 January of year 1 up to
// the end of 30 December 9999, UTC, in Unix seconds: with an offset under a
// day, their local date then has a four-digit year, which the text handler's
// formatting assumes.
const (
	minUnix = -62135510400 // 0001-01-02T00:00:00Z
	maxUnix = 253402214400 // 9999-12-31T00:00:00Z, excluded
)

// appendTime appends t as slog.TextHandler writes a record's time: RFC 3339
// in t's location with exactly three fractional digits, truncated (not
// rounded) to the millisecond. The offset is "Z" when zero and otherwise
// "±hh:mm", its seconds dropped by truncating toward zero as the time
// package does. It reports false for times outside the range above and
// offsets of a day or more.
func appendTime(b []byte, t time.Time) ([]byte, bool) {
	_, offset := t.Zone()
	if offset <= -86400 || offset >= 86400 {
		return b, false
	}
	if sec := t.Unix(); sec < minUnix || sec >= maxUnix {
		return b, false
	}
	// Date and Clock are cheapest in UTC, which needs no zone lookup.
	local := t.UTC().Add(time.Duration(offset) * time.Second)
	year, month, day := local.Date()
	hour, minute, second := local.Clock()
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendTwo(b, int(month))
	b = append(b, '-')
	b = appendTwo(b, day)
	b = append(b, 'T')
	b = appendTwo(b, hour)
	b = append(b, ':')
	b = appendTwo(b, minute)
	b = append(b, ':')
	b = appendTwo(b, second)
	b = append(b, '.')
	b = appendDigits(b, t.Nanosecond()/int(time.Millisecond), 3)
	if offset == 0 {
		return append(b, 'Z'), true
	}
	zone := offset / 60 // whole minutes, toward zero
	if zone < 0 {
		b = append(b, '-')
		zone = -zone
	} else {
		b = append(b, '+')
	}
	b = appendTwo(b, zone/60)
	b = append(b, ':')
	b = appendTwo(b, zone%60)
	return b, true
}

// appendTwo appends the v in [0, 99] as two decimal digits.
func appendTwo(b []byte, v int) []byte {
	return append(b, byte('0'+v/10), byte('0'+v%10))
}

// appendDigits appends v, which must be in [0, 10^width), as width decimal
// digits with leading zeros.
func appendDigits(b []byte, v, width int) []byte {
	n := len(b)
	b = append(b, "000000000000000000"[:width]...)
	for i := n + width - 1; v > 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return b
}

// appendDuration appends d as time.Duration.String formats it, without the
// string that method allocates: "0s" for zero; below a second an integer
// and a decimal fraction without trailing zeros in the largest of ns, µs and
// ms that keeps the integer non-zero ("1.5µs"); from a second on hours and
// minutes when non-zero (minutes also when hours are) and then seconds with
// their fraction ("72h3m0.5s", "1h0m0s").
func appendDuration(b []byte, d time.Duration) []byte {
	u := uint64(d)
	if d < 0 {
		b = append(b, '-')
		u = -u // also right for math.MinInt64, whose magnitude fits in a uint64
	}
	switch {
	case u == 0:
		return append(b, "0s"...)
	case u < uint64(time.Microsecond):
		b = strconv.AppendUint(b, u, 10)
		return append(b, "ns"...)
	case u < uint64(time.Millisecond):
		b = appendFixed(b, u, 3)
		return append(b, "µs"...)
	case u < uint64(time.Second):
		b = appendFixed(b, u, 6)
		return append(b, "ms"...)
	}
	secs := u / uint64(time.Second)
	if h := secs / 3600; h > 0 {
		b = strconv.AppendUint(b, h, 10)
		b = append(b, 'h')
		b = strconv.AppendUint(b, secs/60%60, 10)
		b = append(b, 'm')
	} else if m := secs / 60; m > 0 {
		b = strconv.AppendUint(b, m, 10)
		b = append(b, 'm')
	}
	b = appendFixed(b, secs%60*uint64(time.Second)+u%uint64(time.Second), 9)
	return append(b, 's')
}

// appendFixed appends v divided by 10^prec: the integer part, then, when the
// remainder is not zero, a point and its prec digits without trailing zeros.
func appendFixed(b []byte, v uint64, prec int) []byte {
	scale := uint64(1)
	for range prec {
		scale *= 10
	}
	b = strconv.AppendUint(b, v/scale, 10)
	frac := v % scale
	if frac == 0 {
		return b
	}
	for frac%10 == 0 {
		frac /= 10
		prec--
	}
	b = append(b, '.')
	return appendDigits(b, int(frac), prec)
}
