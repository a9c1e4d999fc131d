package awsquery

import (
	"bytes"
	"encoding"
	"encoding/xml"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/idpool/idpool/protocol"
)

// The output encoder writes what encoding/xml's Encoder, indented with
// prefix "  " and indent "  ", writes for the same value, without its
// per-answer reflection over struct tags and its 4 KB bufio.Writer: the
// layout of an output type is worked out once, when the operation is
// registered, and a type this encoder does not support (one encoding/xml
// would refuse, write through a marshaller, or read a tag option of) makes
// Op panic then rather than fail a request. The one deliberate
// difference is text: it is escaped with escape, as AWS escapes it (quotes,
// tabs and newlines stay literal), where encoding/xml escapes more.

// outKind is how one output type is written.
type outKind uint8

const (
	outString outKind = iota + 1
	outBool
	outInt
	outUint
	outFloat
	outTime // protocol.Time: ISO 8601 in UTC, as its MarshalXML writes it
	outStruct
	outList
)

// outNode describes how one Go type of an operation's output is written.
// It is built once, when the operation is created, and is read-only
// afterwards.
type outNode struct {
	kind outKind
	// ptr is true when the Go type is a pointer to the written one; a nil
	// pointer writes nothing.
	ptr bool
	// bits is the size of a float, for its shortest representation.
	bits int
	// fields of a struct, in declaration order.
	fields []outField
	// elem is a slice's element: each one is written as an element named
	// after the field holding the slice.
	elem *outNode
}

// outField is one element of a struct.
type outField struct {
	index int
	name  string
	// parents are the elements the field is nested in, from an
	// `xml:"A>B>Name"` tag; consecutive fields share the parents they have
	// in common, as with encoding/xml.
	parents   []string
	omitEmpty bool
	node      *outNode
}

var (
	timeType          = reflect.TypeFor[protocol.Time]()
	xmlMarshalerType  = reflect.TypeFor[xml.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// outputOf builds the outNode of t, which must be a struct type. It panics
// for a type it cannot encode exactly as encoding/xml would: operations are
// registered at start-up, so that is a programming error found at once.
func outputOf(t reflect.Type) *outNode {
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("awsquery: output type %v is not a struct", t))
	}
	return buildOut(t, map[reflect.Type]*outNode{})
}

func buildOut(t reflect.Type, seen map[reflect.Type]*outNode) *outNode {
	if n, ok := seen[t]; ok {
		return n
	}
	n := &outNode{}
	seen[t] = n
	et := t
	if t.Kind() == reflect.Pointer {
		n.ptr = true
		et = t.Elem()
	}
	if et == timeType {
		n.kind = outTime
		return n
	}
	// encoding/xml lets a type write itself; this encoder does not, so
	// such a type is refused rather than written differently.
	for _, mt := range []reflect.Type{et, reflect.PointerTo(et)} {
		if mt.Implements(xmlMarshalerType) || mt.Implements(textMarshalerType) {
			panic(fmt.Sprintf("awsquery: cannot encode %v: it has its own XML or text marshaller", et))
		}
	}
	switch et.Kind() {
	case reflect.String:
		n.kind = outString
	case reflect.Bool:
		n.kind = outBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n.kind = outInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n.kind = outUint
	case reflect.Float32, reflect.Float64:
		n.kind, n.bits = outFloat, et.Bits()
	case reflect.Slice:
		// A []byte is text to encoding/xml, and a slice of slices or of
		// pointers to slices flattens; neither is a model shape.
		if et.Elem().Kind() == reflect.Uint8 {
			panic(fmt.Sprintf("awsquery: cannot encode %v", t))
		}
		n.kind = outList
		n.elem = buildOut(et.Elem(), seen)
		if n.elem.kind == outList {
			panic(fmt.Sprintf("awsquery: cannot encode %v: a list of lists", t))
		}
	case reflect.Struct:
		n.kind = outStruct
		n.fields = structFields(et, seen)
	default:
		// Doubled pointers, interfaces, maps, arrays, channels, functions
		// and complex numbers.
		panic(fmt.Sprintf("awsquery: cannot encode %v", t))
	}
	return n
}

// structFields returns the elements of struct type t, following
// encoding/xml's reading of the xml tag: a name, an optional A>B> chain of
// parents (an empty first parent is the field's name), the omitempty option,
// and "-" to skip the field.
func structFields(t reflect.Type, seen map[reflect.Type]*outNode) []outField {
	var fields []outField
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			panic(fmt.Sprintf("awsquery: cannot encode %v: embedded field %s", t, sf.Name))
		}
		tag := sf.Tag.Get("xml")
		if !sf.IsExported() || tag == "-" {
			continue
		}
		if sf.Name == "XMLName" {
			panic(fmt.Sprintf("awsquery: cannot encode %v: an XMLName field", t))
		}
		if strings.Contains(tag, " ") {
			panic(fmt.Sprintf("awsquery: cannot encode %v: namespace in the tag of %s", t, sf.Name))
		}
		f := outField{index: i, name: sf.Name}
		tag, opts, _ := strings.Cut(tag, ",")
		for opt := range strings.SplitSeq(opts, ",") {
			switch opt {
			case "":
			case "omitempty":
				f.omitEmpty = true
			default:
				// attr, chardata, innerxml and the like, or a typo.
				panic(fmt.Sprintf("awsquery: cannot encode %v: option %q in the tag of %s", t, opt, sf.Name))
			}
		}
		if tag != "" {
			path := strings.Split(tag, ">")
			if path[0] == "" {
				path[0] = sf.Name
			}
			if path[len(path)-1] == "" {
				panic(fmt.Sprintf("awsquery: cannot encode %v: trailing '>' in the tag of %s", t, sf.Name))
			}
			f.name = path[len(path)-1]
			if len(path) > 1 {
				f.parents = path[:len(path)-1]
			}
		}
		// encoding/xml refuses two fields one of whose element paths is a
		// prefix of the other's.
		for _, g := range fields {
			if prefixPath(f, g) || prefixPath(g, f) {
				panic(fmt.Sprintf("awsquery: cannot encode %v: field %s conflicts with another field", t, sf.Name))
			}
		}
		f.node = buildOut(sf.Type, seen)
		fields = append(fields, f)
	}
	return fields
}

// prefixPath reports whether a's element path (its parents, then its name)
// is a prefix of b's or equals it.
func prefixPath(a, b outField) bool {
	if len(a.parents) > len(b.parents) {
		return false
	}
	for i, p := range a.parents {
		if b.parents[i] != p {
			return false
		}
	}
	if len(a.parents) == len(b.parents) {
		return a.name == b.name
	}
	return b.parents[len(a.parents)] == a.name
}

// indentSpaces covers prefix and indent for the usual depths.
const indentSpaces = "                                "

// xmlWriter keeps encoding/xml's indentation state: the current depth,
// whether the last thing written was a start tag (so an end tag follows it
// on the same line) and whether anything was written yet (the first tag
// gets no newline before it).
type xmlWriter struct {
	b          *bytes.Buffer
	depth      int
	indentedIn bool
	started    bool
}

// indent starts a new line at the current depth, after the prefix.
func (w *xmlWriter) indent() {
	if w.started {
		w.b.WriteByte('\n')
	}
	w.started = true
	if n := 2 + 2*w.depth; n <= len(indentSpaces) {
		w.b.WriteString(indentSpaces[:n])
	} else {
		for range 1 + w.depth {
			w.b.WriteString("  ")
		}
	}
}

func (w *xmlWriter) start(name string) {
	w.indent()
	w.depth++
	w.indentedIn = true
	w.b.WriteByte('<')
	w.b.WriteString(name)
	w.b.WriteByte('>')
}

func (w *xmlWriter) end(name string) {
	w.depth--
	if w.indentedIn {
		w.indentedIn = false
	} else {
		w.indent()
	}
	w.b.WriteString("</")
	w.b.WriteString(name)
	w.b.WriteByte('>')
}

// encodeResult writes out, a pointer to a struct of n's type or nil (an
// empty result), as the element name, indented as it sits inside the
// response envelope.
func encodeResult(b *bytes.Buffer, name string, n *outNode, out any) {
	w := xmlWriter{b: b}
	w.start(name)
	if out != nil {
		w.fields(n, reflect.ValueOf(out).Elem())
	}
	w.end(name)
}

// fields writes the elements of struct v, opening and closing the parents
// of tagged fields as encoding/xml does: open parents are kept while the
// next field's parents begin with them, and a nil pointer opens none.
func (w *xmlWriter) fields(n *outNode, v reflect.Value) {
	var open []string // open[:depth] are the open parents
	depth := 0
	for i := range n.fields {
		f := &n.fields[i]
		fv := v.Field(f.index)
		keep := 0
		for keep < depth && keep < len(f.parents) && f.parents[keep] == open[keep] {
			keep++
		}
		for ; depth > keep; depth-- {
			w.end(open[depth-1])
		}
		if len(f.parents) > depth && !(f.node.ptr && fv.IsNil()) {
			open = f.parents
			for ; depth < len(open); depth++ {
				w.start(open[depth])
			}
		}
		w.value(f.node, f.name, fv, f.omitEmpty)
	}
	for ; depth > 0; depth-- {
		w.end(open[depth-1])
	}
}

// value writes v, of n's type, as the element name; omitEmpty leaves out a
// value encoding/xml deems empty (a list's elements are checked one by one,
// as encoding/xml does).
func (w *xmlWriter) value(n *outNode, name string, v reflect.Value, omitEmpty bool) {
	if n.ptr {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	} else if omitEmpty && isEmpty(n, v) {
		return
	}
	switch n.kind {
	case outList:
		for i := range v.Len() {
			w.value(n.elem, name, v.Index(i), omitEmpty)
		}
		return
	case outStruct:
		w.start(name)
		w.fields(n, v)
		w.end(name)
		return
	}
	w.start(name)
	switch n.kind {
	case outString:
		escape(w.b, v.String())
	case outBool:
		w.b.Write(strconv.AppendBool(w.b.AvailableBuffer(), v.Bool()))
	case outInt:
		w.b.Write(strconv.AppendInt(w.b.AvailableBuffer(), v.Int(), 10))
	case outUint:
		w.b.Write(strconv.AppendUint(w.b.AvailableBuffer(), v.Uint(), 10))
	case outFloat:
		w.b.Write(strconv.AppendFloat(w.b.AvailableBuffer(), v.Float(), 'g', -1, n.bits))
	case outTime:
		// Digits, '-', ':', 'T' and 'Z': nothing to escape.
		t := protocol.Time(v.Float()).Time()
		w.b.Write(t.AppendFormat(w.b.AvailableBuffer(), protocol.ISO8601))
	}
	w.end(name)
}

// isEmpty is encoding/xml's test for omitempty on a value that is not a
// pointer: an empty string or list, false, zero; a struct is never empty.
func isEmpty(n *outNode, v reflect.Value) bool {
	switch n.kind {
	case outString, outList:
		return v.Len() == 0
	case outStruct:
		return false
	}
	return v.IsZero()
}
