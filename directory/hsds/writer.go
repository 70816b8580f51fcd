package hsds

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"signpost/directory"
)

// Export formats.
const (
	FormatJSON   = "json"   // one JSON array of services
	FormatNDJSON = "ndjson" // one service per line
	FormatCSV    = "csv"    // a tabular datapackage directory; see WriteCSV
)

// Writer streams services into one export document.
type Writer interface {
	// Write adds one service.
	Write(*directory.Service) error
	// Close finishes the document (for json, the closing bracket) and
	// flushes it. It does not close the underlying io.Writer.
	Close() error
}

// ErrCSVNeedsDir is returned by NewWriter for "csv": a datapackage is a
// directory of files, written by WriteCSV.
var ErrCSVNeedsDir = errors.New("hsds: the csv format writes a directory of tables: use WriteCSV")

// NewWriter returns a Writer of the given format ("json" or "ndjson").
func NewWriter(w io.Writer, format string) (Writer, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	// Descriptions hold "&" and "<" often; escaping them helps no reader
	// of a file.
	enc.SetEscapeHTML(false)
	switch format {
	case FormatJSON:
		return &jsonWriter{bw: bw, enc: enc}, nil
	case FormatNDJSON:
		return &ndjsonWriter{bw: bw, enc: enc}, nil
	case FormatCSV:
		return nil, ErrCSVNeedsDir
	}
	return nil, fmt.Errorf("hsds: unknown export format %q (want json, ndjson or csv)", format)
}

type ndjsonWriter struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

// errNilService refuses a nil service, which would otherwise be written as
// a JSON null that no reader takes for a service.
var errNilService = errors.New("hsds: write: nil service")

func (w *ndjsonWriter) Write(s *directory.Service) error {
	if s == nil {
		return errNilService
	}
	if err := w.enc.Encode(s); err != nil {
		return fmt.Errorf("hsds: write service %s: %w", s.ID, err)
	}
	return nil
}

func (w *ndjsonWriter) Close() error {
	if err := w.bw.Flush(); err != nil {
		return fmt.Errorf("hsds: flush: %w", err)
	}
	return nil
}

// jsonWriter writes "[", the services one per line separated by commas,
// and "]" on Close, so the output is a valid array even when empty.
type jsonWriter struct {
	bw  *bufio.Writer
	enc *json.Encoder
	n   int
}

func (w *jsonWriter) Write(s *directory.Service) error {
	if s == nil {
		return errNilService
	}
	sep := ",\n"
	if w.n == 0 {
		sep = "[\n"
	}
	if _, err := w.bw.WriteString(sep); err != nil {
		return fmt.Errorf("hsds: write: %w", err)
	}
	// Encode appends a newline, which is harmless inside an array.
	if err := w.enc.Encode(s); err != nil {
		return fmt.Errorf("hsds: write service %s: %w", s.ID, err)
	}
	w.n++
	return nil
}

func (w *jsonWriter) Close() error {
	end := "]\n"
	if w.n == 0 {
		end = "[]\n"
	}
	if _, err := w.bw.WriteString(end); err != nil {
		return fmt.Errorf("hsds: write: %w", err)
	}
	if err := w.bw.Flush(); err != nil {
		return fmt.Errorf("hsds: flush: %w", err)
	}
	return nil
}
