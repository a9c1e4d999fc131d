package jsonenc

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestAppendMillis checks the shortcut for whole thousandths against
// strconv on the values it takes and their neighbours, which it must
// either format identically or leave to strconv.
func TestAppendMillis(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	values := []float64{0.001, 0.5, 1, 1.1, 9.999, 10, 99.995, 1421516513.393, 1421516513, 1e10 + 0.001, maxMillis - 0.001, -0.25, -1421516513.007}
	for range 200000 {
		values = append(values, float64(r.Int64N(2*maxMillis*1000)-maxMillis*1000)/1000)
		values = append(values, (r.Float64()-0.5)*2*maxMillis)
		values = append(values, float64(r.Int64N(1e13))/1000)
	}
	for _, v := range values {
		for _, f := range []float64{v, math.Nextafter(v, math.Inf(1)), math.Nextafter(v, math.Inf(-1))} {
			want := strconv.AppendFloat(nil, f, 'f', -1, 64)
			got, ok := appendMillis(nil, f)
			if ok && string(got) != string(want) {
				t.Fatalf("appendMillis(%v): got %s, want %s", f, got, want)
			}
		}
	}
	for _, f := range []float64{0, math.Copysign(0, -1), maxMillis, -maxMillis, 1e-4, math.NaN(), math.Inf(1)} {
		if got, ok := appendMillis(nil, f); ok {
			t.Errorf("appendMillis(%v): got %s, want it left to strconv", f, got)
		}
	}
}

// TestSafeWord puts every byte value at every position of a safe word:
// the word must pass exactly when the byte is safe.
func TestSafeWord(t *testing.T) {
	for b := range 256 {
		for pos := range 8 {
			w := []byte("abcdefgh")
			w[pos] = byte(b)
			want := b < len(safeASCII) && safeASCII[b]
			if got := safeWord(string(w), 0); got != want {
				t.Errorf("safeWord(%q): got %v, want %v", w, got, want)
			}
		}
	}
}
