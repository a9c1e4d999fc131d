package shape

import (
	"fmt"
	"slices"

	"github.com/idpool/idpool/protocol"
)

// Fits reports, as an error, whether the Go type that s describes can hold
// every value Validate accepts for the named shape, so that
// protocol.Schema.Fill never meets a value it cannot store. Every field of
// a structure must be named as one of the shape's members, exactly, and
// be of a kind that holds the member's type: a string for a string or a
// blob, a bool for a boolean, an int32, int or int64 for an integer, an int
// or int64 for a long, protocol.Time for a timestamp, a slice for a list
// and a map for a map. Members without a field are allowed: the operation
// does not read them. An empty shapeName is an operation without input,
// whose type must have no fields. The codecs check each operation when it
// is registered, at start-up.
func (m *Model) Fits(shapeName string, s *protocol.Schema) error {
	if shapeName == "" {
		if len(s.Fields) > 0 {
			return fmt.Errorf("shape: the operation has no input, but %v has fields", s.Type)
		}
		return nil
	}
	sh, ok := m.shapes[shapeName]
	if !ok {
		return fmt.Errorf("shape: unknown shape %q", shapeName)
	}
	return fits(sh, s, shapeName, map[[2]any]bool{})
}

func fits(sh *shape, s *protocol.Schema, at string, seen map[[2]any]bool) error {
	if seen[[2]any{sh, s}] {
		return nil
	}
	seen[[2]any{sh, s}] = true
	var want []protocol.Kind
	switch sh.kind {
	case kindString, kindBlob:
		want = []protocol.Kind{protocol.KindString}
	case kindBoolean:
		want = []protocol.Kind{protocol.KindBool}
	case kindInteger:
		want = []protocol.Kind{protocol.KindInt32, protocol.KindInt64}
	case kindLong:
		want = []protocol.Kind{protocol.KindInt64}
	case kindTimestamp:
		want = []protocol.Kind{protocol.KindTime}
	case kindList:
		want = []protocol.Kind{protocol.KindList}
	case kindMap:
		want = []protocol.Kind{protocol.KindMap}
	case kindStructure:
		want = []protocol.Kind{protocol.KindStruct}
	}
	if !slices.Contains(want, s.Kind) {
		return fmt.Errorf("%s: Go type %v cannot hold the model's %s %s", at, s.Type, sh.kind, sh.name)
	}
	switch sh.kind {
	case kindList:
		return fits(sh.elem, s.Elem, at+"[]", seen)
	case kindMap:
		return fits(sh.elem, s.Elem, at+"{}", seen)
	case kindStructure:
		for _, f := range s.Fields {
			var mb *member
			for _, c := range sh.members {
				if c.name == f.Name {
					mb = c
				}
			}
			if mb == nil {
				return fmt.Errorf("%s: field %s of %v names no member of %s", at, f.Name, s.Type, sh.name)
			}
			if err := fits(mb.shape, f.Schema, at+"."+f.Name, seen); err != nil {
				return err
			}
		}
	}
	return nil
}
