package web

import (
	"net/url"
	"slices"

	"signpost/directory"
)

// The quick exit ("Leave this page quickly", templates/partials) is shown
// where someone may be looking for help with an unsafe home: results that
// search or filter for that need, the matcher once it is chosen, the
// activity pages of listings that help with it, and /help-now. It is
// decided from the request and the listing alone. Nothing is stored to
// remember it, so a shared device keeps no trace that it was ever shown.

// safetyNeed is the need the quick exit goes with: "Feeling unsafe at home".
const safetyNeed = "safety"

// quickExitForForm reports whether a search or the matcher asks about
// feeling unsafe at home.
func quickExitForForm(f finderForm) bool {
	return slices.Contains(f.Needs, safetyNeed)
}

// quickExitForBack reports whether the results an activity page was
// reached from (its back link) asked about feeling unsafe at home: the
// person is still looking for that help, whatever the listing says.
func quickExitForBack(back link) bool {
	u, err := url.Parse(back.Href)
	return err == nil && quickExitForForm(readFinderForm(u.Query()))
}

// quickExitForService reports whether a listing helps people who feel
// unsafe at home.
func quickExitForService(svc *directory.Service) bool {
	return slices.Contains(svc.TermCodes(directory.TaxonomyNeeds), safetyNeed)
}
