// Package jsonenc encodes output values as JSON, byte for byte as
// encoding/json does with SetEscapeHTML(false), without reflecting on each
// value it encodes.
//
// The first time it meets a type, Append works out a plan for it: the
// fields a struct contributes, their names, offsets and encoders, and how
// each kind of value is written. Plans are cached per type for the life of
// the process, so that encoding an output walks its memory with
// precomputed offsets instead of asking reflect about every field. The
// output of a successful Append is exactly what json.Encoder.Encode writes
// with SetEscapeHTML(false), minus the trailing newline.
//
// What is covered natively is what the services' outputs use: strings,
// booleans, every integer and float kind (floats formatted as encoding/json
// formats them, exponent form outside [1e-6, 1e21)), pointers, structs with
// json tags (name, omitempty, "-"), slices, arrays, []byte as standard
// base64, maps keyed by strings or integers (keys sorted as encoding/json
// sorts them), json.RawMessage and types implementing json.Marshaler, whose
// output is compacted as encoding/json compacts it. The rare values
// encoding/json treats specially beyond that (encoding.TextMarshaler,
// json.Number, maps keyed by text marshalers, and values more than 1000
// pointers, slices or maps deep, where it starts looking for cycles) are
// handed to encoding/json itself, so their bytes are its bytes; the
// dynamic value of an interface is encoded with its own type's plan, as
// encoding/json does.
//
// Three struct features are refused rather than imitated, because no
// output needs them and getting them subtly wrong would change wire bytes:
// the "string" tag option (where encoding/json would honour it), the
// "omitzero" option, and untagged embedded structs whose fields
// encoding/json would promote. Append returns an error naming the type and
// field for those.
//
// Errors are reported where encoding/json reports them (NaN and infinite
// floats, channels, functions and complex numbers, failing marshalers), of
// the same types, though their text may differ.
package jsonenc
