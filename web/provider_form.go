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
// plain words rather than HSDS structure. It edits the first schedule, the
// first physical and first online location, the first cost option and the
// first phone of a listing; anything else a publisher imported is kept as
// it was.
type listingForm struct {
	Name        string
	Description string
	Status      string

	Activities []string
	Needs      []string
	Interests  []string

	// The schedule: days of the week, how often, and times.
	Days         []string
	Frequency    string
	Opens        string
	Closes       string
	ScheduleNote string

	// Where: a physical place with an address and a pin, and an online link.
	PlaceName string
	Address1  string
	Address2  string
	City      string
	Postcode  string
	// Pin is a place name, postcode or "lat, lon" looked up in the
	// gazetteer; empty means "from the postcode".
	Pin       string
	Transport string
	Access    string
	OnlineURL string

	Amount      string
	CostDetails string
	MinAge      string
	MaxAge      string
	Delivery    []string
	Languages   string

	Phone       string
	Email       string
	Website     string
	HowToJoin   string
	Eligibility string
}

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

// maxListingBody bounds an edit post: a long description and the rest.
const maxListingBody = 128 << 10

func readListingForm(v url.Values) listingForm {
	line := func(k string) string { return clean(v.Get(k), 300) }
	text := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	return listingForm{
		Name: line("name"), Description: text("description"), Status: line("status"),
		Activities: codes(v["activity"]), Needs: codes(v["need"]), Interests: codes(v["interest"]),
		Days: dayCodes(v["day"]), Frequency: line("frequency"), Opens: line("opens"), Closes: line("closes"),
		ScheduleNote: text("schedule-note"),
		PlaceName:    line("place-name"), Address1: line("address1"), Address2: line("address2"),
		City: line("city"), Postcode: strings.ToUpper(line("postcode")), Pin: line("pin"),
		Transport: text("transport"), Access: text("access"), OnlineURL: line("online-url"),
		Amount: line("amount"), CostDetails: text("cost-details"), MinAge: line("min-age"), MaxAge: line("max-age"),
		Delivery: codes(v["delivery"]), Languages: line("languages"),
		Phone: line("phone"), Email: line("email"), Website: line("website"),
		HowToJoin: text("how-to-join"), Eligibility: text("eligibility"),
	}
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

// listingFormOf fills the form from a listing.
func listingFormOf(svc *directory.Service) listingForm {
	f := listingForm{
		Name: svc.Name, Description: svc.Description, Status: string(svc.Status),
		Activities: svc.TermCodes(directory.TaxonomyActivities),
		Needs:      svc.TermCodes(directory.TaxonomyNeeds),
		Interests:  svc.TermCodes(directory.TaxonomyInterests),
		Email:      svc.Email, Website: svc.URL, HowToJoin: svc.ApplicationProcess,
		Eligibility: svc.EligibilityDescription, CostDetails: svc.FeesDescription,
		Frequency: "weekly",
	}
	if f.Status == "" {
		f.Status = string(directory.StatusActive)
	}
	for _, d := range svc.Delivery {
		f.Delivery = append(f.Delivery, string(d))
	}
	if len(svc.Schedules) > 0 {
		sc := svc.Schedules[0]
		f.Days = directory.ParseByDay(sc.ByDay)
		f.Opens, f.Closes, f.ScheduleNote = hhmm(sc.OpensAt), hhmm(sc.ClosesAt), sc.Description
		switch {
		case strings.EqualFold(sc.Freq, "MONTHLY"):
			first, _, _ := strings.Cut(sc.ByDay, ",")
			if len(first) > 2 {
				f.Frequency = strings.TrimPrefix(first[:len(first)-2], "+")
			}
		case sc.Interval != nil && *sc.Interval == 2:
			f.Frequency = "fortnightly"
		}
	}
	if sal := firstLocation(svc, directory.LocationPhysical); sal != nil {
		l := sal.Location
		f.PlaceName, f.Transport = l.Name, l.Transportation
		if len(l.Addresses) > 0 {
			a := l.Addresses[0]
			f.Address1, f.Address2, f.City, f.Postcode = a.Address1, a.Address2, a.City, a.PostalCode
		}
		if l.Latitude != nil && l.Longitude != nil {
			f.Pin = strconv.FormatFloat(*l.Latitude, 'f', -1, 64) + ", " + strconv.FormatFloat(*l.Longitude, 'f', -1, 64)
		}
		if len(l.Accessibility) > 0 {
			f.Access = l.Accessibility[0].Description
		}
	}
	if sal := firstLocation(svc, directory.LocationVirtual); sal != nil {
		f.OnlineURL = sal.Location.URL
	}
	if len(svc.CostOptions) > 0 && svc.CostOptions[0].Amount != nil && *svc.CostOptions[0].Amount > 0 {
		f.Amount = strconv.FormatFloat(*svc.CostOptions[0].Amount, 'f', -1, 64)
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
	if len(svc.Phones) > 0 {
		f.Phone = svc.Phones[0].Number
	}
	return f
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

// apply writes the form onto svc (a copy of the listing being edited). It
// returns the problems only the form can see (a number that is not a
// number, a pin the gazetteer does not know); the domain's own rules are
// checked afterwards by Service.Validate.
func (f listingForm) apply(svc *directory.Service, places Places) problemList {
	var problems problemList
	svc.Name, svc.Description, svc.Status = f.Name, f.Description, directory.ServiceStatus(f.Status)
	svc.Email, svc.URL = f.Email, f.Website
	svc.ApplicationProcess, svc.EligibilityDescription, svc.FeesDescription = f.HowToJoin, f.Eligibility, f.CostDetails
	if !slices.ContainsFunc(statuses, func(o option) bool { return o.Value == f.Status }) {
		problems = append(problems, problem{Field: "status", Message: "Choose whether it is running"})
	}

	// Signpost's terms become the ticked ones: those still ticked keep
	// their place, so an unchanged form changes nothing; newly ticked ones
	// follow. Terms of other taxonomies, which the form does not show, are
	// kept.
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
		case !ok:
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

	svc.Delivery = nil
	for _, d := range f.Delivery {
		if mode := directory.Delivery(d); mode.Valid() {
			svc.Delivery = append(svc.Delivery, mode)
		}
	}

	problems = append(problems, f.applySchedule(svc)...)
	problems = append(problems, f.applyPlace(svc, places)...)
	f.applyOnline(svc)

	amount, ok := optionalNumber(f.Amount)
	switch {
	case !ok:
		problems = append(problems, problem{Field: "amount", Message: "Cost must be a number of pounds, such as 3 or 2.50"})
	case amount == nil || *amount == 0:
		// Free: an amount on the first option goes; the option itself and
		// its wording stay ("first session free").
		if len(svc.CostOptions) > 0 && svc.CostOptions[0].Amount != nil && *svc.CostOptions[0].Amount > 0 {
			svc.CostOptions[0].Amount = nil
		}
	case len(svc.CostOptions) > 0:
		svc.CostOptions[0].Amount = amount
	default:
		svc.CostOptions = []directory.CostOption{{ID: uuid.NewString(), ServiceID: svc.ID, Option: "Per session", Currency: "GBP", Amount: amount}}
	}
	var okMin, okMax bool
	svc.MinimumAge, okMin = optionalNumber(f.MinAge)
	svc.MaximumAge, okMax = optionalNumber(f.MaxAge)
	if !okMin {
		problems = append(problems, problem{Field: "min-age", Message: "Youngest age must be a number"})
	}
	if !okMax {
		problems = append(problems, problem{Field: "max-age", Message: "Oldest age must be a number"})
	}

	// Languages given by code alone are not in the form; they are kept.
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

	switch {
	case f.Phone == "" && len(svc.Phones) > 0:
		svc.Phones = svc.Phones[1:]
	case f.Phone == "":
	case len(svc.Phones) > 0:
		svc.Phones[0].Number = f.Phone
	default:
		svc.Phones = []directory.Phone{{ID: uuid.NewString(), ServiceID: svc.ID, Number: f.Phone}}
	}
	return problems
}

func (f listingForm) applySchedule(svc *directory.Service) problemList {
	if len(f.Days) == 0 && f.Opens == "" && f.Closes == "" && f.ScheduleNote == "" {
		if len(svc.Schedules) > 0 {
			svc.Schedules = svc.Schedules[1:]
		}
		return nil
	}
	if len(svc.Schedules) == 0 {
		svc.Schedules = []directory.Schedule{{ID: uuid.NewString(), ServiceID: svc.ID}}
	}
	sc := &svc.Schedules[0]
	sc.OpensAt, sc.ClosesAt, sc.Description = f.Opens, f.Closes, f.ScheduleNote
	sc.Interval = nil
	var problems problemList
	switch f.Frequency {
	case "", "weekly":
		sc.Freq, sc.ByDay = "WEEKLY", strings.Join(f.Days, ",")
	case "fortnightly":
		two := 2.0
		sc.Freq, sc.ByDay, sc.Interval = "WEEKLY", strings.Join(f.Days, ","), &two
	case "1", "2", "3", "4", "-1":
		var parts []string
		for _, d := range f.Days {
			parts = append(parts, f.Frequency+d)
		}
		sc.Freq, sc.ByDay = "MONTHLY", strings.Join(parts, ",")
	default:
		problems = append(problems, problem{Field: "frequency", Message: "Choose how often it runs"})
	}
	if len(f.Days) == 0 {
		sc.Freq = ""
	}
	if f.Opens != "" && f.Closes != "" && f.Closes <= f.Opens {
		problems = append(problems, problem{Field: "closes", Message: "The finishing time must be after the starting time"})
	}
	return problems
}

// applyPlace edits the first physical location, creating it when the form
// names a place and removing it when every place field is cleared. The pin
// comes from the gazetteer: the Pin field when given, else the postcode,
// else the town.
func (f listingForm) applyPlace(svc *directory.Service, places Places) problemList {
	sal := firstLocation(svc, directory.LocationPhysical)
	empty := f.PlaceName == "" && f.Address1 == "" && f.City == "" && f.Postcode == "" && f.Pin == ""
	if empty {
		if sal != nil {
			svc.ServiceAtLocations = slices.DeleteFunc(svc.ServiceAtLocations, func(s directory.ServiceAtLocation) bool { return s.ID == sal.ID })
		}
		return nil
	}
	if sal == nil {
		loc := &directory.Location{ID: uuid.NewString(), LocationType: directory.LocationPhysical}
		svc.ServiceAtLocations = append(svc.ServiceAtLocations, directory.ServiceAtLocation{
			ID: uuid.NewString(), ServiceID: svc.ID, LocationID: loc.ID, Location: loc,
		})
		sal = &svc.ServiceAtLocations[len(svc.ServiceAtLocations)-1]
	}
	// Copy the location so the edit never writes through to the listing
	// the form was filled from.
	loc := *sal.Location
	sal.Location = &loc
	loc.Name, loc.Transportation = f.PlaceName, f.Transport
	hasAddress := f.Address1 != "" || f.Address2 != "" || f.City != "" || f.Postcode != ""
	switch {
	case len(loc.Addresses) > 0:
		addr := loc.Addresses[0]
		addr.Address1, addr.Address2, addr.City, addr.PostalCode = f.Address1, f.Address2, f.City, f.Postcode
		loc.Addresses = append([]directory.Address{addr}, loc.Addresses[1:]...)
	case hasAddress:
		loc.Addresses = []directory.Address{{
			ID: uuid.NewString(), LocationID: loc.ID, AddressType: directory.LocationPhysical, Country: "GB",
			Address1: f.Address1, Address2: f.Address2, City: f.City, PostalCode: f.Postcode,
		}}
	}
	switch {
	case f.Access == "" && len(loc.Accessibility) > 0:
		loc.Accessibility = loc.Accessibility[1:]
	case f.Access == "":
	case len(loc.Accessibility) > 0:
		first := loc.Accessibility[0]
		first.Description = f.Access
		loc.Accessibility = append([]directory.Accessibility{first}, loc.Accessibility[1:]...)
	default:
		loc.Accessibility = []directory.Accessibility{{ID: uuid.NewString(), LocationID: loc.ID, Description: f.Access}}
	}

	loc.Latitude, loc.Longitude = nil, nil
	var problems problemList
	var place directory.Place
	var found bool
	switch {
	case f.Pin != "":
		if place, found = places.Lookup(f.Pin); !found {
			msg := fmt.Sprintf("We do not know the place %q. Give a town, a postcode district or the position as latitude, longitude (such as 53.41, -2.99)", f.Pin)
			if sug := places.Suggest(f.Pin, 3); len(sug) > 0 {
				var names []string
				for _, p := range sug {
					names = append(names, p.Name)
				}
				msg += ". Did you mean " + strings.Join(names, " or ") + "?"
			}
			problems = append(problems, problem{Field: "pin", Message: msg})
		}
	case f.Postcode != "":
		place, found = places.Lookup(f.Postcode)
	case f.City != "":
		place, found = places.Lookup(f.City)
	}
	if found {
		lat, lon := place.Lat, place.Lon
		loc.Latitude, loc.Longitude = &lat, &lon
	}
	return problems
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

// optionalNumber reads a number a person typed ("3", "2.50", "£3"); empty
// is nil. ok is false when it is not a non-negative number.
func optionalNumber(v string) (n *float64, ok bool) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "£")
	if v == "" {
		return nil, true
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || x < 0 || x != x {
		return nil, false
	}
	return &x, true
}

// formField maps a validation problem's HSDS path to the id of the form
// control that sets it, so the error summary links to the right place.
func formField(path string) string {
	prefixes := []struct{ prefix, field string }{
		{"name", "name"}, {"description", "description"}, {"status", "status"},
		{"email", "email"}, {"url", "website"}, {"minimum_age", "min-age"}, {"maximum_age", "max-age"},
		{"schedules[0].opens_at", "opens"}, {"schedules[0].closes_at", "closes"}, {"schedules", "day-MO"},
		{"phones", "phone"}, {"cost_options", "amount"}, {"fees_description", "cost-details"},
		{"application_process", "how-to-join"}, {"eligibility_description", "eligibility"},
		{"languages", "languages"},
	}
	for _, p := range prefixes {
		if strings.HasPrefix(path, p.prefix) {
			return p.field
		}
	}
	if strings.HasPrefix(path, "service_at_locations") {
		if strings.Contains(path, "url") {
			return "online-url"
		}
		return "address1"
	}
	return "name"
}
