package jsonenc_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/jsonenc"
)

// stdEncode is the reference: what the codecs wrote before jsonenc.
func stdEncode(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// checkSame fails unless Append encodes v exactly as encoding/json does,
// or fails where it fails.
func checkSame(t *testing.T, v any) {
	t.Helper()
	want, wantErr := stdEncode(v)
	got, err := jsonenc.Append(nil, v)
	switch {
	case wantErr != nil && err == nil:
		t.Fatalf("got %s, want an error like %v", got, wantErr)
	case wantErr == nil && err != nil:
		t.Fatalf("got error %v, want %s", err, want)
	case wantErr == nil && string(got) != want:
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

type myString string
type myInt int
type myBytes []byte

// ptrByte's pointer is a marshaler, so a []ptrByte is not base64.
type ptrByte byte

func (b *ptrByte) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprintf(`"b%d"`, *b)), nil }

// valMarshaler marshals with insignificant space, which must go.
type valMarshaler struct{ N int }

func (m valMarshaler) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(" { \"n\" : %d ,\n \"s\": \"a b<>\" } ", m.N)), nil
}

// ptrMarshaler marshals only when addressable.
type ptrMarshaler struct{ N int }

func (m *ptrMarshaler) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprintf(`"p%d"`, m.N)), nil }

type badMarshaler struct{ Invalid bool }

func (m badMarshaler) MarshalJSON() ([]byte, error) {
	if m.Invalid {
		return []byte(`{"a":`), nil
	}
	return nil, errors.New("refused")
}

// nilMarshaler has a pointer receiver that tolerates nil.
type nilMarshaler struct{}

func (m *nilMarshaler) MarshalJSON() ([]byte, error) {
	if m == nil {
		return []byte(`"nil receiver"`), nil
	}
	return []byte(`"value"`), nil
}

type valText struct{ S string }

func (v valText) MarshalText() ([]byte, error) { return []byte("text:" + v.S + "\u2028"), nil }

type ptrText struct{ S string }

func (v *ptrText) MarshalText() ([]byte, error) { return []byte("ptext:" + v.S), nil }

type textKey int

func (k textKey) MarshalText() ([]byte, error) { return []byte(fmt.Sprintf("key-%02d", int(k))), nil }

type stringer struct{ S string }

func (s stringer) String() string { return s.S }

type scalars struct {
	B   bool
	I   int
	I8  int8
	I16 int16
	I32 int32
	I64 int64
	U   uint
	U8  uint8
	U16 uint16
	U32 uint32
	U64 uint64
	UP  uintptr
	F32 float32
	F64 float64
	S   string
	T   protocol.Time
	MS  myString
	MI  myInt
}

type omitted struct {
	B   bool              `json:"b,omitempty"`
	I   int               `json:"i,omitempty"`
	I8  int8              `json:"i8,omitempty"`
	I16 int16             `json:"i16,omitempty"`
	I32 int32             `json:"i32,omitempty"`
	U64 uint64            `json:"u64,omitempty"`
	F32 float32           `json:"f32,omitempty"`
	F64 float64           `json:"f64,omitempty"`
	S   string            `json:"s,omitempty"`
	P   *int              `json:"p,omitempty"`
	Sl  []string          `json:"sl,omitempty"`
	M   map[string]string `json:"m,omitempty"`
	MA  map[int]any       `json:"ma,omitempty"`
	A0  [0]int            `json:"a0,omitempty"`
	A1  [1]int            `json:"a1,omitempty"`
	If  any               `json:"if,omitempty"`
	St  struct{}          `json:"st,omitempty"`
	Bs  []byte            `json:"bs,omitempty"`
	T   *protocol.Time    `json:"t,omitempty"`
}

type tags struct {
	Renamed    string `json:"renamed"`
	Skipped    string `json:"-"`
	Dash       string `json:"-,"`
	Default    string `json:",omitempty"`
	Invalid    string `json:"a'b"`
	Punct      string `json:"a-b.c/d:e f"`
	Unicode    string `json:"ünï"`
	unexported string
	Win        string `json:"Lose"`
	Lose       string
	Quoted     []int `json:"q,string"` // ignored on slices
}

type inner struct{ X int }

type embeds struct {
	Tagged inner `json:"tagged"`
	myInt
	Named  inner
	*inner `json:"ptr,omitempty"`
}

type node struct {
	Name string
	Next *node  `json:",omitempty"`
	Kids []node `json:",omitempty"`
}

type withAny struct {
	A any
	S fmt.Stringer
	E error
}

type holders struct {
	V  valMarshaler
	P  ptrMarshaler
	PP *ptrMarshaler
	N  *nilMarshaler
	NI json.Marshaler
	R  json.RawMessage
	RN json.RawMessage
	Nu json.Number
	VT valText
	PT ptrText
	Tm time.Time
}

func intPtr(n int) *int { return &n }

func TestAppendMatchesEncodingJSON(t *testing.T) {
	var nilNode *node
	str := "s"
	pstr := &str
	tm := protocol.Time(1421516513.393)
	deep := &node{Name: "0"}
	for i, n := 1, deep; i < 1500; i++ {
		n.Next = &node{Name: fmt.Sprint(i)}
		n = n.Next
	}
	tests := []struct {
		name string
		v    any
	}{
		{"nil", nil},
		{"true", true},
		{"false", false},
		{"int", -42},
		{"int extremes", []int64{math.MinInt64, math.MaxInt64}},
		{"small ints", []any{int8(-128), int16(-32768), int32(math.MinInt32), uint8(255), uint16(65535), uint32(math.MaxUint32)}},
		{"uint64 max", uint64(math.MaxUint64)},
		{"uintptr", uintptr(12345)},
		{"float zero", 0.0},
		{"float negative zero", math.Copysign(0, -1)},
		{"floats", []float64{1, -1.5, 0.1, 1e20, 1e21, 123456789e13, 1e-6, 9.99999e-7, 1e-7, -1e-7, 1.5e-10, 1e100, math.MaxFloat64, math.SmallestNonzeroFloat64, 1421516513.393, 1421516513}},
		{"float32s", []float32{0, 1, 0.1, 1e-6, 9.99999e-7, 1e-7, 1e20, 1e21, math.MaxFloat32, math.SmallestNonzeroFloat32, 16777216.5}},
		{"NaN", math.NaN()},
		{"+Inf", math.Inf(1)},
		{"-Inf float32", float32(math.Inf(-1))},
		{"NaN in struct", scalars{F64: math.NaN()}},
		{"time", protocol.Time(1421516513.393)},
		{"time pointer", &tm},
		{"empty string", ""},
		{"plain string", "hello, world"},
		{"quotes and backslashes", `say "hi" \ bye \\`},
		{"named escapes", "\b\f\n\r\t"},
		{"control bytes", "\x00\x01\x07\x0b\x0e\x1f\x7f"},
		{"html is not escaped", "<script>&amp;</script>"},
		{"line separators", "a\u2028b\u2029c\u2027\u202a"},
		{"invalid UTF-8", "a\xffb\xfe\xc0\xafc\xed\xa0\x80d"},
		{"truncated rune", "ok\xe2\x80"},
		{"non-ASCII", "é日本語🎉 Ω"},
		{"named string", myString("x\ny")},
		{"scalars zero", scalars{}},
		{"scalars", scalars{true, -1, -8, -16, -32, -64, 1, 8, 16, 32, 64, 99, 1.25, 2.5e-8, "s\"", 1421516513.393, "ms", 7}},
		{"omitempty all empty", omitted{}},
		{"omitempty negative zero", omitted{F64: math.Copysign(0, -1), F32: float32(math.Copysign(0, -1))}},
		{"omitempty empty but not nil", omitted{Sl: []string{}, M: map[string]string{}, MA: map[int]any{}, Bs: []byte{}}},
		{"omitempty all set", omitted{true, 1, 2, 3, 4, 5, 6, 7, "s", intPtr(0), []string{"a"}, map[string]string{"k": "v"}, map[int]any{3: nil}, [0]int{}, [1]int{0}, 0, struct{}{}, []byte("x"), &tm}},
		{"tags", tags{Renamed: "r", Skipped: "s", Dash: "d", Default: "", Invalid: "i", Punct: "p", Unicode: "u", unexported: "x", Win: "w", Lose: "l", Quoted: []int{1}}},
		{"tagged and non-promoted embedding", embeds{Tagged: inner{1}, myInt: 2, Named: inner{3}, inner: &inner{4}}},
		{"nil pointer", nilNode},
		{"pointer to pointer", &pstr},
		{"nil slice", []string(nil)},
		{"empty slice", []string{}},
		{"slice of structs", []inner{{1}, {2}}},
		{"slice of pointers", []*inner{{1}, nil}},
		{"nil bytes", []byte(nil)},
		{"empty bytes", []byte{}},
		{"bytes", []byte("hello\x00\xff world, a bit longer than one base64 quantum")},
		{"named bytes", myBytes("abc")},
		{"bytes with marshaling elements", []ptrByte{1, 2}},
		{"byte array", [3]byte{1, 2, 3}},
		{"arrays", [2][2]string{{"a", "b"}, {"c", "d"}}},
		{"empty array", [0]int{}},
		{"nil map", map[string]string(nil)},
		{"empty map", map[string]string{}},
		{"string map", map[string]string{"b": "2", "a": "1", "é": "3", "A": "0", "a\nb": "x", "": "empty", "\xff": "bad"}},
		{"large string map", bigMap(40)},
		{"int map sorted as text", map[int]string{1: "a", 10: "b", 2: "c", -1: "d"}},
		{"uint8 map", map[uint8]bool{200: true, 3: false}},
		{"named key map", map[myString]inner{"z": {1}, "y": {2}}},
		{"map of pointers", map[string]*inner{"a": {1}, "b": nil}},
		{"map of any", map[string]any{"n": 1, "s": "x", "m": map[string]any{"z": []any{1.5, nil, true}}}},
		{"text marshaler keys", map[textKey]int{2: 2, 10: 10}},
		{"unsupported key", map[float64]int{1: 1}},
		{"map of slices", map[string][]int{"a": {1, 2}, "b": nil}},
		{"recursive", node{Name: "root", Next: &node{Name: "n"}, Kids: []node{{Name: "k", Kids: []node{{Name: "kk"}}}}}},
		{"deeper than cycle detection", deep},
		{"interfaces nil", withAny{}},
		{"interfaces set", withAny{A: &inner{5}, S: stringer{"s"}, E: errors.New("e")}},
		{"interface holding a map", withAny{A: map[string]int{"b": 2, "a": 1}}},
		{"interface holding a pointer marshaler value", withAny{A: ptrMarshaler{1}}},
		{"interface holding a pointer marshaler pointer", withAny{A: &ptrMarshaler{1}}},
		{"marshalers by value", holders{V: valMarshaler{1}, P: ptrMarshaler{2}, PP: &ptrMarshaler{3}, R: json.RawMessage(" [1, 2,\t3] "), Nu: "12.50", VT: valText{"v"}, PT: ptrText{"p"}, Tm: time.Date(2024, 5, 6, 7, 8, 9, 123, time.UTC)}},
		{"marshalers by pointer", &holders{V: valMarshaler{1}, P: ptrMarshaler{2}, N: new(nilMarshaler), NI: (*nilMarshaler)(nil), R: json.RawMessage(`"x"`), VT: valText{"v"}, PT: ptrText{"p"}}},
		{"marshalers in a slice", []holders{{P: ptrMarshaler{7}}}},
		{"marshalers in a map", map[string]holders{"k": {P: ptrMarshaler{8}, PT: ptrText{"m"}}}},
		{"pointer marshaler at top", ptrMarshaler{9}},
		{"pointer marshaler pointer at top", &ptrMarshaler{9}},
		{"nil pointer marshaler at top", (*ptrMarshaler)(nil)},
		{"raw message at top", json.RawMessage(`{ "a" : [ ] }`)},
		{"invalid raw message", json.RawMessage(`{"a"`)},
		{"marshaler error", badMarshaler{}},
		{"marshaler invalid output", badMarshaler{Invalid: true}},
		{"invalid number", json.Number("1x")},
		{"empty number", struct{ N json.Number }{}},
		{"channel", make(chan int)},
		{"func field", struct{ F func() }{}},
		{"complex", complex(1, 2)},
		{"nil pointer to unsupported", struct{ P *struct{ C chan int } }{}},
		{"two fields tagged alike are both dropped", duplicateTags()},
		{"anonymous struct", struct {
			A int `json:"a"`
			B struct {
				C []string `json:"c,omitempty"`
			}
		}{A: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkSame(t, tt.v)
		})
	}
}

// duplicateTags returns a struct with two fields tagged "dup" and one
// "other", built at run time because go vet rightly flags such a type in
// source.
func duplicateTags() any {
	str := reflect.TypeFor[string]()
	t := reflect.StructOf([]reflect.StructField{
		{Name: "Dup1", Type: str, Tag: `json:"dup"`},
		{Name: "Dup2", Type: str, Tag: `json:"dup"`},
		{Name: "Other", Type: str, Tag: `json:"other"`},
	})
	v := reflect.New(t).Elem()
	for i := range 3 {
		v.Field(i).SetString(fmt.Sprint(i))
	}
	return v.Interface()
}

func bigMap(n int) map[string]string {
	m := make(map[string]string, n)
	for i := range n {
		m[fmt.Sprintf("key%03d", n-i)] = fmt.Sprint(i)
	}
	return m
}

func TestAppendCycle(t *testing.T) {
	n := &node{Name: "loop"}
	n.Next = n
	if got, err := jsonenc.Append(nil, n); err == nil {
		t.Fatalf("got %.40s…, want a cycle error", got)
	}
	s := []any{nil}
	s[0] = s
	if got, err := jsonenc.Append(nil, s); err == nil {
		t.Fatalf("got %.40s…, want a cycle error", got)
	}
}

type quoted struct {
	N int `json:"n,string"`
}

type zeroed struct {
	T time.Time `json:"t,omitzero"`
}

type Embedded struct{ X int }

type promoting struct {
	Embedded
	Y int
}

func TestAppendRefuses(t *testing.T) {
	tests := []struct {
		name string
		v    any
	}{
		{"string option", quoted{}},
		{"string option behind a pointer", &struct{ Q *quoted }{}},
		{"omitzero option", zeroed{}},
		{"promoted embedded struct", promoting{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []byte("prefix")
			got, err := jsonenc.Append(dst, tt.v)
			if err == nil {
				t.Fatalf("got %s, want an error", got)
			}
			if string(got) != "prefix" {
				t.Errorf("got %q after the error, want %q", got, "prefix")
			}
		})
	}
}

func TestAppendKeepsPrefix(t *testing.T) {
	got, err := jsonenc.Append([]byte(`{"x":`), &inner{1})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"x":{"X":1}`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestAppendString(t *testing.T) {
	tests := []string{"", "abc", "\"\\/", "\x00\x1f\x7f", "<&>", "\u2028\u2029", "\xff\xc3", "ünï\U0001F600"}
	for _, s := range tests {
		t.Run(fmt.Sprintf("%q", s), func(t *testing.T) {
			want, err := stdEncode(s)
			if err != nil {
				t.Fatal(err)
			}
			if got := jsonenc.AppendString(nil, s); string(got) != want {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

// TestAppendConcurrentFirstUse plans the same fresh types from many
// goroutines at once; run with -race.
func TestAppendConcurrentFirstUse(t *testing.T) {
	type fresh struct {
		A []fresh           `json:",omitempty"`
		M map[string]*fresh `json:",omitempty"`
		S string
	}
	v := &fresh{S: "top", A: []fresh{{S: "a"}}, M: map[string]*fresh{"m": {S: "m"}}}
	want, err := stdEncode(v)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			got, err := jsonenc.Append(nil, v)
			if err != nil || string(got) != want {
				t.Errorf("got %s (%v), want %s", got, err, want)
			}
		})
	}
	wg.Wait()
}
