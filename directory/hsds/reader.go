// Package hsds reads and writes Open Referral HSDS 3.0 files: JSON in every
// shape publishers use (a service, an array, a page envelope, NDJSON, an
// organization with its services) and the tabular CSV datapackage. It only
// decodes and encodes; storing what it reads is the importer's business.
//
// Reading streams: records come one at a time, so a file of any length is
// read in bounded memory (an organization_full document, whose services must
// wait for the organization's own fields, is the one exception). Problems
// with one record (a value of the wrong type, invalid UTF-8, a record over
// MaxRecordBytes) are reported on that record and reading goes on; a fault
// in the JSON text itself stops the file with a *SyntaxError naming the line.
package hsds

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"

	"signpost/directory"
)

// Record is one service read from a file.
type Record struct {
	// Index is the record's 1-based position in the file.
	Index int
	// Service is what was decoded. When Err is set it may be partial or nil
	// and must not be stored; it is there to name the record.
	Service *directory.Service
	// Err is a problem with this record alone, usually a
	// *directory.ValidationError whose problems name field paths
	// ("email: expected a string, got number").
	Err error
}

// Reader reads service records from one file or datapackage directory.
type Reader struct {
	name   string
	closer io.Closer
	next   func() (Record, error, bool)
	stop   func()
	err    error // sticky: the fault that ended the file, or io.EOF
}

// Open opens an HSDS file or a directory holding a CSV datapackage. The kind
// of file is told by its content, not its name.
func Open(path string) (*Reader, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("hsds: %w", err)
	}
	if info.IsDir() {
		src, err := openCSV(path)
		if err != nil {
			return nil, fmt.Errorf("hsds: %s: %w", path, err)
		}
		return newReader(path, nil, src.run), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("hsds: %w", err)
	}
	br := bufio.NewReaderSize(f, 64<<10)
	if looksLikeCSV(br) {
		f.Close()
		return nil, fmt.Errorf("hsds: %s looks like one table of a CSV datapackage: import the directory that holds it and services.csv", path)
	}
	src := &jsonSource{s: newScanner(br)}
	return newReader(path, f, src.run), nil
}

// NewReader reads HSDS JSON (any of the JSON shapes, not CSV) from r.
func NewReader(r io.Reader) *Reader {
	src := &jsonSource{s: newScanner(r)}
	return newReader("input", nil, src.run)
}

func newReader(name string, closer io.Closer, run func(yieldFunc)) *Reader {
	next, stop := iter.Pull2(iter.Seq2[Record, error](run))
	return &Reader{name: name, closer: closer, next: next, stop: stop}
}

// looksLikeCSV reports whether the input starts like an HSDS CSV table
// (every one has an "id" column first), so the error can say what to do.
func looksLikeCSV(br *bufio.Reader) bool {
	head, _ := br.Peek(16)
	head = bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	return bytes.HasPrefix(head, []byte("id,")) || bytes.HasPrefix(head, []byte(`"id",`))
}

// Next returns the next record, or io.EOF after the last. Any other error
// ends the file: it is returned again by every later call.
func (r *Reader) Next() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	rec, err, ok := r.next()
	switch {
	case !ok:
		r.err = io.EOF
		return Record{}, io.EOF
	case err != nil:
		r.err = fmt.Errorf("hsds: %s: %w", r.name, err)
		return Record{}, r.err
	}
	return rec, nil
}

// All ranges over the remaining records. A non-nil error ends the sequence.
func (r *Reader) All() iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if !yield(rec, err) || err != nil {
				return
			}
		}
	}
}

// Close releases the file.
func (r *Reader) Close() error {
	r.stop()
	if r.err == nil {
		r.err = errors.New("hsds: reader closed")
	}
	if r.closer != nil {
		c := r.closer
		r.closer = nil
		return c.Close()
	}
	return nil
}
