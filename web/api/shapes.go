package api

import (
	"strings"

	"signpost/directory"
)

// The standard answers lists with "one-to-one" records: the fields of the
// object itself without its nested arrays (compiled/service_list.json,
// organization_list.json), and the fully nested record only when asked
// (full=true) or by id. These functions cut a record down to that form.

// listService is a service without its nested arrays; its organization and
// program are cut down the same way. Signpost's capacity and delivery stay:
// they are single values a list reader needs to judge a listing.
func listService(s *directory.Service) *directory.Service {
	out := *s
	out.Phones = nil
	out.Schedules = nil
	out.ServiceAreas = nil
	out.ServiceAtLocations = nil
	out.Languages = nil
	out.Funding = nil
	out.CostOptions = nil
	out.RequiredDocuments = nil
	out.Contacts = nil
	out.Attributes = nil
	out.Metadata = nil
	if s.Organization != nil {
		out.Organization = listOrganization(s.Organization)
	}
	if s.Program != nil {
		p := *s.Program
		p.Attributes, p.Metadata = nil, nil
		out.Program = &p
	}
	return &out
}

// listOrganization is an organization without its nested arrays.
func listOrganization(o *directory.Organization) *directory.Organization {
	out := *o
	out.Funding = nil
	out.Contacts = nil
	out.Phones = nil
	out.Locations = nil
	out.Programs = nil
	out.OrganizationIdentifiers = nil
	out.Attributes = nil
	out.Metadata = nil
	out.Services = nil
	return &out
}

// minimalService is what minimal=true lists: enough for a client to tell
// which of its copies are out of date. The standard asks for the id and the
// modification date; name and status come too because the list schema
// requires them.
type minimalService struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Status       string `json:"status"`
	LastModified string `json:"last_modified,omitempty"`
}

func toMinimal(s *directory.Service) minimalService {
	return minimalService{ID: s.ID, Name: s.Name, Status: string(s.Status), LastModified: s.LastModified}
}

// serviceShape says how services are rendered in a list.
type serviceShape int

const (
	shapeList serviceShape = iota
	shapeFull
	shapeMinimal
)

func (sh serviceShape) render(s *directory.Service) any {
	switch sh {
	case shapeFull:
		return s
	case shapeMinimal:
		return toMinimal(s)
	default:
		return listService(s)
	}
}

// organizationID is the id of the organization that provides s, from the
// foreign key or the nested record.
func organizationID(s *directory.Service) string {
	if s.OrganizationID != "" {
		return s.OrganizationID
	}
	if s.Organization != nil {
		return s.Organization.ID
	}
	return ""
}

// matchesWords reports whether every word of query occurs, in any case, in
// one of the texts. An empty query matches everything.
func matchesWords(query string, texts ...string) bool {
	words := strings.Fields(strings.ToLower(query))
	if len(words) == 0 {
		return true
	}
	hay := strings.ToLower(strings.Join(texts, "\n"))
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}
