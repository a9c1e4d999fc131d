// Command modeltrim writes the botocore service models that package shape
// embeds: the official models without their documentation, which is most
// of their bytes and which shape never reads. Parsing the IAM model with
// its documentation took 21 ms of every start-up.
//
// Usage, from the repository root, with the official models in DIR:
//
//	go run ./protocol/shape/internal/modeltrim DIR protocol/shape/models
//
// It rewrites every model already in the destination from DIR's copy.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "modeltrim:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("usage: modeltrim SOURCE_DIR DEST_DIR")
	}
	src, dst := args[0], args[1]
	names, err := filepath.Glob(filepath.Join(dst, "*.json"))
	if err != nil {
		return err
	}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(src, filepath.Base(name)))
		if err != nil {
			return err
		}
		out, err := trim(b)
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(name), err)
		}
		if err := os.WriteFile(name, out, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// trim returns model without its documentation members, compact, one line.
// Members keep their order (shape reports validation errors in model
// order) and numbers are kept as written.
func trim(model []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(model))
	dec.UseNumber()
	var buf bytes.Buffer
	if err := copyValue(dec, &buf); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// copyValue copies the next value of dec to buf, leaving out the members
// that only document the model.
func copyValue(dec *json.Decoder, buf *bytes.Buffer) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok := tok.(type) {
	case json.Delim:
		buf.WriteRune(rune(tok))
		end := byte(']')
		if tok == '{' {
			end = '}'
		}
		for n := 0; dec.More(); n++ {
			if tok == '{' {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				if k == "documentation" || k == "documentationUrl" {
					var skip json.RawMessage
					if err := dec.Decode(&skip); err != nil {
						return err
					}
					n--
					continue
				}
				if n > 0 {
					buf.WriteByte(',')
				}
				writeScalar(buf, k)
				buf.WriteByte(':')
			} else if n > 0 {
				buf.WriteByte(',')
			}
			if err := copyValue(dec, buf); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return err
		}
		buf.WriteByte(end)
		return nil
	default:
		return writeScalar(buf, tok)
	}
}

// writeScalar writes a string, number, boolean or null without escaping
// HTML characters, which the models' patterns are full of.
func writeScalar(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // Encode's newline
	return nil
}
