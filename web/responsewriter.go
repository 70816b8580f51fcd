package web

import "net/http"

// recordingWriter remembers the status and size of a response so that the
// access log can report them and panic recovery can tell whether a page was
// already on its way. Unwrap lets http.ResponseController reach the
// underlying writer's Flush and deadlines.
type recordingWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *recordingWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// wroteHeader reports whether the status line has gone out.
func (w *recordingWriter) wroteHeader() bool { return w.status != 0 }

// record wraps w unless it already records, so that stacked middleware
// share one recorder.
func record(w http.ResponseWriter) *recordingWriter {
	if rw, ok := w.(*recordingWriter); ok {
		return rw
	}
	return &recordingWriter{ResponseWriter: w}
}
