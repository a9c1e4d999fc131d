package shape

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

//go:embed models/*.json
var models embed.FS

// The models are parsed on first use and then shared read-only; a
// Model never changes after load except for its lazily compiled patterns,
// which are guarded per shape.
var (
	cognitoIdentity = sync.OnceValue(func() *Model { return mustLoad("models/cognito-identity.json") })
	cognitoSync     = sync.OnceValue(func() *Model { return mustLoad("models/cognito-sync.json") })
	sts             = sync.OnceValue(func() *Model { return mustLoad("models/sts.json") })
	iam             = sync.OnceValue(func() *Model {
		m := mustLoad("models/iam.json")
		// IAM's validation messages say "Value at 'tags.1.member.key'",
		// never the value (test_iam_roles.snapshot.json and
		// test_iam_oidc.snapshot.json); STS's quote it
		// (test_sts.snapshot.json invalid-session-name,
		// session-name-too-long-error), as Cognito's do.
		m.unquoted = true
		// IAM answers a name or a path outside its pattern in words of
		// its own, not the model's (see shape.specified).
		for _, sh := range m.shapes {
			switch sh.pattern {
			case `[\w+=,.@-]+`:
				sh.specified = "It must contain only alphanumeric characters and/or the following: +=,.@_-"
			case `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`:
				sh.specified = "It must begin and end with / and contain only alphanumeric characters and/or / characters."
			}
		}
		return m
	})
)

// CognitoIdentity returns the Amazon Cognito Identity model (awsJson 1.1).
func CognitoIdentity() *Model { return cognitoIdentity() }

// CognitoSync returns the Amazon Cognito Sync model (rest-json).
func CognitoSync() *Model { return cognitoSync() }

// STS returns the AWS Security Token Service model (query).
func STS() *Model { return sts() }

// IAM returns the AWS Identity and Access Management model (query).
func IAM() *Model { return iam() }

func mustLoad(name string) *Model {
	b, err := models.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("shape: embedded model %s: %v", name, err))
	}
	m, err := Parse(b)
	if err != nil {
		// The models are embedded at build time; a parse failure is a
		// build defect, not a runtime condition.
		panic(fmt.Sprintf("shape: embedded model %s: %v", name, err))
	}
	return m
}

// Model is one parsed service model. It is safe for concurrent use.
type Model struct {
	meta   metadata
	ops    map[string]*Operation
	shapes map[string]*shape
	errs   map[string]*ErrorShape
	// unquoted leaves the value out of each validation message ("Value
	// at 'p' failed to satisfy constraint: …"), as the service does.
	unquoted bool
}

type metadata struct {
	APIVersion     string `json:"apiVersion"`
	EndpointPrefix string `json:"endpointPrefix"`
	Protocol       string `json:"protocol"`
	ServiceID      string `json:"serviceId"`
	SigningName    string `json:"signingName"`
	TargetPrefix   string `json:"targetPrefix"`
	XMLNamespace   string `json:"xmlNamespace"`
}

// Operation describes one modeled operation.
type Operation struct {
	Name string
	// InputShape and OutputShape name the operation's shapes; either may
	// be empty when the model has none.
	InputShape  string
	OutputShape string
	// Unsigned is true for the operations SDKs send without a signature
	// ("auth": ["smithy.api#noAuth"] or "authtype": "none").
	Unsigned bool
	// Method and RequestURI are the HTTP binding ("POST", "/" for the
	// JSON and query protocols; a template such as
	// "/identitypools/{IdentityPoolId}/datasets" for rest-json).
	Method     string
	RequestURI string
	// ResponseCode is the modeled success status, 0 when unmodeled.
	ResponseCode int
	// Errors names the modeled error shapes, in model order.
	Errors []string
}

// ErrorShape is a modeled error: the shape name, the code clients see on
// the wire (which differs from the name in STS), its HTTP status (0 when the
// model does not say) and whether it is a server fault.
type ErrorShape struct {
	Name   string
	Code   string
	Status int
	Fault  bool
}

// Parse reads a botocore service model. Documentation is skipped.
func Parse(b []byte) (*Model, error) {
	var raw struct {
		Metadata   metadata                   `json:"metadata"`
		Operations map[string]rawOperation    `json:"operations"`
		Shapes     map[string]json.RawMessage `json:"shapes"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("shape: parse model: %w", err)
	}
	m := &Model{
		meta:   raw.Metadata,
		ops:    make(map[string]*Operation, len(raw.Operations)),
		shapes: make(map[string]*shape, len(raw.Shapes)),
		errs:   make(map[string]*ErrorShape),
	}
	raws := make(map[string]*rawShape, len(raw.Shapes))
	for name, rb := range raw.Shapes {
		rs, err := parseShape(rb)
		if err != nil {
			return nil, fmt.Errorf("shape: parse shape %s: %w", name, err)
		}
		raws[name] = rs
		m.shapes[name] = &shape{name: name}
	}
	for name, rs := range raws {
		if err := m.link(m.shapes[name], rs); err != nil {
			return nil, err
		}
		if rs.Exception {
			e := &ErrorShape{Name: name, Code: name, Fault: rs.Fault}
			if rs.Error != nil {
				if rs.Error.Code != "" {
					e.Code = rs.Error.Code
				}
				e.Status = rs.Error.HTTPStatusCode
			}
			m.errs[name] = e
		}
	}
	for _, s := range m.shapes {
		markHidden(s, map[*shape]bool{})
	}
	for name, ro := range raw.Operations {
		op := &Operation{
			Name:         name,
			InputShape:   ro.Input.Shape,
			OutputShape:  ro.Output.Shape,
			Method:       ro.HTTP.Method,
			RequestURI:   ro.HTTP.RequestURI,
			ResponseCode: ro.HTTP.ResponseCode,
			Unsigned:     ro.AuthType == "none",
		}
		for _, a := range ro.Auth {
			if a == "smithy.api#noAuth" {
				op.Unsigned = true
			}
		}
		for _, e := range ro.Errors {
			op.Errors = append(op.Errors, e.Shape)
		}
		if op.InputShape != "" && m.shapes[op.InputShape] == nil {
			return nil, fmt.Errorf("shape: operation %s: unknown input shape %s", name, op.InputShape)
		}
		m.ops[name] = op
	}
	return m, nil
}

type rawOperation struct {
	HTTP struct {
		Method       string `json:"method"`
		RequestURI   string `json:"requestUri"`
		ResponseCode int    `json:"responseCode"`
	} `json:"http"`
	Input    struct{ Shape string }   `json:"input"`
	Output   struct{ Shape string }   `json:"output"`
	Errors   []struct{ Shape string } `json:"errors"`
	Auth     []string                 `json:"auth"`
	AuthType string                   `json:"authtype"`
}

type rawRef struct {
	Shape string `json:"shape"`
}

type rawMember struct {
	name            string
	Shape           string `json:"shape"`
	Location        string `json:"location"`
	LocationName    string `json:"locationName"`
	TimestampFormat string `json:"timestampFormat"`
}

type rawShape struct {
	Type      string          `json:"type"`
	Required  []string        `json:"required"`
	Member    rawRef          `json:"member"`
	Key       rawRef          `json:"key"`
	Value     rawRef          `json:"value"`
	Min       *json.Number    `json:"min"`
	Max       *json.Number    `json:"max"`
	Pattern   string          `json:"pattern"`
	Enum      []string        `json:"enum"`
	Sensitive bool            `json:"sensitive"`
	Exception bool            `json:"exception"`
	Fault     bool            `json:"fault"`
	Error     *rawErrorInfo   `json:"error"`
	Members   json.RawMessage `json:"members"`
	// Document marks a structure of any content, which validation does
	// not support.
	Document bool `json:"document"`
	members  []rawMember
}

type rawErrorInfo struct {
	Code           string `json:"code"`
	HTTPStatusCode int    `json:"httpStatusCode"`
}

// parseShape decodes one shape, keeping the declaration order of its
// members: validation reports violations in that order.
func parseShape(b []byte) (*rawShape, error) {
	var rs rawShape
	if err := json.Unmarshal(b, &rs); err != nil {
		return nil, err
	}
	if len(rs.Members) == 0 {
		return &rs, nil
	}
	dec := json.NewDecoder(bytes.NewReader(rs.Members))
	if _, err := dec.Token(); err != nil { // '{'
		return nil, err
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, _ := t.(string)
		var rm rawMember
		if err := dec.Decode(&rm); err != nil {
			return nil, err
		}
		rm.name = name
		rs.members = append(rs.members, rm)
	}
	return &rs, nil
}

func (m *Model) link(s *shape, rs *rawShape) error {
	ref := func(r rawRef) (*shape, error) {
		t, ok := m.shapes[r.Shape]
		if !ok {
			return nil, fmt.Errorf("shape: %s refers to unknown shape %q", s.name, r.Shape)
		}
		return t, nil
	}
	var err error
	switch rs.Type {
	case "structure":
		if rs.Document {
			return fmt.Errorf("shape: %s is a document, which is not supported", s.name)
		}
		s.kind = kindStructure
		req := make(map[string]bool, len(rs.Required))
		for _, r := range rs.Required {
			req[r] = true
		}
		for _, rm := range rs.members {
			t, err := ref(rawRef{rm.Shape})
			if err != nil {
				return err
			}
			s.members = append(s.members, &member{
				name:     rm.name,
				path:     lowerCamel(rm.name),
				shape:    t,
				required: req[rm.name],
				location: rm.Location,
				locName:  rm.LocationName,
				tsFormat: rm.TimestampFormat,
			})
		}
	case "list":
		s.kind = kindList
		if s.elem, err = ref(rs.Member); err != nil {
			return err
		}
	case "map":
		s.kind = kindMap
		if s.key, err = ref(rs.Key); err != nil {
			return err
		}
		if s.elem, err = ref(rs.Value); err != nil {
			return err
		}
	case "string":
		s.kind = kindString
	case "integer":
		s.kind = kindInteger
	case "long":
		s.kind = kindLong
	case "boolean":
		s.kind = kindBoolean
	case "timestamp":
		s.kind = kindTimestamp
	case "blob":
		s.kind = kindBlob
	default:
		return fmt.Errorf("shape: %s has unsupported type %q", s.name, rs.Type)
	}
	if rs.Min != nil {
		if s.min, err = bound(*rs.Min); err != nil {
			return fmt.Errorf("shape: %s min: %w", s.name, err)
		}
		s.hasMin = true
	}
	if rs.Max != nil {
		if s.max, err = bound(*rs.Max); err != nil {
			return fmt.Errorf("shape: %s max: %w", s.name, err)
		}
		s.hasMax = true
	}
	s.enum = rs.Enum
	s.pattern = rs.Pattern
	s.sensitive = rs.Sensitive
	return nil
}

func bound(n json.Number) (int64, error) {
	if i, err := n.Int64(); err == nil {
		return i, nil
	}
	f, err := n.Float64()
	if err != nil {
		return 0, err
	}
	return int64(f), nil
}

// markHidden sets hidden on every shape whose rendered value could reveal a
// sensitive shape's content, so that messages print "Value at 'x'" instead.
func markHidden(s *shape, seen map[*shape]bool) bool {
	if seen[s] {
		return s.hidden
	}
	seen[s] = true
	h := s.sensitive
	for _, mb := range s.members {
		h = markHidden(mb.shape, seen) || h
	}
	if s.elem != nil {
		h = markHidden(s.elem, seen) || h
	}
	if s.key != nil {
		h = markHidden(s.key, seen) || h
	}
	s.hidden = h
	return h
}

// lowerCamel lower-cases the first letter only ("IdentityPoolId" →
// "identityPoolId", "SAMLAssertion" → "sAMLAssertion"), which is how Coral
// names members in validation messages.
func lowerCamel(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// TargetPrefix returns the X-Amz-Target prefix of a JSON-protocol service
// ("AWSCognitoIdentityService"), or "" for other protocols.
func (m *Model) TargetPrefix() string { return m.meta.TargetPrefix }

// Protocol returns the model's protocol: "json", "rest-json" or "query".
func (m *Model) Protocol() string { return m.meta.Protocol }

// EndpointPrefix returns the endpoint prefix, which is also the SigV4
// signing name unless the model names another.
func (m *Model) EndpointPrefix() string { return m.meta.EndpointPrefix }

// SigningName returns the SigV4 service name for the credential scope.
func (m *Model) SigningName() string {
	if m.meta.SigningName != "" {
		return m.meta.SigningName
	}
	return m.meta.EndpointPrefix
}

// APIVersion returns the model's API version ("2014-06-30").
func (m *Model) APIVersion() string { return m.meta.APIVersion }

// XMLNamespace returns the namespace of the query protocol's XML responses.
func (m *Model) XMLNamespace() string { return m.meta.XMLNamespace }

// Operation returns the named operation.
func (m *Model) Operation(name string) (*Operation, bool) {
	op, ok := m.ops[name]
	return op, ok
}

// Operations returns every operation, sorted by name.
func (m *Model) Operations() []*Operation {
	ops := make([]*Operation, 0, len(m.ops))
	for _, op := range m.ops {
		ops = append(ops, op)
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Name < ops[j].Name })
	return ops
}

// Error returns the modeled error shape with the given name.
func (m *Model) Error(name string) (ErrorShape, bool) {
	e, ok := m.errs[name]
	if !ok {
		return ErrorShape{}, false
	}
	return *e, true
}

// InternalError returns the wire code of the model's internal server fault
// (the fault error shape whose name starts with "Internal"), or "" when
// the model has none.
func (m *Model) InternalError() string {
	best := ""
	for name, e := range m.errs {
		if e.Fault && strings.HasPrefix(name, "Internal") && (best == "" || name < best) {
			best = name
		}
	}
	if best == "" {
		return ""
	}
	return m.errs[best].Code
}

// Binding says where one member of a structure travels in a rest-protocol
// (rest-json, rest-xml) message.
type Binding struct {
	// Member is the member name, which is also its key in the body and in
	// the value Validate checks.
	Member string
	// Location is "" for a body member, else the model's location: "uri",
	// "querystring", "header", "headers" (a map of prefixed headers) or
	// "statusCode".
	Location string
	// Name is the model's locationName: the URI label, query parameter,
	// header name or header prefix. It is Member when the model gives none.
	Name string
	// Type is the model type of the member's shape ("string", "integer",
	// "long", "boolean", "timestamp", "list", "map", …); Elem is the type
	// of a list's elements or of a map's values, "" otherwise.
	Type string
	Elem string
	// TimestampFormat is the member's timestampFormat trait ("iso8601",
	// "rfc822", "unixTimestamp"), "" when the protocol default applies.
	TimestampFormat string
	Required        bool
}

// Bindings returns the members of the named structure shape, in model
// order, with where each travels. It reports false when the model has no
// structure of that name.
func (m *Model) Bindings(shapeName string) ([]Binding, bool) {
	s, ok := m.shapes[shapeName]
	if !ok || s.kind != kindStructure {
		return nil, false
	}
	bs := make([]Binding, len(s.members))
	for i, mb := range s.members {
		b := Binding{
			Member:          mb.name,
			Location:        mb.location,
			Name:            mb.locName,
			Type:            mb.shape.kind.String(),
			TimestampFormat: mb.tsFormat,
			Required:        mb.required,
		}
		if b.Name == "" {
			b.Name = mb.name
		}
		if mb.shape.elem != nil {
			b.Elem = mb.shape.elem.kind.String()
		}
		bs[i] = b
	}
	return bs, true
}

type kind uint8

const (
	kindStructure kind = iota + 1
	kindList
	kindMap
	kindString
	kindInteger
	kindLong
	kindBoolean
	kindTimestamp
	kindBlob
)

// shape is one linked model shape. Everything but the compiled pattern is
// immutable after Parse.
type shape struct {
	name    string
	kind    kind
	members []*member // structure, in model order
	elem    *shape    // list member or map value
	key     *shape    // map key

	hasMin, hasMax bool
	min, max       int64
	enum           []string
	pattern        string
	// specified, when set, is how the service words a value outside
	// pattern, in place of the model's constraint: "The specified value
	// for <member> is invalid. <specified>", answered only when the
	// request breaks no other constraint. IAM says so of a role, user,
	// group or policy name (a role's ARN or "service-role/x" given as
	// its name: GetRole, AttachRolePolicy, PutRolePolicy, DeleteRolePolicy,
	// CreateRole in users' reports; "S3 access" as a policy name) and of a
	// path (as moto has it), while a name too long breaks the model's
	// length constraint, answered in the model's words.
	specified string
	sensitive bool
	// hidden is true when the value's rendering could expose a sensitive
	// shape (its own or a nested one).
	hidden bool

	reOnce sync.Once
	re     *regexp.Regexp // nil when the pattern cannot be translated
}

// matches reports whether str satisfies the shape's pattern; a pattern
// that cannot be compiled is not enforced.
func (s *shape) matches(str string) bool {
	re := s.regexp()
	return re == nil || re.MatchString(str)
}

type member struct {
	name     string // as on the wire
	path     string // lowerCamel, as in messages
	shape    *shape
	required bool
	// location, locName and tsFormat are the rest-protocol binding:
	// where the member travels ("" for the body), under which name, and
	// the timestamp format the model overrides, if any.
	location string
	locName  string
	tsFormat string
}

// regexp compiles the shape's pattern on first use. A pattern Go cannot
// compile even after translation yields nil and is not enforced.
func (s *shape) regexp() *regexp.Regexp {
	s.reOnce.Do(func() {
		re, err := regexp.Compile(anchor(translate(s.pattern)))
		if err == nil {
			s.re = re
		}
	})
	return s.re
}

func anchor(p string) string { return `^(?:` + p + `)$` }

// String returns the model's name for the kind ("structure", "integer", …).
func (k kind) String() string {
	switch k {
	case kindStructure:
		return "structure"
	case kindList:
		return "list"
	case kindMap:
		return "map"
	case kindString:
		return "string"
	case kindInteger:
		return "integer"
	case kindLong:
		return "long"
	case kindBoolean:
		return "boolean"
	case kindTimestamp:
		return "timestamp"
	case kindBlob:
		return "blob"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// numeric reports whether the kind's bounds are on its value, not its
// length.
func (k kind) numeric() bool {
	switch k {
	case kindInteger, kindLong:
		return true
	}
	return false
}

// scalar reports whether the shape holds no members, elements or values.
func (s *shape) scalar() bool {
	switch s.kind {
	case kindStructure, kindList, kindMap:
		return false
	}
	return true
}

func (k kind) javaName() string {
	switch k {
	case kindStructure:
		return "a Structure"
	case kindList:
		return "a List"
	case kindMap:
		return "a Map"
	case kindString:
		return "a String"
	case kindInteger:
		return "an Integer"
	case kindLong:
		return "a Long"
	case kindBoolean:
		return "a Boolean"
	case kindTimestamp:
		return "a Timestamp"
	case kindBlob:
		return "a Blob"
	}
	return "a " + strconv.Itoa(int(k))
}
