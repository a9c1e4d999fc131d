package jsonenc

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unsafe"
)

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	rawMessageType    = reflect.TypeFor[json.RawMessage]()
	numberType        = reflect.TypeFor[json.Number]()
	stringType        = reflect.TypeFor[string]()
)

// fastKind names the encoders a struct field runs inline instead of
// through its plan's function: the plain scalars outputs are made of.
type fastKind uint8

const (
	fastNone fastKind = iota
	fastString
	fastBool
	fastInt
	fastInt32
	fastInt64
	fastFloat64
)

// plan is how to encode the values of one type found in one kind of place
// (with or without an address, which decides whether encoding/json calls
// methods declared on the pointer).
type plan struct {
	enc encFunc
	// fast is set when enc is the plain encoder of one of the fast kinds.
	fast fastKind
	// elem is the plan of the target when this is a plain pointer, so
	// that Append can walk a pointer it is given without copying it.
	elem *plan
}

// planKey identifies a plan: a type, and whether its values are
// addressable where it is used.
type planKey struct {
	t    reflect.Type
	addr bool
}

// plans caches every finished plan, by planKey, for the life of the
// process: the set of types encoded is fixed by the program.
var plans sync.Map

// planFor returns the plan of t, building it (and the plans of the types
// inside it) on first use.
func planFor(t reflect.Type, addr bool) (*plan, error) {
	k := planKey{t, addr}
	if pl, ok := plans.Load(k); ok {
		return pl.(*plan), nil
	}
	c := compiler{building: make(map[planKey]*plan)}
	if _, err := c.plan(t, addr); err != nil {
		return nil, err
	}
	// Publish only now: a plan under construction may refer to itself
	// (recursive types), and no other goroutine may see it unfinished.
	for k, pl := range c.building {
		plans.LoadOrStore(k, pl)
	}
	pl, _ := plans.Load(k)
	return pl.(*plan), nil
}

// compiler builds the plans of one type and of the types it contains.
type compiler struct {
	building map[planKey]*plan
}

// plan returns the plan of t, from the cache, from the plans being built
// (a recursive type reaching itself gets the unfinished plan, which is
// complete before anything runs it), or by building it.
func (c *compiler) plan(t reflect.Type, addr bool) (*plan, error) {
	k := planKey{t, addr}
	if pl, ok := c.building[k]; ok {
		return pl, nil
	}
	if pl, ok := plans.Load(k); ok {
		return pl.(*plan), nil
	}
	pl := new(plan)
	c.building[k] = pl
	if err := c.build(pl, t, addr); err != nil {
		return nil, err
	}
	return pl, nil
}

// build fills in pl for t, choosing the encoder encoding/json would use:
// marshalers first (the pointer's methods only on addressable values),
// then the kind.
func (c *compiler) build(pl *plan, t reflect.Type, addr bool) error {
	canAddr := addr && t.Kind() != reflect.Pointer
	switch {
	case t == rawMessageType:
		pl.enc = encRawMessage
		return nil
	case canAddr && reflect.PointerTo(t).Implements(marshalerType):
		pl.enc = addrMarshalerEnc(t)
		return nil
	case t.Implements(marshalerType):
		pl.enc = marshalerEnc(t)
		return nil
	case canAddr && reflect.PointerTo(t).Implements(textMarshalerType):
		pl.enc = fallbackEnc(t, true)
		return nil
	case t.Implements(textMarshalerType), t == numberType:
		pl.enc = fallbackEnc(t, false)
		return nil
	}
	switch t.Kind() {
	case reflect.Bool:
		pl.enc, pl.fast = encBool, fastBool
	case reflect.Int:
		pl.enc, pl.fast = encInt[int], fastInt
	case reflect.Int8:
		pl.enc = encInt[int8]
	case reflect.Int16:
		pl.enc = encInt[int16]
	case reflect.Int32:
		pl.enc, pl.fast = encInt[int32], fastInt32
	case reflect.Int64:
		pl.enc, pl.fast = encInt[int64], fastInt64
	case reflect.Uint:
		pl.enc = encUint[uint]
	case reflect.Uint8:
		pl.enc = encUint[uint8]
	case reflect.Uint16:
		pl.enc = encUint[uint16]
	case reflect.Uint32:
		pl.enc = encUint[uint32]
	case reflect.Uint64:
		pl.enc = encUint[uint64]
	case reflect.Uintptr:
		pl.enc = encUint[uintptr]
	case reflect.Float32:
		pl.enc = floatEnc(t)
	case reflect.Float64:
		pl.enc, pl.fast = floatEnc(t), fastFloat64
	case reflect.String:
		pl.enc, pl.fast = encString, fastString
	case reflect.Interface:
		pl.enc = interfaceEnc(t)
	case reflect.Pointer:
		elem, err := c.plan(t.Elem(), true)
		if err != nil {
			return err
		}
		pl.enc, pl.elem = ptrEnc(t, elem), elem
	case reflect.Slice:
		et := t.Elem()
		if et.Kind() == reflect.Uint8 {
			pt := reflect.PointerTo(et)
			if !pt.Implements(marshalerType) && !pt.Implements(textMarshalerType) {
				pl.enc = encBytes
				return nil
			}
		}
		elem, err := c.plan(et, true)
		if err != nil {
			return err
		}
		pl.enc = sliceEnc(t, elem)
	case reflect.Array:
		elem, err := c.plan(t.Elem(), addr)
		if err != nil {
			return err
		}
		pl.enc = arrayEnc(t, elem)
	case reflect.Map:
		return c.buildMap(pl, t)
	case reflect.Struct:
		return c.buildStruct(pl, t, addr)
	default:
		pl.enc = unsupportedEnc(t)
	}
	return nil
}

// buildMap plans a map. Its key names are resolved as encoding/json
// resolves them: string kinds as they are, then text marshalers (left to
// encoding/json), then integers in decimal; other keys are unsupported.
func (c *compiler) buildMap(pl *plan, t reflect.Type) error {
	kt := t.Key()
	var key func(reflect.Value) string
	switch kt.Kind() {
	case reflect.String:
		key = stringKey
	default:
		if kt.Implements(textMarshalerType) {
			pl.enc = fallbackEnc(t, false)
			return nil
		}
		switch kt.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			key = intKey
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			key = uintKey
		default:
			pl.enc = unsupportedEnc(t)
			return nil
		}
	}
	if kt == stringType && t.Elem() == stringType {
		pl.enc = encStringMap
		return nil
	}
	elem, err := c.plan(t.Elem(), false)
	if err != nil {
		return err
	}
	pl.enc = mapEnc(t, key, elem)
	return nil
}

// emptyKind is how omitempty tests a field: encoding/json's notion of an
// empty value (false, 0, a nil pointer or interface, an empty string,
// slice, map or array) by the field's kind. Structs are never empty.
type emptyKind uint8

const (
	emptyNever emptyKind = iota
	emptyAlways
	emptyBool
	emptyInt8 // also uint8
	emptyInt16
	emptyInt32
	emptyInt64
	emptyFloat32
	emptyFloat64
	emptyString
	emptySlice
	emptyPointer
	emptyReflect // maps and interfaces, asked through reflect
)

func emptyKindOf(t reflect.Type) emptyKind {
	switch t.Kind() {
	case reflect.Bool:
		return emptyBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		switch t.Size() {
		case 1:
			return emptyInt8
		case 2:
			return emptyInt16
		case 4:
			return emptyInt32
		}
		return emptyInt64
	case reflect.Float32:
		return emptyFloat32
	case reflect.Float64:
		return emptyFloat64
	case reflect.String:
		return emptyString
	case reflect.Slice:
		return emptySlice
	case reflect.Pointer:
		return emptyPointer
	case reflect.Map, reflect.Interface:
		return emptyReflect
	case reflect.Array:
		if t.Len() == 0 {
			return emptyAlways
		}
	}
	return emptyNever
}

// field is one member of a struct plan.
type field struct {
	// key is `,"name":`; the first member written drops the comma.
	key    string
	offset uintptr
	// omit is set for omitempty fields, which empty says how to test.
	omit  bool
	empty emptyKind
	typ   reflect.Type
	fast  fastKind
	plan  *plan
}

// isEmpty reports whether the field's value at p is empty, for
// omitempty.
func (f *field) isEmpty(p unsafe.Pointer) bool {
	switch f.empty {
	case emptyAlways:
		return true
	case emptyBool, emptyInt8:
		return *(*uint8)(p) == 0
	case emptyInt16:
		return *(*uint16)(p) == 0
	case emptyInt32:
		return *(*uint32)(p) == 0
	case emptyInt64:
		return *(*uint64)(p) == 0
	case emptyFloat32:
		return *(*float32)(p) == 0
	case emptyFloat64:
		return *(*float64)(p) == 0
	case emptyString:
		return len(*(*string)(p)) == 0
	case emptySlice:
		return len(*(*[]byte)(p)) == 0
	case emptyPointer:
		return *(*unsafe.Pointer)(p) == nil
	case emptyReflect:
		v := reflect.NewAt(f.typ, p).Elem()
		if v.Kind() == reflect.Interface {
			return v.IsNil()
		}
		return v.Len() == 0
	}
	return false
}

// candidate is a struct field encoding/json would consider, before names
// that clash are resolved.
type candidate struct {
	sf     reflect.StructField
	name   string
	tagged bool
	omit   bool
}

// buildStruct plans a struct: the fields encoding/json writes, in
// declaration order, under the names it gives them.
func (c *compiler) buildStruct(pl *plan, t reflect.Type, addr bool) error {
	var cands []candidate
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if !sf.IsExported() && et.Kind() != reflect.Struct {
				continue // encoding/json ignores these
			}
		} else if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if !validName(name) {
			name = ""
		}
		ft := sf.Type
		if ft.Name() == "" && ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
			return fmt.Errorf("jsonenc: %v: embedded struct field %s would be promoted, which is not supported", t, sf.Name)
		}
		if hasOption(opts, "string") && quotable(ft) {
			return fmt.Errorf("jsonenc: %v: field %s: the \"string\" option is not supported", t, sf.Name)
		}
		if hasOption(opts, "omitzero") {
			return fmt.Errorf("jsonenc: %v: field %s: the \"omitzero\" option is not supported", t, sf.Name)
		}
		tagged := name != ""
		if !tagged {
			name = sf.Name
		}
		cands = append(cands, candidate{sf: sf, name: name, tagged: tagged, omit: hasOption(opts, "omitempty")})
	}

	fields := make([]field, 0, len(cands))
	for _, cd := range cands {
		if !dominant(cd, cands) {
			continue
		}
		fp, err := c.plan(cd.sf.Type, addr)
		if err != nil {
			return err
		}
		f := field{
			key:    `,"` + cd.name + `":`,
			offset: cd.sf.Offset,
			omit:   cd.omit,
			typ:    cd.sf.Type,
			plan:   fp,
			fast:   fp.fast,
		}
		if f.omit {
			f.empty = emptyKindOf(cd.sf.Type)
		}
		fields = append(fields, f)
	}
	pl.enc = structEnc(fields)
	return nil
}

// dominant reports whether cd is written under its name. With every
// field at the same depth, encoding/json keeps a name's only field, or
// its only tagged field when several share it, and drops them all
// otherwise.
func dominant(cd candidate, cands []candidate) bool {
	same, tagged := 0, 0
	for _, o := range cands {
		if o.name == cd.name {
			same++
			if o.tagged {
				tagged++
			}
		}
	}
	return same == 1 || cd.tagged && tagged == 1
}

// validName reports whether a tag's name is used as the key, as
// encoding/json decides: non-empty, letters, digits and the punctuation
// other than quotes, backslash and comma.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", r) {
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

func hasOption(opts, name string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == name {
			return true
		}
	}
	return false
}

// quotable reports whether encoding/json honours the "string" option on a
// field of type t (pointers already followed).
func quotable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

// structEnc writes the fields of a struct, skipping empty omitempty
// fields; plain scalars are written inline, the rest through their plans.
func structEnc(fields []field) encFunc {
	return func(b []byte, p unsafe.Pointer, depth int) ([]byte, error) {
		b = append(b, '{')
		first := true
		for i := range fields {
			f := &fields[i]
			fp := unsafe.Add(p, f.offset)
			if f.omit && f.isEmpty(fp) {
				continue
			}
			if first {
				b = append(b, f.key[1:]...)
				first = false
			} else {
				b = append(b, f.key...)
			}
			switch f.fast {
			case fastString:
				b = AppendString(b, *(*string)(fp))
			case fastBool:
				b = strconv.AppendBool(b, *(*bool)(fp))
			case fastInt:
				b = strconv.AppendInt(b, int64(*(*int)(fp)), 10)
			case fastInt32:
				b = strconv.AppendInt(b, int64(*(*int32)(fp)), 10)
			case fastInt64:
				b = strconv.AppendInt(b, *(*int64)(fp), 10)
			default:
				var err error
				if b, err = f.plan.enc(b, fp, depth); err != nil {
					return b, err
				}
			}
		}
		return append(b, '}'), nil
	}
}
