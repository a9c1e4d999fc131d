package jsonenc_test

import (
	"math"
	"testing"
)

// fuzzed puts the fuzzer's string and float where outputs carry them: as
// values, struct members, map keys and bytes.
type fuzzed struct {
	S  string             `json:"s"`
	O  string             `json:"o,omitempty"`
	F  float64            `json:"f"`
	F2 float32            `json:"f2,omitempty"`
	P  *float64           `json:"p,omitempty"`
	B  []byte             `json:"b"`
	M  map[string]float64 `json:"m"`
}

func FuzzAppend(f *testing.F) {
	f.Add("", 0.0)
	f.Add("plain", 1421516513.393)
	f.Add("\"\\\b\f\n\r\t\x00\x1f\x7f", 1e21)
	f.Add("<>&\u2028\u2029", 1e-7)
	f.Add("\xff\xe2\x80é日本🎉", -9.99999e-7)
	f.Add("x", math.MaxFloat64)
	f.Add("y", math.SmallestNonzeroFloat64)
	f.Add("z", math.Inf(1))
	f.Fuzz(func(t *testing.T, s string, x float64) {
		checkSame(t, s)
		checkSame(t, x)
		checkSame(t, float32(x))
		checkSame(t, &fuzzed{S: s, O: s, F: x, F2: float32(x), P: &x, B: []byte(s), M: map[string]float64{s: x, s + "\x00": -x}})
	})
}
