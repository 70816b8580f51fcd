package engine

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// The table snapshot lets a restart skip decoding every service from the
// store (about 60 µs each, 6 s for 100k): Close and Rebuild write the
// table beside the index with the generation it reflects, and Open uses it
// when that generation is still the store's. After a crash the generation
// differs and the table is read from the store as before.
//
// The file is laid out to be read without a step per value: a header, a
// table of sections, then each column of the live rows in chunks of up to
// snapshotChunk values, one section per chunk. A fixed-size column's chunk
// is its values as little-endian bytes; the rowInfo chunk holds its strings
// in one byte arena that the loaded rows point into (see infoCodec), so a
// million rows cost a few hundred allocations rather than several million.
// The sections are read and decoded on every core. (The gob snapshot this
// replaced spent 64% of a 5.5 s start at 1M decoding strings one by one.)
const (
	snapshotFile = "signpost-table.bin"
	// legacySnapshotFile is the gob snapshot of earlier versions, removed
	// when a snapshot is written.
	legacySnapshotFile = "signpost-table.gob"
	// snapshotMagic opens every snapshot; a file without it is not one.
	snapshotMagic = "SPTABLE\n"
	// snapshotFormat numbers the file's layout (header, sections, codecs).
	snapshotFormat = 1
	// tableSchema is recorded in the snapshot; change it whenever makeRow,
	// the columns or their encoding change, and the next start reads the
	// store.
	tableSchema = 5
	// snapshotChunk is how many values of a column make one section.
	snapshotChunk = 1 << 15
)

// The header: magic, format, schema, generation, row count, chunk size and
// section count, then per section its offset, length and CRC-32C, then the
// CRC-32C of all of that.
const (
	headerFixedLen  = 8 + 4 + 4 + 8 + 8 + 4 + 4
	sectionEntryLen = 8 + 8 + 4
	// maxSections bounds the section table read from a damaged header.
	maxSections = 1 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// section is one entry of the header's section table.
type section struct {
	off, n int64
	crc    uint32
}

// errStaleSnapshot says the snapshot is missing or not for this store (of
// another generation, or written by another version).
var errStaleSnapshot = errors.New("no current table snapshot")

// writeSnapshot saves the table atomically (write, sync, rename).
func writeSnapshot(dir string, t *table, gen uint64) error {
	path := filepath.Join(dir, snapshotFile)
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("write table snapshot: %w", err)
	}
	err = t.writeTo(f, gen)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write table snapshot: %w", err)
	}
	if err := os.Remove(filepath.Join(dir, legacySnapshotFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove old table snapshot: %w", err)
	}
	return nil
}

// writeTo writes the snapshot of the live rows to f: the sections first,
// after room left for the header, then the header. It holds the table's
// read lock throughout; its callers (Close, Rebuild) hold the engine's
// write lock, so no Apply waits on it.
func (t *table) writeTo(f *os.File, gen uint64) error {
	t.mu.RLock()
	defer t.mu.RUnlock()
	live := make([]uint32, 0, len(t.slotOf))
	for slot, fl := range t.flags {
		if fl&flagLive != 0 {
			live = append(live, uint32(slot))
		}
	}
	chunks := (len(live) + snapshotChunk - 1) / snapshotChunk
	nSect := len(t.cols) * chunks
	hdrLen := headerFixedLen + sectionEntryLen*nSect + 4
	if _, err := f.Seek(int64(hdrLen), io.SeekStart); err != nil {
		return err
	}
	type job struct{ col, start int }
	jobs := make([]job, 0, nSect)
	for col := range t.cols {
		for start := 0; start < len(live); start += snapshotChunk {
			jobs = append(jobs, job{col, start})
		}
	}
	// Sections are encoded a few at a time on every core, and written in
	// order between.
	sws := make([]sectionWriter, runtime.GOMAXPROCS(0))
	bw := bufio.NewWriterSize(f, 1<<20)
	sections := make([]section, 0, nSect)
	off := int64(hdrLen)
	for base := 0; base < len(jobs); base += len(sws) {
		window := jobs[base:min(base+len(sws), len(jobs))]
		errs := make([]error, len(window))
		var wg sync.WaitGroup
		for i, j := range window {
			wg.Go(func() {
				sw := &sws[i]
				sw.reset()
				errs[i] = t.cols[j.col].encode(sw, live[j.start:min(j.start+snapshotChunk, len(live))])
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
		for i := range window {
			sw := &sws[i]
			for _, p := range sw.parts {
				if _, err := bw.Write(p); err != nil {
					return err
				}
			}
			sections = append(sections, section{off: off, n: sw.n, crc: sw.crc})
			off += sw.n
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	h := make([]byte, 0, hdrLen)
	h = append(h, snapshotMagic...)
	h = le.AppendUint32(h, snapshotFormat)
	h = le.AppendUint32(h, tableSchema)
	h = le.AppendUint64(h, gen)
	h = le.AppendUint64(h, uint64(len(live)))
	h = le.AppendUint32(h, snapshotChunk)
	h = le.AppendUint32(h, uint32(nSect))
	for _, s := range sections {
		h = le.AppendUint64(h, uint64(s.off))
		h = le.AppendUint64(h, uint64(s.n))
		h = le.AppendUint32(h, s.crc)
	}
	h = le.AppendUint32(h, crc32.Checksum(h, castagnoli))
	_, err := f.WriteAt(h, 0)
	return err
}

// sectionWriter collects one section's bytes, as the parts a codec gave,
// with their length and checksum. buf and aux are the codecs' scratch
// space, kept from section to section; parts may point into them until
// the section is written.
type sectionWriter struct {
	parts    [][]byte
	n        int64
	crc      uint32
	buf, aux []byte
}

func (sw *sectionWriter) reset() { sw.parts, sw.n, sw.crc = sw.parts[:0], 0, 0 }

func (sw *sectionWriter) write(p []byte) {
	sw.parts = append(sw.parts, p)
	sw.crc = crc32.Update(sw.crc, castagnoli, p)
	sw.n += int64(len(p))
}

// readSnapshot loads the table saved in dir if it reflects generation gen.
// It returns errStaleSnapshot when there is none, or it is for another
// generation or was written by another version, and another error when
// the file is damaged or not a snapshot; either way the caller reads the
// table from the store instead.
func readSnapshot(dir string, gen uint64) (*table, error) {
	path := filepath.Join(dir, snapshotFile)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errStaleSnapshot
	}
	if err != nil {
		return nil, fmt.Errorf("read table snapshot: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read table snapshot: %w", err)
	}
	count, chunk, sections, err := readHeader(f, fi.Size(), gen)
	if err != nil {
		if errors.Is(err, errStaleSnapshot) {
			return nil, err
		}
		return nil, fmt.Errorf("read table snapshot %s: %w", path, err)
	}
	t := newTable()
	if err := t.load(f, count, chunk, sections); err != nil {
		return nil, fmt.Errorf("read table snapshot %s: %w", path, err)
	}
	t.reindex()
	return t, nil
}

// readHeader reads and checks the header of a file of size bytes: the row
// count, the chunk size and the section table.
func readHeader(f io.ReaderAt, size int64, gen uint64) (count, chunk int, sections []section, err error) {
	h := make([]byte, headerFixedLen)
	if _, err := f.ReadAt(h, 0); err != nil {
		return 0, 0, nil, fmt.Errorf("not a table snapshot (%v)", err)
	}
	if string(h[:8]) != snapshotMagic {
		return 0, 0, nil, errors.New("not a table snapshot")
	}
	format, schema, fileGen := le.Uint32(h[8:]), le.Uint32(h[12:]), le.Uint64(h[16:])
	if format != snapshotFormat || schema != tableSchema || fileGen != gen {
		// Written by another version, or before a crash: expected, and
		// quietly replaced.
		return 0, 0, nil, errStaleSnapshot
	}
	n, ch, nSect := le.Uint64(h[24:]), le.Uint32(h[32:]), le.Uint32(h[36:])
	// Every row takes at least a byte (its flags), so a count past the
	// file's size is damage, not a reason to allocate.
	if ch == 0 || nSect > maxSections || n > uint64(size) {
		return 0, 0, nil, fmt.Errorf("damaged header (%d rows, chunks of %d, %d sections)", n, ch, nSect)
	}
	rest := make([]byte, sectionEntryLen*int(nSect)+4)
	if _, err := f.ReadAt(rest, headerFixedLen); err != nil {
		return 0, 0, nil, fmt.Errorf("read header: %w", err)
	}
	sum := crc32.Update(crc32.Checksum(h, castagnoli), castagnoli, rest[:len(rest)-4])
	if sum != le.Uint32(rest[len(rest)-4:]) {
		return 0, 0, nil, errors.New("damaged header (checksum)")
	}
	sections = make([]section, nSect)
	for i := range sections {
		e := rest[i*sectionEntryLen:]
		sections[i] = section{off: int64(le.Uint64(e)), n: int64(le.Uint64(e[8:])), crc: le.Uint32(e[16:])}
		if sections[i].off < 0 || sections[i].n < 0 || sections[i].off > size || sections[i].n > size-sections[i].off {
			return 0, 0, nil, errors.New("damaged header (section table)")
		}
	}
	return int(n), int(ch), sections, nil
}

// load fills the table's columns from the sections, decoding them on
// every core.
func (t *table) load(f io.ReaderAt, count, chunk int, sections []section) error {
	chunks := (count + chunk - 1) / chunk
	if len(sections) != len(t.cols)*chunks {
		return fmt.Errorf("%d sections for %d columns of %d rows, want %d", len(sections), len(t.cols), count, len(t.cols)*chunks)
	}
	for _, c := range t.cols {
		c.alloc(count)
	}
	// The largest sections (the rowInfo chunks) first, so that the cores
	// finish together.
	order := make([]int, len(sections))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return int(sections[b].n - sections[a].n) })
	var next atomic.Int64
	errs := make([]error, len(sections))
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(sections)) {
		wg.Go(func() {
			r := &sectionReader{f: f}
			for {
				j := int(next.Add(1) - 1)
				if j >= len(order) {
					return
				}
				i := order[j]
				col, ch := i/chunks, i%chunks
				start := ch * chunk
				n := min(chunk, count-start)
				r.reset(sections[i])
				err := t.cols[col].decode(r, start, n)
				if err == nil {
					err = r.finish()
				}
				if err != nil {
					errs[i] = fmt.Errorf("column %d, chunk %d: %w", col, ch, err)
					// The other sections are not worth reading.
					next.Store(int64(len(order)))
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// sectionReader reads one section at a time, checking its length and
// checksum.
type sectionReader struct {
	f       io.ReaderAt
	sect    section
	read    int64
	crc     uint32
	scratch []byte
}

func (r *sectionReader) reset(s section) { r.sect, r.read, r.crc = s, 0, 0 }

var errShortSection = errors.New("section shorter than its contents")

// next returns the section's next n bytes: in scratch space reused by the
// next call, or, when keep is set, in a slice of their own that the caller
// may keep.
func (r *sectionReader) next(n int, keep bool) ([]byte, error) {
	if n < 0 || int64(n) > r.sect.n-r.read {
		return nil, errShortSection
	}
	var p []byte
	if keep {
		p = make([]byte, n)
	} else {
		if cap(r.scratch) < n {
			r.scratch = make([]byte, n)
		}
		p = r.scratch[:n]
	}
	if _, err := r.f.ReadAt(p, r.sect.off+r.read); err != nil {
		return nil, err
	}
	r.read += int64(n)
	r.crc = crc32.Update(r.crc, castagnoli, p)
	return p, nil
}

// finish checks that the section was read to its end and matched its
// checksum.
func (r *sectionReader) finish() error {
	if r.read != r.sect.n {
		return fmt.Errorf("%d bytes left over in the section", r.sect.n-r.read)
	}
	if r.crc != r.sect.crc {
		return errors.New("damaged section (checksum)")
	}
	return nil
}

// reindex rebuilds what the table derives from its columns (the id
// index, the term sets, the grid cells, the row sets), for a table whose columns were
// loaded whole. The id index is built beside the rest, on another core.
func (t *table) reindex() {
	n := len(t.rows)
	t.stamps.s = make([]uint32, n)
	t.cell = make([]uint32, n)
	var wg sync.WaitGroup
	wg.Go(func() {
		// Sized once: growing the map a million entries at a time cost a
		// tenth of a start.
		slotOf := make(map[string]uint32, n)
		for slot, fl := range t.flags {
			if fl&flagLive != 0 {
				slotOf[t.rows[slot].ID] = uint32(slot)
			}
		}
		t.slotOf = slotOf
	})
	for slot, fl := range t.flags {
		t.cell[slot] = rowCell(fl, t.point[slot])
		if fl&flagLive != 0 {
			t.terms.change(uint32(slot), 0, 0, 0, t.needs[slot], t.interests[slot], t.activities[slot])
		}
	}
	t.rebuildSets()
	wg.Wait()
}

// cursor reads the fixed-size parts of a section's bytes in order,
// remembering the first shortfall.
type cursor struct {
	b   []byte
	err error
}

func (c *cursor) take(n int) []byte {
	if c.err != nil || n < 0 || n > len(c.b) {
		c.err = errShortSection
		return nil
	}
	p := c.b[:n:n]
	c.b = c.b[n:]
	return p
}

func (c *cursor) u32() uint32 {
	if p := c.take(4); p != nil {
		return le.Uint32(p)
	}
	return 0
}

// u32s returns n little-endian uint32s, read in place.
func (c *cursor) u32s(n int) u32s { return u32s(c.take(4 * n)) }

// u32s is a run of little-endian uint32s.
type u32s []byte

func (u u32s) at(i int) uint32 { return le.Uint32(u[4*i:]) }
func (u u32s) len() int        { return len(u) / 4 }

// ends checks that u holds non-decreasing offsets up to limit.
func (u u32s) ends(limit int) error {
	prev := uint32(0)
	for i := range u.len() {
		v := u.at(i)
		if v < prev || int(v) > limit {
			return fmt.Errorf("offset %d of %d out of order or past %d", i, v, limit)
		}
		prev = v
	}
	return nil
}

var le = binary.LittleEndian
