package protocol

import (
	"encoding/xml"
	"strconv"
	"time"
)

// Time is a timestamp member of an output shape. AWS JSON protocols carry
// timestamps as epoch seconds (a JSON number, fraction allowed); the query
// protocol carries them as ISO 8601 in UTC. One type serves both, so
// services state "this is a timestamp" and each codec picks the encoding.
type Time struct{ time.Time }

// At wraps t; the zero time.Time stays zero (and omitted where the field is
// a pointer left nil).
func At(t time.Time) Time { return Time{t} }

// MarshalJSON writes epoch seconds with millisecond precision, trimmed:
// 1421516513.393 or 1421516513.
func (t Time) MarshalJSON() ([]byte, error) {
	ms := t.UnixMilli()
	sec, frac := ms/1000, ms%1000
	b := strconv.AppendInt(nil, sec, 10)
	if frac != 0 {
		f := strconv.FormatFloat(float64(frac)/1000, 'f', -1, 64) // "0.393"
		b = append(b, f[1:]...)
	}
	return b, nil
}

// UnmarshalJSON reads epoch seconds (integer or fractional).
func (t *Time) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	t.Time = time.UnixMilli(int64(f * 1000)).UTC()
	return nil
}

// ISO8601 is the layout the query protocol uses for timestamps.
const ISO8601 = "2006-01-02T15:04:05Z"

// MarshalXML writes ISO 8601 in UTC, without fractional seconds.
func (t Time) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(t.UTC().Format(ISO8601), start)
}
