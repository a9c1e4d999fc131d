package protocol

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

type fillRule struct {
	Claim string
	Count *int32
}

type fillIn struct {
	Name    string `json:"Title"`
	Skipped string `json:"-"`
	Flag    *bool
	Big     int64
	When    *Time
	Tags    []string
	Rules   []fillRule
	Logins  map[string]string
	Nested  *struct{ Rules map[string][]fillRule }
}

// TestFill stores a generic value of every kind, members matched by their
// exact names and null members left out.
func TestFill(t *testing.T) {
	var g map[string]any
	d := json.NewDecoder(strings.NewReader(`{"Title":"t","Skipped":"s","Flag":false,"Big":9007199254740993,"When":1421516513.393,
		"Tags":["a","b"],"Rules":[{"Claim":"c","Count":3},{"Claim":"d","Count":null}],"Logins":{"k":"v"},
		"Nested":{"Rules":{"x":[{"Claim":"e"}]}},"title":"other case","Name":"Go name"}`))
	d.UseNumber()
	if err := d.Decode(&g); err != nil {
		t.Fatal(err)
	}
	var got fillIn
	if err := SchemaOf(reflect.TypeFor[fillIn]()).Fill(reflect.ValueOf(&got).Elem(), g); err != nil {
		t.Fatal(err)
	}
	flag, three, when := false, int32(3), Time(1421516513.393)
	want := fillIn{Name: "t", Flag: &flag, Big: 9007199254740993, When: &when, Tags: []string{"a", "b"},
		Rules: []fillRule{{Claim: "c", Count: &three}, {Claim: "d"}}, Logins: map[string]string{"k": "v"},
		Nested: &struct{ Rules map[string][]fillRule }{Rules: map[string][]fillRule{"x": {{Claim: "e"}}}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// TestFillRefusesMisfits: a value that is not of the kind its field reads
// is an error, never a zero field; Validate and shape.Model.Fits keep such
// values from reaching Fill.
func TestFillRefusesMisfits(t *testing.T) {
	tests := []struct {
		name string
		g    any
	}{
		{"string for a bool", map[string]any{"Flag": "true"}},
		{"number for a string", map[string]any{"Title": json.Number("1")}},
		{"int64 out of range", map[string]any{"Big": json.Number("9223372036854775808")}},
		{"int32 out of range", map[string]any{"Rules": []any{map[string]any{"Count": json.Number("2147483648")}}}},
		{"fraction for an integer", map[string]any{"Big": json.Number("1.5")}},
		{"string for a timestamp", map[string]any{"When": "2015-01-17"}},
		{"object for a list", map[string]any{"Tags": map[string]any{}}},
		{"list for a map", map[string]any{"Logins": []any{}}},
		{"list for a structure", []any{}},
	}
	s := SchemaOf(reflect.TypeFor[fillIn]())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in fillIn
			if err := s.Fill(reflect.ValueOf(&in).Elem(), tt.g); err == nil {
				t.Errorf("got nil, want an error (input %+v)", in)
			}
		})
	}
}

// TestSchemaOfRefusesUndecodableTypes: a type no model type decodes into
// is refused when the operation is made, at start-up.
func TestSchemaOfRefusesUndecodableTypes(t *testing.T) {
	tests := []struct {
		name string
		t    reflect.Type
	}{
		{"not a struct", reflect.TypeFor[map[string]any]()},
		{"float64", reflect.TypeFor[struct{ F float64 }]()},
		{"interface", reflect.TypeFor[struct{ V any }]()},
		{"int keys", reflect.TypeFor[struct{ M map[int]string }]()},
		{"bytes", reflect.TypeFor[struct{ B []byte }]()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("SchemaOf(%v): got no panic, want one", tt.t)
				}
			}()
			SchemaOf(tt.t)
		})
	}
}
