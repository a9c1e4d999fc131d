package awsquery

import (
	"bytes"
	"math"
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

// encodeOut encodes v as Encode does and returns the result
// element, as indented inside the envelope.
func encodeOut[T any](v *T) string {
	var out any
	if v != nil {
		out = v
	}
	b, err := encodeResult("ns", &route{response: "XResponse", result: "XResult"}, out, "id")
	if err != nil {
		return "error: " + err.Error()
	}
	s, ok := strings.CutPrefix(string(b), `<XResponse xmlns="ns">`+"\n")
	s, tail, found := strings.Cut(s, "\n  <ResponseMetadata>")
	if !ok || !found || tail != "\n    <RequestId>id</RequestId>\n  </ResponseMetadata>\n</XResponse>\n" {
		return "bad envelope: " + string(b)
	}
	return s
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

// Text is escaped as AWS escapes it, not as encoding/xml does.
func TestEncodeEscapesLikeAWS(t *testing.T) {
	got := encodeOut(&callerOut{Arn: `"quoted" 'single'` + "\ttab\nline\r"})
	want := "  <XResult>\n    <Arn>\"quoted\" 'single'\ttab\nline&#xD;</Arn>\n    <UserId></UserId>\n    <Account></Account>\n  </XResult>"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// escapeReference is AWS's escaping written rune by rune, as the package
// documentation states it.
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
		var want bytes.Buffer
		want.WriteString("  <XResult>\n    <Arn>")
		escapeReference(&want, s)
		want.WriteString("</Arn>\n    <UserId></UserId>\n    <Account></Account>\n  </XResult>")
		if got := encodeOut(&callerOut{Arn: s}); got != want.String() {
			t.Errorf("%q: got %q, want %q", s, got, want.String())
		}
	})
}
