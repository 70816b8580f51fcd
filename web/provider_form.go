package web

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"signpost/directory"
)

// listingForm is the provider's edit form: every field a visitor sees, in
// plain words rather than HSDS structure. A listing has any number of
// times, places, phone numbers and prices (up to maxRows each), each a row
// of the form with its own "remove" button and an "add another" below,
// which work without JavaScript: the buttons post the form, which comes
// back with the row added or gone and everything typed kept. Each row
// carries the id of the record it edits, so fields the form does not show
// (an imported schedule's valid_from, say) are kept.
type listingForm struct {
	Name        string
	Description string
	Status      string

	Activities []string
	Needs      []string
	Interests  []string

	Schedules []scheduleRow
	Places    []placeRow
	OnlineURL string
	Delivery  []string

	Costs       []costRow
	CostDetails string
	MinAge      string
	MaxAge      string
	Eligibility string
	Languages   string

	HowToJoin string
	Phones    []phoneRow
	Email     string
	Website   string
}

// scheduleRow is one time the activity runs: days, how often, times.
type scheduleRow struct {
	ID        string
	Days      []string
	Frequency string
	Opens     string
	Closes    string
	Note      string
}

// placeRow is one place it happens, with its access.
type placeRow struct {
	ID       string // of the service_at_location
	Name     string
	Address1 string
	Address2 string
	City     string
	Postcode string
	// Pin is a place name, postcode or "lat, lon" looked up in the
	// gazetteer; empty means "from the postcode".
	Pin       string
	Transport string
	// Access is the free text (accessibility.description); Features the
	// ticked access features.
	Access   string
	Features []string
}

// costRow is one price: an amount and what it is for.
type costRow struct {
	ID     string
	Amount string
	Option string
}

type phoneRow struct {
	ID     string
	Number string
}

func (r scheduleRow) empty() bool {
	return len(r.Days) == 0 && r.Opens == "" && r.Closes == "" && r.Note == ""
}

func (r placeRow) empty() bool {
	return r.Name == "" && r.Address1 == "" && r.Address2 == "" && r.City == "" && r.Postcode == "" &&
		r.Pin == "" && r.Transport == "" && r.Access == "" && len(r.Features) == 0
}

func (r costRow) empty() bool { return r.Amount == "" && r.Option == "" }

// Frequencies offered by the schedule's "how often" select. Monthly ones
// name a week of the month, as iCalendar's BYDAY prefix does.
var frequencies = []option{
	{Value: "weekly", Label: "Every week"},
	{Value: "fortnightly", Label: "Every other week"},
	{Value: "1", Label: "First week of the month"},
	{Value: "2", Label: "Second week of the month"},
	{Value: "3", Label: "Third week of the month"},
	{Value: "4", Label: "Fourth week of the month"},
	{Value: "-1", Label: "Last week of the month"},
}

// statuses a provider may set: a listing that has ended is "inactive",
// one on a break "temporarily closed".
var statuses = []option{
	{Value: string(directory.StatusActive), Label: "Running"},
	{Value: string(directory.StatusTemporarilyClosed), Label: "On a break (temporarily closed)"},
	{Value: string(directory.StatusInactive), Label: "Stopped running"},
}

// maxListingBody bounds an edit post: every field at its limit, with every
// row filled, fits with room to spare (TestFormLimitsFitTheBody).
const maxListingBody = 256 << 10

// rowCount reads how many rows of a group the form had, at most maxRows.
func rowCount(v url.Values, group string) int {
	n, err := strconv.Atoi(v.Get(group + "-rows"))
	if err != nil || n < 0 {
		return 0
	}
	return min(n, maxRows)
}

// readListingForm reads the posted form as typed: values are trimmed but
// never cut short, so a field over its limit comes back whole with a
// message (check) rather than silently shortened.
func readListingForm(v url.Values) listingForm {
	text := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	f := listingForm{
		Name: text("name"), Description: text("description"), Status: text("status"),
		Activities: codes(v["activity"]), Needs: codes(v["need"]), Interests: codes(v["interest"]),
		OnlineURL: text("online-url"), Delivery: codes(v["delivery"]),
		CostDetails: text("cost-details"), MinAge: text("min-age"), MaxAge: text("max-age"),
		Eligibility: text("eligibility"), Languages: text("languages"),
		HowToJoin: text("how-to-join"), Email: text("email"), Website: text("website"),
	}
	for i := range rowCount(v, "schedule") {
		p := fmt.Sprintf("schedule-%d-", i)
		f.Schedules = append(f.Schedules, scheduleRow{
			ID: text(p + "id"), Days: dayCodes(v[p+"day"]), Frequency: text(p + "frequency"),
			Opens: text(p + "opens"), Closes: text(p + "closes"), Note: text(p + "note"),
		})
	}
	for i := range rowCount(v, "place") {
		p := fmt.Sprintf("place-%d-", i)
		f.Places = append(f.Places, placeRow{
			ID: text(p + "id"), Name: text(p + "name"), Address1: text(p + "address1"), Address2: text(p + "address2"),
			City: text(p + "city"), Postcode: text(p + "postcode"), Pin: text(p + "pin"),
			Transport: text(p + "transport"), Access: text(p + "access"), Features: accessCodes(v[p+"feature"]),
		})
	}
	for i := range rowCount(v, "cost") {
		p := fmt.Sprintf("cost-%d-", i)
		f.Costs = append(f.Costs, costRow{ID: text(p + "id"), Amount: text(p + "amount"), Option: text(p + "option")})
	}
	for i := range rowCount(v, "phone") {
		p := fmt.Sprintf("phone-%d-", i)
		f.Phones = append(f.Phones, phoneRow{ID: text(p + "id"), Number: text(p + "number")})
	}
	return f
}

func dayCodes(vals []string) []string {
	var out []string
	for _, d := range directory.Weekdays {
		if slices.Contains(vals, d) {
			out = append(out, d)
		}
	}
	return out
}

// accessCodes keeps the known access feature codes, in vocabulary order.
func accessCodes(vals []string) []string {
	var out []string
	for _, t := range directory.AccessFeatures {
		if slices.Contains(vals, t.Code) {
			out = append(out, t.Code)
		}
	}
	return out
}

// rowEdit is a press of an "add another" or "remove" button: the form
// comes back changed, nothing is saved.
type rowEdit struct {
	add    string // the group to add a row to
	remove string // the group of the row to remove
	index  int
}

func readRowEdit(v url.Values) (rowEdit, bool) {
	if g := v.Get("add"); g != "" {
		return rowEdit{add: g}, true
	}
	if r := v.Get("remove"); r != "" {
		g, i, ok := strings.Cut(r, "-")
		n, err := strconv.Atoi(i)
		if ok && err == nil {
			return rowEdit{remove: g, index: n}, true
		}
	}
	return rowEdit{}, false
}

// edit applies a row edit and returns the id of the control to put the
// cursor in: the new row's first field, or the group's "add" button.
func (f *listingForm) edit(e rowEdit) (focus string) {
	switch e.add {
	case "schedule":
		if len(f.Schedules) < maxRows {
			f.Schedules = append(f.Schedules, scheduleRow{Frequency: "weekly"})
			return fmt.Sprintf("schedule-%d-day-MO", len(f.Schedules)-1)
		}
	case "place":
		if len(f.Places) < maxRows {
			f.Places = append(f.Places, placeRow{})
			return fmt.Sprintf("place-%d-name", len(f.Places)-1)
		}
	case "cost":
		if len(f.Costs) < maxRows {
			f.Costs = append(f.Costs, costRow{})
			return fmt.Sprintf("cost-%d-amount", len(f.Costs)-1)
		}
	case "phone":
		if len(f.Phones) < maxRows {
			f.Phones = append(f.Phones, phoneRow{})
			return fmt.Sprintf("phone-%d-number", len(f.Phones)-1)
		}
	}
	in := func(n int) bool { return e.index >= 0 && e.index < n }
	switch {
	case e.remove == "schedule" && in(len(f.Schedules)):
		f.Schedules = slices.Delete(f.Schedules, e.index, e.index+1)
	case e.remove == "place" && in(len(f.Places)):
		f.Places = slices.Delete(f.Places, e.index, e.index+1)
	case e.remove == "cost" && in(len(f.Costs)):
		f.Costs = slices.Delete(f.Costs, e.index, e.index+1)
	case e.remove == "phone" && in(len(f.Phones)):
		f.Phones = slices.Delete(f.Phones, e.index, e.index+1)
	}
	if e.remove != "" {
		return "add-" + e.remove
	}
	return ""
}

// withBlankRows gives every repeated group at least one row to type into.
func (f listingForm) withBlankRows() listingForm {
	if len(f.Schedules) == 0 {
		f.Schedules = []scheduleRow{{Frequency: "weekly"}}
	}
	if len(f.Places) == 0 {
		f.Places = []placeRow{{}}
	}
	if len(f.Costs) == 0 {
		f.Costs = []costRow{{}}
	}
	if len(f.Phones) == 0 {
		f.Phones = []phoneRow{{}}
	}
	return f
}

// listingFormOf fills the form from a listing.
func listingFormOf(svc *directory.Service) listingForm {
	f := listingForm{
		Name: svc.Name, Description: svc.Description, Status: string(svc.Status),
		Activities: svc.TermCodes(directory.TaxonomyActivities),
		Needs:      svc.TermCodes(directory.TaxonomyNeeds),
		Interests:  svc.TermCodes(directory.TaxonomyInterests),
		Email:      svc.Email, Website: svc.URL, HowToJoin: svc.ApplicationProcess,
		Eligibility: svc.EligibilityDescription, CostDetails: svc.FeesDescription,
	}
	if f.Status == "" {
		f.Status = string(directory.StatusActive)
	}
	for _, d := range svc.Delivery {
		f.Delivery = append(f.Delivery, string(d))
	}
	for _, sc := range svc.Schedules {
		f.Schedules = append(f.Schedules, scheduleRowOf(sc))
	}
	for _, sal := range svc.ServiceAtLocations {
		if sal.Location != nil && sal.Location.LocationType == directory.LocationPhysical {
			f.Places = append(f.Places, placeRowOf(sal))
		}
	}
	if sal := firstLocation(svc, directory.LocationVirtual); sal != nil {
		f.OnlineURL = sal.Location.URL
	}
	for _, c := range svc.CostOptions {
		row := costRow{ID: c.ID, Option: c.Option}
		if c.Amount != nil && *c.Amount > 0 {
			row.Amount = strconv.FormatFloat(*c.Amount, 'f', -1, 64)
		}
		f.Costs = append(f.Costs, row)
	}
	if svc.MinimumAge != nil {
		f.MinAge = strconv.FormatFloat(*svc.MinimumAge, 'f', -1, 64)
	}
	if svc.MaximumAge != nil {
		f.MaxAge = strconv.FormatFloat(*svc.MaximumAge, 'f', -1, 64)
	}
	var langs []string
	for _, l := range svc.Languages {
		if l.Name != "" {
			langs = append(langs, l.Name)
		}
	}
	f.Languages = strings.Join(langs, ", ")
	for _, p := range svc.Phones {
		f.Phones = append(f.Phones, phoneRow{ID: p.ID, Number: p.Number})
	}
	return f.withBlankRows()
}

func scheduleRowOf(sc directory.Schedule) scheduleRow {
	row := scheduleRow{ID: sc.ID, Days: directory.ParseByDay(sc.ByDay), Frequency: "weekly",
		Opens: hhmm(sc.OpensAt), Closes: hhmm(sc.ClosesAt), Note: sc.Description}
	switch {
	case strings.EqualFold(sc.Freq, "MONTHLY"):
		first, _, _ := strings.Cut(sc.ByDay, ",")
		if len(first) > 2 {
			row.Frequency = strings.TrimPrefix(first[:len(first)-2], "+")
		}
	case sc.Interval != nil && *sc.Interval == 2:
		row.Frequency = "fortnightly"
	}
	return row
}

func placeRowOf(sal directory.ServiceAtLocation) placeRow {
	l := sal.Location
	row := placeRow{ID: sal.ID, Name: l.Name, Transport: l.Transportation, Features: sal.AccessCodes()}
	if len(l.Addresses) > 0 {
		a := l.Addresses[0]
		row.Address1, row.Address2, row.City, row.Postcode = a.Address1, a.Address2, a.City, a.PostalCode
	}
	if l.Latitude != nil && l.Longitude != nil {
		row.Pin = strconv.FormatFloat(*l.Latitude, 'f', -1, 64) + ", " + strconv.FormatFloat(*l.Longitude, 'f', -1, 64)
	}
	if len(l.Accessibility) > 0 {
		row.Access = l.Accessibility[0].Description
	}
	return row
}

// hhmm shortens "10:00:00" or "10:00Z" to what a time input shows.
func hhmm(v string) string {
	if len(v) >= 5 && v[2] == ':' {
		return v[:5]
	}
	return v
}

func firstLocation(svc *directory.Service, kind string) *directory.ServiceAtLocation {
	for i := range svc.ServiceAtLocations {
		if l := svc.ServiceAtLocations[i].Location; l != nil && l.LocationType == kind {
			return &svc.ServiceAtLocations[i]
		}
	}
	return nil
}

// check applies the form's own rules (provider_form_check.go) and returns
// the problems in the order of the page, with the form's values normalised
// where a rule allows (a postcode's spacing, "2pm" as 14:00, a web address
// without https://). The standard's rules are checked afterwards, on the
// listing, by Service.Validate.
func (f *listingForm) check() problemList {
	var ps problemList
	checkLen(&ps, "name", "Name", f.Name, maxNameLen)
	checkLen(&ps, "description", "Description", f.Description, maxDescriptionLen)
	if !slices.ContainsFunc(statuses, func(o option) bool { return o.Value == f.Status }) {
		ps = append(ps, problem{Field: "status", Message: "Select whether it is running"})
	}
	for i := range f.Schedules {
		ps = append(ps, f.Schedules[i].check(i)...)
	}
	for i := range f.Places {
		ps = append(ps, f.Places[i].check(i)...)
	}
	f.OnlineURL = checkWebAddress(&ps, "online-url", "the online link", f.OnlineURL)
	for i, c := range f.Costs {
		field := fmt.Sprintf("cost-%d-", i)
		checkPrice(&ps, field+"amount", "Cost", c.Amount)
		checkLen(&ps, field+"option", "What the cost is for", c.Option, maxLineLen)
	}
	checkLen(&ps, "cost-details", "Cost details", f.CostDetails, maxNoteLen)
	minAge := checkAge(&ps, "min-age", "Youngest age", f.MinAge)
	maxAge := checkAge(&ps, "max-age", "Oldest age", f.MaxAge)
	if minAge != nil && maxAge != nil && *maxAge < *minAge {
		ps = append(ps, problem{Field: "max-age", Message: "Oldest age must be the same as or more than the youngest age"})
	}
	checkLen(&ps, "eligibility", "Who it is for", f.Eligibility, maxNoteLen)
	checkLen(&ps, "languages", "Languages", f.Languages, maxNoteLen)
	checkLen(&ps, "how-to-join", "How to join", f.HowToJoin, maxNoteLen)
	for i, p := range f.Phones {
		checkPhone(&ps, fmt.Sprintf("phone-%d-number", i), p.Number)
	}
	checkEmail(&ps, "email", f.Email)
	f.Website = checkWebAddress(&ps, "website", "the website", f.Website)
	return ps
}

func (r *scheduleRow) check(i int) problemList {
	var ps problemList
	field := fmt.Sprintf("schedule-%d-", i)
	if !slices.ContainsFunc(frequencies, func(o option) bool { return o.Value == r.Frequency }) && !r.empty() {
		ps = append(ps, problem{Field: field + "frequency", Message: "Select how often it runs"})
	}
	r.Opens = checkTime(&ps, field+"opens", "Starting time", clipTo(r.Opens, maxTimeLen))
	r.Closes = checkTime(&ps, field+"closes", "Finishing time", clipTo(r.Closes, maxTimeLen))
	if len(ps) == 0 && r.Opens != "" && r.Closes != "" && r.Closes <= r.Opens {
		o, _ := clockTime(r.Opens)
		ps = append(ps, problem{Field: field + "closes", Message: "Finishing time must be after the starting time (" + o + ")"})
	}
	checkLen(&ps, field+"note", "Anything else about when", r.Note, maxNoteLen)
	return ps
}

func (r *placeRow) check(i int) problemList {
	var ps problemList
	field := fmt.Sprintf("place-%d-", i)
	checkLen(&ps, field+"name", "Name of the place", r.Name, maxLineLen)
	checkLen(&ps, field+"address1", "Address line 1", r.Address1, maxLineLen)
	checkLen(&ps, field+"address2", "Address line 2", r.Address2, maxLineLen)
	checkLen(&ps, field+"city", "Town", r.City, maxLineLen)
	if r.Postcode != "" && checkLen(&ps, field+"postcode", "Postcode", r.Postcode, maxPostcodeLen) {
		pc, ok := normalisePostcode(r.Postcode)
		if ok {
			r.Postcode = pc
		} else {
			ps = append(ps, problem{Field: field + "postcode", Message: "Enter a real postcode, like L20 3NJ"})
		}
	}
	checkLen(&ps, field+"pin", "Position on the map", r.Pin, maxLineLen)
	checkLen(&ps, field+"transport", "Getting there", r.Transport, maxNoteLen)
	checkLen(&ps, field+"access", "Anything else about access", r.Access, maxNoteLen)
	return ps
}

// clipTo bounds a value that only a forged post makes long, where the
// message would not help (a time input cannot hold 11 characters).
func clipTo(v string, n int) string {
	if len(v) > n {
		return strings.ToValidUTF8(v[:n], "")
	}
	return v
}

// apply writes the form onto svc (a copy of the listing being edited),
// part by part. It returns the problems only it can see (a pin the
// gazetteer does not know); check has already judged the values.
func (f listingForm) apply(svc *directory.Service, places Places) problemList {
	f.applyAbout(svc)
	f.applyTerms(svc)
	f.applyDelivery(svc)
	f.applySchedules(svc)
	problems := f.applyPlaces(svc, places)
	f.applyOnline(svc)
	f.applyCosts(svc)
	f.applyAges(svc)
	f.applyLanguages(svc)
	f.applyPhones(svc)
	return problems
}

func (f listingForm) applyAbout(svc *directory.Service) {
	svc.Name, svc.Description, svc.Status = f.Name, f.Description, directory.ServiceStatus(f.Status)
	svc.Email, svc.URL = f.Email, f.Website
	svc.ApplicationProcess, svc.EligibilityDescription, svc.FeesDescription = f.HowToJoin, f.Eligibility, f.CostDetails
}

// applyTerms makes Signpost's terms the ticked ones: those still ticked
// keep their place, so an unchanged form changes nothing; newly ticked
// ones follow. Terms of other taxonomies, which the form does not show,
// are kept.
func (f listingForm) applyTerms(svc *directory.Service) {
	picked := map[string]bool{}
	var order []directory.Term
	for _, pick := range []struct {
		tax   string
		codes []string
	}{{directory.TaxonomyActivities, f.Activities}, {directory.TaxonomyNeeds, f.Needs}, {directory.TaxonomyInterests, f.Interests}} {
		for _, c := range pick.codes {
			if t, ok := directory.LookupTerm(pick.tax, c); ok && !picked[t.ID()] {
				picked[t.ID()] = true
				order = append(order, t)
			}
		}
	}
	var attrs []directory.Attribute
	for _, a := range svc.Attributes {
		t, ok := a.SignpostTerm()
		switch {
		case !ok || t.Taxonomy == directory.TaxonomyAccess:
			attrs = append(attrs, a)
		case picked[t.ID()]:
			attrs = append(attrs, a)
			delete(picked, t.ID())
		}
	}
	for _, t := range order {
		if picked[t.ID()] {
			attrs = append(attrs, directory.TermAttribute(svc.ID, t))
		}
	}
	svc.Attributes = attrs
}

func (f listingForm) applyDelivery(svc *directory.Service) {
	svc.Delivery = nil
	for _, d := range f.Delivery {
		if mode := directory.Delivery(d); mode.Valid() {
			svc.Delivery = append(svc.Delivery, mode)
		}
	}
}

// applySchedules makes the listing's schedules the form's rows, in order;
// a row that names an existing schedule edits a copy of it, so what the
// form does not show is kept. Empty rows are dropped.
func (f listingForm) applySchedules(svc *directory.Service) {
	old := svc.Schedules
	svc.Schedules = nil
	for _, row := range f.Schedules {
		if row.empty() {
			continue
		}
		sc := directory.Schedule{ID: uuid.NewString(), ServiceID: svc.ID}
		if i := slices.IndexFunc(old, func(s directory.Schedule) bool { return s.ID == row.ID && row.ID != "" }); i >= 0 {
			sc = old[i]
		}
		row.applyTo(&sc)
		svc.Schedules = append(svc.Schedules, sc)
	}
}

func (r scheduleRow) applyTo(sc *directory.Schedule) {
	sc.OpensAt, sc.ClosesAt, sc.Description = r.Opens, r.Closes, r.Note
	sc.Interval = nil
	switch r.Frequency {
	case "fortnightly":
		two := 2.0
		sc.Freq, sc.ByDay, sc.Interval = "WEEKLY", strings.Join(r.Days, ","), &two
	case "1", "2", "3", "4", "-1":
		var parts []string
		for _, d := range r.Days {
			parts = append(parts, r.Frequency+d)
		}
		sc.Freq, sc.ByDay = "MONTHLY", strings.Join(parts, ",")
	default:
		sc.Freq, sc.ByDay = "WEEKLY", strings.Join(r.Days, ",")
	}
	if len(r.Days) == 0 {
		sc.Freq = ""
	}
}

// applyPlaces makes the listing's physical places the form's rows, in
// order, before any other location; the online link and other kinds of
// location are kept after them. The pin comes from the gazetteer: the Pin
// field when given, else the postcode, else the town.
func (f listingForm) applyPlaces(svc *directory.Service, places Places) problemList {
	var physical, rest []directory.ServiceAtLocation
	for _, sal := range svc.ServiceAtLocations {
		if sal.Location != nil && sal.Location.LocationType == directory.LocationPhysical {
			physical = append(physical, sal)
		} else {
			rest = append(rest, sal)
		}
	}
	var problems problemList
	var out []directory.ServiceAtLocation
	for i, row := range f.Places {
		if row.empty() {
			continue
		}
		var sal directory.ServiceAtLocation
		if j := slices.IndexFunc(physical, func(s directory.ServiceAtLocation) bool { return s.ID == row.ID && row.ID != "" }); j >= 0 {
			sal = physical[j]
		} else {
			loc := &directory.Location{ID: uuid.NewString(), LocationType: directory.LocationPhysical}
			sal = directory.ServiceAtLocation{ID: uuid.NewString(), ServiceID: svc.ID, LocationID: loc.ID, Location: loc}
		}
		// Copy the location so the edit never writes through to the
		// listing the form was filled from.
		loc := *sal.Location
		sal.Location = &loc
		sal.Attributes = slices.Clone(sal.Attributes)
		if pr := row.applyTo(&sal, places, fmt.Sprintf("place-%d-pin", i)); pr != nil {
			problems = append(problems, *pr)
		}
		out = append(out, sal)
	}
	svc.ServiceAtLocations = append(out, rest...)
	return problems
}

func (r placeRow) applyTo(sal *directory.ServiceAtLocation, places Places, pinField string) *problem {
	loc := sal.Location
	loc.Name, loc.Transportation = r.Name, r.Transport
	hasAddress := r.Address1 != "" || r.Address2 != "" || r.City != "" || r.Postcode != ""
	switch {
	case len(loc.Addresses) > 0:
		addr := loc.Addresses[0]
		addr.Address1, addr.Address2, addr.City, addr.PostalCode = r.Address1, r.Address2, r.City, r.Postcode
		loc.Addresses = append([]directory.Address{addr}, loc.Addresses[1:]...)
	case hasAddress:
		loc.Addresses = []directory.Address{{
			ID: uuid.NewString(), LocationID: loc.ID, AddressType: directory.LocationPhysical, Country: "GB",
			Address1: r.Address1, Address2: r.Address2, City: r.City, PostalCode: r.Postcode,
		}}
	}
	switch {
	case r.Access == "" && len(loc.Accessibility) > 0:
		loc.Accessibility = loc.Accessibility[1:]
	case r.Access == "":
	case len(loc.Accessibility) > 0:
		first := loc.Accessibility[0]
		first.Description = r.Access
		loc.Accessibility = append([]directory.Accessibility{first}, loc.Accessibility[1:]...)
	default:
		loc.Accessibility = []directory.Accessibility{{ID: uuid.NewString(), LocationID: loc.ID, Description: r.Access}}
	}
	sal.SetAccess(r.Features)

	loc.Latitude, loc.Longitude = nil, nil
	var pr *problem
	var place directory.Place
	var found bool
	switch {
	case r.Pin != "":
		if place, found = places.Lookup(r.Pin); !found {
			msg := fmt.Sprintf("We do not know the place %q. Give a town, a postcode district or the position as latitude, longitude (such as 53.41, -2.99)", r.Pin)
			if sug := places.Suggest(r.Pin, 3); len(sug) > 0 {
				var names []string
				for _, p := range sug {
					names = append(names, p.Name)
				}
				msg += ". Did you mean " + strings.Join(names, " or ") + "?"
			}
			pr = &problem{Field: pinField, Message: msg}
		}
	case r.Postcode != "":
		place, found = places.Lookup(r.Postcode)
	case r.City != "":
		place, found = places.Lookup(r.City)
	}
	if found {
		lat, lon := place.Lat, place.Lon
		loc.Latitude, loc.Longitude = &lat, &lon
	}
	return pr
}

func (f listingForm) applyOnline(svc *directory.Service) {
	sal := firstLocation(svc, directory.LocationVirtual)
	switch {
	case f.OnlineURL == "" && sal != nil:
		svc.ServiceAtLocations = slices.DeleteFunc(svc.ServiceAtLocations, func(s directory.ServiceAtLocation) bool { return s.ID == sal.ID })
	case f.OnlineURL == "":
	case sal != nil:
		loc := *sal.Location
		loc.URL = f.OnlineURL
		sal.Location = &loc
	default:
		loc := &directory.Location{ID: uuid.NewString(), LocationType: directory.LocationVirtual, Name: "Online", URL: f.OnlineURL}
		svc.ServiceAtLocations = append(svc.ServiceAtLocations, directory.ServiceAtLocation{
			ID: uuid.NewString(), ServiceID: svc.ID, LocationID: loc.ID, Location: loc,
		})
	}
}

// applyCosts makes the cost options the form's rows. An empty amount is
// free: a row with a label but no amount keeps the label ("first session
// free") with no amount.
func (f listingForm) applyCosts(svc *directory.Service) {
	old := svc.CostOptions
	svc.CostOptions = nil
	for _, row := range f.Costs {
		if row.empty() {
			continue
		}
		c := directory.CostOption{ID: uuid.NewString(), ServiceID: svc.ID, Currency: "GBP"}
		if i := slices.IndexFunc(old, func(o directory.CostOption) bool { return o.ID == row.ID && row.ID != "" }); i >= 0 {
			c = old[i]
		}
		var ignore problemList
		amount := checkPrice(&ignore, "", "", row.Amount)
		if amount != nil && *amount == 0 {
			amount = nil
		}
		// Free stays as the publisher wrote it: an explicit 0 is kept.
		if amount != nil || c.Amount == nil || *c.Amount != 0 {
			c.Amount = amount
		}
		c.Option = row.Option
		if c.Option == "" && c.Amount != nil {
			c.Option = "Per session"
		}
		svc.CostOptions = append(svc.CostOptions, c)
	}
}

func (f listingForm) applyAges(svc *directory.Service) {
	var ignore problemList
	svc.MinimumAge = checkAge(&ignore, "", "", f.MinAge)
	svc.MaximumAge = checkAge(&ignore, "", "", f.MaxAge)
}

// applyLanguages sets the named languages; languages given by code alone
// are not in the form and are kept.
func (f listingForm) applyLanguages(svc *directory.Service) {
	var langs []directory.Language
	for _, l := range svc.Languages {
		if l.Name == "" {
			langs = append(langs, l)
		}
	}
	for _, name := range strings.Split(f.Languages, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		i := slices.IndexFunc(svc.Languages, func(l directory.Language) bool { return strings.EqualFold(l.Name, name) })
		if i >= 0 {
			langs = append(langs, svc.Languages[i])
		} else {
			langs = append(langs, directory.Language{ID: uuid.NewString(), ServiceID: svc.ID, Name: name})
		}
	}
	svc.Languages = langs
}

func (f listingForm) applyPhones(svc *directory.Service) {
	old := svc.Phones
	svc.Phones = nil
	for _, row := range f.Phones {
		if row.Number == "" {
			continue
		}
		p := directory.Phone{ID: uuid.NewString(), ServiceID: svc.ID}
		if i := slices.IndexFunc(old, func(o directory.Phone) bool { return o.ID == row.ID && row.ID != "" }); i >= 0 {
			p = old[i]
		}
		p.Number = row.Number
		svc.Phones = append(svc.Phones, p)
	}
}

// formField maps a validation problem's HSDS path to the id of the form
// control that sets it, so the error summary links to the right place.
// The form writes schedules, physical places, cost options and phones in
// the order of its rows, so an index in the path is the row's.
func formField(path string) string {
	row := func(prefix string) (int, bool) {
		rest, ok := strings.CutPrefix(path, prefix+"[")
		if !ok {
			return 0, false
		}
		n, err := strconv.Atoi(rest[:max(0, strings.IndexByte(rest, ']'))])
		return n, err == nil
	}
	if i, ok := row("schedules"); ok {
		switch {
		case strings.Contains(path, "opens_at"):
			return fmt.Sprintf("schedule-%d-opens", i)
		case strings.Contains(path, "closes_at"):
			return fmt.Sprintf("schedule-%d-closes", i)
		}
		return fmt.Sprintf("schedule-%d-day-MO", i)
	}
	if i, ok := row("phones"); ok {
		return fmt.Sprintf("phone-%d-number", i)
	}
	if i, ok := row("cost_options"); ok {
		return fmt.Sprintf("cost-%d-amount", i)
	}
	if i, ok := row("service_at_locations"); ok {
		if strings.Contains(path, "url") {
			return "online-url"
		}
		if strings.Contains(path, "postal_code") {
			return fmt.Sprintf("place-%d-postcode", i)
		}
		return fmt.Sprintf("place-%d-address1", i)
	}
	prefixes := []struct{ prefix, field string }{
		{"name", "name"}, {"description", "description"}, {"status", "status"},
		{"email", "email"}, {"url", "website"}, {"minimum_age", "min-age"}, {"maximum_age", "max-age"},
		{"fees_description", "cost-details"}, {"application_process", "how-to-join"},
		{"eligibility_description", "eligibility"}, {"languages", "languages"},
	}
	for _, p := range prefixes {
		if strings.HasPrefix(path, p.prefix) {
			return p.field
		}
	}
	return "name"
}

// fieldOrder is the place of a control in the page, for listing problems
// in the order a person meets the fields (GOV.UK's error summary does).
func fieldOrder(field string) [3]int {
	sections := []string{"org", "name", "description", "status", "activity", "need", "interest",
		"schedule", "place", "online-url", "delivery", "cost", "cost-details", "min-age", "max-age",
		"eligibility", "languages", "how-to-join", "phone", "email", "website"}
	within := []string{"day", "frequency", "opens", "closes", "note", "name", "address1", "address2",
		"city", "postcode", "pin", "transport", "access", "feature", "amount", "option", "number"}
	group, rest, _ := strings.Cut(field, "-")
	out := [3]int{len(sections), 0, 0}
	if i := slices.Index(sections, field); i >= 0 {
		return [3]int{i, 0, 0}
	}
	if i := slices.Index(sections, group); i >= 0 {
		out[0] = i
	}
	n, part, _ := strings.Cut(rest, "-")
	if k, err := strconv.Atoi(n); err == nil {
		out[1] = k
		if j := slices.Index(within, strings.SplitN(part, "-", 2)[0]); j >= 0 {
			out[2] = j
		}
	}
	return out
}

// inPageOrder sorts problems as the page shows the fields and keeps one
// problem per field, the first.
func inPageOrder(ps problemList) problemList {
	seen := map[string]bool{}
	var out problemList
	for _, p := range ps {
		if !seen[p.Field] {
			seen[p.Field] = true
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b problem) int {
		oa, ob := fieldOrder(a.Field), fieldOrder(b.Field)
		for i := range oa {
			if oa[i] != ob[i] {
				return oa[i] - ob[i]
			}
		}
		return 0
	})
	return out
}
