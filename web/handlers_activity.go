package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"signpost/directory"
)

// activityPage is /activities/{id} and its print view.
type activityPage struct {
	BasePage
	ID         string
	Name       string
	Org        string
	Alert      string
	NotRunning string
	// Lead is the listing this one was merged into as a duplicate.
	Lead        *leadView
	Description template.HTML
	Topics      []string
	When        []scheduleLine
	Places      []placeView
	Modes       string
	OnlineURL   string
	Cost        string
	Ages        string
	Eligibility string
	HowToJoin   string
	Phones      []phoneView
	Email       string
	Website     string
	Languages   string
	Checked     string
	Updated     string
	// From names the feed a listing came from and when it was last
	// checked there ("Sefton Directory, checked 3 days ago").
	From string
	// Adoptable offers an admin to adopt a feed's listing (admin_feeds.go).
	Adoptable bool
	Capacity  string
	// CapacityWarn is set when the activity cannot take people now.
	CapacityWarn bool
	Map          template.HTML
	PrintHref    string
	// Back returns to the results the person came from, or offers a new
	// search.
	Back link
	// service is kept for the print view's map.
	service *directory.Service
	Printed string

	// The correction form.
	CorrectionFields []option
	Correction       correctionForm
	Problems         problemList
}

type scheduleLine struct {
	Text string
	Note string
}

// leadView links a merged duplicate to the listing that stands for it.
type leadView struct {
	Href string
	Name string
}

type placeView struct {
	Name      string
	Address   []string
	Transport string
	// Features are the place's access features, in words; Access its
	// free-text notes.
	Features []string
	Access   []string
	// Directions is set for a place with coordinates.
	Directions *directions
	lat, lon   *float64
}

type phoneView struct {
	Number string
	// Tel is a tel: link made only of digits and "+", so it is safe to
	// mark as a URL (html/template would otherwise refuse the scheme).
	Tel  template.URL
	Note string
}

type correctionForm struct {
	Field   string
	Message string
}

func (h *publicHandlers) activity(w http.ResponseWriter, r *http.Request) error {
	p, err := h.activityPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "activity", p)
	return nil
}

func (h *publicHandlers) activityPrint(w http.ResponseWriter, r *http.Request) error {
	p, err := h.activityPage(r)
	if err != nil {
		return err
	}
	p.Print = true
	p.Map = h.maps.activityMap(p.service, true)
	p.Title = "Printable page: " + p.Name
	p.Printed = dateText(h.now())
	h.render(w, r, http.StatusOK, "activity-print", p)
	return nil
}

func (h *publicHandlers) activityPage(r *http.Request) (*activityPage, error) {
	id := mux.Vars(r)["id"]
	svc, err := h.listings.Service(r.Context(), id)
	if err != nil {
		return nil, fmt.Errorf("activity %s: %w", id, err)
	}
	desc, err := h.md.Render(svc.Description)
	if err != nil {
		return nil, fmt.Errorf("activity %s: %w", id, err)
	}
	p := &activityPage{
		BasePage:    BasePage{Title: svc.Name, QuickExit: quickExitForService(svc)},
		ID:          svc.ID,
		Name:        svc.Name,
		Alert:       svc.Alert,
		Description: desc,
		Modes:       modesLine(svc),
		Cost:        costLine(svc),
		Ages:        agesLine(svc),
		Eligibility: svc.EligibilityDescription,
		HowToJoin:   svc.ApplicationProcess,
		Email:       svc.Email,
		Website:     webURL(svc.URL),
		Capacity:    svc.Capacity.Label(),
		PrintHref:   "/activities/" + url.PathEscape(svc.ID) + "/print",
		Back:        backLink(r.URL.Query().Get("back")),
		service:     svc,
	}
	p.QuickExit = p.QuickExit || quickExitForBack(p.Back)
	p.CapacityWarn = svc.Capacity == directory.CapacityFull || svc.Capacity == directory.CapacityPaused
	if svc.Organization != nil {
		p.Org = svc.Organization.Name
		p.Title = svc.Name + " – " + svc.Organization.Name
	}
	if svc.SupersededBy != "" {
		p.Lead = &leadView{Href: "/activities/" + url.PathEscape(svc.SupersededBy), Name: "the main listing"}
		if lead, err := h.listings.Service(r.Context(), svc.SupersededBy); err == nil {
			p.Lead.Name = lead.Name
			if lead.Organization != nil && lead.Organization.Name != "" {
				p.Lead.Name += " (" + lead.Organization.Name + ")"
			}
		}
	}
	if src := svc.Source; src != nil {
		p.From, p.Adoptable = sourceText(h.now(), src), !src.Adopted()
	}
	if svc.Status != "" && svc.Status != directory.StatusActive {
		p.NotRunning = "This activity is marked as " + string(svc.Status) + ". Check with the organisers before you go."
	}
	for _, tax := range []string{directory.TaxonomyNeeds, directory.TaxonomyInterests, directory.TaxonomyActivities} {
		for _, c := range svc.TermCodes(tax) {
			if t, ok := directory.LookupTerm(tax, c); ok {
				p.Topics = append(p.Topics, t.Label)
			}
		}
	}
	p.When = scheduleLines(svc)
	p.Places, p.OnlineURL = places(svc)
	from := h.personPlace(r.URL.Query())
	for i, pl := range p.Places {
		if pl.lat != nil && pl.lon != nil {
			d := directionsTo(*pl.lat, *pl.lon, from)
			p.Places[i].Directions = &d
		}
	}
	p.Phones = phones(svc)
	var langs []string
	for _, l := range svc.Languages {
		if l.Name != "" {
			langs = append(langs, l.Name)
		} else if l.Code != "" {
			langs = append(langs, l.Code)
		}
	}
	p.Languages = strings.Join(langs, ", ")
	if t, ok := svc.Assured(); ok {
		p.Checked = "Last checked by a person on " + dateText(t)
	} else {
		p.Checked = "Not checked by a person yet"
	}
	if svc.LastModified != "" {
		if t, ok := parseAnyDate(svc.LastModified); ok {
			p.Updated = dateText(t)
		}
	}
	p.Map = h.maps.activityMap(svc, false)
	for _, f := range directory.CorrectionFields {
		p.CorrectionFields = append(p.CorrectionFields, option{Value: f.Code, Label: f.Label})
	}
	return p, nil
}

// backLink is the activity page's way back: to the search or suggestions
// the person came from when the link carried them (back=), else to a new
// search. Only this site's results pages are accepted, so the parameter
// cannot send anyone elsewhere.
func backLink(back string) link {
	u, err := url.Parse(back)
	if back == "" || len(back) > 2000 || err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(back, "//") {
		return link{Href: "/search", Text: "Search for other activities"}
	}
	switch u.Path {
	case "/search":
		return link{Href: u.RequestURI(), Text: "Back to your search results"}
	case "/match":
		return link{Href: u.RequestURI(), Text: "Back to your suggestions"}
	}
	return link{Href: "/search", Text: "Search for other activities"}
}

// parseAnyDate reads a date as HSDS publishers write them (a date or an
// RFC 3339 time), with the same rules as assured_date.
func parseAnyDate(v string) (time.Time, bool) {
	s := directory.Service{AssuredDate: v}
	return s.Assured()
}

func agesLine(svc *directory.Service) string {
	lo, hi := svc.MinimumAge, svc.MaximumAge
	switch {
	case lo != nil && hi != nil:
		return fmt.Sprintf("Ages %g to %g", *lo, *hi)
	case lo != nil && *lo > 0:
		return fmt.Sprintf("Ages %g and over", *lo)
	case hi != nil:
		return fmt.Sprintf("Up to age %g", *hi)
	}
	return "All ages"
}

// webURL keeps only http and https links; anything else is not shown.
func webURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

func scheduleLines(svc *directory.Service) []scheduleLine {
	var out []scheduleLine
	add := func(where string, scheds []directory.Schedule) {
		for _, sc := range scheds {
			line := scheduleLine{Text: describeSchedule(sc), Note: scheduleNote(sc)}
			if line.Text == "" && line.Note == "" {
				continue
			}
			if where != "" && line.Text != "" {
				line.Text += " at " + where
			}
			out = append(out, line)
		}
	}
	add("", svc.Schedules)
	for _, sal := range svc.ServiceAtLocations {
		where := ""
		if sal.Location != nil {
			where = sal.Location.Name
		}
		add(where, sal.Schedules)
		if sal.Location != nil {
			add(where, sal.Location.Schedules)
		}
	}
	return out
}

// scheduleNote is what a schedule says in its own words, unless its
// description only repeats the days and times already put into words
// ("Every Wednesday, 10am to 2pm").
func scheduleNote(sc directory.Schedule) string {
	desc := strings.TrimSpace(sc.Description)
	times := describeTimes(sc.OpensAt, sc.ClosesAt)
	if times != "" && describeDays(sc) != "" && strings.Contains(strings.ReplaceAll(strings.ToLower(desc), ".", ":"), times) {
		// Keep only what the description adds in brackets ("except bank
		// holidays").
		_, rest, ok := strings.Cut(desc, "(")
		desc = ""
		if inner, _, closed := strings.Cut(rest, ")"); ok && closed {
			desc = upperFirst(strings.TrimSpace(inner)) + "."
		}
	}
	return strings.TrimSpace(desc + " " + strings.TrimSpace(sc.Notes))
}

func places(svc *directory.Service) (out []placeView, online string) {
	for _, sal := range svc.ServiceAtLocations {
		l := sal.Location
		if l == nil {
			continue
		}
		if l.LocationType == directory.LocationVirtual {
			if online == "" {
				online = webURL(l.URL)
			}
			continue
		}
		if l.LocationType != directory.LocationPhysical {
			continue
		}
		pv := placeView{Name: l.Name, Transport: l.Transportation}
		if l.Latitude != nil && l.Longitude != nil && validPoint(*l.Latitude, *l.Longitude) {
			pv.lat, pv.lon = l.Latitude, l.Longitude
		}
		if len(l.Addresses) > 0 {
			a := l.Addresses[0]
			for _, part := range []string{a.Address1, a.Address2, a.City, a.StateProvince, a.PostalCode} {
				if part != "" && !containsFold(pv.Address, part) {
					pv.Address = append(pv.Address, part)
				}
			}
		}
		for _, c := range sal.AccessCodes() {
			if t, ok := directory.LookupTerm(directory.TaxonomyAccess, c); ok {
				pv.Features = append(pv.Features, t.Label)
			}
		}
		for _, ac := range l.Accessibility {
			if t := strings.TrimSpace(ac.Description + " " + ac.Details); t != "" {
				pv.Access = append(pv.Access, t)
			}
		}
		out = append(out, pv)
	}
	return out, online
}

func phones(svc *directory.Service) []phoneView {
	var all []directory.Phone
	all = append(all, svc.Phones...)
	for _, c := range svc.Contacts {
		all = append(all, c.Phones...)
	}
	if len(all) == 0 && svc.Organization != nil {
		all = append(all, svc.Organization.Phones...)
	}
	var out []phoneView
	for _, ph := range all {
		tel := strings.Map(func(r rune) rune {
			if (r >= '0' && r <= '9') || r == '+' {
				return r
			}
			return -1
		}, ph.Number)
		if tel == "" {
			continue
		}
		out = append(out, phoneView{Number: ph.Number, Tel: template.URL("tel:" + tel), Note: ph.Description})
	}
	return out
}

// maxCorrectionBody bounds a correction post: the message is capped at a
// few thousand characters, so anything much larger is not a person typing.
const maxCorrectionBody = 32 << 10

// addCorrection stores a suggested correction from the activity page's
// form. Anyone may send one, so it is throttled per client address; on a
// problem the page is shown again with what was typed and an error
// summary; on success the person is redirected (so a refresh does not send
// it twice) to a thank-you message.
func (h *publicHandlers) addCorrection(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return &httpError{status: http.StatusBadRequest, heading: "The form could not be read",
			message: "Go back, shorten your message and try again.", err: err}
	}
	form := correctionForm{Field: clean(r.PostForm.Get("field"), 20), Message: r.PostForm.Get("message")}
	p, err := h.activityPage(r)
	if err != nil {
		return err
	}
	p.Correction = form
	for i := range p.CorrectionFields {
		p.CorrectionFields[i].Selected = p.CorrectionFields[i].Value == form.Field
	}
	if !h.corrections.Allow(clientKey(r)) {
		p.Title = "Error: " + p.Title
		p.Problems = []problem{{Field: "correction-message", Message: "You have sent several corrections in a short time. Please wait a few minutes and try again."}}
		h.render(w, r, http.StatusTooManyRequests, "activity", p)
		return nil
	}
	_, err = h.listings.AddCorrection(r.Context(), directory.Correction{ServiceID: p.ID, Field: form.Field, Message: form.Message})
	var ve *directory.ValidationError
	if errors.As(err, &ve) {
		p.Title = "Error: " + p.Title
		p.Problems = correctionFields(form).problems(ve.Problems)
		h.render(w, r, http.StatusBadRequest, "activity", p)
		return nil
	}
	if err != nil {
		return fmt.Errorf("store correction of %s: %w", p.ID, err)
	}
	return redirect(w, r, withFlash("/activities/"+url.PathEscape(p.ID)+"#done", "correction-sent"))
}

// correctionFields are the correction form's fields, in page order.
func correctionFields(form correctionForm) errorFields {
	return errorFields{
		{path: "field", control: "correction-field", message: func(directory.Problem) string {
			return "Choose what is wrong from the list, or leave it as it is"
		}},
		{path: "message", control: "correction-message", message: func(directory.Problem) string {
			if strings.TrimSpace(form.Message) == "" {
				return "Enter what is wrong or what has changed"
			}
			return fmt.Sprintf("What it should say must be %s characters or fewer", thousands(directory.MaxCorrectionLen))
		}},
	}
}

// daysAgo says how long before now t was, in whole days.
func daysAgo(now, t time.Time) string {
	days := int(now.Sub(t).Hours() / 24)
	switch {
	case days <= 0:
		return "today"
	case days == 1:
		return "yesterday"
	}
	return strconv.Itoa(days) + " days ago"
}
