package api

import (
	"net/url"
	"strconv"
	"strings"

	"signpost/engine"
)

// Paging defaults and limits of the HSDS list endpoints.
const (
	DefaultPerPage = 50
	MaxPerPage     = 200
	// maxPage bounds page so that page*per_page cannot overflow.
	maxPage = 1 << 24
)

// Page is the HSDS page envelope around one page of a list.
type Page[T any] struct {
	TotalItems int  `json:"total_items"`
	TotalPages int  `json:"total_pages"`
	PageNumber int  `json:"page_number"`
	Size       int  `json:"size"`
	FirstPage  bool `json:"first_page"`
	LastPage   bool `json:"last_page"`
	// Empty says this page holds nothing: the list is empty, or the page
	// lies past its end.
	Empty    bool `json:"empty"`
	Contents []T  `json:"contents"`
	// Interpreted says what was made of the search words (corrections,
	// phrases read as needs, filler left out); only where words were
	// searched for.
	Interpreted *engine.Interpreted `json:"interpreted,omitempty"`
}

// paging is the page a client asked for.
type paging struct {
	Page, PerPage int
}

// Offset is the index of the page's first item in the whole list.
func (p paging) Offset() int { return (p.Page - 1) * p.PerPage }

// parsePaging reads page (default 1) and per_page (default 50, at most
// 200) with the same messages every list endpoint gives.
func parsePaging(v url.Values) (paging, error) {
	p := paging{Page: 1, PerPage: DefaultPerPage}
	var err error
	if p.Page, err = positiveParam(v, "page", 1, maxPage); err != nil {
		return paging{}, err
	}
	if p.PerPage, err = positiveParam(v, "per_page", DefaultPerPage, MaxPerPage); err != nil {
		return paging{}, err
	}
	return p, nil
}

func positiveParam(v url.Values, field string, def, max int) (int, error) {
	s := strings.TrimSpace(v.Get(field))
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, badParam(field, "must be a whole number from 1 to %d, not %q", max, s)
	}
	return n, nil
}

// boolParam reads an optional true/false flag.
func boolParam(v url.Values, field string) (bool, error) {
	s := strings.TrimSpace(v.Get(field))
	switch strings.ToLower(s) {
	case "":
		return false, nil
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, badParam(field, "must be true or false, not %q", s)
}

// newPage builds the envelope for the items of page p of a list of total.
// total_pages is at least 1 so that page 1 always exists, even of an empty
// list; a page past the end is answered, empty and marked last, rather than
// refused, because a list can shrink between two requests of a client
// walking it.
func newPage[T any](items []T, total int, p paging) Page[T] {
	pages := (total + p.PerPage - 1) / p.PerPage
	if pages < 1 {
		pages = 1
	}
	if items == nil {
		items = []T{}
	}
	return Page[T]{
		TotalItems: total,
		TotalPages: pages,
		PageNumber: p.Page,
		Size:       len(items),
		FirstPage:  p.Page == 1,
		LastPage:   p.Page >= pages,
		Empty:      len(items) == 0,
		Contents:   items,
	}
}

// pageOf cuts page p out of a whole list held in memory.
func pageOf[T any](all []T, p paging) Page[T] {
	lo := min(p.Offset(), len(all))
	hi := min(lo+p.PerPage, len(all))
	return newPage(all[lo:hi], len(all), p)
}
