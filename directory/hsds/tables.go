package hsds

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"signpost/directory"
)

// tableSpec describes one table of the HSDS tabular (CSV) form: its file,
// the Go type a row fills, and its columns in the standard's order (as in
// ../shared/hsds/examples/csv).
type tableSpec struct {
	name    string // file name without ".csv"
	rowType reflect.Type
	columns []string
	// links are the columns that only say where a row hangs in the nested
	// form. The writer sets the one for the parent it found the row under
	// and clears the others, so a row read back hangs in the same place.
	links []string
}

const extensionNote = "Signpost extension, not part of HSDS"

// Signpost's own service fields, appended after the standard columns so
// that a consumer reading by position still finds the standard ones.
var serviceExtensionColumns = []string{"capacity", "delivery"}

// csvTables lists the tables in the order they are written and described
// in datapackage.json.
func csvTables() []tableSpec {
	t := func(name string, v any, columns string, links ...string) tableSpec {
		return tableSpec{name: name, rowType: reflect.TypeOf(v), columns: strings.Split(columns, ","), links: links}
	}
	services := t("services", directory.Service{},
		"id,organization_id,program_id,name,alternate_name,description,url,email,status,interpretation_services,application_process,fees_description,wait_time,fees,accreditations,eligibility_description,minimum_age,maximum_age,assured_date,assurer_email,licenses,alert,last_modified")
	services.columns = append(services.columns, serviceExtensionColumns...)
	return []tableSpec{
		services,
		t("organizations", directory.Organization{},
			"id,name,alternate_name,description,email,website,tax_status,tax_id,year_incorporated,legal_status,logo,uri,parent_organization_id"),
		t("programs", directory.Program{}, "id,organization_id,name,alternate_name,description"),
		t("service_at_location", directory.ServiceAtLocation{}, "id,service_id,location_id,description", "service_id"),
		t("locations", directory.Location{},
			"id,location_type,url,organization_id,name,alternate_name,description,transportation,latitude,longitude,external_identifier,external_identifier_type"),
		t("addresses", directory.Address{},
			"id,location_id,attention,address_1,address_2,city,region,state_province,postal_code,country,address_type", "location_id"),
		t("accessibility", directory.Accessibility{}, "id,location_id,description,details,url", "location_id"),
		t("phones", directory.Phone{},
			"id,location_id,service_id,organization_id,contact_id,service_at_location_id,number,extension,type,description",
			"location_id", "service_id", "organization_id", "contact_id", "service_at_location_id"),
		t("contacts", directory.Contact{},
			"id,organization_id,service_id,service_at_location_id,location_id,name,title,department,email",
			"organization_id", "service_id", "service_at_location_id", "location_id"),
		t("schedules", directory.Schedule{},
			"id,service_id,location_id,service_at_location_id,valid_from,valid_to,dtstart,timezone,until,count,wkst,freq,interval,byday,byweekno,bymonthday,byyearday,description,opens_at,closes_at,schedule_link,attending_type,notes",
			"service_id", "location_id", "service_at_location_id"),
		t("languages", directory.Language{}, "id,service_id,location_id,phone_id,name,code,note", "service_id", "location_id", "phone_id"),
		t("cost_options", directory.CostOption{},
			"id,service_id,valid_from,valid_to,option,currency,amount,amount_description", "service_id"),
		t("funding", directory.Funding{}, "id,organization_id,service_id,source", "organization_id", "service_id"),
		t("service_areas", directory.ServiceArea{}, "id,service_id,name,description,extent,extent_type,uri", "service_id"),
		t("required_documents", directory.RequiredDocument{}, "id,service_id,document,uri", "service_id"),
		t("organization_identifiers", directory.OrganizationIdentifier{},
			"id,organization_id,identifier_scheme,identifier_type,identifier", "organization_id"),
		t("attributes", directory.Attribute{}, "id,link_id,taxonomy_term_id,link_type,link_entity,value", "link_id"),
		t("taxonomy_terms", directory.TaxonomyTerm{},
			"id,code,name,description,parent_id,taxonomy,language,taxonomy_id,term_uri"),
		t("taxonomies", directory.Taxonomy{}, "id,name,description,uri,version"),
		t("metadata", directory.Metadata{},
			"id,resource_id,resource_type,last_action_date,last_action_type,field_name,previous_value,replacement_value,updated_by",
			"resource_id"),
	}
}

// column ties a CSV column to the struct field it fills.
type column struct {
	name  string
	field []int // index path for reflect.Value.FieldByIndex
	kind  cellKind
}

type cellKind int

const (
	cellString  cellKind = iota // string or a string type such as Capacity
	cellNumber                  // *float64
	cellStrings                 // a slice of a string type, joined with commas
)

// columnsFor maps names to the fields of t. A name with no field (or a
// field of a nested kind) is skipped.
func columnsFor(t reflect.Type, names []string) []column {
	var out []column
	for _, name := range names {
		f, ok := fieldByJSONName(t, name)
		if !ok || jsonName(f) != name {
			continue
		}
		var kind cellKind
		switch {
		case f.Type.Kind() == reflect.String:
			kind = cellString
		case f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Float64:
			kind = cellNumber
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String:
			kind = cellStrings
		default:
			continue
		}
		out = append(out, column{name: name, field: f.Index, kind: kind})
	}
	return out
}

// formatCell renders a field as a CSV cell; absent is the empty cell.
func formatCell(v reflect.Value, kind cellKind) string {
	switch kind {
	case cellNumber:
		if v.IsNil() {
			return ""
		}
		return strconv.FormatFloat(v.Elem().Float(), 'f', -1, 64)
	case cellStrings:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = v.Index(i).String()
		}
		return strings.Join(parts, ",")
	}
	return v.String()
}

// parseCell sets a field from a non-empty CSV cell.
func parseCell(v reflect.Value, kind cellKind, cell string) error {
	switch kind {
	case cellNumber:
		f, err := strconv.ParseFloat(strings.TrimSpace(cell), 64)
		if err != nil {
			return fmt.Errorf("expected a number, got %q", cell)
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().SetFloat(f)
		v.Set(p)
	case cellStrings:
		parts := strings.Split(cell, ",")
		s := reflect.MakeSlice(v.Type(), 0, len(parts))
		for _, part := range parts {
			if part = strings.TrimSpace(part); part != "" {
				s = reflect.Append(s, reflect.ValueOf(part).Convert(v.Type().Elem()))
			}
		}
		v.Set(s)
	default:
		v.SetString(cell)
	}
	return nil
}
