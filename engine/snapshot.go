package engine

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// The table snapshot lets a restart skip decoding every service from the
// store (about 60 µs each, 6 s for 100k): Close and Rebuild write the
// table beside the index with the generation it reflects, and Open uses it
// when that generation is still the store's. After a crash the generation
// differs and the table is read from the store as before.
const (
	snapshotFile = "signpost-table.gob"
	// tableSchema is recorded in the snapshot; change it whenever makeRow,
	// the columns or their encoding change, and the next start reads the
	// store.
	tableSchema = 4
)

// snapshotHeader opens a snapshot. The table's columns follow, in the
// order table.columns lists them, each holding the values of the live rows
// in slot order: the number of chunks, then each chunk of up to
// snapshotChunk values as the bytes of a gob stream of its own.
type snapshotHeader struct {
	Schema     int
	Generation uint64
	// Count is how many rows each column holds. (A schema 1 file has a
	// Rows field here instead; it decodes with Count 0 and is refused by
	// its schema.)
	Count int
}

// writeSnapshot saves the table atomically (write, sync, rename).
func writeSnapshot(dir string, t *table, gen uint64) error {
	path := filepath.Join(dir, snapshotFile)
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("write table snapshot: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = t.encode(gob.NewEncoder(w), gen)
	if err == nil {
		err = w.Flush()
	}
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
	return nil
}

// encode writes the header and every column of the live rows. It holds
// the table's read lock throughout; its callers (Close, Rebuild) hold the
// engine's write lock, so no Apply waits on it.
func (t *table) encode(enc *gob.Encoder, gen uint64) error {
	t.mu.RLock()
	defer t.mu.RUnlock()
	live := make([]uint32, 0, len(t.slotOf))
	for slot, fl := range t.flags {
		if fl&flagLive != 0 {
			live = append(live, uint32(slot))
		}
	}
	if err := enc.Encode(snapshotHeader{Schema: tableSchema, Generation: gen, Count: len(live)}); err != nil {
		return err
	}
	for _, c := range t.cols {
		if err := c.save(enc, live); err != nil {
			return err
		}
	}
	return nil
}

// errStaleSnapshot says the snapshot is missing or not for this store.
var errStaleSnapshot = errors.New("no current table snapshot")

// readSnapshot loads the table saved in dir if it reflects generation gen.
func readSnapshot(dir string, gen uint64) (*table, error) {
	f, err := os.Open(filepath.Join(dir, snapshotFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, errStaleSnapshot
	}
	if err != nil {
		return nil, fmt.Errorf("read table snapshot: %w", err)
	}
	defer f.Close()
	dec := gob.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	var h snapshotHeader
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("read table snapshot: %w", err)
	}
	if h.Schema != tableSchema || h.Generation != gen {
		return nil, errStaleSnapshot
	}
	t := newTable()
	for _, c := range t.cols {
		if err := c.load(dec, h.Count); err != nil {
			return nil, fmt.Errorf("read table snapshot: %w", err)
		}
	}
	t.reindex()
	return t, nil
}

// reindex rebuilds the id index of a table whose columns were loaded
// whole. Decoding also gives every row its own copy of shared strings, so
// they are interned again.
func (t *table) reindex() {
	intern := map[string]string{}
	for _, id := range signpostTermIDs {
		intern[id] = id
	}
	one := func(s string) string {
		if v, ok := intern[s]; ok {
			return v
		}
		intern[s] = s
		return s
	}
	t.stamps.s = make([]uint32, len(t.rows))
	// Sized once: growing the map a million entries at a time cost a
	// tenth of a start.
	t.slotOf = make(map[string]uint32, len(t.rows))
	t.cell = make([]uint32, len(t.rows))
	for slot := range t.rows {
		t.cell[slot] = rowCell(t.flags[slot], t.point[slot])
		ri := &t.rows[slot]
		t.slotOf[ri.ID] = uint32(slot)
		if t.flags[slot]&flagLive != 0 {
			t.terms.change(uint32(slot), 0, 0, 0, t.needs[slot], t.interests[slot], t.activities[slot])
		}
		ri.OrgID, ri.Access = one(ri.OrgID), one(ri.Access)
		for j, l := range ri.Langs {
			ri.Langs[j] = one(l)
		}
		for j, id := range ri.TermIDs {
			ri.TermIDs[j] = one(id)
		}
	}
	t.rebuildSets()
}
