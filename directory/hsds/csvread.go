package hsds

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"unicode/utf8"

	"signpost/directory"
)

// csvTable is one CSV file of a datapackage, held in memory so that rows can
// be found by their foreign keys.
type csvTable struct {
	spec  tableSpec
	file  string
	cols  []csvColumn
	rows  [][]string
	lines []int // line of each row in the file, for messages
	// index maps a column to its values to the rows holding them; built on
	// first use of each column.
	index map[int]map[string][]int
	// header maps column names to positions.
	header map[string]int
}

type csvColumn struct {
	column
	pos int
}

// csvSource assembles nested services from an HSDS tabular datapackage.
type csvSource struct {
	tables map[string]*csvTable
	// orgs caches assembled organizations, which many services share.
	orgs map[string]orgEntry
}

type orgEntry struct {
	org      directory.Organization
	problems directory.Problems
	size     int
}

// csvAliases are other file names seen in the wild for a table.
var csvAliases = map[string][]string{"service_at_location": {"service_at_locations"}}

// openCSV loads every table of the datapackage in dir. datapackage.json is
// not needed: the standard's file names are used (the standard's own example
// datapackage.json is only a pointer to another file).
func openCSV(dir string) (*csvSource, error) {
	src := &csvSource{tables: map[string]*csvTable{}, orgs: map[string]orgEntry{}}
	for _, spec := range csvTables() {
		t := &csvTable{spec: spec, index: map[int]map[string][]int{}, header: map[string]int{}}
		for _, name := range append([]string{spec.name}, csvAliases[spec.name]...) {
			path := filepath.Join(dir, name+".csv")
			err := t.load(path)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, err
			}
			break
		}
		if spec.name == "services" && t.file == "" {
			return nil, fmt.Errorf("not an HSDS datapackage: no services.csv")
		}
		src.tables[spec.name] = t
	}
	return src, nil
}

func (t *csvTable) load(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	t.file = filepath.Base(path)
	r := csv.NewReader(bufio.NewReaderSize(f, 64<<10))
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil // an empty file is an empty table
	}
	if err != nil {
		return fmt.Errorf("%s: %w", t.file, err)
	}
	names := make([]string, len(header))
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
		names[i] = h
		t.header[h] = i
	}
	for _, c := range columnsFor(t.spec.rowType, names) {
		t.cols = append(t.cols, csvColumn{column: c, pos: t.header[c.name]})
	}
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", t.file, err)
		}
		line, _ := r.FieldPos(0)
		for _, cell := range row {
			if !utf8.ValidString(cell) {
				return fmt.Errorf("%s line %d: invalid UTF-8 (is the file in another encoding?)", t.file, line)
			}
		}
		t.rows = append(t.rows, row)
		t.lines = append(t.lines, line)
	}
}

// where returns the rows whose column col holds value, in file order.
func (t *csvTable) where(col, value string) []int {
	pos, ok := t.header[col]
	if !ok || value == "" {
		return nil
	}
	idx, ok := t.index[pos]
	if !ok {
		idx = map[string][]int{}
		for i, row := range t.rows {
			idx[row[pos]] = append(idx[row[pos]], i)
		}
		t.index[pos] = idx
	}
	return idx[value]
}

// byID returns the first row with the given id.
func (t *csvTable) byID(id string) (int, bool) {
	rows := t.where("id", id)
	if len(rows) == 0 {
		return 0, false
	}
	return rows[0], true
}

func (c *csvSource) run(yield yieldFunc) {
	services := c.tables["services"]
	for i := range services.rows {
		rec := c.service(i)
		if !yield(func() Record { return rec }, nil) {
			return
		}
	}
}

// assembly builds one nested service, collecting its problems and counting
// its size so that the record limit applies to CSV input as to JSON.
type assembly struct {
	src      *csvSource
	problems directory.Problems
	size     int
}

func (c *csvSource) service(row int) Record {
	a := &assembly{src: c}
	services := c.tables["services"]
	var s directory.Service
	a.fill(services, row, reflect.ValueOf(&s).Elem(), "")
	if s.OrganizationID != "" {
		s.Organization = a.organization(s.OrganizationID)
	}
	if r, ok := c.tables["programs"].byID(s.ProgramID); ok {
		p := build[directory.Program](a, "programs", r, "program")
		s.Program = &p
	}
	s.Phones = children(a, "phones", "service_id", s.ID, "phones", a.phone)
	s.Schedules = children[directory.Schedule](a, "schedules", "service_id", s.ID, "schedules", nil)
	s.ServiceAreas = children[directory.ServiceArea](a, "service_areas", "service_id", s.ID, "service_areas", nil)
	s.ServiceAtLocations = children(a, "service_at_location", "service_id", s.ID, "service_at_locations", a.serviceAtLocation)
	s.Languages = children[directory.Language](a, "languages", "service_id", s.ID, "languages", nil)
	s.Funding = children[directory.Funding](a, "funding", "service_id", s.ID, "funding", nil)
	s.CostOptions = children[directory.CostOption](a, "cost_options", "service_id", s.ID, "cost_options", nil)
	s.RequiredDocuments = children[directory.RequiredDocument](a, "required_documents", "service_id", s.ID, "required_documents", nil)
	s.Contacts = children(a, "contacts", "service_id", s.ID, "contacts", a.contact)
	a.annotate(reflect.ValueOf(&s).Elem(), "")

	rec := Record{Index: row + 1, Service: &s}
	if a.size > MaxRecordBytes {
		rec.Service = nil
		a.problems = directory.Problems{{Message: fmt.Sprintf("record at %s line %d is %s, over the %s limit",
			services.file, services.lines[row], byteSize(int64(a.size)), byteSize(MaxRecordBytes))}}
	}
	if len(a.problems) > 0 {
		rec.Err = &directory.ValidationError{Record: rec.Index, ID: s.ID, Problems: a.problems}
	}
	return rec
}

// organization assembles an organization once and hands each service its
// own copy of the top-level struct.
func (a *assembly) organization(id string) *directory.Organization {
	e, ok := a.src.orgs[id]
	if !ok {
		row, found := a.src.tables["organizations"].byID(id)
		if !found {
			return nil
		}
		sub := &assembly{src: a.src}
		o := build[directory.Organization](sub, "organizations", row, "organization")
		o.Funding = children[directory.Funding](sub, "funding", "organization_id", o.ID, "organization.funding", nil)
		o.Contacts = children(sub, "contacts", "organization_id", o.ID, "organization.contacts", sub.contact)
		o.Phones = children(sub, "phones", "organization_id", o.ID, "organization.phones", sub.phone)
		o.Locations = children(sub, "locations", "organization_id", o.ID, "organization.locations", sub.location)
		o.Programs = children[directory.Program](sub, "programs", "organization_id", o.ID, "organization.programs", nil)
		o.OrganizationIdentifiers = children[directory.OrganizationIdentifier](sub, "organization_identifiers", "organization_id", o.ID, "organization.organization_identifiers", nil)
		e = orgEntry{org: o, problems: sub.problems, size: sub.size}
		a.src.orgs[id] = e
	}
	a.problems = append(a.problems, e.problems...)
	a.size += e.size
	o := e.org
	return &o
}

func (a *assembly) serviceAtLocation(sal *directory.ServiceAtLocation, path string) {
	if row, ok := a.src.tables["locations"].byID(sal.LocationID); ok {
		l := build[directory.Location](a, "locations", row, path+".location")
		a.location(&l, path+".location")
		sal.Location = &l
	}
	sal.Contacts = children(a, "contacts", "service_at_location_id", sal.ID, path+".contacts", a.contact)
	sal.Phones = children(a, "phones", "service_at_location_id", sal.ID, path+".phones", a.phone)
	sal.Schedules = children[directory.Schedule](a, "schedules", "service_at_location_id", sal.ID, path+".schedules", nil)
}

func (a *assembly) location(l *directory.Location, path string) {
	l.Languages = children[directory.Language](a, "languages", "location_id", l.ID, path+".languages", nil)
	l.Addresses = children[directory.Address](a, "addresses", "location_id", l.ID, path+".addresses", nil)
	l.Contacts = children(a, "contacts", "location_id", l.ID, path+".contacts", a.contact)
	l.Accessibility = children[directory.Accessibility](a, "accessibility", "location_id", l.ID, path+".accessibility", nil)
	l.Phones = children(a, "phones", "location_id", l.ID, path+".phones", a.phone)
	l.Schedules = children[directory.Schedule](a, "schedules", "location_id", l.ID, path+".schedules", nil)
}

func (a *assembly) contact(c *directory.Contact, path string) {
	c.Phones = children(a, "phones", "contact_id", c.ID, path+".phones", a.phone)
}

func (a *assembly) phone(p *directory.Phone, path string) {
	p.Languages = children[directory.Language](a, "languages", "phone_id", p.ID, path+".languages", nil)
}

// attribute resolves the attribute's taxonomy_term_id to the term, and the
// term's taxonomy_id to its taxonomy.
func (a *assembly) attribute(at *directory.Attribute, path string) {
	row, ok := a.src.tables["taxonomy_terms"].byID(at.TaxonomyTermID)
	if !ok {
		return
	}
	term := build[directory.TaxonomyTerm](a, "taxonomy_terms", row, path+".taxonomy_term")
	if row, ok := a.src.tables["taxonomies"].byID(term.TaxonomyID); ok {
		tax := build[directory.Taxonomy](a, "taxonomies", row, path+".taxonomy_term.taxonomy_detail")
		term.TaxonomyDetail = &tax
	}
	at.TaxonomyTerm = &term
}

// build fills one T from a row, with its attributes and metadata.
func build[T any](a *assembly, table string, row int, path string) T {
	var v T
	rv := reflect.ValueOf(&v).Elem()
	a.fill(a.src.tables[table], row, rv, path)
	a.annotate(rv, path)
	return v
}

// children builds the rows of table whose column fk holds id, in file
// order, then lets finish attach what hangs below each.
func children[T any](a *assembly, table, fk, id, path string, finish func(*T, string)) []T {
	t := a.src.tables[table]
	rows := t.where(fk, id)
	if len(rows) == 0 {
		return nil
	}
	out := make([]T, len(rows))
	for i, row := range rows {
		p := fmt.Sprintf("%s[%d]", path, i)
		out[i] = build[T](a, table, row, p)
		if finish != nil {
			finish(&out[i], p)
		}
	}
	return out
}

// fill sets v's fields from one row; a cell that cannot be parsed becomes a
// problem at its field path.
func (a *assembly) fill(t *csvTable, row int, v reflect.Value, path string) {
	cells := t.rows[row]
	for _, c := range t.cols {
		cell := cells[c.pos]
		a.size += len(cell)
		if cell == "" {
			continue
		}
		if err := parseCell(v.FieldByIndex(c.field), c.kind, cell); err != nil {
			a.problems = append(a.problems, directory.Problem{Path: joinPath(path, c.name),
				Message: fmt.Sprintf("%v (%s line %d)", err, t.file, t.lines[row])})
		}
	}
}

// annotate attaches the attributes (by link_id) and metadata (by
// resource_id) of the object v, which any HSDS object may carry.
func (a *assembly) annotate(v reflect.Value, path string) {
	idField := v.FieldByName("ID")
	if !idField.IsValid() || idField.String() == "" {
		return
	}
	id := idField.String()
	if f := v.FieldByName("Attributes"); f.IsValid() {
		f.Set(reflect.ValueOf(children(a, "attributes", "link_id", id, joinPath(path, "attributes"), a.attribute)))
	}
	if f := v.FieldByName("Metadata"); f.IsValid() {
		f.Set(reflect.ValueOf(children[directory.Metadata](a, "metadata", "resource_id", id, joinPath(path, "metadata"), nil)))
	}
}
