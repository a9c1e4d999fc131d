package awsquery

import (
	"fmt"
	"reflect"
	"strings"
)

// kind is what a parameter decodes to.
type kind uint8

const (
	kindString kind = iota + 1
	kindBool
	kindInt32 // the model's integer
	kindInt64 // the model's long
	kindStruct
	kindList
	kindMap
)

// node describes how one Go type of an operation's input is carried in
// query parameters. It is built once, when the operation is created, and is
// read-only afterwards.
type node struct {
	kind kind
	// ptr is true when the Go type is a pointer to typ.
	ptr bool
	typ reflect.Type
	// fields of a struct, in declaration order, and by parameter name.
	fields []*field
	byName map[string]*field
	// elem is a list's element or a map's value; key is a map's key.
	elem, key *node
}

type field struct {
	name string
	// pos is the field's place in its node's fields.
	pos   int
	index []int
	node  *node
}

// schemaOf builds the node of t, which must be a struct type. It panics for
// a type it cannot decode into: operations are registered at start-up, so
// that is a programming error found at once.
func schemaOf(t reflect.Type) *node {
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("awsquery: input type %v is not a struct", t))
	}
	return build(t, map[reflect.Type]*node{})
}

func build(t reflect.Type, seen map[reflect.Type]*node) *node {
	if n, ok := seen[t]; ok {
		return n
	}
	n := &node{typ: t}
	if t.Kind() == reflect.Pointer {
		n.ptr = true
		n.typ = t.Elem()
	}
	seen[t] = n
	switch n.typ.Kind() {
	case reflect.String:
		n.kind = kindString
	case reflect.Bool:
		n.kind = kindBool
	case reflect.Int32:
		n.kind = kindInt32
	case reflect.Int, reflect.Int64:
		n.kind = kindInt64
	case reflect.Slice:
		n.kind = kindList
		n.elem = build(n.typ.Elem(), seen)
	case reflect.Map:
		if n.typ.Key().Kind() != reflect.String {
			panic(fmt.Sprintf("awsquery: map type %v needs string keys", n.typ))
		}
		n.kind = kindMap
		n.key = build(n.typ.Key(), seen)
		n.elem = build(n.typ.Elem(), seen)
	case reflect.Struct:
		n.kind = kindStruct
		n.byName = map[string]*field{}
		for _, sf := range reflect.VisibleFields(n.typ) {
			if !sf.IsExported() || sf.Anonymous {
				continue
			}
			name := sf.Name
			if tag, _, _ := strings.Cut(sf.Tag.Get("json"), ","); tag == "-" {
				continue
			} else if tag != "" {
				name = tag
			}
			f := &field{name: name, pos: len(n.fields), index: sf.Index, node: build(sf.Type, seen)}
			n.fields = append(n.fields, f)
			n.byName[name] = f
		}
	default:
		panic(fmt.Sprintf("awsquery: cannot decode parameters into %v", t))
	}
	return n
}
