package awsquery

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"strings"
	"sync"
)

// Answers are written by encoding/xml, indented by two spaces. Its text
// escaping differs from AWS's in one way: it also escapes quotes, tabs and
// newlines, which AWS leaves as they are (Coral's messages quote names).
// awsText undoes exactly that. encoding/xml escapes every '&' of the text
// it writes, so these sequences come from nothing but its escaping.
var awsText = strings.NewReplacer("&#34;", `"`, "&#39;", "'", "&#x9;", "\t", "&#xA;", "\n")

// metadata is the <ResponseMetadata> of every successful answer.
type metadata struct {
	XMLName   xml.Name `xml:"ResponseMetadata"`
	RequestId string
}

// errorResponse is the query protocol's error answer.
type errorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Namespace string   `xml:"xmlns,attr"`
	Error     struct {
		Type    string
		Code    string
		Message string `xml:",omitempty"`
	}
	RequestId string
}

// encodeXML runs write on an encoder indenting by two spaces and returns
// what it wrote, with AWS's escaping and a final newline.
//
// encoding/xml gives every Encoder a 4 KiB bufio.Writer of its own unless
// it is handed one; allocating and clearing it was a third of the bytes
// allocated per STS request (measured with idpool-bench and pprof), so the
// writers are kept in a sync.Pool. The text is reworked only when it holds
// an escape AWS does not use.
func encodeXML(write func(*xml.Encoder) error) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(1024)
	bw := xmlWriters.Get().(*bufio.Writer)
	bw.Reset(&b)
	defer func() {
		bw.Reset(nil)
		xmlWriters.Put(bw)
	}()
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	if err := write(enc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	if !bytes.Contains(b.Bytes(), []byte("&#")) {
		return b.Bytes(), nil
	}
	return []byte(awsText.Replace(b.String())), nil
}

// xmlWriters holds the buffers encoding/xml writes through (encodeXML).
var xmlWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4096) }}

// encodeResult is the answer to a successful operation: out (nil for an
// empty result) inside the <{Op}Result> element of the <{Op}Response>
// envelope, in namespace ns, then the request id.
func encodeResult(ns string, rt *route, out any, requestID string) ([]byte, error) {
	if out == nil {
		out = struct{}{}
	}
	return encodeXML(func(enc *xml.Encoder) error {
		resp := xml.StartElement{Name: xml.Name{Space: ns, Local: rt.response}}
		if err := enc.EncodeToken(resp); err != nil {
			return err
		}
		if err := enc.EncodeElement(out, xml.StartElement{Name: xml.Name{Local: rt.result}}); err != nil {
			return err
		}
		if err := enc.Encode(metadata{RequestId: requestID}); err != nil {
			return err
		}
		return enc.EncodeToken(resp.End())
	})
}
