// Package textlog is a log/slog handler that writes exactly the bytes
// slog.NewTextHandler writes, faster for the records a server logs most: one
// line per request with a handful of plain attributes.
//
// A Handler formats a record itself when nothing can make its line differ from
// the simple case: no groups and no attributes were added with WithGroup or
// WithAttrs, HandlerOptions.ReplaceAttr is nil, AddSource is false, the
// record's time lies in the years 1 to 9999 with an offset under a day, and
// every attribute has a non-empty key and a value of kind String, Int64,
// Uint64, Float64, Bool or Duration. Keys, string values and the message
// are written bare when they consist of printable ASCII other than space,
// '=', '"' and '\\', quoted with strconv.Quote when they contain a byte for
// which the text handler always quotes (a control character, space, '=' or
// '"') or are empty, and any other string sends the record down the slow
// path. Every other record is handed to an ordinary slog.TextHandler over the
// same writer, so the output never depends on which path a record took.
//
// Both paths build a whole line before writing it with a single Write call,
// and the Writes of a Handler and of every handler derived from it are
// serialised by one mutex, so the writer need not be safe for concurrent use.
package textlog
