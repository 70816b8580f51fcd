package engine

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// The table snapshot lets a restart skip decoding every service from the
// store (about 60 µs each, 6 s for 100k): Close and Rebuild write the
// table beside the index with the generation it reflects, and Open uses it
// when that generation is still the store's. After a crash the generation
// differs and the table is read from the store as before.
const (
	snapshotFile = "signpost-table.gob"
	// tableSchema is recorded in the snapshot; change it whenever makeRow
	// or the row encoding changes, and the next start reads the store.
	tableSchema = 1
)

type tableSnapshot struct {
	Schema     int
	Generation uint64
	Rows       []snapRow
}

// snapRow is one row with exported fields for gob.
type snapRow struct {
	ID, SortName               string
	Flags, Days, Delivery, Cap uint8
	Needs, Interests           uint32
	Activities                 uint16
	MinAge, MaxAge             float64
	Assured                    int64
	Points                     []float64 // lat, lon, cos(lat) in radians, per location
	Modified                   time.Time
	OrgID, Access              string
	Langs, TermIDs             []string
	// Text is the digest of the service's text document; absent (zero) in
	// snapshots from before it was kept, which only costs the first write
	// to each such service a re-index.
	Text textDigest
}

// writeSnapshot saves the table atomically (write, sync, rename).
func writeSnapshot(dir string, t *table, gen uint64) error {
	snap := tableSnapshot{Schema: tableSchema, Generation: gen}
	t.mu.RLock()
	for _, slot := range t.slotOf {
		ri := &t.rows[slot]
		pts := []float64{t.point[slot].lat, t.point[slot].lon, t.point[slot].cosLat}
		for _, p := range ri.morePts {
			pts = append(pts, p.lat, p.lon, p.cosLat)
		}
		snap.Rows = append(snap.Rows, snapRow{
			ID: ri.id, SortName: ri.sortName, Flags: t.flags[slot], Days: t.days[slot], Delivery: t.delivery[slot],
			Cap: t.capacity[slot], Needs: t.needs[slot], Interests: t.interests[slot], Activities: t.activities[slot],
			MinAge: t.minAge[slot], MaxAge: t.maxAge[slot], Assured: t.assured[slot], Points: pts,
			Modified: ri.modified, OrgID: ri.orgID, Access: ri.access, Langs: ri.langs, TermIDs: ri.termIDs, Text: ri.text,
		})
	}
	t.mu.RUnlock()

	path := filepath.Join(dir, snapshotFile)
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("write table snapshot: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = gob.NewEncoder(w).Encode(&snap)
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
	var snap tableSnapshot
	if err := gob.NewDecoder(bufio.NewReaderSize(f, 1<<20)).Decode(&snap); err != nil {
		return nil, fmt.Errorf("read table snapshot: %w", err)
	}
	if snap.Schema != tableSchema || snap.Generation != gen {
		return nil, errStaleSnapshot
	}
	// Decoding gives every row its own copy of shared strings; intern
	// them again.
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
	t := newTable()
	rows := make([]row, len(snap.Rows))
	for i, sr := range snap.Rows {
		if len(sr.Points)%3 != 0 || len(sr.Points) == 0 {
			return nil, fmt.Errorf("read table snapshot: row %s has %d point values", sr.ID, len(sr.Points))
		}
		r := row{
			flags: sr.Flags, needs: sr.Needs, interests: sr.Interests, activities: sr.Activities,
			days: sr.Days, delivery: sr.Delivery, minAge: sr.MinAge, maxAge: sr.MaxAge,
			capacity: sr.Cap, assured: sr.Assured,
			point: geoPoint{sr.Points[0], sr.Points[1], sr.Points[2]},
			info: rowInfo{id: sr.ID, sortName: sr.SortName, modified: sr.Modified, orgID: one(sr.OrgID),
				access: one(sr.Access), langs: sr.Langs, termIDs: sr.TermIDs, text: sr.Text},
		}
		for j := 3; j < len(sr.Points); j += 3 {
			r.info.morePts = append(r.info.morePts, geoPoint{sr.Points[j], sr.Points[j+1], sr.Points[j+2]})
			r.flags |= flagMorePts
		}
		for j, l := range r.info.langs {
			r.info.langs[j] = one(l)
		}
		for j, id := range r.info.termIDs {
			r.info.termIDs[j] = one(id)
		}
		rows[i] = r
	}
	t.apply(rows, nil)
	return t, nil
}
