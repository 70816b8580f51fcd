package api

import (
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	"signpost/directory"
)

// listOrganizations answers GET /organizations: search, full, full_service,
// page, per_page, in id order.
func (s *server) listOrganizations(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := parsePaging(q)
	if err != nil {
		return err
	}
	full, err := boolParam(q, "full")
	if err != nil {
		return err
	}
	fullService, err := boolParam(q, "full_service")
	if err != nil {
		return err
	}
	search := q.Get("search")
	// Organizations are few beside services, so the matching ones are held
	// in one-to-one form and the page is cut from them.
	var all []*directory.Organization
	err = s.listings.EachOrganization(r.Context(), func(o *directory.Organization) error {
		if !matchesWords(search, o.Name, o.AlternateName, o.Description) {
			return nil
		}
		if full {
			o.Services = nil
			all = append(all, o)
		} else {
			all = append(all, listOrganization(o))
		}
		return nil
	})
	if err != nil {
		return err
	}
	page := pageOf(all, p)
	if fullService {
		for _, o := range page.Contents {
			if o.Services, err = s.organizationServices(r, o.ID, shapeFull); err != nil {
				return err
			}
		}
	}
	return writeJSON(w, http.StatusOK, page)
}

// getOrganization answers GET /organizations/{id}: the fully nested
// organization with its services, one-to-one unless full_service=true.
func (s *server) getOrganization(w http.ResponseWriter, r *http.Request) error {
	id := mux.Vars(r)["id"]
	fullService, err := boolParam(r.URL.Query(), "full_service")
	if err != nil {
		return err
	}
	org, err := s.listings.Organization(r.Context(), id)
	if errors.Is(err, directory.ErrNotFound) {
		return notFound("organization", id)
	}
	if err != nil {
		return err
	}
	shape := shapeList
	if fullService {
		shape = shapeFull
	}
	if org.Services, err = s.organizationServices(r, id, shape); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, org)
}
