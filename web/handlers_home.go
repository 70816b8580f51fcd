package web

import (
	"net/http"

	"signpost/directory"
)

// homePage is /: the two questions, a way into the matcher, and tiles to
// browse by what is hard and by what a person enjoys.
type homePage struct {
	BasePage
	RadiusOptions []option
	Needs         []link
	Interests     []link
}

func (h *publicHandlers) home(w http.ResponseWriter, r *http.Request) error {
	p := &homePage{
		BasePage:      BasePage{Title: "Find activities and support near you", Nav: "home"},
		RadiusOptions: radiusOptions(defaultRadius, h.units),
	}
	for _, t := range directory.Needs {
		p.Needs = append(p.Needs, link{Href: "/search?need=" + t.Code, Text: t.Label})
	}
	for _, t := range directory.Interests {
		p.Interests = append(p.Interests, link{Href: "/search?interest=" + t.Code, Text: t.Label})
	}
	h.render(w, r, http.StatusOK, "home", p)
	return nil
}
