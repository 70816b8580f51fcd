package hsds

import (
	"bufio"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"iter"
	"os"
	"path/filepath"
	"reflect"
	"slices"

	"signpost/directory"
)

// WriteCSV writes services as an HSDS tabular datapackage into dir (created
// if missing): every standard table with the standard's columns in the
// standard's order, and a datapackage.json describing them. Services stream
// through; other rows are written as they are met, each under the one
// parent it was found under, and a row identical to one already written
// (an organization shared by many services) is written once.
//
// The flat form has limits the nested one has not: an object that appears
// under several parents gets a row for each, and services.csv carries
// Signpost's capacity and delivery as two extra columns after the standard
// ones.
func WriteCSV(dir string, services iter.Seq[*directory.Service]) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("hsds: write csv: %w", err)
	}
	w, err := newCSVWriter(dir)
	if err != nil {
		return fmt.Errorf("hsds: write csv: %w", err)
	}
	for s := range services {
		if s == nil {
			w.abandon()
			return errNilService
		}
		w.service(s)
		if w.err != nil {
			w.abandon()
			return fmt.Errorf("hsds: write csv: service %s: %w", s.ID, w.err)
		}
	}
	if err := w.finish(dir); err != nil {
		return fmt.Errorf("hsds: write csv: %w", err)
	}
	return nil
}

// csvWriter holds one open file per table. Its first error sticks, so the
// walk below need not check after every row.
type csvWriter struct {
	tables map[string]*tableWriter
	order  []string
	err    error
}

type tableWriter struct {
	spec  tableSpec
	cols  []column
	f     *os.File
	bw    *bufio.Writer
	cw    *csv.Writer
	seen  map[[16]byte]struct{}
	cells []string
}

func newCSVWriter(dir string) (*csvWriter, error) {
	w := &csvWriter{tables: map[string]*tableWriter{}}
	for _, spec := range csvTables() {
		f, err := os.Create(filepath.Join(dir, spec.name+".csv"))
		if err != nil {
			w.abandon()
			return nil, err
		}
		bw := bufio.NewWriterSize(f, 32<<10)
		t := &tableWriter{spec: spec, cols: columnsFor(spec.rowType, spec.columns), f: f, bw: bw,
			cw: csv.NewWriter(bw), seen: map[[16]byte]struct{}{}, cells: make([]string, len(spec.columns))}
		if err := t.cw.Write(spec.columns); err != nil {
			w.abandon()
			return nil, err
		}
		w.tables[spec.name] = t
		w.order = append(w.order, spec.name)
	}
	return w, nil
}

// abandon closes the files after a failure; what was written stays, since
// the caller reports the error and the directory is theirs.
func (w *csvWriter) abandon() {
	for _, t := range w.tables {
		t.f.Close()
	}
}

func (w *csvWriter) finish(dir string) error {
	for _, name := range w.order {
		t := w.tables[name]
		t.cw.Flush()
		err := t.cw.Error()
		if err == nil {
			err = t.bw.Flush()
		}
		if cerr := t.f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%s.csv: %w", name, err)
		}
	}
	return writeDatapackage(filepath.Join(dir, "datapackage.json"))
}

// put writes v (a pointer to the table's struct) as a row. The row hangs
// under the parent named by link (column) and parentID; the table's other
// link columns are cleared so it hangs nowhere else when read back.
func (w *csvWriter) put(table string, v any, link, parentID string) {
	if w.err != nil {
		return
	}
	t := w.tables[table]
	rv := reflect.ValueOf(v).Elem()
	for i, c := range t.cols {
		switch {
		case c.name == link:
			t.cells[i] = parentID
		case slices.Contains(t.spec.links, c.name):
			t.cells[i] = ""
		default:
			t.cells[i] = formatCell(rv.FieldByIndex(c.field), c.kind)
		}
	}
	h := fnv.New128a()
	var n [8]byte
	for _, cell := range t.cells {
		binary.LittleEndian.PutUint64(n[:], uint64(len(cell)))
		h.Write(n[:])
		h.Write([]byte(cell))
	}
	var key [16]byte
	h.Sum(key[:0])
	if _, dup := t.seen[key]; dup {
		return
	}
	t.seen[key] = struct{}{}
	if err := t.cw.Write(t.cells); err != nil {
		w.err = fmt.Errorf("%s.csv: %w", table, err)
	}
}

func (w *csvWriter) service(s *directory.Service) {
	row := *s
	if row.OrganizationID == "" && s.Organization != nil {
		row.OrganizationID = s.Organization.ID
	}
	if row.ProgramID == "" && s.Program != nil {
		row.ProgramID = s.Program.ID
	}
	w.put("services", &row, "", "")
	if s.Organization != nil {
		w.organization(s.Organization)
	}
	if s.Program != nil {
		w.program(s.Program, "")
	}
	for i := range s.Phones {
		w.phone(&s.Phones[i], "service_id", s.ID)
	}
	for i := range s.Schedules {
		w.simple("schedules", &s.Schedules[i], "service_id", s.ID)
	}
	for i := range s.ServiceAreas {
		w.simple("service_areas", &s.ServiceAreas[i], "service_id", s.ID)
	}
	for i := range s.ServiceAtLocations {
		w.serviceAtLocation(&s.ServiceAtLocations[i], s.ID)
	}
	for i := range s.Languages {
		w.simple("languages", &s.Languages[i], "service_id", s.ID)
	}
	for i := range s.Funding {
		w.simple("funding", &s.Funding[i], "service_id", s.ID)
	}
	for i := range s.CostOptions {
		w.simple("cost_options", &s.CostOptions[i], "service_id", s.ID)
	}
	for i := range s.RequiredDocuments {
		w.simple("required_documents", &s.RequiredDocuments[i], "service_id", s.ID)
	}
	for i := range s.Contacts {
		w.contact(&s.Contacts[i], "service_id", s.ID)
	}
	w.annotations(s.ID, s.Attributes, s.Metadata)
}

func (w *csvWriter) organization(o *directory.Organization) {
	w.put("organizations", o, "", "")
	for i := range o.Funding {
		w.simple("funding", &o.Funding[i], "organization_id", o.ID)
	}
	for i := range o.Contacts {
		w.contact(&o.Contacts[i], "organization_id", o.ID)
	}
	for i := range o.Phones {
		w.phone(&o.Phones[i], "organization_id", o.ID)
	}
	for i := range o.Locations {
		w.location(&o.Locations[i], o.ID)
	}
	for i := range o.Programs {
		w.program(&o.Programs[i], o.ID)
	}
	for i := range o.OrganizationIdentifiers {
		w.simple("organization_identifiers", &o.OrganizationIdentifiers[i], "organization_id", o.ID)
	}
	w.annotations(o.ID, o.Attributes, o.Metadata)
}

// program writes a program; under an organization its organization_id is
// that organization's, elsewhere its own.
func (w *csvWriter) program(p *directory.Program, orgID string) {
	if orgID != "" {
		w.put("programs", p, "organization_id", orgID)
	} else {
		w.put("programs", p, "", "")
	}
	w.annotations(p.ID, p.Attributes, p.Metadata)
}

func (w *csvWriter) serviceAtLocation(sal *directory.ServiceAtLocation, serviceID string) {
	row := *sal
	if sal.Location != nil {
		row.LocationID = sal.Location.ID
		w.location(sal.Location, "")
	}
	w.put("service_at_location", &row, "service_id", serviceID)
	for i := range sal.Contacts {
		w.contact(&sal.Contacts[i], "service_at_location_id", sal.ID)
	}
	for i := range sal.Phones {
		w.phone(&sal.Phones[i], "service_at_location_id", sal.ID)
	}
	for i := range sal.Schedules {
		w.simple("schedules", &sal.Schedules[i], "service_at_location_id", sal.ID)
	}
	w.annotations(sal.ID, sal.Attributes, sal.Metadata)
}

func (w *csvWriter) location(l *directory.Location, orgID string) {
	if orgID != "" {
		w.put("locations", l, "organization_id", orgID)
	} else {
		w.put("locations", l, "", "")
	}
	for i := range l.Languages {
		w.simple("languages", &l.Languages[i], "location_id", l.ID)
	}
	for i := range l.Addresses {
		w.simple("addresses", &l.Addresses[i], "location_id", l.ID)
	}
	for i := range l.Contacts {
		w.contact(&l.Contacts[i], "location_id", l.ID)
	}
	for i := range l.Accessibility {
		w.simple("accessibility", &l.Accessibility[i], "location_id", l.ID)
	}
	for i := range l.Phones {
		w.phone(&l.Phones[i], "location_id", l.ID)
	}
	for i := range l.Schedules {
		w.simple("schedules", &l.Schedules[i], "location_id", l.ID)
	}
	w.annotations(l.ID, l.Attributes, l.Metadata)
}

func (w *csvWriter) contact(c *directory.Contact, link, parentID string) {
	w.put("contacts", c, link, parentID)
	for i := range c.Phones {
		w.phone(&c.Phones[i], "contact_id", c.ID)
	}
	w.annotations(c.ID, c.Attributes, c.Metadata)
}

func (w *csvWriter) phone(p *directory.Phone, link, parentID string) {
	w.put("phones", p, link, parentID)
	for i := range p.Languages {
		w.simple("languages", &p.Languages[i], "phone_id", p.ID)
	}
	w.annotations(p.ID, p.Attributes, p.Metadata)
}

// simple writes an object with nothing below it but its own attributes and
// metadata. v is a pointer to an HSDS struct with ID, Attributes and
// Metadata fields.
func (w *csvWriter) simple(table string, v any, link, parentID string) {
	w.put(table, v, link, parentID)
	rv := reflect.ValueOf(v).Elem()
	w.annotations(rv.FieldByName("ID").String(),
		rv.FieldByName("Attributes").Interface().([]directory.Attribute),
		rv.FieldByName("Metadata").Interface().([]directory.Metadata))
}

// annotations writes the attributes and metadata of the object id, with the
// taxonomy terms (and their taxonomies) the attributes embed.
func (w *csvWriter) annotations(id string, attrs []directory.Attribute, meta []directory.Metadata) {
	for i := range attrs {
		a := attrs[i]
		if a.TaxonomyTermID == "" && a.TaxonomyTerm != nil {
			a.TaxonomyTermID = a.TaxonomyTerm.ID
		}
		w.put("attributes", &a, "link_id", id)
		if t := a.TaxonomyTerm; t != nil {
			term := *t
			if term.TaxonomyID == "" && t.TaxonomyDetail != nil {
				term.TaxonomyID = t.TaxonomyDetail.ID
			}
			w.put("taxonomy_terms", &term, "", "")
			if d := t.TaxonomyDetail; d != nil {
				w.put("taxonomies", d, "", "")
				w.metadata(d.ID, d.Metadata)
			}
			w.metadata(t.ID, t.Metadata)
		}
		w.metadata(a.ID, a.Metadata)
	}
	w.metadata(id, meta)
}

func (w *csvWriter) metadata(id string, meta []directory.Metadata) {
	for i := range meta {
		w.put("metadata", &meta[i], "resource_id", id)
	}
}

// writeDatapackage describes the tables as a Frictionless tabular data
// package, so generic tools can load them with the right column types.
func writeDatapackage(path string) error {
	type field struct {
		Name        string `json:"name"`
		Type        string `json:"type"`
		Description string `json:"description,omitempty"`
	}
	type resource struct {
		Name      string `json:"name"`
		Path      string `json:"path"`
		Profile   string `json:"profile"`
		Format    string `json:"format"`
		MediaType string `json:"mediatype"`
		Encoding  string `json:"encoding"`
		Schema    struct {
			Fields []field `json:"fields"`
		} `json:"schema"`
	}
	pkg := struct {
		Name      string     `json:"name"`
		Title     string     `json:"title"`
		Profile   string     `json:"profile"`
		Resources []resource `json:"resources"`
	}{Name: "hsds", Title: "HSDS 3.0 tabular export", Profile: "tabular-data-package"}
	for _, spec := range csvTables() {
		r := resource{Name: spec.name, Path: spec.name + ".csv", Profile: "tabular-data-resource",
			Format: "csv", MediaType: "text/csv", Encoding: "utf-8"}
		kinds := map[string]cellKind{}
		for _, c := range columnsFor(spec.rowType, spec.columns) {
			kinds[c.name] = c.kind
		}
		for _, name := range spec.columns {
			f := field{Name: name, Type: "string"}
			if kinds[name] == cellNumber {
				f.Type = "number"
			}
			if spec.name == "services" && slices.Contains(serviceExtensionColumns, name) {
				f.Description = extensionNote
			}
			r.Schema.Fields = append(r.Schema.Fields, f)
		}
		pkg.Resources = append(pkg.Resources, r)
	}
	data, err := json.MarshalIndent(pkg, "", "  ")
	if err != nil {
		return fmt.Errorf("datapackage.json: %w", err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("datapackage.json: %w", err)
	}
	return nil
}
