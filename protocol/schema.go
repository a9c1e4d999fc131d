package protocol

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Kind is what a Schema decodes a generic value into.
type Kind uint8

// The kinds of a Schema. Each is the Go side of one model type: a string
// or blob, a boolean, an integer (Int32, or Int64 for a Go int or int64),
// a long (Int64), a timestamp (Time), a structure, a list or a map.
const (
	KindString Kind = iota + 1
	KindBool
	KindInt32
	KindInt64
	KindTime
	KindStruct
	KindList
	KindMap
)

// Schema describes how the generic value of a request (map[string]any,
// []any, string, json.Number, bool, as ParseJSONObject and the query
// decoder make it) is stored into one Go type of an operation's input. It
// is built once, when the operation is created, and is read-only
// afterwards.
type Schema struct {
	Kind Kind
	// Fields of a struct, in declaration order.
	Fields []*Field
	// Elem is a list's element or a map's value; Key is a map's key.
	Elem, Key *Schema
	// Type is the Go type, a pointer included.
	Type reflect.Type

	byName map[string]*Field
}

// Field is one exported field of a struct Schema.
type Field struct {
	// Name is the model member the field holds: its json tag name, or
	// its Go name.
	Name string
	// Pos is the field's place in its struct's Fields.
	Pos    int
	Schema *Schema
	index  []int
}

// Field returns the field holding the member name, exactly so named, or
// nil.
func (s *Schema) Field(name string) *Field { return s.byName[name] }

var timeType = reflect.TypeFor[Time]()

// SchemaOf builds the Schema of t, which must be a struct type. It panics
// for a type it cannot decode into: operations are registered at
// start-up, so that is a programming error found at once.
func SchemaOf(t reflect.Type) *Schema {
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("protocol: input type %v is not a struct", t))
	}
	return build(t, map[reflect.Type]*Schema{})
}

func build(t reflect.Type, seen map[reflect.Type]*Schema) *Schema {
	if s, ok := seen[t]; ok {
		return s
	}
	s := &Schema{Type: t}
	seen[t] = s
	v := t
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	switch {
	case v == timeType:
		s.Kind = KindTime
	case v.Kind() == reflect.String:
		s.Kind = KindString
	case v.Kind() == reflect.Bool:
		s.Kind = KindBool
	case v.Kind() == reflect.Int32:
		s.Kind = KindInt32
	case v.Kind() == reflect.Int, v.Kind() == reflect.Int64:
		s.Kind = KindInt64
	case v.Kind() == reflect.Slice:
		s.Kind = KindList
		s.Elem = build(v.Elem(), seen)
	case v.Kind() == reflect.Map && v.Key().Kind() == reflect.String:
		s.Kind = KindMap
		s.Key = build(v.Key(), seen)
		s.Elem = build(v.Elem(), seen)
	case v.Kind() == reflect.Struct:
		s.Kind = KindStruct
		s.byName = map[string]*Field{}
		for _, sf := range reflect.VisibleFields(v) {
			if !sf.IsExported() || sf.Anonymous {
				continue
			}
			name := sf.Name
			if tag, _, _ := strings.Cut(sf.Tag.Get("json"), ","); tag == "-" {
				continue
			} else if tag != "" {
				name = tag
			}
			f := &Field{Name: name, Pos: len(s.Fields), index: sf.Index, Schema: build(sf.Type, seen)}
			s.Fields = append(s.Fields, f)
			s.byName[name] = f
		}
	default:
		panic(fmt.Sprintf("protocol: cannot decode a request into %v", t))
	}
	return s
}

// Fill stores g into v, a value of s.Type. g must be a value the model
// accepted for a shape that s fits (see shape.Model.Fits): members are
// matched to fields by their exact names, members without a field and
// null members are left out, and every other value is of the JSON type
// the field's kind reads. A value that is not is an internal fault, never
// silently a zero field.
func (s *Schema) Fill(v reflect.Value, g any) error {
	if s.Type.Kind() == reflect.Pointer {
		p := reflect.New(s.Type.Elem())
		v.Set(p)
		v = p.Elem()
	}
	ok := true
	switch s.Kind {
	case KindString:
		var str string
		str, ok = g.(string)
		v.SetString(str)
	case KindBool:
		var b bool
		b, ok = g.(bool)
		v.SetBool(b)
	case KindInt32, KindInt64:
		num, _ := g.(json.Number)
		i, err := strconv.ParseInt(string(num), 10, v.Type().Bits())
		ok = err == nil
		v.SetInt(i)
	case KindTime:
		num, _ := g.(json.Number)
		f, err := strconv.ParseFloat(string(num), 64)
		ok = err == nil
		v.SetFloat(f)
	case KindStruct:
		var m map[string]any
		m, ok = g.(map[string]any)
		for _, f := range s.Fields {
			fv := m[f.Name]
			if fv == nil {
				continue
			}
			if err := f.Schema.Fill(v.FieldByIndex(f.index), fv); err != nil {
				return err
			}
		}
	case KindList:
		var l []any
		l, ok = g.([]any)
		sv := reflect.MakeSlice(v.Type(), len(l), len(l))
		for i, e := range l {
			if err := s.Elem.Fill(sv.Index(i), e); err != nil {
				return err
			}
		}
		v.Set(sv)
	case KindMap:
		var m map[string]any
		m, ok = g.(map[string]any)
		mv := reflect.MakeMapWithSize(v.Type(), len(m))
		for k, e := range m {
			ev := reflect.New(v.Type().Elem()).Elem()
			if err := s.Elem.Fill(ev, e); err != nil {
				return err
			}
			kv := reflect.New(v.Type().Key()).Elem()
			kv.SetString(k)
			mv.SetMapIndex(kv, ev)
		}
		v.Set(mv)
	}
	if !ok {
		return fmt.Errorf("protocol: %T value %v does not fit %v", g, g, s.Type)
	}
	return nil
}

// Operation is a service method bound to the Schema of its input, as the
// codecs register it; build it with Op.
type Operation interface {
	// Schema is the Schema of the operation's input type.
	Schema() *Schema
	// Decode fills a new input from g (see Schema.Fill) and binds the
	// method to it.
	Decode(g any) (Invocation, error)
}

// Op adapts fn to an Operation. In must be a struct whose exported fields
// are named, by json tag or Go name, as the model's input members; Op
// panics for a field type no model type decodes into.
func Op[In, Out any](fn func(ctx context.Context, in *In) (*Out, error)) Operation {
	return &op[In, Out]{fn: fn, schema: SchemaOf(reflect.TypeFor[In]())}
}

type op[In, Out any] struct {
	fn     func(ctx context.Context, in *In) (*Out, error)
	schema *Schema
}

func (o *op[In, Out]) Schema() *Schema { return o.schema }

func (o *op[In, Out]) Decode(g any) (Invocation, error) {
	in := new(In)
	if g != nil {
		if err := o.schema.Fill(reflect.ValueOf(in).Elem(), g); err != nil {
			return nil, err
		}
	}
	return Bind(o.fn, in), nil
}
