package awsquery

import (
	"encoding/xml"
	"strings"
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
func encodeXML(write func(*xml.Encoder) error) ([]byte, error) {
	var b strings.Builder
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := write(enc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return []byte(awsText.Replace(b.String())), nil
}

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
