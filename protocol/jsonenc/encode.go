package jsonenc

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unsafe"
)

// maxDepth is how many pointers, slices and maps deep a value is walked
// before the rest of it is handed to encoding/json. encoding/json starts
// looking for reference cycles at that depth; handing it the value there
// keeps its answer (the same bytes, or its cycle error) instead of
// recursing until the stack overflows.
const maxDepth = 1000

// encFunc appends the value of one type found at p to b. depth counts the
// pointers, slices and maps walked to reach it. On error, the returned
// slice is not meaningful.
type encFunc func(b []byte, p unsafe.Pointer, depth int) ([]byte, error)

// Append appends the JSON encoding of v to dst and returns the extended
// slice. On success the bytes are those json.Encoder.Encode writes for v
// with SetEscapeHTML(false), without its trailing newline. On error dst is
// returned with its length unchanged, though bytes past its length may have
// been overwritten.
func Append(dst []byte, v any) ([]byte, error) {
	b, err := appendValue(dst, v, 0)
	if err != nil {
		return dst, err
	}
	return b, nil
}

// appendValue encodes v, which is not addressable, as encoding/json
// encodes a value passed to it or found in an interface.
func appendValue(b []byte, v any, depth int) ([]byte, error) {
	if v == nil {
		return append(b, "null"...), nil
	}
	t := reflect.TypeOf(v)
	pl, err := planFor(t, false)
	if err != nil {
		return b, err
	}
	rv := reflect.ValueOf(v)
	if pl.elem != nil {
		// A plain pointer, the usual output: walk its target in place.
		p := rv.UnsafePointer()
		if p == nil {
			return append(b, "null"...), nil
		}
		if depth >= maxDepth {
			return viaJSON(b, v)
		}
		return pl.elem.enc(b, p, depth+1)
	}
	// Plans read values through a pointer; the value inside an interface
	// has no address of its own, so encode a copy.
	cp := reflect.New(t)
	cp.Elem().Set(rv)
	return pl.enc(b, cp.UnsafePointer(), depth)
}

// viaJSON appends encoding/json's encoding of v, for the values it treats
// in ways not worth imitating.
func viaJSON(b []byte, v any) ([]byte, error) {
	buf := bytes.NewBuffer(b)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return b, err
	}
	out := buf.Bytes()
	return out[:len(out)-1], nil // Encode's newline
}

// appendCompact appends src, the output of a json.Marshaler, without
// insignificant space, refusing it unless it is exactly one JSON value, as
// encoding/json does with a marshaler's output.
func appendCompact(b, src []byte) ([]byte, error) {
	buf := bytes.NewBuffer(b)
	if err := json.Compact(buf, src); err != nil {
		return b, err
	}
	return buf.Bytes(), nil
}

func encNull(b []byte) ([]byte, error) { return append(b, "null"...), nil }

func encBool(b []byte, p unsafe.Pointer, _ int) ([]byte, error) {
	return strconv.AppendBool(b, *(*bool)(p)), nil
}

func encInt[T int | int8 | int16 | int32 | int64](b []byte, p unsafe.Pointer, _ int) ([]byte, error) {
	return strconv.AppendInt(b, int64(*(*T)(p)), 10), nil
}

func encUint[T uint | uint8 | uint16 | uint32 | uint64 | uintptr](b []byte, p unsafe.Pointer, _ int) ([]byte, error) {
	return strconv.AppendUint(b, uint64(*(*T)(p)), 10), nil
}

func encString(b []byte, p unsafe.Pointer, _ int) ([]byte, error) {
	return AppendString(b, *(*string)(p)), nil
}

// floatEnc encodes floats of type t; t names the type in the error for NaN
// and infinities, as encoding/json's does.
func floatEnc(t reflect.Type) encFunc {
	if t.Kind() == reflect.Float32 {
		return func(b []byte, p unsafe.Pointer, _ int) ([]byte, error) {
			f := float64(*(*float32)(p))
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return b, badFloat(t, p, f, 32)
			}
			return appendFloat(b, f, 32), nil
		}
	}
	return func(b []byte, p unsafe.Pointer, _ int) ([]byte, error) {
		f := *(*float64)(p)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return b, badFloat(t, p, f, 64)
		}
		return appendFloat(b, f, 64), nil
	}
}

func badFloat(t reflect.Type, p unsafe.Pointer, f float64, bits int) error {
	return &json.UnsupportedValueError{Value: reflect.NewAt(t, p).Elem(), Str: strconv.FormatFloat(f, 'g', -1, bits)}
}

// encBytes encodes a byte slice as a standard base64 string, nil as null.
func encBytes(b []byte, p unsafe.Pointer, _ int) ([]byte, error) {
	s := *(*[]byte)(p)
	if s == nil {
		return encNull(b)
	}
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, s)
	return append(b, '"'), nil
}

// encRawMessage copies a json.RawMessage compacted, nil as null: what
// encoding/json makes of its MarshalJSON, without the interface call.
func encRawMessage(b []byte, p unsafe.Pointer, _ int) ([]byte, error) {
	raw := *(*json.RawMessage)(p)
	if raw == nil {
		return encNull(b)
	}
	out, err := appendCompact(b, raw)
	if err != nil {
		return b, &json.MarshalerError{Type: rawMessageType, Err: err}
	}
	return out, nil
}

// marshal appends the compacted output of m, a value of type t.
func marshal(b []byte, m json.Marshaler, t reflect.Type) ([]byte, error) {
	src, err := m.MarshalJSON()
	if err == nil {
		var out []byte
		if out, err = appendCompact(b, src); err == nil {
			return out, nil
		}
	}
	return b, &json.MarshalerError{Type: t, Err: err}
}

// marshalerEnc calls the MarshalJSON method of t's values. A nil pointer is
// null without a call, and so is a nil interface, as in encoding/json; any
// other value, nil maps and slices included, is asked.
func marshalerEnc(t reflect.Type) encFunc {
	switch t.Kind() {
	case reflect.Pointer:
		return func(b []byte, p unsafe.Pointer, _ int) ([]byte, error) {
			if *(*unsafe.Pointer)(p) == nil {
				return encNull(b)
			}
			return marshal(b, reflect.NewAt(t, p).Elem().Interface().(json.Marshaler), t)
		}
	case reflect.Interface:
		return func(b []byte, p unsafe.Pointer, _ int) ([]byte, error) {
			m, ok := reflect.NewAt(t, p).Elem().Interface().(json.Marshaler)
			if !ok {
				return encNull(b)
			}
			return marshal(b, m, t)
		}
	}
	return func(b []byte, p unsafe.Pointer, _ int) ([]byte, error) {
		return marshal(b, reflect.NewAt(t, p).Elem().Interface().(json.Marshaler), t)
	}
}

// addrMarshalerEnc calls the MarshalJSON method of *t on an addressable
// value, as encoding/json does when only the pointer has the method.
func addrMarshalerEnc(t reflect.Type) encFunc {
	return func(b []byte, p unsafe.Pointer, _ int) ([]byte, error) {
		return marshal(b, reflect.NewAt(t, p).Interface().(json.Marshaler), t)
	}
}

// fallbackEnc hands values of type t to encoding/json. An addressable
// value is handed over by pointer, so that encoding/json still sees it as
// addressable and calls the same methods it would have called.
func fallbackEnc(t reflect.Type, addr bool) encFunc {
	if addr {
		return func(b []byte, p unsafe.Pointer, _ int) ([]byte, error) {
			return viaJSON(b, reflect.NewAt(t, p).Interface())
		}
	}
	return func(b []byte, p unsafe.Pointer, _ int) ([]byte, error) {
		return viaJSON(b, reflect.NewAt(t, p).Elem().Interface())
	}
}

// unsupportedEnc refuses every value of t, as encoding/json refuses
// channels, functions and complex numbers when it meets one.
func unsupportedEnc(t reflect.Type) encFunc {
	return func(b []byte, _ unsafe.Pointer, _ int) ([]byte, error) {
		return b, &json.UnsupportedTypeError{Type: t}
	}
}

// interfaceEnc encodes the dynamic value of an interface with its own
// type's plan, as a value without an address; nil is null.
func interfaceEnc(t reflect.Type) encFunc {
	if t.NumMethod() == 0 {
		return func(b []byte, p unsafe.Pointer, depth int) ([]byte, error) {
			return appendValue(b, *(*any)(p), depth)
		}
	}
	return func(b []byte, p unsafe.Pointer, depth int) ([]byte, error) {
		return appendValue(b, reflect.NewAt(t, p).Elem().Interface(), depth)
	}
}

// ptrEnc encodes a pointer of type t as its target (addressable), nil as
// null.
func ptrEnc(t reflect.Type, elem *plan) encFunc {
	return func(b []byte, p unsafe.Pointer, depth int) ([]byte, error) {
		q := *(*unsafe.Pointer)(p)
		if q == nil {
			return encNull(b)
		}
		if depth >= maxDepth {
			return viaJSON(b, reflect.NewAt(t, p).Elem().Interface())
		}
		return elem.enc(b, q, depth+1)
	}
}

// sliceEnc encodes a slice of type t as a JSON array of its (addressable)
// elements, nil as null.
func sliceEnc(t reflect.Type, elem *plan) encFunc {
	size := t.Elem().Size()
	return func(b []byte, p unsafe.Pointer, depth int) ([]byte, error) {
		// Every slice header has the same layout, so reading it as a
		// []byte gives the right base and length whatever the element.
		s := *(*[]byte)(p)
		base := unsafe.Pointer(unsafe.SliceData(s))
		if base == nil {
			return encNull(b)
		}
		if depth >= maxDepth {
			return viaJSON(b, reflect.NewAt(t, p).Elem().Interface())
		}
		b = append(b, '[')
		var err error
		for i := range len(s) {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = elem.enc(b, unsafe.Add(base, uintptr(i)*size), depth+1); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	}
}

// arrayEnc encodes an array of type t as a JSON array; its elements are
// addressable when the array is, which the element plan already knows.
func arrayEnc(t reflect.Type, elem *plan) encFunc {
	size, n := t.Elem().Size(), t.Len()
	return func(b []byte, p unsafe.Pointer, depth int) ([]byte, error) {
		b = append(b, '[')
		var err error
		for i := range n {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = elem.enc(b, unsafe.Add(p, uintptr(i)*size), depth); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	}
}

// encStringMap encodes a map[string]string, the common map of outputs
// (tags, logins, roles), without reflect: keys sorted bytewise.
func encStringMap(b []byte, p unsafe.Pointer, depth int) ([]byte, error) {
	m := *(*map[string]string)(p)
	if m == nil {
		return encNull(b)
	}
	if depth >= maxDepth {
		return viaJSON(b, m)
	}
	var arr [16]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendString(b, k)
		b = append(b, ':')
		b = AppendString(b, m[k])
	}
	return append(b, '}'), nil
}

// mapKey is one entry of a map being encoded: its key as JSON writes it
// and where its value was copied.
type mapKey struct {
	name string
	i    int
}

// mapEnc encodes a map of type t as a JSON object with keys sorted
// bytewise; key turns a key into its name. Map values have no address,
// so elem is the plan for unaddressable values; they are copied, all at
// once, to a slice whose elements the plan can read.
func mapEnc(t reflect.Type, key func(reflect.Value) string, elem *plan) encFunc {
	sliceType := reflect.SliceOf(t.Elem())
	size := t.Elem().Size()
	return func(b []byte, p unsafe.Pointer, depth int) ([]byte, error) {
		m := reflect.NewAt(t, p).Elem()
		if m.IsNil() {
			return encNull(b)
		}
		if depth >= maxDepth {
			return viaJSON(b, m.Interface())
		}
		n := m.Len()
		vals := reflect.MakeSlice(sliceType, n, n)
		keys := make([]mapKey, 0, n)
		for it := m.MapRange(); it.Next() && len(keys) < n; {
			vals.Index(len(keys)).SetIterValue(it)
			keys = append(keys, mapKey{key(it.Key()), len(keys)})
		}
		slices.SortFunc(keys, func(x, y mapKey) int { return strings.Compare(x.name, y.name) })
		base := vals.UnsafePointer()
		b = append(b, '{')
		var err error
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendString(b, k.name)
			b = append(b, ':')
			if b, err = elem.enc(b, unsafe.Add(base, uintptr(k.i)*size), depth+1); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	}
}

func stringKey(k reflect.Value) string { return k.String() }
func intKey(k reflect.Value) string    { return strconv.FormatInt(k.Int(), 10) }
func uintKey(k reflect.Value) string   { return strconv.FormatUint(k.Uint(), 10) }
