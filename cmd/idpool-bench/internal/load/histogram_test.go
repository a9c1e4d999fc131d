package load

import (
	"math"
	"testing"
	"time"
)

func TestBucketBounds(t *testing.T) {
	// Every value must fall inside the bounds of its own bucket, and the
	// buckets must tile the number line without gaps.
	values := []uint64{0, 1, 127, 128, 129, 255, 256, 1000, 123456, 1 << 40, math.MaxInt64}
	for _, v := range values {
		i := bucket(v)
		if i < 0 || i >= nBuckets {
			t.Fatalf("bucket(%d) = %d, want within [0, %d)", v, i, nBuckets)
		}
		lo, hi := bounds(i)
		if v < lo || v > hi {
			t.Errorf("bucket(%d) = %d with bounds [%d, %d], want v inside", v, i, lo, hi)
		}
	}
	for i := 1; i < nBuckets; i++ {
		_, prevHi := bounds(i - 1)
		lo, _ := bounds(i)
		if lo != prevHi+1 {
			t.Fatalf("bucket %d starts at %d, want %d (previous ends at %d)", i, lo, prevHi+1, prevHi)
		}
	}
}

// within reports whether got is within frac of want.
func within(got, want time.Duration, frac float64) bool {
	return math.Abs(float64(got-want)) <= frac*float64(want)
}

func TestQuantile(t *testing.T) {
	uniform := func() *Histogram {
		h := new(Histogram)
		for i := 1; i <= 1000; i++ {
			h.Record(time.Duration(i) * time.Microsecond)
		}
		return h
	}
	tests := []struct {
		name string
		h    *Histogram
		q    float64
		want time.Duration
	}{
		{"empty", new(Histogram), 0.5, 0},
		{"single value is exact", record(3 * time.Millisecond), 0.99, 3 * time.Millisecond},
		{"p50 of uniform", uniform(), 0.50, 500 * time.Microsecond},
		{"p99 of uniform", uniform(), 0.99, 990 * time.Microsecond},
		{"p0 is the minimum", uniform(), 0, time.Microsecond},
		{"p100 is the maximum", uniform(), 1, time.Millisecond},
		{"skewed p50", record(time.Millisecond, time.Millisecond, time.Millisecond, time.Second), 0.5, time.Millisecond},
		{"skewed p99", record(time.Millisecond, time.Millisecond, time.Millisecond, time.Second), 0.99, time.Second},
		{"negative counts as zero", record(-time.Second), 0.5, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.h.Quantile(tc.q)
			if !within(got, tc.want, 1.0/subCount) {
				t.Errorf("Quantile(%v) = %v, want %v (±%.1f%%)", tc.q, got, tc.want, 100.0/subCount)
			}
		})
	}
}

func record(ds ...time.Duration) *Histogram {
	h := new(Histogram)
	for _, d := range ds {
		h.Record(d)
	}
	return h
}

func TestMerge(t *testing.T) {
	a := record(time.Millisecond, 3*time.Millisecond)
	b := record(2*time.Millisecond, 10*time.Millisecond)
	a.Merge(b)
	a.Merge(new(Histogram))
	if got, want := a.Count(), uint64(4); got != want {
		t.Errorf("Count() = %d, want %d", got, want)
	}
	if got, want := a.Min(), time.Millisecond; got != want {
		t.Errorf("Min() = %v, want %v", got, want)
	}
	if got, want := a.Max(), 10*time.Millisecond; got != want {
		t.Errorf("Max() = %v, want %v", got, want)
	}
	if got, want := a.Mean(), 4*time.Millisecond; got != want {
		t.Errorf("Mean() = %v, want %v", got, want)
	}
	if got, want := a.Quantile(0.5), 2*time.Millisecond; !within(got, want, 1.0/subCount) {
		t.Errorf("Quantile(0.5) = %v, want %v", got, want)
	}

	var empty Histogram
	empty.Merge(b)
	if got, want := empty.Min(), 2*time.Millisecond; got != want {
		t.Errorf("Min() after merging into empty = %v, want %v", got, want)
	}
}

func BenchmarkRecord(b *testing.B) {
	h := new(Histogram)
	for i := 0; b.Loop(); i++ {
		h.Record(time.Duration(i) * 7919)
	}
}
