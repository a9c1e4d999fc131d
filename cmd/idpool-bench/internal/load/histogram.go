package load

import (
	"math"
	"math/bits"
	"time"
)

// subBits is the number of significant bits a bucket keeps: values are
// grouped into buckets no wider than 1/64 of their magnitude, so a quantile
// is reported within about 0.8 % of the true value.
const subBits = 6

const (
	subCount = 1 << subBits // buckets per power of two
	// linear is the range of values stored exactly, one bucket per value.
	linear = 2 * subCount
	// nBuckets covers every non-negative int64 nanosecond count: the largest,
	// 2^63-1, has 63 significant bits and lands in the last bucket.
	nBuckets = subCount*(62-subBits) + linear
)

// Histogram records durations in fixed log-linear buckets. Recording is a
// few arithmetic operations and never allocates; the zero value is empty
// and ready to use. A Histogram is not safe for concurrent use: give each
// goroutine its own and Merge them afterwards.
type Histogram struct {
	counts   [nBuckets]uint64
	n        uint64
	sum      time.Duration
	min, max time.Duration
}

// bucket returns the index of the bucket holding v (v >= 0).
func bucket(v uint64) int {
	if v < linear {
		return int(v)
	}
	// Keep the top subBits+1 bits: v>>e lies in [subCount, 2*subCount).
	e := bits.Len64(v) - (subBits + 1)
	return subCount*e + int(v>>e)
}

// bounds returns the smallest and largest value that fall into bucket i.
func bounds(i int) (lo, hi uint64) {
	if i < linear {
		return uint64(i), uint64(i)
	}
	e := i/subCount - 1
	lo = uint64(i-subCount*e) << e
	return lo, lo + (1 << e) - 1
}

// Record adds one duration; negative durations count as zero.
func (h *Histogram) Record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.counts[bucket(uint64(d))]++
	if h.n == 0 || d < h.min {
		h.min = d
	}
	if d > h.max {
		h.max = d
	}
	h.n++
	h.sum += d
}

// Merge adds every value recorded in o to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	if o.max > h.max {
		h.max = o.max
	}
	h.n += o.n
	h.sum += o.sum
}

// Count returns the number of recorded values.
func (h *Histogram) Count() uint64 { return h.n }

// Min returns the smallest recorded value, or 0 when h is empty.
func (h *Histogram) Min() time.Duration { return h.min }

// Max returns the largest recorded value, or 0 when h is empty.
func (h *Histogram) Max() time.Duration { return h.max }

// Mean returns the exact arithmetic mean, or 0 when h is empty.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return h.sum / time.Duration(h.n)
}

// Quantile returns the value below or at which a fraction q (0 ≤ q ≤ 1) of
// the recorded values lie, using the nearest-rank definition. The answer is
// the midpoint of the bucket holding that rank, clamped to the recorded
// minimum and maximum, so Quantile(0) and Quantile(1) are exact. It returns
// 0 when h is empty.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	switch {
	case q <= 0 || math.IsNaN(q):
		return h.min
	case q >= 1:
		return h.max
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	if rank == 0 {
		rank = 1
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen < rank {
			continue
		}
		lo, hi := bounds(i)
		v := time.Duration(lo + (hi-lo)/2)
		return min(max(v, h.min), h.max)
	}
	return h.max
}
