package protocol

import (
	"encoding/xml"
	"math"
	"time"
)

// Time is a timestamp member of an output (or input) shape. AWS JSON
// protocols carry timestamps as epoch seconds (a JSON number, fraction
// allowed); the query protocol carries them as ISO 8601 in UTC. One type
// serves both, so services state "this is a timestamp" and each codec picks
// the encoding.
//
// Its value is epoch seconds with millisecond precision. Being a float64,
// it is encoded by encoding/json as a plain number (1421516513.393, or
// 1421516513 for whole seconds) without a Marshaler call per value, which
// matters for outputs holding many records.
type Time float64

// At returns t as a Time, at millisecond precision.
func At(t time.Time) Time { return Time(float64(t.UnixMilli()) / 1000) }

// Time returns the instant, in UTC.
func (t Time) Time() time.Time {
	return time.UnixMilli(int64(math.Round(float64(t) * 1000))).UTC()
}

// ISO8601 is the layout the query protocol uses for timestamps.
const ISO8601 = "2006-01-02T15:04:05Z"

// MarshalXML writes ISO 8601 in UTC, without fractional seconds.
func (t Time) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(t.Time().Format(ISO8601), start)
}
