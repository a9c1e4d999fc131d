package shape

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/idpool/idpool/protocol"
)

// Validate checks v, a request body decoded by encoding/json with
// UseNumber (so made of map[string]any, []any, string, json.Number, bool and
// nil), against the named shape. Members the shape does not model are
// ignored, and so is a member whose value is null unless it is required.
//
// It returns nil when v is valid; a *protocol.Error with status 400 and
// code SerializationException for the first value whose JSON type cannot
// represent its shape (Coral fails deserialisation before validating); or a
// *protocol.Error with status 400 and code ValidationException listing every
// constraint violation. An unknown shape name is a programming error and
// returns a plain error.
//
// Within a member, length or size is checked before range, enum and
// pattern; members are visited in model order and map keys in sorted order,
// so the message is deterministic.
func (m *Model) Validate(shapeName string, v any) error {
	s, ok := m.shapes[shapeName]
	if !ok {
		return fmt.Errorf("shape: validate: unknown shape %q", shapeName)
	}
	vd := validator{unquoted: m.unquoted}
	if err := vd.value(s, v, loc{}); err != nil {
		return err
	}
	return vd.result()
}

type validator struct {
	msgs     []string
	unquoted bool // messages leave values out (Model.unquoted)
	// specified is the first value outside a pattern the service words
	// itself (shape.specified), answered when msgs is empty.
	specified string
}

func (vd *validator) result() error {
	switch len(vd.msgs) {
	case 0:
		if vd.specified != "" {
			return protocol.BadRequest(protocol.CodeValidation, "%s", vd.specified)
		}
		return nil
	case 1:
		return protocol.BadRequest(protocol.CodeValidation, "1 validation error detected: %s", vd.msgs[0])
	}
	return protocol.BadRequest(protocol.CodeValidation, "%d validation errors detected: %s",
		len(vd.msgs), strings.Join(vd.msgs, "; "))
}

// path is a member path kept as a chain of stack-allocated segments; it is
// only turned into a string when a violation is reported.
type path struct {
	parent *path
	name   string // member name or map key
	index  int    // list position from 1; 0 when name is used
}

// loc is where a value sits: its parent's path and its own name or index.
// It is passed by value, and its path is built on the heap only for a
// container (whose members need a parent) or a violation: most members
// are scalars that pass, and building their paths cost an allocation
// each.
type loc struct {
	parent *path
	name   string
	index  int
	set    bool // false at the root, whose path is empty
}

func (l loc) path() *path {
	if !l.set {
		return nil
	}
	return &path{parent: l.parent, name: l.name, index: l.index}
}

func (p *path) String() string {
	if p == nil {
		return ""
	}
	var b strings.Builder
	p.write(&b)
	return b.String()
}

func (p *path) write(b *strings.Builder) {
	if p.parent != nil {
		p.parent.write(b)
		b.WriteByte('.')
	}
	if p.index > 0 {
		b.WriteString(strconv.Itoa(p.index))
		b.WriteString(".member")
		return
	}
	b.WriteString(p.name)
}

// violation records "Value 'v' at 'p' failed to satisfy constraint: msg",
// or "Value at 'p' …" for a model whose service leaves values out.
func (vd *validator) violation(s *shape, v any, at loc, msg string) {
	var b strings.Builder
	b.WriteString("Value ")
	switch {
	case vd.unquoted:
	case v == nil:
		b.WriteString("null ")
	case s.sensitive, reveals(s, v):
	default:
		b.WriteByte('\'')
		render(&b, v)
		b.WriteString("' ")
	}
	b.WriteString("at '")
	b.WriteString(at.path().String())
	b.WriteString("' failed to satisfy constraint: ")
	b.WriteString(msg)
	vd.msgs = append(vd.msgs, b.String())
}

// reveals reports whether rendering v, a value of s, would show the
// content of a sensitive value: one that is not empty. AWS quotes a Logins
// map whose token is empty ("{<provider>=}", aws-amplify/amplify-js#7845)
// but never a sensitive value itself (see violation).
func reveals(s *shape, v any) bool {
	if !s.hidden || v == nil {
		return false
	}
	if s.sensitive {
		return v != ""
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			switch {
			case s.kind == kindMap && (reveals(s.key, k) || reveals(s.elem, e)):
				return true
			case s.kind == kindStructure && revealsMember(s, k, e):
				return true
			}
		}
	case []any:
		if s.elem == nil {
			return false
		}
		for _, e := range x {
			if reveals(s.elem, e) {
				return true
			}
		}
	}
	return false
}

// revealsMember reports whether member name of structure s, valued v,
// would show a sensitive value; members the model lacks show nothing.
func revealsMember(s *shape, name string, v any) bool {
	for _, mb := range s.members {
		if mb.name == name {
			return reveals(mb.shape, v)
		}
	}
	return false
}

// render writes v the way Java's toString shows the deserialised value:
// lists as [a, b], maps as {k=v} with keys sorted.
func render(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteString(x)
	case json.Number:
		b.WriteString(string(x))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case float64:
		b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			render(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for i, k := range slices.Sorted(maps.Keys(x)) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteByte('=')
			render(b, x[k])
		}
		b.WriteByte('}')
	default:
		fmt.Fprint(b, x)
	}
}

// typeError is the SerializationException for a JSON value that cannot
// become the shape, worded like Coral's deserialiser.
func typeError(s *shape, v any) *protocol.Error {
	var msg string
	switch x := v.(type) {
	case map[string]any:
		msg = "Start of structure or map found where not expected."
	case []any:
		msg = "Start of list found where not expected"
	case string:
		msg = "STRING_VALUE can not be converted to " + s.kind.javaName()
	case json.Number, float64:
		msg = "NUMBER_VALUE can not be converted to " + s.kind.javaName()
	case bool:
		if x {
			msg = "TRUE_VALUE can not be converted to " + s.kind.javaName()
		} else {
			msg = "FALSE_VALUE can not be converted to " + s.kind.javaName()
		}
	case nil:
		msg = "NULL_VALUE can not be converted to " + s.kind.javaName()
	default:
		msg = fmt.Sprintf("%T can not be converted to %s", v, s.kind.javaName())
	}
	return protocol.Errorf(http.StatusBadRequest, protocol.CodeSerialization, "%s", msg)
}

// value validates a non-null v against s. It returns only serialisation
// errors; constraint violations accumulate in vd.
func (vd *validator) value(s *shape, v any, at loc) error {
	switch s.kind {
	case kindStructure:
		obj, ok := v.(map[string]any)
		if !ok {
			return typeError(s, v)
		}
		p := at.path()
		for _, mb := range s.members {
			mv := obj[mb.name]
			mp := loc{parent: p, name: mb.path, set: true}
			if mv == nil {
				if mb.required {
					vd.violation(mb.shape, nil, mp, "Member must not be null")
				}
				continue
			}
			if err := vd.value(mb.shape, mv, mp); err != nil {
				return err
			}
		}
	case kindList:
		list, ok := v.([]any)
		if !ok {
			return typeError(s, v)
		}
		vd.size(s, v, len(list), at)
		p := at.path()
		for i, e := range list {
			ep := loc{parent: p, index: i + 1, set: true}
			if e == nil {
				vd.violation(s.elem, nil, ep, "Member must not be null")
				continue
			}
			if err := vd.value(s.elem, e, ep); err != nil {
				return err
			}
		}
	case kindMap:
		obj, ok := v.(map[string]any)
		if !ok {
			return typeError(s, v)
		}
		vd.size(s, v, len(obj), at)
		if len(obj) == 0 {
			return nil
		}
		// Sorting makes the message order stable; maps are small.
		var arr [8]string
		keys := arr[:0]
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		// Coral checks a map's keys and its scalar values as two
		// constraints of the map: each fails once, at the map's path,
		// quoting the whole map and listing every constraint of the key or
		// value shape, failed or not (aws-amplify/amplify-js#7845 for
		// Logins). Structure values are checked member by member under
		// "<map>.<key>".
		var badKey, badValue bool
		p := at.path()
		for _, k := range keys {
			if !badKey {
				var sub validator
				if err := sub.value(s.key, k, loc{}); err != nil {
					return err
				}
				badKey = len(sub.msgs) > 0
			}
			e := obj[k]
			ep := loc{parent: p, name: k, set: true}
			if e == nil {
				vd.violation(s.elem, nil, ep, "Member must not be null")
				continue
			}
			if !s.elem.scalar() {
				if err := vd.value(s.elem, e, ep); err != nil {
					return err
				}
				continue
			}
			var sub validator
			if err := sub.value(s.elem, e, ep); err != nil {
				return err
			}
			badValue = badValue || len(sub.msgs) > 0
		}
		if badKey {
			vd.violation(s, v, at, "Map keys must satisfy constraint: ["+constraints(s.key)+"]")
		}
		if badValue {
			vd.violation(s, v, at, "Map value must satisfy constraint: ["+constraints(s.elem)+"]")
		}
	case kindString:
		str, ok := v.(string)
		if !ok {
			return typeError(s, v)
		}
		if s.hasMin || s.hasMax {
			vd.size(s, v, utf8.RuneCountInString(str), at)
		}
		if len(s.enum) > 0 && !slices.Contains(s.enum, str) {
			vd.violation(s, v, at, "Member must satisfy enum value set: ["+strings.Join(s.enum, ", ")+"]")
		}
		switch {
		case s.pattern == "" || s.matches(str):
		case s.specified != "":
			if vd.specified == "" {
				vd.specified = "The specified value for " + at.path().String() + " is invalid. " + s.specified
			}
		default:
			vd.violation(s, v, at, "Member must satisfy regular expression pattern: "+s.pattern)
		}
	case kindInteger, kindLong:
		n, ok := v.(json.Number)
		if !ok {
			return typeError(s, v)
		}
		bits := 64
		if s.kind == kindInteger {
			bits = 32
		}
		i, err := strconv.ParseInt(string(n), 10, bits)
		if err != nil {
			return typeError(s, v)
		}
		if s.hasMin && i < s.min {
			vd.violation(s, v, at, "Member must have value greater than or equal to "+strconv.FormatInt(s.min, 10))
		}
		if s.hasMax && i > s.max {
			vd.violation(s, v, at, "Member must have value less than or equal to "+strconv.FormatInt(s.max, 10))
		}
	case kindBoolean:
		if _, ok := v.(bool); !ok {
			return typeError(s, v)
		}
	case kindTimestamp:
		n, ok := v.(json.Number)
		if !ok {
			return typeError(s, v)
		}
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil || math.Abs(f) > maxEpochSeconds {
			return typeError(s, v)
		}
	case kindBlob:
		str, ok := v.(string)
		if !ok {
			return typeError(s, v)
		}
		if s.hasMin || s.hasMax {
			vd.size(s, v, len(str), at)
		}
	}
	return nil
}

// maxEpochSeconds is the largest timestamp, in epoch seconds either side
// of 1970, whose milliseconds fit an int64 (about 292 million years): the
// range protocol.Time holds. A client sending nanoseconds where seconds
// belong gets an error instead of a date whose sign has flipped.
const maxEpochSeconds = math.MaxInt64 / 1000

// size checks a length (strings, lists, maps, blobs) against min and max.
func (vd *validator) size(s *shape, v any, n int, at loc) {
	if s.hasMin && int64(n) < s.min {
		vd.violation(s, v, at, "Member must have length greater than or equal to "+strconv.FormatInt(s.min, 10))
	}
	if s.hasMax && int64(n) > s.max {
		vd.violation(s, v, at, "Member must have length less than or equal to "+strconv.FormatInt(s.max, 10))
	}
}

// constraints lists every constraint of a scalar shape, joined by ", ",
// in the order AWS lists them in a map's message: the upper bound before
// the lower one, then the enum, then the pattern.
func constraints(s *shape) string {
	var c []string
	what := "length"
	if s.kind.numeric() {
		what = "value"
	}
	if s.hasMax {
		c = append(c, "Member must have "+what+" less than or equal to "+strconv.FormatInt(s.max, 10))
	}
	if s.hasMin {
		c = append(c, "Member must have "+what+" greater than or equal to "+strconv.FormatInt(s.min, 10))
	}
	if len(s.enum) > 0 {
		c = append(c, "Member must satisfy enum value set: ["+strings.Join(s.enum, ", ")+"]")
	}
	if s.pattern != "" {
		c = append(c, "Member must satisfy regular expression pattern: "+s.pattern)
	}
	return strings.Join(c, ", ")
}
