package engine

import (
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"signpost/directory"
)

// table is the in-memory, column-shaped copy of everything that filters and
// scores. Bleve answers only "which services match these words, how well";
// every other question is a pass over these columns, which is many times
// faster than asking Bleve (see the measurements and BENCHMARKS.md).
//
// Each service has a slot; the hot columns below are indexed by slot and
// hold small fixed-size values, so a full pass over 100k services touches a
// few megabytes. Term sets are bit masks (bit i = the i-th term of the
// vocabulary in directory.Needs, Interests, Activities), so "has every
// asked need" is one AND and a compare, and facets count set bits.
//
// The table does not hold the services themselves: a decoded HSDS service
// takes about 12 KB, 1.2 GB for 100k. Results fetch their page's services
// from the store.
//
// Concurrency: readers hold mu.RLock for one query's pass (a few
// milliseconds); Apply prepares rows outside the lock and holds mu.Lock
// only to store them, so neither side waits long. Row values are never
// mutated once stored, only replaced.
type table struct {
	mu sync.RWMutex

	slotOf map[string]uint32
	// freeSlots are slots of deleted services, reused by the next insert so
	// the columns do not grow under churn.
	freeSlots []uint32
	// stamps change whenever a slot is freed or given to a service, so the
	// text index's slot maps (docMap) can tell a slot still held by the
	// service they mapped from. Not a column and not saved: a loaded table
	// is a new table, and the maps are made per table.
	stamps slotStamps
	// layout counts the changes of stamps: while it stands, no slot has
	// changed hands.
	layout uint64

	flags      []uint8
	needs      []uint32
	interests  []uint32
	activities []uint16
	days       []uint8 // bit 0 = MO … bit 6 = SU
	delivery   []uint8 // deliveryBit of each mode
	access     []uint8 // bit i = directory.AccessFeatures[i] at some place
	minAge     []float64
	maxAge     []float64
	capacity   []uint8    // capacityIndex
	assured    []int64    // unix seconds of assured_date; neverAssured when none
	point      []geoPoint // first physical location; valid when flagPhysical
	rows       []rowInfo  // the colder per-service values

	// cols lists the columns above (see columns).
	cols []column
	// terms indexes the needs, interests and activities columns by term,
	// for the matcher.
	terms termSets
	// cell is each row's grid cell (see cells.go), derived from flags and
	// point by put and reindex: noCell when the row has no physical
	// location or more than one.
	cell []uint32
	// sets files the rows by the hot filters and by grid cell (spatial.go).
	sets rowSets

	// names numbers the rows in name order for ranking's tie-breaks (see
	// nameOrder).
	names nameOrder
}

// slotStamps holds a counter per slot (see table.stamps).
type slotStamps struct{ s []uint32 }

// neverAssured marks a listing nobody has confirmed: older than any date.
const neverAssured = math.MinInt64

// capacityIndex numbers the capacity states for the penalty table in plan:
// 0 accepting (or not said), 1 waiting list, 2 full, 3 paused.
func capacityIndex(c directory.Capacity) uint8 {
	switch c {
	case directory.CapacityWaitingList:
		return 1
	case directory.CapacityFull:
		return 2
	case directory.CapacityPaused:
		return 3
	}
	return 0
}

// Row flags.
const (
	flagLive     uint8 = 1 << iota // the slot holds a service
	flagActive                     // status is active and not merged into another listing
	flagFree                       // no cost option above zero
	flagPhysical                   // at least one physical location with coordinates
	flagMorePts                    // more than one physical location (see rowInfo.MorePts)
)

// rowInfo holds what is read only for rows that passed the hot filters, or
// for the page being returned. A loaded snapshot's rows share their
// strings' bytes (see infoCodec), so a row's values are replaced, never
// changed in place.
type rowInfo struct {
	ID       string
	SortName string     // case-folded name, for the stable tie-break
	MorePts  []geoPoint // physical locations after the first
	Modified time.Time  // zero: unknown
	OrgID    string
	Langs    []string // lower-case codes and names; empty means English
	Access   string   // lower-case accessibility notes of all locations
	TermIDs  []string // every attached taxonomy term id, sorted
	// Text is the digest of the service's text document; zero when not
	// known, which only costs the next write to the service a re-index.
	Text textDigest
}

// row is one service's values for every column, built outside the lock.
type row struct {
	flags      uint8
	needs      uint32
	interests  uint32
	activities uint16
	days       uint8
	delivery   uint8
	access     uint8
	minAge     float64
	maxAge     float64
	capacity   uint8
	assured    int64
	point      geoPoint
	info       rowInfo
}

func newTable() *table {
	t := &table{slotOf: map[string]uint32{}}
	t.cols = t.columns()
	return t
}

// columns is the one description of the table's columns: each ties a
// column of the table to the field of row it holds and to how the
// snapshot stores it. put, grow and the snapshot work through it, so a new
// column is declared in table and row, computed in makeRow and listed
// here, and nowhere else.
func (t *table) columns() []column {
	return []column{
		newColumn(&t.flags, u8Codec, func(r *row) *uint8 { return &r.flags }),
		newColumn(&t.needs, u32Codec, func(r *row) *uint32 { return &r.needs }),
		newColumn(&t.interests, u32Codec, func(r *row) *uint32 { return &r.interests }),
		newColumn(&t.activities, u16Codec, func(r *row) *uint16 { return &r.activities }),
		newColumn(&t.days, u8Codec, func(r *row) *uint8 { return &r.days }),
		newColumn(&t.delivery, u8Codec, func(r *row) *uint8 { return &r.delivery }),
		newColumn(&t.access, u8Codec, func(r *row) *uint8 { return &r.access }),
		newColumn(&t.minAge, f64Codec, func(r *row) *float64 { return &r.minAge }),
		newColumn(&t.maxAge, f64Codec, func(r *row) *float64 { return &r.maxAge }),
		newColumn(&t.capacity, u8Codec, func(r *row) *uint8 { return &r.capacity }),
		newColumn(&t.assured, i64Codec, func(r *row) *int64 { return &r.assured }),
		newColumn(&t.point, pointCodec, func(r *row) *geoPoint { return &r.point }),
		newColumn(&t.rows, infoCodec{}, func(r *row) *rowInfo { return &r.info }),
	}
}

// column is one column of the table, seen whole.
type column interface {
	// grow adds a slot holding the zero value.
	grow()
	// set stores r's value of the column in slot.
	set(slot uint32, r *row)
	// encode writes the values of the given slots, in that order, as one
	// section of the snapshot.
	encode(w *sectionWriter, slots []uint32) error
	// alloc replaces the column with n zero values, for decode to fill.
	alloc(n int)
	// decode fills the n values from start with a section encode wrote.
	// Sections of one column may be decoded side by side.
	decode(r *sectionReader, start, n int) error
}

// codec stores the values of one column in the snapshot.
type codec[T any] interface {
	encode(w *sectionWriter, vals []T, slots []uint32) error
	decode(r *sectionReader, dst []T) error
}

type typedColumn[T any] struct {
	vals  *[]T
	codec codec[T]
	field func(*row) *T
}

func newColumn[T any](vals *[]T, c codec[T], field func(*row) *T) column {
	return typedColumn[T]{vals: vals, codec: c, field: field}
}

func (c typedColumn[T]) grow() {
	var zero T
	*c.vals = append(*c.vals, zero)
}

func (c typedColumn[T]) set(slot uint32, r *row) { (*c.vals)[slot] = *c.field(r) }

func (c typedColumn[T]) encode(w *sectionWriter, slots []uint32) error {
	return c.codec.encode(w, *c.vals, slots)
}

func (c typedColumn[T]) alloc(n int) { *c.vals = make([]T, n) }

func (c typedColumn[T]) decode(r *sectionReader, start, n int) error {
	return c.codec.decode(r, (*c.vals)[start:start+n])
}

func deliveryBit(d directory.Delivery) uint8 {
	switch d {
	case directory.DeliveryInPerson:
		return 1
	case directory.DeliveryOnline:
		return 2
	case directory.DeliveryPhone:
		return 4
	}
	return 0
}

func dayBit(code string) uint8 {
	if i := slices.Index(directory.Weekdays, code); i >= 0 {
		return 1 << i
	}
	return 0
}

func termMask(vocab []directory.Term, codes []string) uint32 {
	var m uint32
	for _, c := range codes {
		if i := termIndex(vocab, c); i >= 0 {
			m |= 1 << i
		}
	}
	return m
}

// makeRow computes every column of one service. doc is its textDoc, which
// callers build anyway for the text index.
func makeRow(s *directory.Service, doc map[string]any) row {
	r := row{
		flags:      flagLive,
		needs:      termMask(directory.Needs, s.TermCodes(directory.TaxonomyNeeds)),
		interests:  termMask(directory.Interests, s.TermCodes(directory.TaxonomyInterests)),
		activities: uint16(termMask(directory.Activities, s.TermCodes(directory.TaxonomyActivities))),
		access:     uint8(termMask(directory.AccessFeatures, s.AccessCodes())),
		minAge:     math.Inf(-1),
		maxAge:     math.Inf(1),
	}
	if s.Listed() {
		r.flags |= flagActive
	}
	if s.Free() {
		r.flags |= flagFree
	}
	for _, d := range s.Days() {
		r.days |= dayBit(d)
	}
	for _, d := range s.DeliveryModes() {
		r.delivery |= deliveryBit(d)
	}
	if s.MinimumAge != nil {
		r.minAge = *s.MinimumAge
	}
	if s.MaximumAge != nil {
		r.maxAge = *s.MaximumAge
	}
	pts := s.PhysicalPoints()
	if len(pts) > 0 {
		r.flags |= flagPhysical
		r.point = newGeoPoint(pts[0].Lat, pts[0].Lon)
		for _, p := range pts[1:] {
			r.info.MorePts = append(r.info.MorePts, newGeoPoint(p.Lat, p.Lon))
			r.flags |= flagMorePts
		}
	}
	r.info.ID = s.ID
	r.info.Text = digestTextDoc(doc)
	r.info.SortName = strings.ToLower(s.Name)
	r.capacity = capacityIndex(s.Capacity)
	r.assured = neverAssured
	if at, ok := s.Assured(); ok {
		r.assured = at.Unix()
	}
	r.info.Modified, _ = parseTime(s.LastModified)
	r.info.OrgID = s.OrganizationID
	if r.info.OrgID == "" && s.Organization != nil {
		r.info.OrgID = s.Organization.ID
	}
	r.info.Langs = serviceLanguages(s)
	r.info.Access = accessibilityText(s)
	// Terms attached to the service at a location (access features) count
	// for taxonomy_term_id as those on the service do.
	for _, a := range s.AllAttributes() {
		id := a.TaxonomyTermID
		if id == "" && a.TaxonomyTerm != nil {
			id = a.TaxonomyTerm.ID
		}
		if t, ok := directory.TermByID(id); ok {
			id = signpostTermIDs[t.Taxonomy+":"+t.Code] // one shared copy
		}
		if id != "" && !slices.Contains(r.info.TermIDs, id) {
			r.info.TermIDs = append(r.info.TermIDs, id)
		}
	}
	slices.Sort(r.info.TermIDs)
	return r
}

// signpostTermIDs holds one copy of each Signpost term id, so that 100k
// rows carrying the same few dozen ids do not each hold their own string.
// Built once, never written afterwards.
var signpostTermIDs = func() map[string]string {
	m := map[string]string{}
	for _, terms := range directory.Vocabularies {
		for _, t := range terms {
			m[t.Taxonomy+":"+t.Code] = t.ID()
		}
	}
	return m
}()

// serviceLanguages lists the lower-case codes and names of the languages the
// service and its locations work in.
func serviceLanguages(s *directory.Service) []string {
	var out []string
	add := func(ls []directory.Language) {
		for _, l := range ls {
			for _, v := range []string{l.Code, l.Name} {
				v = strings.ToLower(strings.TrimSpace(v))
				if v != "" && !slices.Contains(out, v) {
					out = append(out, v)
				}
			}
		}
	}
	add(s.Languages)
	for _, sal := range s.ServiceAtLocations {
		if sal.Location != nil {
			add(sal.Location.Languages)
		}
	}
	return out
}

// accessibilityText joins the accessibility notes of every location.
func accessibilityText(s *directory.Service) string {
	var b strings.Builder
	for _, sal := range s.ServiceAtLocations {
		if sal.Location == nil {
			continue
		}
		for _, a := range sal.Location.Accessibility {
			b.WriteString(a.Description)
			b.WriteByte(' ')
			b.WriteString(a.Details)
			b.WriteByte(' ')
		}
	}
	return strings.ToLower(b.String())
}

// speaks reports whether a row works in the language named by want (lower
// case). A service that names no language is taken to work in English.
func (ri *rowInfo) speaks(want string) bool {
	if len(ri.Langs) == 0 {
		return want == "en" || want == "eng" || want == "english"
	}
	return slices.Contains(ri.Langs, want)
}

// hasAccess reports whether every word of want appears in the row's
// accessibility notes.
func (ri *rowInfo) hasAccess(words []string) bool {
	for _, w := range words {
		if !strings.Contains(ri.Access, w) {
			return false
		}
	}
	return true
}

func (ri *rowInfo) hasTermIDs(ids []string) bool {
	for _, id := range ids {
		if _, ok := slices.BinarySearch(ri.TermIDs, id); !ok {
			return false
		}
	}
	return true
}

// apply stores rows and removes the services with the given ids, under
// one short write lock.
func (t *table) apply(upserts []row, deletes []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, id := range deletes {
		t.remove(id)
	}
	for i := range upserts {
		t.put(&upserts[i])
	}
}

func (t *table) put(r *row) {
	slot, ok := t.slotOf[r.info.ID]
	if !ok {
		if n := len(t.freeSlots); n > 0 {
			slot = t.freeSlots[n-1]
			t.freeSlots = t.freeSlots[:n-1]
		} else {
			slot = uint32(len(t.flags))
			t.grow()
		}
		t.slotOf[r.info.ID] = slot
		t.stamps.s[slot]++
		t.layout++
		t.terms.change(slot, 0, 0, 0, r.needs, r.interests, r.activities)
		t.names.moved(slot, len(t.flags))
	} else {
		t.terms.change(slot, t.needs[slot], t.interests[slot], t.activities[slot], r.needs, r.interests, r.activities)
		if t.rows[slot].SortName != r.info.SortName {
			t.names.moved(slot, len(t.flags))
		}
	}
	old := t.rowKeyOf(slot)
	for _, c := range t.cols {
		c.set(slot, r)
	}
	t.cell[slot] = rowCell(r.flags, r.point)
	t.sets.move(slot, old, t.rowKeyOf(slot))
}

// rowCell is the grid cell a row is filed under: that of its one physical
// location, or noCell.
func rowCell(fl uint8, p geoPoint) uint32 {
	if fl&flagPhysical == 0 || fl&flagMorePts != 0 {
		return noCell
	}
	return cellOf(p)
}

func (t *table) grow() {
	for _, c := range t.cols {
		c.grow()
	}
	t.stamps.s = append(t.stamps.s, 0)
	t.cell = append(t.cell, noCell)
}

func (t *table) remove(id string) {
	slot, ok := t.slotOf[id]
	if !ok {
		return
	}
	delete(t.slotOf, id)
	t.terms.change(slot, t.needs[slot], t.interests[slot], t.activities[slot], 0, 0, 0)
	t.sets.move(slot, t.rowKeyOf(slot), rowKey{cell: noCell})
	t.stamps.s[slot]++
	t.layout++
	t.flags[slot] = 0
	t.rows[slot] = rowInfo{}
	t.freeSlots = append(t.freeSlots, slot)
	t.names.moved(slot, len(t.flags))
}

// sameText reports whether the table already holds a service with this id
// whose text document had the given digest.
func (t *table) sameText(id string, d textDigest) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	slot, ok := t.slotOf[id]
	return ok && d != textDigest{} && t.rows[slot].Text == d
}

// count returns how many services the table holds.
func (t *table) count() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.slotOf)
}

// geoPoint is a position in radians with its latitude's cosine computed
// once, so that a distance costs two sines, a square root and an arcsine.
type geoPoint struct{ Lat, Lon, CosLat float64 }

// earthRadiusM is the mean Earth radius (IUGG), as orb's geo package uses
// for haversine distances.
const earthRadiusM = 6371008.8

func newGeoPoint(latDeg, lonDeg float64) geoPoint {
	lat := latDeg * math.Pi / 180
	return geoPoint{Lat: lat, Lon: lonDeg * math.Pi / 180, CosLat: math.Cos(lat)}
}

// distanceM is the haversine great-circle distance in metres.
func (p geoPoint) distanceM(q geoPoint) float64 {
	sLat := math.Sin((q.Lat - p.Lat) / 2)
	sLon := math.Sin((q.Lon - p.Lon) / 2)
	a := sLat*sLat + p.CosLat*q.CosLat*sLon*sLon
	if a > 1 {
		a = 1
	}
	return 2 * earthRadiusM * math.Asin(math.Sqrt(a))
}

// haversineBounds returns a lower and an upper bound of haversine's
// a = sin²(Δφ/2) + cosφp·cosφq·sin²(Δλ/2), from which distanceM is
// 2R·asin(√a), using only multiplications: since x − x³/6 ≤ sin x ≤ x for
// 0 ≤ x ≤ π/2, a lies between the same sum over those two polynomials.
// Near a 10 km radius the bounds differ by about one part in ten million,
// so a radius test almost never needs the exact distance.
func (p geoPoint) haversineBounds(q geoPoint) (lo, hi float64) {
	x1 := math.Abs(q.Lat-p.Lat) / 2
	dLon := math.Abs(q.Lon - p.Lon)
	x2 := math.Min(dLon, 2*math.Pi-dLon) / 2 // the short way round
	c := p.CosLat * q.CosLat
	s1, s2 := x1-x1*x1*x1*(1.0/6), x2-x2*x2*x2*(1.0/6)
	return s1*s1 + c*s2*s2, x1*x1 + c*x2*x2
}

// distanceAtLeastM is a lower bound of distanceM(p, q): 2R·√a ≤ 2R·asin(√a)
// with a bounded below as in haversineBounds.
func (p geoPoint) distanceAtLeastM(q geoPoint) float64 {
	lo, _ := p.haversineBounds(q)
	return 2 * earthRadiusM * math.Sqrt(lo)
}

// radiusTest is a radius as thresholds on haversine's a, worked out once
// per query. Since y ≤ asin y ≤ y/√(1−y²), a distance of at most limitM
// needs a ≤ (limitM/2R)², and a ≤ h/(1+h) with h = (limitM/2R)² ensures
// it. Each threshold is moved by boundSlack towards caution, far more than
// the rounding of the bounds or of distanceM (about 1e-15), so the bounds
// never decide differently from the exact distance.
type radiusTest struct {
	limitM      float64
	rejectAbove float64 // a lower bound of a above this: further than limitM
	acceptBelow float64 // an upper bound of a below this: within limitM
}

const boundSlack = 1e-9

func newRadiusTest(limitM float64) radiusTest {
	far := limitM * (1 + boundSlack) / (2 * earthRadiusM)
	near := limitM * (1 - boundSlack) / (2 * earthRadiusM)
	h := near * near
	return radiusTest{limitM: limitM, rejectAbove: far * far, acceptBelow: h / (1 + h)}
}

// withinM reports whether the slot's nearest physical location lies
// within the radius of q, as nearestM(slot, q) <= limitM would, but from
// the bounds when they decide. d is the exact distance when it had to be
// computed, NaN when the bounds decided (or the row has no physical
// location, which is never within).
func (t *table) withinM(slot uint32, q geoPoint, r radiusTest) (ok bool, d float64) {
	return t.withinCellM(slot, q, r, nil)
}

// withinCellM is withinM deciding from the row's grid cell, when cells
// (the circle's map, or nil) places the cell wholly inside or outside.
func (t *table) withinCellM(slot uint32, q geoPoint, r radiusTest, cells *cellMap) (ok bool, d float64) {
	if cells != nil {
		if c := t.cell[slot]; c != noCell {
			switch cells.of(c) {
			case cellInside:
				return true, math.NaN()
			case cellOutside:
				return false, math.NaN()
			}
		}
	}
	fl := t.flags[slot]
	if fl&flagPhysical == 0 {
		return false, math.NaN()
	}
	if fl&flagMorePts == 0 {
		lo, hi := t.point[slot].haversineBounds(q)
		switch {
		case lo > r.rejectAbove:
			return false, math.NaN()
		case hi < r.acceptBelow:
			return true, math.NaN()
		}
	}
	d = t.nearestM(slot, q)
	return d <= r.limitM, d
}

// nearestM returns the distance from q to the slot's nearest physical
// location, or NaN when it has none. The row's flags say whether it has
// further locations, so the common single-location row is judged from the
// flags and point columns alone, without touching its rowInfo.
func (t *table) nearestM(slot uint32, q geoPoint) float64 {
	fl := t.flags[slot]
	if fl&flagPhysical == 0 {
		return math.NaN()
	}
	d := t.point[slot].distanceM(q)
	if fl&flagMorePts != 0 {
		for _, m := range t.rows[slot].MorePts {
			d = math.Min(d, m.distanceM(q))
		}
	}
	return d
}
