package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/idpool/idpool/cmd/idpool-bench/internal/load"
)

// targetKind says what a scenario's rate is compared with.
type targetKind int

const (
	vsTrivial targetKind = iota + 1 // ratio to the trivial handler's rate
	vsSigning                       // ratio to the RS512 signing rate
	atLeast                         // absolute requests per second
	vsOwn                           // ratio to a baseline of the row's own, named in Baseline (-scale, the console)
)

// target is the performance goal of one scenario.
type target struct {
	kind targetKind
	min  float64 // a ratio (0.5 = 50 %) or requests per second
}

// Limits outside the scenario table.
const (
	// startupRatio bounds start-up on ":memory:" as a multiple of a
	// minimal Go HTTP server's, measured alongside.
	startupRatio = 3.0
	memoryLimit  = 40 << 20 // bytes of resident memory
)

// Report is everything one run measured, as printed by writeTable and
// encoded by -json. Durations are nanoseconds in JSON.
type Report struct {
	Endpoint string        `json:"endpoint"`
	Server   string        `json:"server,omitempty"` // the binary started with -server
	CPUs     int           `json:"cpus"`
	Workers  int           `json:"workers"`
	Duration time.Duration `json:"duration_ns"`
	// OtherLoad is the fraction of the machine's CPU time used by other
	// work while the benchmark sat idle, at the start and at the end (-1
	// when unknown). Other work skews the ratios: it takes CPU from the
	// server and the baselines in different shares.
	OtherLoad []float64 `json:"other_cpu_load"`

	// Trivial and Signing hold every measurement of the two baselines in
	// order: one at the start, then one interleaved with each scenario
	// that compares with it.
	Trivial   []Row     `json:"trivial_baseline"`
	Signing   []float64 `json:"signing_per_second"`
	Scenarios []Row     `json:"scenarios"`
	Startup   *Startup  `json:"startup,omitempty"`
	Memory    *Memory   `json:"memory,omitempty"`
	Scale     *Scale    `json:"scale,omitempty"`
	// Moto is the moto_server compared with, "" when there was none.
	Moto string `json:"moto_server,omitempty"`

	Checks []Check `json:"checks"`
}

// Row is the measurement of one scenario (or of the trivial baseline).
type Row struct {
	Name       string         `json:"name"`
	Rate       float64        `json:"requests_per_second"`
	P50        time.Duration  `json:"p50_ns"`
	P99        time.Duration  `json:"p99_ns"`
	Requests   uint64         `json:"requests"`
	Errors     uint64         `json:"errors"`
	Statuses   map[int]uint64 `json:"error_statuses,omitempty"`
	FirstError string         `json:"first_error,omitempty"`
	// SetupError is set when the scenario could not be prepared; nothing
	// was measured then.
	SetupError string `json:"setup_error,omitempty"`
	// Baseline names what Ratio compares with: "trivial", "signing" or,
	// for a target of the row's own, what that row measured alongside.
	// BaselineRate is that baseline as measured interleaved with the
	// scenario, so that both sides of the ratio saw the same machine load.
	Baseline     string  `json:"baseline,omitempty"`
	BaselineRate float64 `json:"baseline_per_second,omitempty"`
	Ratio        float64 `json:"ratio,omitempty"`
	// MotoRate is moto_server's rate for the same scenario, measured in
	// the same run right after; MotoError says why there is none when
	// the comparison was attempted.
	MotoRate  float64 `json:"moto_per_second,omitempty"`
	MotoError string  `json:"moto_error,omitempty"`

	target target
}

// newRow summarises a load result.
func newRow(name string, res load.Result) Row {
	return Row{
		Name:       name,
		Rate:       res.Rate(),
		P50:        res.Latency.Quantile(0.50),
		P99:        res.Latency.Quantile(0.99),
		Requests:   res.Requests,
		Errors:     res.Errors,
		Statuses:   res.Statuses,
		FirstError: res.FirstError,
	}
}

// withBaseline sets the row's baseline to name, measured as rb, and adds
// the baseline's failures to the row's: a baseline that fails counts
// fewer answers, which would flatter the row's ratio unseen.
func (r *Row) withBaseline(name string, rb load.Result) {
	r.Baseline, r.BaselineRate = name, rb.Rate()
	if rb.Errors == 0 {
		return
	}
	r.Errors += rb.Errors
	if r.Statuses == nil {
		r.Statuses = map[int]uint64{}
	}
	for code, n := range rb.Statuses {
		r.Statuses[code] += n
	}
	if r.FirstError == "" {
		r.FirstError = "baseline " + name + ": " + rb.FirstError
	}
}

// Startup holds start-up latencies: from process start to the first 200
// answer of GET /_idpool/health.
type Startup struct {
	Fresh    []time.Duration `json:"fresh_ns"`    // each on a new database
	Existing []time.Duration `json:"existing_ns"` // each on the same, already created database
	// Memory are start-ups on ":memory:", each alternating with one of a
	// minimal Go HTTP server (Minimal), the baseline of their ratio.
	Memory  []time.Duration `json:"memory_ns,omitempty"`
	Minimal []time.Duration `json:"minimal_ns,omitempty"`
}

// median returns the median of xs, or 0 when xs is empty.
func median[T time.Duration | float64](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// busy is the share of CPU time taken by other work above which the report
// warns that the ratios are unreliable.
const busy = 0.15

// noisy is the spread of baseline measurements above which the report
// warns that the machine was too busy for trustworthy ratios.
const noisy = 0.25

// spread returns how much the largest of xs exceeds the smallest, as a
// fraction of the smallest; 0 for fewer than two positive values.
func spread(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	lo, hi := slices.Min(xs), slices.Max(xs)
	if lo <= 0 {
		return 0
	}
	return hi/lo - 1
}

// rates returns the rate of each row.
func rates(rows []Row) []float64 {
	out := make([]float64, len(rows))
	for i, r := range rows {
		out[i] = r.Rate
	}
	return out
}

// Scale is what the scale scenario measured besides its rows.
type Scale struct {
	Identities int `json:"identities"` // of the big pool
	// Seeding is how long writing both pools into the database took.
	Seeding time.Duration `json:"seeding_ns"`
	// Memory is the server's, after the random access over the big pool.
	Memory Memory `json:"memory"`
	// DeleteGetID holds the latencies of GetId calls sent while the big
	// pool was deleted; DeleteTook is how long DeleteIdentityPool took.
	DeleteGetID *load.Histogram `json:"-"`
	// BeforeGetID holds those of the same calls just before the deletion.
	BeforeGetID *load.Histogram `json:"-"`
	DeleteTook  time.Duration   `json:"delete_ns"`
	// DeleteGetIDMax and DeleteGetIDCount summarise DeleteGetID for JSON.
	DeleteGetIDMax   time.Duration `json:"delete_getid_max_ns"`
	DeleteGetIDCount uint64        `json:"delete_getid_count"`
}

// Memory is the server's memory after the scenarios, from /proc/<pid>/status.
type Memory struct {
	RSS  uint64 `json:"vm_rss_bytes"`
	Peak uint64 `json:"vm_hwm_bytes"`
}

// Check is one target evaluated: Value compared with Limit, both in Unit.
type Check struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Limit  float64 `json:"limit"`
	Unit   string  `json:"unit"`              // "%", "req/s", "ms" or "MiB"
	AtMost bool    `json:"at_most,omitempty"` // Value must be ≤ Limit, else ≥
	Pass   bool    `json:"pass"`
}

func newCheck(name string, value, limit float64, unit string, atMost bool) Check {
	pass := value >= limit
	if atMost {
		pass = value <= limit
	}
	return Check{Name: name, Value: value, Limit: limit, Unit: unit, AtMost: atMost, Pass: pass}
}

// evaluate fills in each scenario's ratio and the report's checks. A
// scenario compares with its BaselineRate, or with the median of the
// baseline's measurements when it has none. A scenario without a
// measurement (set-up failed) or without a baseline gets no check.
func (r *Report) evaluate() {
	r.Checks = r.Checks[:0]
	for i := range r.Scenarios {
		s := &r.Scenarios[i]
		if s.SetupError != "" {
			continue
		}
		var fallback float64
		switch s.target.kind {
		case vsTrivial:
			s.Baseline, fallback = "trivial", median(rates(r.Trivial))
		case vsSigning:
			s.Baseline, fallback = "signing", median(r.Signing)
		case atLeast:
			r.Checks = append(r.Checks, newCheck(s.Name, s.Rate, s.target.min, "req/s", false))
			continue
		case vsOwn:
			// Baseline and BaselineRate are the row's own.
		default:
			continue
		}
		if s.BaselineRate <= 0 {
			s.BaselineRate = fallback
		}
		if s.BaselineRate <= 0 {
			continue
		}
		s.Ratio = s.Rate / s.BaselineRate
		r.Checks = append(r.Checks, newCheck(s.Name+" vs "+s.Baseline, 100*s.Ratio, 100*s.target.min, "%", false))
	}
	for _, s := range r.Scenarios {
		if s.SetupError == "" && s.MotoRate > 0 {
			r.Checks = append(r.Checks, newCheck(s.Name+" vs moto_server", s.Rate/s.MotoRate, motoTarget, "×", false))
		}
	}
	// Start-up on a file database is shown, not checked: the compass
	// compares start-up on :memory: with a minimal Go HTTP server's.
	if st := r.Startup; st != nil {
		if m := median(st.Minimal); len(st.Memory) > 0 && m > 0 {
			r.Checks = append(r.Checks, newCheck("start-up on :memory: vs a minimal Go HTTP server",
				float64(median(st.Memory))/float64(m), startupRatio, "×", true))
		}
	}
	if m := r.Memory; m != nil {
		r.Checks = append(r.Checks, newCheck("resident memory after the run", mib(m.RSS), mib(memoryLimit), "MiB", true))
	}
	if sc := r.Scale; sc != nil {
		r.Checks = append(r.Checks, newCheck(fmt.Sprintf("resident memory with %d identities", sc.Identities),
			mib(sc.Memory.RSS), mib(scaleMemoryLimit), "MiB", true))
		if h := sc.DeleteGetID; h != nil && h.Count() > 0 {
			sc.DeleteGetIDMax, sc.DeleteGetIDCount = h.Max(), h.Count()
			r.Checks = append(r.Checks, newCheck(fmt.Sprintf("slowest GetId while deleting %d identities", sc.Identities),
				millis(h.Max()), millis(deleteGetIDLimit), "ms", true))
		}
	}
}

func millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func mib(b uint64) float64           { return float64(b) / (1 << 20) }

// writeJSON encodes r, indented.
func writeJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// writeTable prints r for people.
func writeTable(out io.Writer, r *Report) error {
	// Compose in memory so that a failing writer is reported once.
	var buf bytes.Buffer
	w := &buf
	fmt.Fprintf(w, "idpool-bench  endpoint=%s  cpus=%d  workers=%d  duration=%s  other CPU load=%s\n\n",
		r.Endpoint, r.CPUs, r.Workers, r.Duration, fmtLoads(r.OtherLoad))
	rows := [][]string{{"scenario", "req/s", "p50", "p99", "errors", "vs", "baseline/s", "ratio"}}
	if t := r.Trivial; len(t) > 0 {
		var p50, p99 []time.Duration
		var errs uint64
		for _, m := range t {
			p50, p99, errs = append(p50, m.P50), append(p99, m.P99), errs+m.Errors
		}
		rows = append(rows, []string{"baseline: trivial net/http handler", fmt.Sprintf("%.0f", median(rates(t))),
			fmtDur(median(p50)), fmtDur(median(p99)), fmt.Sprint(errs)})
	}
	if len(r.Signing) > 0 {
		rows = append(rows, []string{fmt.Sprintf("baseline: RS512 signing, RSA-2048, %d CPUs", r.CPUs),
			fmt.Sprintf("%.0f", median(r.Signing)), "-", "-", "-"})
	}
	for _, s := range r.Scenarios {
		if s.SetupError != "" {
			rows = append(rows, []string{s.Name, "-", "-", "-", "-", "", "", "set-up failed"})
			continue
		}
		base, ratio := "", "-"
		if s.BaselineRate > 0 {
			base = fmt.Sprintf("%.0f", s.BaselineRate)
		}
		if s.Ratio > 0 {
			ratio = fmt.Sprintf("%.1f %%", 100*s.Ratio)
		}
		rows = append(rows, []string{s.Name, fmt.Sprintf("%.0f", s.Rate), fmtDur(s.P50), fmtDur(s.P99), fmt.Sprint(s.Errors), s.Baseline, base, ratio})
	}
	writeColumns(w, rows)
	if len(r.Trivial) > 1 || len(r.Signing) > 1 {
		fmt.Fprintf(w, "baselines (median above) were measured at the start and again interleaved with each scenario\n"+
			"that compares with them; ratios use that side-by-side measurement. trivial: %s; signing: %s\n",
			fmtRates(rates(r.Trivial)), fmtRates(r.Signing))
	}
	if t, g := spread(rates(r.Trivial)), spread(r.Signing); t > noisy || g > noisy {
		fmt.Fprintf(w, "WARNING: the baselines varied by up to %.0f %% during the run: the machine is busy with other\n"+
			"work, so the ratios below are unreliable; rerun on a quiet machine.\n", 100*max(t, g))
	}
	if len(r.OtherLoad) > 0 && slices.Max(r.OtherLoad) > busy {
		fmt.Fprintf(w, "WARNING: other work used up to %.0f %% of the CPUs while the benchmark was idle, so the ratios\n"+
			"below are unreliable (it takes CPU from the server and the baselines in different shares);\n"+
			"rerun on a quiet machine.\n", 100*slices.Max(r.OtherLoad))
	}

	if r.Moto == "" && len(r.Scenarios) > 0 {
		fmt.Fprintf(w, "moto_server not found (or -moto off): no comparison with it\n")
	} else if r.Moto != "" {
		fmt.Fprintf(w, "\nvs %s, each scenario measured on it right after idpool:\n", r.Moto)
		mrows := [][]string{{"scenario", "idpool req/s", "moto req/s", "idpool/moto"}}
		for _, s := range r.Scenarios {
			switch {
			case s.MotoRate > 0:
				mrows = append(mrows, []string{s.Name, fmt.Sprintf("%.0f", s.Rate), fmt.Sprintf("%.0f", s.MotoRate), fmt.Sprintf("%.1f×", s.Rate/s.MotoRate)})
			case s.MotoError != "":
				mrows = append(mrows, []string{s.Name, fmt.Sprintf("%.0f", s.Rate), "-", "moto: " + firstLine(s.MotoError, 60)})
			}
		}
		writeColumns(w, mrows)
	}

	if st := r.Startup; st != nil {
		fmt.Fprintf(w, "\nstart-up (median of %d): fresh database %s %s, existing database %s %s\n",
			len(st.Fresh), fmtDur(median(st.Fresh)), fmtDurs(st.Fresh), fmtDur(median(st.Existing)), fmtDurs(st.Existing))
		if len(st.Memory) > 0 {
			fmt.Fprintf(w, "start-up (median of %d): :memory: %s %s, minimal Go HTTP server %s %s\n",
				len(st.Memory), fmtDur(median(st.Memory)), fmtDurs(st.Memory), fmtDur(median(st.Minimal)), fmtDurs(st.Minimal))
		}
	}
	if m := r.Memory; m != nil {
		fmt.Fprintf(w, "memory after the run: VmRSS %.1f MiB, peak (VmHWM) %.1f MiB\n", mib(m.RSS), mib(m.Peak))
	}
	if sc := r.Scale; sc != nil {
		fmt.Fprintf(w, "scale: seeding %d + %d identities took %s; memory with them VmRSS %.1f MiB, peak %.1f MiB\n",
			scaleSmall, sc.Identities, fmtDur(sc.Seeding), mib(sc.Memory.RSS), mib(sc.Memory.Peak))
		if h := sc.DeleteGetID; h != nil {
			fmt.Fprintf(w, "scale: DeleteIdentityPool of %d identities answered in %s; %d GetId meanwhile and for 5s after: p50 %s, p99 %s, max %s\n",
				sc.Identities, fmtDur(sc.DeleteTook), h.Count(), fmtDur(h.Quantile(0.5)), fmtDur(h.Quantile(0.99)), fmtDur(h.Max()))
		}
		if h := sc.BeforeGetID; h != nil && h.Count() > 0 {
			fmt.Fprintf(w, "scale: the same GetId calls in the 2.5s before the deletion: %d, p50 %s, p99 %s, max %s\n",
				h.Count(), fmtDur(h.Quantile(0.5)), fmtDur(h.Quantile(0.99)), fmtDur(h.Max()))
		}
	}

	if len(r.Checks) > 0 {
		fmt.Fprintln(w)
		rows = [][]string{{"target", "measured", "goal", "result"}}
		for _, c := range r.Checks {
			verdict, op := "MISS", "≥"
			if c.Pass {
				verdict = "PASS"
			}
			if c.AtMost {
				op = "≤"
			}
			rows = append(rows, []string{c.Name, fmtValue(c.Value, c.Unit), op + " " + fmtValue(c.Limit, c.Unit), verdict})
		}
		writeColumns(w, rows)
	}

	var problems []string
	for _, t := range r.Trivial {
		if t.FirstError != "" {
			problems = append(problems, fmt.Sprintf("trivial baseline: %s; first: %s", fmtStatuses(t.Statuses), t.FirstError))
			break
		}
	}
	for _, s := range r.Scenarios {
		switch {
		case s.SetupError != "":
			problems = append(problems, fmt.Sprintf("%s: set-up failed: %s", s.Name, s.SetupError))
		case s.FirstError != "":
			problems = append(problems, fmt.Sprintf("%s: %s; first: %s", s.Name, fmtStatuses(s.Statuses), s.FirstError))
		}
	}
	if len(problems) > 0 {
		fmt.Fprintf(w, "\nerrors\n  %s\n", strings.Join(problems, "\n  "))
	}
	_, err := out.Write(buf.Bytes())
	return err
}

// writeColumns prints rows as aligned columns: the first left-aligned,
// the others right-aligned, two spaces apart. Widths count runes, so µ
// and ≥ do not skew the layout.
func writeColumns(w io.Writer, rows [][]string) {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		b.Reset()
		for i, cell := range row {
			gap := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			switch {
			case i == 0:
				b.WriteString(cell + gap)
			default:
				b.WriteString("  " + gap + cell)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// fmtDur prints d with three significant digits.
func fmtDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d/time.Microsecond)
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2fms", millis(d))
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.1fms", millis(d))
	case d < time.Second:
		return fmt.Sprintf("%.0fms", millis(d))
	default:
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
}

func fmtDurs(ds []time.Duration) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = fmtDur(d)
	}
	return "[" + strings.Join(s, " ") + "]"
}

// fmtLoads prints CPU-load fractions as percentages, "?" when unknown.
func fmtLoads(ls []float64) string {
	if len(ls) == 0 {
		return "-"
	}
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = "?"
		if l >= 0 {
			s[i] = fmt.Sprintf("%.0f%%", 100*l)
		}
	}
	return strings.Join(s, "/")
}

func fmtRates(rs []float64) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = fmt.Sprintf("%.0f", r)
	}
	return "[" + strings.Join(s, " ") + "]"
}

func fmtValue(v float64, unit string) string {
	switch unit {
	case "%":
		return fmt.Sprintf("%.1f %%", v)
	case "req/s":
		return fmt.Sprintf("%.0f req/s", v)
	case "×":
		return fmt.Sprintf("%.2f×", v)
	default:
		return fmt.Sprintf("%.1f %s", v, unit)
	}
}

// fmtStatuses prints failure counts by status, e.g. "400×12 transport×1".
func fmtStatuses(m map[int]uint64) string {
	codes := make([]int, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	s := make([]string, len(codes))
	for i, c := range codes {
		name := fmt.Sprint(c)
		if c == 0 {
			name = "transport"
		}
		s[i] = fmt.Sprintf("%s×%d", name, m[c])
	}
	return strings.Join(s, " ")
}

// firstLine returns the first line of s, cut to n runes.
func firstLine(s string, n int) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
