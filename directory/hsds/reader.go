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
	"runtime"
	"sync"

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
//
// One goroutine finds the records in the file, in order; decoding them
// (most of the work) runs on every core, and Next hands the records back in
// file order. A million-record file reads about twice as fast on two cores.
type Reader struct {
	name   string
	closer io.Closer
	// pending holds the records in file order, each filled in by a decoder.
	pending chan *pendingRecord
	// stop ends the reading goroutine; finished closes when it has.
	stop     chan struct{}
	finished chan struct{}
	stopOnce sync.Once
	err      error // sticky: the fault that ended the file, or io.EOF
}

// pendingRecord is one record on its way through a decoder: ready closes
// once rec is filled in. err is a fault that ends the file instead.
type pendingRecord struct {
	decode func() Record
	rec    Record
	err    error
	ready  chan struct{}
}

// readAhead is how many records may be found or decoded before Next asks
// for them: enough to keep every core busy, few enough to stay small.
const readAhead = 64

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
	r := &Reader{name: name, closer: closer, pending: make(chan *pendingRecord, readAhead),
		stop: make(chan struct{}), finished: make(chan struct{})}
	work := make(chan *pendingRecord, readAhead)
	for range runtime.GOMAXPROCS(0) {
		go func() {
			for p := range work {
				p.rec = p.decode()
				close(p.ready)
			}
		}()
	}
	go func() {
		defer close(r.finished)
		defer close(r.pending)
		defer close(work)
		run(func(decode func() Record, err error) bool {
			p := &pendingRecord{decode: decode, err: err, ready: make(chan struct{})}
			if err != nil {
				close(p.ready)
			} else {
				select {
				case work <- p:
				case <-r.stop:
					return false
				}
			}
			select {
			case r.pending <- p:
				return err == nil
			case <-r.stop:
				return false
			}
		})
	}()
	return r
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
	p, ok := <-r.pending
	if !ok {
		r.err = io.EOF
		return Record{}, io.EOF
	}
	if p.err != nil {
		r.err = fmt.Errorf("hsds: %s: %w", r.name, p.err)
		return Record{}, r.err
	}
	<-p.ready
	return p.rec, nil
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
	// The reading goroutine stops before the file it reads is closed.
	r.stopOnce.Do(func() { close(r.stop) })
	<-r.finished
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
