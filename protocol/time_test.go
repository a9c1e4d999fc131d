package protocol

import (
	"encoding/json"
	"encoding/xml"
	"testing"
	"time"
)

func TestTimeEncodings(t *testing.T) {
	tests := []struct {
		name     string
		in       time.Time
		wantJSON string
		wantXML  string
	}{
		{"whole seconds", time.Unix(1421516513, 0), `1421516513`, `<R><T>2015-01-17T17:41:53Z</T></R>`},
		{"milliseconds", time.UnixMilli(1421516513393), `1421516513.393`, `<R><T>2015-01-17T17:41:53Z</T></R>`},
		{"trailing zero trimmed", time.UnixMilli(1421516513390), `1421516513.39`, `<R><T>2015-01-17T17:41:53Z</T></R>`},
		{"sub-millisecond dropped", time.UnixMicro(1421516513393999), `1421516513.393`, `<R><T>2015-01-17T17:41:53Z</T></R>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, err := json.Marshal(At(tt.in))
			if err != nil || string(j) != tt.wantJSON {
				t.Errorf("JSON: got %s (%v), want %s", j, err, tt.wantJSON)
			}
			x, err := xml.Marshal(struct {
				XMLName xml.Name `xml:"R"`
				T       Time
			}{T: At(tt.in)})
			if err != nil || string(x) != tt.wantXML {
				t.Errorf("XML: got %s (%v), want %s", x, err, tt.wantXML)
			}
			var back Time
			if err := json.Unmarshal(j, &back); err != nil || !back.Time().Equal(tt.in.Truncate(time.Millisecond)) {
				t.Errorf("round trip: got %v (%v), want %v", back.Time(), err, tt.in)
			}
		})
	}
	// Clients send numbers in any JSON form, exponents included.
	var in Time
	if err := json.Unmarshal([]byte(`1.421516513393E9`), &in); err != nil || !in.Time().Equal(time.UnixMilli(1421516513393)) {
		t.Errorf("exponent form: got %v (%v), want 1421516513.393", in.Time(), err)
	}
}
