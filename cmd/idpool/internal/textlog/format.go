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
	// The time package truncates the fraction, as the text handler does.
	return t.AppendFormat(b, "2006-01-02T15:04:05.000Z07:00"), true
}

// appendDuration appends d as time.Duration.String formats it.
func appendDuration(b []byte, d time.Duration) []byte {
	return append(b, d.String()...)
}
