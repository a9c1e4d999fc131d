package protocol

import "net/http"

// StatusWriter is a ResponseWriter that remembers the status it answered,
// for what logs or records a request after it was served. Status is 0
// until the handler writes; net/http then sends 200.
type StatusWriter struct {
	http.ResponseWriter
	Status int
}

// WriteHeader records code, the first time, and passes it on.
func (w *StatusWriter) WriteHeader(code int) {
	if w.Status == 0 {
		w.Status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write records 200 when nothing was written before.
func (w *StatusWriter) Write(b []byte) (int, error) {
	if w.Status == 0 {
		w.Status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the writer underneath.
func (w *StatusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
