package engine

import (
	"errors"
	"fmt"
	"math"
	"time"
	"unsafe"
)

// fixedCodec stores a column of fixed-size values as size little-endian
// bytes each.
type fixedCodec[T any] struct {
	size int
	put  func(b []byte, v T)
	get  func(b []byte) T
}

var (
	u8Codec  = fixedCodec[uint8]{1, func(b []byte, v uint8) { b[0] = v }, func(b []byte) uint8 { return b[0] }}
	u16Codec = fixedCodec[uint16]{2, le.PutUint16, le.Uint16}
	u32Codec = fixedCodec[uint32]{4, le.PutUint32, le.Uint32}
	i64Codec = fixedCodec[int64]{8,
		func(b []byte, v int64) { le.PutUint64(b, uint64(v)) },
		func(b []byte) int64 { return int64(le.Uint64(b)) }}
	f64Codec = fixedCodec[float64]{8,
		func(b []byte, v float64) { le.PutUint64(b, math.Float64bits(v)) },
		func(b []byte) float64 { return math.Float64frombits(le.Uint64(b)) }}
	pointCodec = fixedCodec[geoPoint]{24, putPoint, getPoint}
)

func putPoint(b []byte, p geoPoint) {
	le.PutUint64(b, math.Float64bits(p.Lat))
	le.PutUint64(b[8:], math.Float64bits(p.Lon))
	le.PutUint64(b[16:], math.Float64bits(p.CosLat))
}

func getPoint(b []byte) geoPoint {
	return geoPoint{
		Lat:    math.Float64frombits(le.Uint64(b)),
		Lon:    math.Float64frombits(le.Uint64(b[8:])),
		CosLat: math.Float64frombits(le.Uint64(b[16:])),
	}
}

func (c fixedCodec[T]) encode(w *sectionWriter, vals []T, slots []uint32) error {
	b := grown(w.buf, c.size*len(slots))
	for i, slot := range slots {
		c.put(b[i*c.size:], vals[slot])
	}
	w.buf = b
	w.write(b)
	return nil
}

func (c fixedCodec[T]) decode(r *sectionReader, dst []T) error {
	b, err := r.next(c.size*len(dst), false)
	if err != nil {
		return err
	}
	for i := range dst {
		dst[i] = c.get(b[i*c.size:])
	}
	return nil
}

// grown returns b resliced to n bytes, reallocated if it is too small.
func grown(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

// infoCodec stores a chunk of rowInfo values as two parts: the meta part,
// fixed-size numbers read into scratch space, and the arena, every string
// of the chunk end to end, read into memory of its own which the decoded
// rows' strings then point into (unsafe.String: the arena is never
// written after it is read). The ids and sort names are the arena's first
// strings, two per row; then come the chunk's distinct organisation ids,
// access notes, languages and term ids (its dictionary), to which rows
// refer by number, so the few values most rows share are held once per
// chunk. The Signpost term ids in a dictionary become the shared copies of
// signpostTermIDs. Slices (languages, term ids, further points) are cut
// from one backing array per chunk.
//
// An arena stays in memory while any row of its chunk still points into
// it; a row replaced by a write no longer does, so a table edited
// everywhere after a start holds at most its own strings' size again.
//
// Layout, all little-endian: metaLen u32, arenaLen u32, then the meta part
// (dictionary size d u32; string ends [2n+d]u32 into the arena;
// organisation [n]u32 and access [n]u32 as dictionary numbers; language
// ends [n]u32 and their dictionary numbers; term id ends [n]u32 and their
// numbers; further point ends [n]u32 and the points, 24 bytes each;
// modified as unix seconds [n]i64, nanoseconds [n]u32 and zone offset
// [n]i32 in seconds, utcZone for UTC; text digests [n][16]byte), then the
// arena.
type infoCodec struct{}

// utcZone marks a time in UTC (rather than at a zero offset elsewhere).
const utcZone = math.MinInt32

func (infoCodec) encode(w *sectionWriter, vals []rowInfo, slots []uint32) error {
	n := len(slots)
	var (
		arena  = w.aux[:0]
		ends   = make([]uint32, 0, 2*n)
		dict   = map[string]uint32{}
		words  []string
		org    = make([]uint32, n)
		access = make([]uint32, n)
		langs  = make([]uint32, n)
		langV  []uint32
		terms  = make([]uint32, n)
		termV  []uint32
		ptEnds = make([]uint32, n)
		pts    []geoPoint
	)
	word := func(s string) uint32 {
		k, ok := dict[s]
		if !ok {
			k = uint32(len(words))
			dict[s] = k
			words = append(words, s)
		}
		return k
	}
	for i, slot := range slots {
		ri := &vals[slot]
		arena = append(arena, ri.ID...)
		ends = append(ends, uint32(len(arena)))
		arena = append(arena, ri.SortName...)
		ends = append(ends, uint32(len(arena)))
		org[i], access[i] = word(ri.OrgID), word(ri.Access)
		for _, l := range ri.Langs {
			langV = append(langV, word(l))
		}
		langs[i] = uint32(len(langV))
		for _, id := range ri.TermIDs {
			termV = append(termV, word(id))
		}
		terms[i] = uint32(len(termV))
		pts = append(pts, ri.MorePts...)
		ptEnds[i] = uint32(len(pts))
	}
	for _, s := range words {
		arena = append(arena, s...)
		ends = append(ends, uint32(len(arena)))
	}
	if len(arena) > math.MaxUint32 {
		return errors.New("a chunk's strings pass 4 GB")
	}
	meta := le.AppendUint32(w.buf[:0], uint32(len(words)))
	for _, list := range [][]uint32{ends, org, access, langs, langV, terms, termV, ptEnds} {
		for _, v := range list {
			meta = le.AppendUint32(meta, v)
		}
	}
	var pb [24]byte
	for _, p := range pts {
		putPoint(pb[:], p)
		meta = append(meta, pb[:]...)
	}
	for _, slot := range slots {
		meta = le.AppendUint64(meta, uint64(vals[slot].Modified.Unix()))
	}
	for _, slot := range slots {
		meta = le.AppendUint32(meta, uint32(vals[slot].Modified.Nanosecond()))
	}
	for _, slot := range slots {
		zone := int32(utcZone)
		if m := vals[slot].Modified; m.Location() != time.UTC {
			_, off := m.Zone()
			zone = int32(off)
		}
		meta = le.AppendUint32(meta, uint32(zone))
	}
	for _, slot := range slots {
		meta = append(meta, vals[slot].Text[:]...)
	}
	var pre [8]byte
	le.PutUint32(pre[:], uint32(len(meta)))
	le.PutUint32(pre[4:], uint32(len(arena)))
	w.write(pre[:])
	w.write(meta)
	w.write(arena)
	w.buf, w.aux = meta, arena
	return nil
}

func (infoCodec) decode(r *sectionReader, dst []rowInfo) error {
	pre, err := r.next(8, false)
	if err != nil {
		return err
	}
	metaLen, arenaLen := int(le.Uint32(pre)), int(le.Uint32(pre[4:]))
	meta, err := r.next(metaLen, false)
	if err != nil {
		return err
	}
	arena, err := r.next(arenaLen, true)
	if err != nil {
		return err
	}
	n := len(dst)
	c := cursor{b: meta}
	d := int(c.u32())
	if d > metaLen {
		return fmt.Errorf("a dictionary of %d strings in %d bytes", d, metaLen)
	}
	ends := c.u32s(2*n + d)
	org, access := c.u32s(n), c.u32s(n)
	langEnds := c.u32s(n)
	langV := c.u32s(lastEnd(langEnds))
	termEnds := c.u32s(n)
	termV := c.u32s(lastEnd(termEnds))
	ptEnds := c.u32s(n)
	ptB := c.take(24 * lastEnd(ptEnds))
	secs, nsecs, zones := c.take(8*n), c.u32s(n), c.u32s(n)
	digests := c.take(16 * n)
	if c.err != nil {
		return c.err
	}
	if len(c.b) != 0 {
		return fmt.Errorf("%d bytes left over in a chunk's numbers", len(c.b))
	}
	for _, e := range []struct {
		u     u32s
		limit int
	}{{ends, arenaLen}, {langEnds, langV.len()}, {termEnds, termV.len()}, {ptEnds, len(ptB) / 24}} {
		if err := e.u.ends(e.limit); err != nil {
			return err
		}
	}
	str := func(i int) string {
		start, end := uint32(0), ends.at(i)
		if i > 0 {
			start = ends.at(i - 1)
		}
		if start == end {
			return ""
		}
		return unsafe.String(&arena[start], end-start)
	}
	words := make([]string, d)
	for k := range words {
		s := str(2*n + k)
		if shared, ok := sharedTermIDs[s]; ok {
			s = shared
		}
		words[k] = s
	}
	word := func(u u32s, i int) (string, error) {
		k := u.at(i)
		if int(k) >= d {
			return "", fmt.Errorf("string %d of a dictionary of %d", k, d)
		}
		return words[k], nil
	}
	list := func(v u32s) ([]string, error) {
		out := make([]string, v.len())
		for i := range out {
			var err error
			if out[i], err = word(v, i); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	langAll, err := list(langV)
	if err != nil {
		return err
	}
	termAll, err := list(termV)
	if err != nil {
		return err
	}
	ptAll := make([]geoPoint, len(ptB)/24)
	for i := range ptAll {
		ptAll[i] = getPoint(ptB[24*i:])
	}
	var zoneLocs map[int32]*time.Location
	var langAt, termAt, ptAt uint32
	for i := range dst {
		ri := &dst[i]
		ri.ID, ri.SortName = str(2*i), str(2*i+1)
		if ri.OrgID, err = word(org, i); err != nil {
			return err
		}
		if ri.Access, err = word(access, i); err != nil {
			return err
		}
		// Full slice expressions: an append to one row's slice must
		// never write into the next row's.
		if e := langEnds.at(i); e > langAt {
			ri.Langs, langAt = langAll[langAt:e:e], e
		}
		if e := termEnds.at(i); e > termAt {
			ri.TermIDs, termAt = termAll[termAt:e:e], e
		}
		if e := ptEnds.at(i); e > ptAt {
			ri.MorePts, ptAt = ptAll[ptAt:e:e], e
		}
		sec, nsec, zone := int64(le.Uint64(secs[8*i:])), int64(nsecs.at(i)), int32(zones.at(i))
		if zone == utcZone {
			ri.Modified = time.Unix(sec, nsec).UTC()
		} else {
			// As time.Time's UnmarshalBinary: Local when the offset is
			// Local's then, else a fixed zone.
			ri.Modified = time.Unix(sec, nsec)
			if _, off := ri.Modified.Zone(); int32(off) != zone {
				loc, ok := zoneLocs[zone]
				if !ok {
					loc = time.FixedZone("", int(zone))
					if zoneLocs == nil {
						zoneLocs = map[int32]*time.Location{}
					}
					zoneLocs[zone] = loc
				}
				ri.Modified = ri.Modified.In(loc)
			}
		}
		copy(ri.Text[:], digests[16*i:])
	}
	return nil
}

// lastEnd is the last of a run of ends: how many values they cover.
func lastEnd(u u32s) int {
	if u.len() == 0 {
		return 0
	}
	return int(u.at(u.len() - 1))
}

// sharedTermIDs maps each Signpost term id to signpostTermIDs' copy.
var sharedTermIDs = func() map[string]string {
	m := map[string]string{}
	for _, id := range signpostTermIDs {
		m[id] = id
	}
	return m
}()
