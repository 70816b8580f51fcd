package web

import (
	"context"
	"log/slog"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"signpost/directory"
	"signpost/engine"
)

// resultView is one result as a page shows it.
type resultView struct {
	N        int // position in the whole list, 1-based; the map's marker number
	ID       string
	Href     string
	Name     string
	Org      string
	Summary  string
	Distance string
	// Across warns that the straight line crosses an estuary: "Across the
	// Mersey — check your route".
	Across   string
	Days     string
	Cost     string
	Capacity string
	// CapacityWarn is set when the service cannot take people now.
	CapacityWarn bool
	Modes        string
	Reasons      []reasonView
	// Caution is what to know before going, shown apart from the
	// reasons: "Not checked yet", "Not checked since March 2025".
	Caution string
	// AlsoListedBy names the organisations whose listings of this activity
	// were merged into it.
	AlsoListedBy string
	// Where is the address of the location nearest the searched point.
	Where string
	// Add is the result's "Add to list" button, set by withList when the
	// page is drawn and the current list is known.
	Add    addButton
	marker *orb.Point
}

// whyKinds are the reasons shown under "Why this is suggested": what
// matched and how near it is. Days, cost and capacity have their own lines;
// "not checked" is no reason to suggest anything, so it is a caution of
// its own.
var whyKinds = map[engine.ReasonKind]bool{
	engine.ReasonNeed: true, engine.ReasonInterest: true, engine.ReasonActivity: true,
	engine.ReasonText: true, engine.ReasonDistance: true, engine.ReasonOnline: true,
	engine.ReasonPhone: true, engine.ReasonAccess: true,
}

// resultViews lists results for a page. back is the page's own address:
// each result's link carries it, so that the activity page's back link
// returns to these results; interp is what the engine made of the words
// typed, which the reasons quote.
func (h *publicHandlers) resultViews(ctx context.Context, items []engine.Result, offset int, from *directory.Place, back string, interp *engine.Interpreted) []resultView {
	out := make([]resultView, 0, len(items))
	for i, it := range items {
		svc := it.Service
		v := resultView{
			N:        offset + i + 1,
			ID:       svc.ID,
			Href:     "/activities/" + svc.ID,
			Name:     svc.Name,
			Summary:  h.md.Summary(svc.Description, 180),
			Days:     dayList(svc.Days()),
			Cost:     costLine(svc),
			Capacity: svc.Capacity.Label(),
			Modes:    modesLine(svc),
		}
		q := url.Values{}
		if from != nil {
			// The activity page offers directions from the same place.
			q.Set("near", from.Name)
		}
		if back != "" {
			q.Set("back", back)
		}
		if len(q) > 0 {
			v.Href += "?" + q.Encode()
		}
		v.CapacityWarn = svc.Capacity == directory.CapacityFull || svc.Capacity == directory.CapacityPaused
		if svc.Organization != nil {
			v.Org = svc.Organization.Name
		}
		v.AlsoListedBy = h.alsoListedBy(ctx, svc)
		if it.DistanceM != nil {
			v.Distance = h.units.Distance(*it.DistanceM) + " away"
		}
		for _, r := range it.Reasons {
			if r.Kind == engine.ReasonAcrossWater {
				v.Across = r.Text
			}
			if whyKinds[r.Kind] {
				v.Reasons = append(v.Reasons, newReasonView(r.Text, interp))
			}
			if r.Kind == engine.ReasonNotChecked {
				v.Caution = r.Text + ": check with the organisers before you go"
			}
		}
		if loc, pt := nearestLocation(svc, from); loc != nil {
			v.marker = pt
			v.Where = addressLine(loc)
		}
		out = append(out, v)
	}
	return out
}

// reasonView is one reason, with the person's own words in it set apart:
// "Helps with: money worries and debt (you searched <em>skint</em>)".
type reasonView struct {
	Parts []reasonPart
}

type reasonPart struct {
	Text  string
	Typed bool
}

func (r reasonView) String() string {
	var b strings.Builder
	for _, p := range r.Parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

// youSearched opens the engine's quotation of the person's words in a
// reason; they run to the next ")".
const youSearched = "(you searched "

// newReasonView splits a reason's text around the words it quotes, and
// gives them back as the person typed them ("can't sleep", where the
// engine read "cant sleep").
func newReasonView(text string, interp *engine.Interpreted) reasonView {
	var r reasonView
	for {
		i := strings.Index(text, youSearched)
		if i < 0 {
			break
		}
		start := i + len(youSearched)
		end := strings.IndexByte(text[start:], ')')
		if end < 0 {
			break
		}
		r.Parts = append(r.Parts, reasonPart{Text: text[:start]}, reasonPart{Text: interp.AsTyped(text[start : start+end]), Typed: true})
		text = text[start+end:]
	}
	if text != "" {
		r.Parts = append(r.Parts, reasonPart{Text: text})
	}
	return r
}

// nearestLocation returns the physical location with coordinates nearest
// to the place (the first one when there is no place).
func nearestLocation(svc *directory.Service, from *directory.Place) (*directory.Location, *orb.Point) {
	var best *directory.Location
	var bestPt *orb.Point
	bestD := math.Inf(1)
	for _, sal := range svc.ServiceAtLocations {
		l := sal.Location
		if l == nil || l.LocationType != directory.LocationPhysical || l.Latitude == nil || l.Longitude == nil {
			continue
		}
		pt := orb.Point{*l.Longitude, *l.Latitude}
		d := 0.0
		if from != nil {
			d = geo.Distance(pt, orb.Point{from.Lon, from.Lat})
		}
		if best == nil || d < bestD {
			best, bestPt, bestD = l, &pt, d
		}
	}
	return best, bestPt
}

func addressLine(l *directory.Location) string {
	var parts []string
	if l.Name != "" {
		parts = append(parts, l.Name)
	}
	if len(l.Addresses) > 0 {
		a := l.Addresses[0]
		for _, p := range []string{a.Address1, a.City, a.PostalCode} {
			if p != "" && !containsFold(parts, p) {
				parts = append(parts, p)
			}
		}
	}
	return strings.Join(parts, ", ")
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// costLine says what an activity costs: "Free", or its prices.
func costLine(svc *directory.Service) string {
	if svc.Free() {
		// Publishers often write "Free" or "Free, donations welcome" as the
		// description too; say it once.
		if d := svc.FeesDescription; d != "" && !strings.HasPrefix(strings.ToLower(d), "free") {
			return "Free. " + d
		}
		if svc.FeesDescription != "" {
			return svc.FeesDescription
		}
		return "Free"
	}
	var prices []string
	for _, c := range svc.CostOptions {
		if c.Amount == nil || *c.Amount <= 0 {
			continue
		}
		p := money(*c.Amount, c.Currency)
		if c.Option != "" {
			p += " " + c.Option
		}
		if c.AmountDescription != "" {
			p += " (" + c.AmountDescription + ")"
		}
		prices = append(prices, p)
	}
	line := strings.Join(prices, "; ")
	if svc.FeesDescription != "" {
		line = strings.TrimSpace(line + ". " + svc.FeesDescription)
	}
	return line
}

func money(amount float64, currency string) string {
	n := strconv.FormatFloat(amount, 'f', 2, 64)
	n = strings.TrimSuffix(n, ".00")
	switch strings.ToUpper(currency) {
	case "", "GBP":
		return "£" + n
	case "EUR":
		return "€" + n
	case "USD":
		return "$" + n
	}
	return n + " " + currency
}

func modesLine(svc *directory.Service) string {
	var labels []string
	for _, m := range svc.DeliveryModes() {
		labels = append(labels, m.Label())
	}
	return strings.Join(labels, ", ")
}

// pagination links a long list's pages.
type pagination struct {
	Page, Pages int
	PrevHref    string
	NextHref    string
}

func paginate(f finderForm, path string, res *engine.Results) pagination {
	if res.Size <= 0 {
		return pagination{}
	}
	p := pagination{Page: res.Page, Pages: (res.Total + res.Size - 1) / res.Size}
	if p.Pages <= 1 {
		return pagination{}
	}
	link := func(n int) string {
		g := f
		g.Page = strconv.Itoa(n)
		return g.href(path)
	}
	if p.Page > 1 {
		p.PrevHref = link(min(p.Page-1, p.Pages))
	}
	if p.Page < p.Pages {
		p.NextHref = link(p.Page + 1)
	}
	return p
}

// alsoListedBy names the other publishers of an activity whose listings
// were merged into this one, leaving out its own organisation. A failure
// only loses the line, so it is logged rather than failing the page.
func (h *publicHandlers) alsoListedBy(ctx context.Context, lead *directory.Service) string {
	merged, err := h.listings.MergedInto(ctx, lead.ID)
	if err != nil {
		slog.WarnContext(ctx, "also listed by", "service", lead.ID, "err", err)
		return ""
	}
	own := ""
	if lead.Organization != nil {
		own = lead.Organization.Name
	}
	var names []string
	for _, m := range merged {
		if m.Organization == nil || m.Organization.Name == "" || m.Organization.Name == own || slices.Contains(names, m.Organization.Name) {
			continue
		}
		names = append(names, m.Organization.Name)
	}
	return strings.Join(names, ", ")
}
