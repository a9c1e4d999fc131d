package awsquery

import (
	"bytes"
	"context"
	"encoding/xml"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/idpool/idpool/protocol"
)

// Output types covering every kind the encoder supports.

type scalars struct {
	S   string
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
	F32 float32
	F64 float64
	T   protocol.Time
}

type pointers struct {
	S *string
	B *bool
	I *int32
	L *int64
	F *float64
	T *protocol.Time
	N *callerOut
}

type named string

type tagged struct {
	Renamed  string `xml:"Other"`
	Skipped  string `xml:"-"`
	hidden   string
	Empty    string        `xml:",omitempty"`
	Zero     int32         `xml:",omitempty"`
	False    bool          `xml:",omitempty"`
	NoTime   protocol.Time `xml:",omitempty"`
	NilPtr   *string       `xml:",omitempty"`
	EmptyPtr *string       `xml:",omitempty"`
	Struct   callerOut     `xml:",omitempty"`
	Named    named
}

type lists struct {
	Plain    []string
	Wrapped  []string `xml:"Wrapped>member"`
	Short    []tag    `xml:">member"`
	Pointers []*tag   `xml:"Pointers>member"`
	NilList  []string `xml:"NilList>member"`
	// encoding/xml opens a field's parents before it applies omitempty,
	// so an empty Omitted is still written as <Omitted></Omitted>.
	Omitted []string `xml:"Omitted>member,omitempty"`
	Items   []int32  `xml:",omitempty"`
	Strs    []*string
}

type parents struct {
	A      string  `xml:"P>A"`
	B      *string `xml:"P>B"`
	C      string  `xml:"P>Q>C"`
	D      *string `xml:"R>D"`
	E      string  `xml:"R>E,omitempty"`
	F      string
	G      *int32 `xml:"S>T>G"`
	H      string `xml:"S>H"`
	Inner  *parents
	Others []parents `xml:"Others>member"`
}

type recursive struct {
	Name string
	Next *recursive
	Kids []recursive `xml:"Kids>member"`
}

type nested struct {
	AssumedRoleUser *assumedRoleUser
	Credentials     credentials
	Value           *scalars
	Lists           *lists
	Tagged          tagged
	Pointers        pointers
}

// encodeOut runs the encoder the way writeResult does, on a fresh buffer.
func encodeOut[T any](v *T) string {
	var b bytes.Buffer
	n := outputOf(reflect.TypeFor[T]())
	if v == nil {
		encodeResult(&b, "XResult", n, nil)
	} else {
		encodeResult(&b, "XResult", n, v)
	}
	return b.String()
}

// encodeXML is what the codec wrote before it had its own encoder.
func encodeXML(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := xml.NewEncoder(&b)
	enc.Indent("  ", "  ")
	if err := enc.EncodeElement(v, xml.StartElement{Name: xml.Name{Local: "XResult"}}); err != nil {
		t.Fatalf("encoding/xml: %v", err)
	}
	if err := enc.Close(); err != nil {
		t.Fatalf("encoding/xml: %v", err)
	}
	return b.String()
}

func TestEncode(t *testing.T) {
	exp := protocol.At(time.Date(2014, 10, 24, 23, 0, 23, 0, time.UTC))
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"nil result", encodeOut[scalars](nil), "  <XResult></XResult>"},
		{"empty struct", encodeOut(&struct{}{}), "  <XResult></XResult>"},
		{"zero scalars", encodeOut(&scalars{}), `  <XResult>
    <S></S>
    <B>false</B>
    <I>0</I>
    <I8>0</I8>
    <I16>0</I16>
    <I32>0</I32>
    <I64>0</I64>
    <U>0</U>
    <U8>0</U8>
    <U16>0</U16>
    <U32>0</U32>
    <U64>0</U64>
    <F32>0</F32>
    <F64>0</F64>
    <T>1970-01-01T00:00:00Z</T>
  </XResult>`},
		{"scalars", encodeOut(&scalars{S: `a&b<c>d"e'f` + "\t\n\r\x01\xff", B: true, I: -1, I8: math.MinInt8, I16: math.MaxInt16,
			I32: math.MinInt32, I64: math.MaxInt64, U: 1, U8: math.MaxUint8, U16: math.MaxUint16, U32: math.MaxUint32,
			U64: math.MaxUint64, F32: 0.1, F64: 1e21, T: protocol.Time(1414191623.999)}), "  <XResult>\n" +
			"    <S>a&amp;b&lt;c&gt;d\"e'f\t\n&#xD;\uFFFD\uFFFD</S>\n" + `    <B>true</B>
    <I>-1</I>
    <I8>-128</I8>
    <I16>32767</I16>
    <I32>-2147483648</I32>
    <I64>9223372036854775807</I64>
    <U>1</U>
    <U8>255</U8>
    <U16>65535</U16>
    <U32>4294967295</U32>
    <U64>18446744073709551615</U64>
    <F32>0.1</F32>
    <F64>1e+21</F64>
    <T>2014-10-24T23:00:23Z</T>
  </XResult>`},
		{"nil pointers", encodeOut(&pointers{}), "  <XResult></XResult>"},
		{"pointers", encodeOut(&pointers{S: ptr(""), B: ptr(false), I: ptr[int32](0), L: ptr[int64](-7), F: ptr(2.5), T: &exp,
			N: &callerOut{Arn: "a"}}), `  <XResult>
    <S></S>
    <B>false</B>
    <I>0</I>
    <L>-7</L>
    <F>2.5</F>
    <T>2014-10-24T23:00:23Z</T>
    <N>
      <Arn>a</Arn>
      <UserId></UserId>
      <Account></Account>
    </N>
  </XResult>`},
		{"tags", encodeOut(&tagged{Renamed: "r", Skipped: "s", hidden: "h", EmptyPtr: ptr(""), Named: "n"}), `  <XResult>
    <Other>r</Other>
    <EmptyPtr></EmptyPtr>
    <Struct>
      <Arn></Arn>
      <UserId></UserId>
      <Account></Account>
    </Struct>
    <Named>n</Named>
  </XResult>`},
		{"omitempty keeps what is set", encodeOut(&tagged{Empty: "e", Zero: 1, False: true, NoTime: exp, NilPtr: ptr("p")}), `  <XResult>
    <Other></Other>
    <Empty>e</Empty>
    <Zero>1</Zero>
    <False>true</False>
    <NoTime>2014-10-24T23:00:23Z</NoTime>
    <NilPtr>p</NilPtr>
    <Struct>
      <Arn></Arn>
      <UserId></UserId>
      <Account></Account>
    </Struct>
    <Named></Named>
  </XResult>`},
		{"lists", encodeOut(&lists{Plain: []string{"a", ""}, Wrapped: []string{"x", "y"}, Short: []tag{{"k", "v"}},
			Pointers: []*tag{nil, {Key: "k"}}, Omitted: []string{}, Items: []int32{1, 0, 2}, Strs: []*string{ptr("s"), nil}}), `  <XResult>
    <Plain>a</Plain>
    <Plain></Plain>
    <Wrapped>
      <member>x</member>
      <member>y</member>
    </Wrapped>
    <Short>
      <member>
        <Key>k</Key>
        <Value>v</Value>
      </member>
    </Short>
    <Pointers>
      <member>
        <Key>k</Key>
        <Value></Value>
      </member>
    </Pointers>
    <NilList></NilList>
    <Omitted></Omitted>
    <Items>1</Items>
    <Items>2</Items>
    <Strs>s</Strs>
  </XResult>`},
		{"empty lists", encodeOut(&lists{}), `  <XResult>
    <Wrapped></Wrapped>
    <Short></Short>
    <Pointers></Pointers>
    <NilList></NilList>
    <Omitted></Omitted>
  </XResult>`},
		{"shared and nested parents", encodeOut(&parents{A: "a", C: "c", D: ptr("d"), G: ptr[int32](1), H: "h"}), `  <XResult>
    <P>
      <A>a</A>
      <Q>
        <C>c</C>
      </Q>
    </P>
    <R>
      <D>d</D>
    </R>
    <F></F>
    <S>
      <T>
        <G>1</G>
      </T>
      <H>h</H>
    </S>
    <Others></Others>
  </XResult>`},
		{"nil pointers open no parents", encodeOut(&parents{}), `  <XResult>
    <P>
      <A></A>
      <Q>
        <C></C>
      </Q>
    </P>
    <R></R>
    <F></F>
    <S>
      <H></H>
    </S>
    <Others></Others>
  </XResult>`},
		{"recursive", encodeOut(&recursive{Name: "a", Next: &recursive{Name: "b"}, Kids: []recursive{{Name: "c"}}}), `  <XResult>
    <Name>a</Name>
    <Next>
      <Name>b</Name>
      <Kids></Kids>
    </Next>
    <Kids>
      <member>
        <Name>c</Name>
        <Kids></Kids>
      </member>
    </Kids>
  </XResult>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", tt.got, tt.want)
			}
		})
	}
}

// TestEncodeDeep checks indentation past the depth the encoder keeps spaces
// for.
func TestEncodeDeep(t *testing.T) {
	v := &recursive{Name: "0"}
	for i := range 20 {
		v = &recursive{Name: string(rune('a' + i)), Next: v}
	}
	if got, want := encodeOut(v), encodeXML(t, v); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestEncodeLikeXML compares the encoder with encoding/xml on random values
// of every test type. Their text escaping differs only for quotes, tabs and
// newlines, which the random strings leave out.
func TestEncodeLikeXML(t *testing.T) {
	tests := []struct {
		name string
		typ  reflect.Type
	}{
		{"scalars", reflect.TypeFor[scalars]()},
		{"pointers", reflect.TypeFor[pointers]()},
		{"tags", reflect.TypeFor[tagged]()},
		{"lists", reflect.TypeFor[lists]()},
		{"parents", reflect.TypeFor[parents]()},
		{"recursive", reflect.TypeFor[recursive]()},
		{"nested", reflect.TypeFor[nested]()},
		{"AssumeRole", reflect.TypeFor[assumeRoleOut]()},
		{"AssumeRoleWithWebIdentity", reflect.TypeFor[webIdentityOut]()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rnd := rand.New(rand.NewPCG(1, uint64(len(tt.name))))
			n := outputOf(tt.typ)
			for i := range 500 {
				v := reflect.New(tt.typ)
				randomValue(rnd, v.Elem(), 0)
				var b bytes.Buffer
				encodeResult(&b, "XResult", n, v.Interface())
				if got, want := b.String(), encodeXML(t, v.Interface()); got != want {
					t.Fatalf("value %d %+v:\ngot:\n%s\nwant:\n%s", i, v.Elem(), got, want)
				}
			}
		})
	}
}

// randomText has what both encoders escape alike: markup characters, CR,
// non-ASCII, and what XML cannot carry.
var randomText = []string{"", "a", "Z9", "&", "<", ">", "\r", "é", "日本", "\U0001F600", "\x01", "\xff", "\uFFFE", " ", "/+=:"}

// randomValue fills v, a settable value of a test type; depth bounds
// recursive types.
func randomValue(rnd *rand.Rand, v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Pointer:
		if rnd.IntN(3) == 0 || depth > 3 {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		randomValue(rnd, v.Elem(), depth+1)
	case reflect.String:
		var s strings.Builder
		for range rnd.IntN(4) {
			s.WriteString(randomText[rnd.IntN(len(randomText))])
		}
		v.SetString(s.String())
	case reflect.Bool:
		v.SetBool(rnd.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if rnd.IntN(2) == 0 {
			v.SetInt(int64(rnd.Uint64()) >> (64 - v.Type().Bits()))
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if rnd.IntN(2) == 0 {
			v.SetUint(rnd.Uint64() >> (64 - v.Type().Bits()))
		}
	case reflect.Float32, reflect.Float64:
		if v.Type() == timeType {
			// Whole milliseconds from 1970 to 2100.
			v.SetFloat(float64(rnd.Int64N(4_102_444_800_000)) / 1000)
			return
		}
		floats := []float64{0, math.Copysign(0, -1), 1, -2.5, 1e21, 1e-7, math.Inf(1), math.NaN(), rnd.Float64() * 1e6}
		v.SetFloat(floats[rnd.IntN(len(floats))])
	case reflect.Slice:
		if rnd.IntN(4) == 0 || depth > 3 {
			return
		}
		s := reflect.MakeSlice(v.Type(), rnd.IntN(4), 3)
		for i := range s.Len() {
			randomValue(rnd, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				randomValue(rnd, v.Field(i), depth)
			}
		}
	}
}

// The encoder's view of text differs from encoding/xml's on purpose.
func TestEncodeEscapesLikeAWS(t *testing.T) {
	got := encodeOut(&callerOut{Arn: `"quoted" 'single'` + "\ttab\nline\r"})
	want := "  <XResult>\n    <Arn>\"quoted\" 'single'\ttab\nline&#xD;</Arn>\n    <UserId></UserId>\n    <Account></Account>\n  </XResult>"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

type marshaler struct{}

func (marshaler) MarshalXML(*xml.Encoder, xml.StartElement) error { return nil }

type textMarshaler struct{}

func (*textMarshaler) MarshalText() ([]byte, error) { return nil, nil }

func TestOutputRefused(t *testing.T) {
	tests := []struct {
		name string
		typ  reflect.Type
	}{
		{"not a struct", reflect.TypeFor[string]()},
		{"pointer output", reflect.TypeFor[*callerOut]()},
		{"map", reflect.TypeFor[struct{ M map[string]string }]()},
		{"interface", reflect.TypeFor[struct{ V any }]()},
		{"bytes", reflect.TypeFor[struct{ B []byte }]()},
		{"array", reflect.TypeFor[struct{ A [2]string }]()},
		{"list of lists", reflect.TypeFor[struct{ L [][]string }]()},
		{"double pointer", reflect.TypeFor[struct{ P **string }]()},
		{"complex", reflect.TypeFor[struct{ C complex128 }]()},
		{"time.Time", reflect.TypeFor[struct{ T time.Time }]()},
		{"XML marshaller", reflect.TypeFor[struct{ M marshaler }]()},
		{"text marshaller on the pointer", reflect.TypeFor[struct{ M []textMarshaler }]()},
		{"embedded", reflect.TypeFor[struct{ callerOut }]()},
		{"XMLName", reflect.TypeFor[struct {
			XMLName xml.Name `xml:"X"`
		}]()},
		{"nested XMLName", reflect.TypeFor[struct{ N *struct{ XMLName xml.Name } }]()},
		{"attribute", reflect.TypeFor[struct {
			A string `xml:"a,attr"`
		}]()},
		{"chardata", reflect.TypeFor[struct {
			A string `xml:",chardata"`
		}]()},
		{"unknown option", reflect.TypeFor[struct {
			A string `xml:",omitemtpy"`
		}]()},
		{"namespace", reflect.TypeFor[struct {
			A string `xml:"urn:x A"`
		}]()},
		{"trailing >", reflect.TypeFor[struct {
			A []string `xml:"A>"`
		}]()},
		{"same name", reflect.TypeFor[struct {
			A string
			B string `xml:"A"`
		}]()},
		{"name is a parent", reflect.TypeFor[struct {
			A string
			B []string `xml:"A>member"`
		}]()},
		{"parent is a name", reflect.TypeFor[struct {
			B []string `xml:"A>B>member"`
			A string   `xml:"A>B"`
		}]()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("got no panic for %v", tt.typ)
				}
			}()
			outputOf(tt.typ)
		})
	}
}

// TestOpRefusesOutput checks that an output type is checked when the
// operation is built, not when it answers.
func TestOpRefusesOutput(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("got no panic for an output with a map")
		}
	}()
	Op(func(ctx context.Context, in *callerIn) (*struct{ M map[string]string }, error) { return nil, nil })
}

func BenchmarkEncode(b *testing.B) {
	out := &webIdentityOut{
		SubjectFromWebIdentityToken: "us-east-1:7d4f5c3e-1b2a-4c5d-8e9f-0a1b2c3d4e5f",
		Audience:                    "us-east-1:0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
		AssumedRoleUser: &assumedRoleUser{AssumedRoleId: "AROA3XFRBF535PLBIFPI4:app-session",
			Arn: "arn:aws:sts::123456789012:assumed-role/Cognito_PoolAuth_Role/app-session"},
		Credentials: &credentials{AccessKeyId: "ASIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
			SessionToken: strings.Repeat("IQoJb3JpZ2luX2Vj", 40), Expiration: protocol.At(time.Unix(1_800_000_000, 0))},
		Provider: "cognito-identity.amazonaws.com",
	}
	b.Run("awsquery", func(b *testing.B) {
		n := outputOf(reflect.TypeFor[webIdentityOut]())
		var buf bytes.Buffer
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			encodeResult(&buf, "AssumeRoleWithWebIdentityResult", n, out)
		}
	})
	b.Run("encoding/xml", func(b *testing.B) {
		var buf bytes.Buffer
		start := xml.StartElement{Name: xml.Name{Local: "AssumeRoleWithWebIdentityResult"}}
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			enc := xml.NewEncoder(&buf)
			enc.Indent("  ", "  ")
			if err := enc.EncodeElement(out, start); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// escapeReference is escape written rune by rune, as the contract states it.
func escapeReference(b *bytes.Buffer, s string) {
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\r':
			b.WriteString("&#xD;")
		case r == '\t' || r == '\n' || r >= 0x20 && r < 0xFFFE && !(r >= 0xD800 && r < 0xE000) || r >= 0x10000 && r <= 0x10FFFF:
			b.WriteRune(r)
		default:
			b.WriteRune(utf8.RuneError)
		}
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "plain", "a&b<c>d\re\tf\ng\"h'", "\x00\x1f\x7f", "é日本\U0001F600", "\xff\xfe\xc3",
		"\uFFFD\uFFFE\uFFFF", "\xed\xa0\x80", "\xf4\x90\x80\x80", "end\xe6\x97"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got, want bytes.Buffer
		escape(&got, s)
		escapeReference(&want, s)
		if got.String() != want.String() {
			t.Errorf("escape(%q): got %q, want %q", s, got.String(), want.String())
		}
	})
}

func BenchmarkEscape(b *testing.B) {
	tests := []struct{ name, s string }{
		{"token", strings.Repeat("IQoJb3JpZ2luX2Vj", 64)},
		{"message", strings.Repeat(`User: arn:aws:iam::123456789012:user/a<b> is "not" authorized; `, 4)},
		{"unicode", strings.Repeat("Zürich 東京 ", 40)},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			var buf bytes.Buffer
			b.SetBytes(int64(len(tt.s)))
			for b.Loop() {
				buf.Reset()
				escape(&buf, tt.s)
			}
		})
	}
}
