package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"signpost/directory"
)

// duplicateAdmin is what /admin/duplicates needs of the store.
// *directory.Store satisfies it.
type duplicateAdmin interface {
	DuplicateCandidates(ctx context.Context, opts directory.DuplicateOptions) ([]directory.DuplicateReview, error)
	DuplicateDecisions(ctx context.Context) (map[string]directory.DuplicateDecision, error)
	DecideDuplicate(ctx context.Context, a, b string, verdict directory.DuplicateVerdict, lead, actor string) error
	UndoDuplicate(ctx context.Context, a, b, actor string) error
}

// duplicatePairsShown bounds the pairs one page lists; deciding the best
// ones brings the next up.
const duplicatePairsShown = 25

// adminDuplicatesPage is /admin/duplicates: candidate pairs side by side,
// best first, and the pairs already merged.
type adminDuplicatesPage struct {
	adminBase
	Pairs []duplicatePairView
	// More counts candidates past the ones shown.
	More   int
	Merged []mergedPairView
}

// duplicatePairView is one candidate pair as the page shows it.
type duplicatePairView struct {
	N      int
	A, B   duplicateSide
	Rows   []duplicateRow
	Shared []string
	Later  bool
}

type duplicateSide struct {
	ID, Name, Org, Href string
}

// duplicateRow is one field of both listings; Differs marks it for the eye
// and, in words, for a screen reader.
type duplicateRow struct {
	Label   string
	A, B    string
	Differs bool
}

type mergedPairView struct {
	Lead, Hidden duplicateSide
	By, On       string
}

func (h *adminHandlers) adminDuplicates(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := &adminDuplicatesPage{adminBase: newAdminBase("Possible duplicate listings", "/admin/duplicates")}
	reviews, err := h.store.DuplicateCandidates(ctx, directory.DuplicateOptions{})
	if err != nil {
		return fmt.Errorf("duplicates: %w", err)
	}
	if len(reviews) > duplicatePairsShown {
		p.More = len(reviews) - duplicatePairsShown
		reviews = reviews[:duplicatePairsShown]
	}
	for i, rv := range reviews {
		a, err := h.store.Service(ctx, rv.A)
		if err != nil {
			return fmt.Errorf("duplicates: %w", err)
		}
		b, err := h.store.Service(ctx, rv.B)
		if err != nil {
			return fmt.Errorf("duplicates: %w", err)
		}
		p.Pairs = append(p.Pairs, duplicatePairView{
			N: i + 1, A: sideOf(a), B: sideOf(b), Rows: compareListings(a, b),
			Shared: sharedText(rv.Shared), Later: rv.Decision != nil,
		})
	}
	decisions, err := h.store.DuplicateDecisions(ctx)
	if err != nil {
		return fmt.Errorf("duplicates: %w", err)
	}
	for _, d := range decisions {
		if d.Verdict != directory.VerdictSame {
			continue
		}
		lead, err := h.store.Service(ctx, d.Lead)
		if err != nil {
			continue // removed since; nothing left to un-merge on this page
		}
		hidden, err := h.store.Service(ctx, d.Hidden())
		if err != nil {
			continue
		}
		p.Merged = append(p.Merged, mergedPairView{Lead: sideOf(lead), Hidden: sideOf(hidden), By: d.Actor, On: dateText(d.Decided)})
	}
	sortMerged(p.Merged)
	h.render(w, r, http.StatusOK, "admin-duplicates", p)
	return nil
}

func sortMerged(m []mergedPairView) {
	for i := 1; i < len(m); i++ {
		for j := i; j > 0 && m[j].Lead.Name+m[j].Hidden.ID < m[j-1].Lead.Name+m[j-1].Hidden.ID; j-- {
			m[j], m[j-1] = m[j-1], m[j]
		}
	}
}

func sideOf(s *directory.Service) duplicateSide {
	d := duplicateSide{ID: s.ID, Name: s.Name, Href: "/activities/" + url.PathEscape(s.ID)}
	if s.Organization != nil {
		d.Org = s.Organization.Name
	}
	return d
}

// compareListings lines up the fields an admin tells two listings apart
// by.
func compareListings(a, b *directory.Service) []duplicateRow {
	fields := []struct {
		label string
		get   func(*directory.Service) string
	}{
		{"Name", func(s *directory.Service) string { return s.Name }},
		{"Organisation", func(s *directory.Service) string {
			if s.Organization == nil {
				return ""
			}
			return s.Organization.Name
		}},
		{"Address", func(s *directory.Service) string {
			var out []string
			for _, sal := range s.ServiceAtLocations {
				if l := sal.Location; l != nil {
					for _, ad := range l.Addresses {
						out = append(out, strings.Join(filled(ad.Address1, ad.City, ad.PostalCode), ", "))
					}
				}
			}
			return strings.Join(out, "; ")
		}},
		{"Phone", func(s *directory.Service) string {
			var out []string
			for _, ph := range s.Phones {
				out = append(out, ph.Number)
			}
			return strings.Join(out, ", ")
		}},
		{"E-mail", func(s *directory.Service) string { return s.Email }},
		{"Website", func(s *directory.Service) string { return s.URL }},
		{"When", func(s *directory.Service) string {
			var out []string
			for _, l := range scheduleLines(s) {
				out = append(out, l.Text)
			}
			return strings.Join(out, "; ")
		}},
		{"Status", func(s *directory.Service) string { return string(s.Status) }},
		{"Last changed", func(s *directory.Service) string {
			if t, ok := parseAnyDate(s.LastModified); ok {
				return dateText(t)
			}
			return ""
		}},
	}
	rows := make([]duplicateRow, 0, len(fields))
	for _, f := range fields {
		va, vb := f.get(a), f.get(b)
		rows = append(rows, duplicateRow{Label: f.label, A: orNone(va), B: orNone(vb), Differs: va != vb})
	}
	return rows
}

// filled keeps the values that are not blank.
func filled(vs ...string) []string {
	var out []string
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "None given"
	}
	return s
}

// sharedText says in words what the two listings have in common.
func sharedText(signals []directory.Signal) []string {
	words := map[directory.SignalKind]string{
		directory.SignalPostcode: "postcode", directory.SignalPhone: "phone number",
		directory.SignalEmail: "e-mail address", directory.SignalWebsite: "web page",
		directory.SignalIdentifier: "organisation number",
	}
	out := make([]string, 0, len(signals))
	for _, s := range signals {
		out = append(out, "The same "+words[s.Kind]+": "+s.Value)
	}
	return out
}

// adminDecideDuplicate records what an admin decided about a pair: the
// decision's value is "same-a" or "same-b" (merge, that one leads),
// "different" or "later".
func (h *adminHandlers) adminDecideDuplicate(w http.ResponseWriter, r *http.Request) error {
	a, b := r.PostFormValue("a"), r.PostFormValue("b")
	var verdict directory.DuplicateVerdict
	lead, flash := "", ""
	switch r.PostFormValue("decision") {
	case "same-a":
		verdict, lead, flash = directory.VerdictSame, a, "duplicates-merged"
	case "same-b":
		verdict, lead, flash = directory.VerdictSame, b, "duplicates-merged"
	case "different":
		verdict, flash = directory.VerdictDifferent, "duplicates-different"
	case "later":
		verdict, flash = directory.VerdictLater, "duplicates-later"
	default:
		return &httpError{status: http.StatusBadRequest, heading: "Choose what to do with the pair",
			message: "Go back to the list of possible duplicates and press one of the buttons under the pair."}
	}
	if a == "" || b == "" {
		return &httpError{status: http.StatusBadRequest, heading: "The pair is missing",
			message: "Go back to the list of possible duplicates and try again."}
	}
	err := h.store.DecideDuplicate(r.Context(), a, b, verdict, lead, currentAccount(r).Email)
	if errors.Is(err, directory.ErrConflict) {
		return &httpError{status: http.StatusConflict, heading: "That merge cannot be made",
			message: "One of the listings is already merged into another. Un-merge it first, or choose the other listing to lead.", err: err}
	}
	if err != nil {
		return err
	}
	return redirect(w, r, withFlash("/admin/duplicates", flash))
}

// adminUndoDuplicate un-merges a pair, showing both listings again.
func (h *adminHandlers) adminUndoDuplicate(w http.ResponseWriter, r *http.Request) error {
	a, b := r.PostFormValue("a"), r.PostFormValue("b")
	if a == "" || b == "" {
		return &httpError{status: http.StatusBadRequest, heading: "The pair is missing",
			message: "Go back to the list of possible duplicates and try again."}
	}
	if err := h.store.UndoDuplicate(r.Context(), a, b, currentAccount(r).Email); err != nil {
		return err
	}
	return redirect(w, r, withFlash("/admin/duplicates", "duplicates-unmerged"))
}
