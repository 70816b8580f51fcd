// Package synth makes plausible, deterministic HSDS services for benchmarks,
// load tests and demos: activities spread over the Liverpool City Region,
// written from word lists so that text search sees realistic term
// statistics, tagged with Signpost's needs, interests and activity types.
//
// The same n and seed always give byte-identical output. Service i depends
// only on the seed, i and the number of organisations (n/20), and each is
// made as it is asked for, so any n streams in constant memory. Nothing
// here is real: phone numbers are in Ofcom's drama range (0151 496 0xxx)
// and e-mail and web addresses are at example.org.
package synth

import (
	"encoding/binary"
	"fmt"
	"io"
	"iter"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"signpost/directory"
	"signpost/directory/hsds"
)

// The bounding box every physical location falls in.
const (
	MinLat, MaxLat = 53.30, 53.65
	MinLon, MaxLon = -3.15, -2.65
)

// AssuredWindowEnd is the end of the three years over which assured dates
// are spread. It is fixed, not today, so that output never changes.
var AssuredWindowEnd = time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)

const assuredWindowDays = 3 * 365

// ServicesPerOrganization is roughly how many services each organisation
// runs.
const ServicesPerOrganization = 20

// Services yields n synthetic services made from seed.
func Services(n int, seed int64) iter.Seq[*directory.Service] {
	return func(yield func(*directory.Service) bool) {
		g := newGenerator(n, seed)
		for i := range n {
			if !yield(g.service(i)) {
				return
			}
		}
	}
}

// WriteNDJSON writes n synthetic services made from seed as NDJSON, one
// service per line.
func WriteNDJSON(w io.Writer, n int, seed int64) error {
	out, err := hsds.NewWriter(w, hsds.FormatNDJSON)
	if err != nil {
		return err
	}
	for s := range Services(n, seed) {
		if err := out.Write(s); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}

// generator holds what is shared while making one batch: the seed, the
// number of organisations, and one random source reseeded per object so
// that each service and organisation has its own reproducible stream.
type generator struct {
	seed    uint64
	orgs    int
	pcg     *rand.PCG
	r       *rand.Rand
	orgPCG  *rand.PCG
	orgRand *rand.Rand
	// termAttrs holds directory.TermAttribute's output for each term, so
	// that only the per-service id is derived per service: the three other
	// SHA-1 derivations it does cost a fifth of the generation time.
	termAttrs map[string]directory.Attribute
}

// orgStream keeps organisations' random streams apart from services'.
const orgStream = 0x9E3779B97F4A7C15

func newGenerator(n int, seed int64) *generator {
	g := &generator{seed: uint64(seed), orgs: max(1, n/ServicesPerOrganization)}
	g.pcg = rand.NewPCG(0, 0)
	g.r = rand.New(g.pcg)
	g.orgPCG = rand.NewPCG(0, 0)
	g.orgRand = rand.New(g.orgPCG)
	g.termAttrs = map[string]directory.Attribute{}
	for _, terms := range directory.Vocabularies {
		for _, t := range terms {
			g.termAttrs[t.Taxonomy+"/"+t.Code] = directory.TermAttribute("", t)
		}
	}
	return g
}

// newID draws a version 4 UUID from r, so ids are as reproducible as the
// rest of the record.
func newID(r *rand.Rand) string {
	var u uuid.UUID
	binary.BigEndian.PutUint64(u[:8], r.Uint64())
	binary.BigEndian.PutUint64(u[8:], r.Uint64())
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u.String()
}

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// pickTerms draws k distinct terms.
func pickTerms(r *rand.Rand, terms []directory.Term, k int) []directory.Term {
	idx := r.Perm(len(terms))[:k]
	out := make([]directory.Term, k)
	for i, j := range idx {
		out[i] = terms[j]
	}
	return out
}

func (g *generator) service(i int) *directory.Service {
	g.pcg.Seed(g.seed, uint64(i))
	r := g.r

	s := &directory.Service{ID: newID(r), Status: directory.StatusActive}
	switch p := r.IntN(100); {
	case p < 2:
		s.Status = directory.StatusTemporarilyClosed
	case p < 3:
		s.Status = directory.StatusInactive
	}

	org := g.organization(r.IntN(g.orgs))
	s.OrganizationID = org.org.ID
	s.Organization = &org.org
	pl := org.home
	if r.IntN(100) >= 60 {
		pl = pick(r, places)
	}

	activity := pick(r, directory.Activities)
	needs := pickTerms(r, directory.Needs, 1+r.IntN(3))
	interests := pickTerms(r, directory.Interests, 1+r.IntN(3))
	for _, t := range append(append([]directory.Term{activity}, needs...), interests...) {
		s.Attributes = append(s.Attributes, g.termAttribute(s.ID, t))
	}

	s.Name = serviceName(r, pl, activity, needs[0], interests[0])
	venue := pl.name + " " + pick(r, venues)
	if pl.council == "Liverpool" && pl.name == "Liverpool city centre" {
		venue = "Central " + pick(r, venues)
	}
	s.Description = description(r, pl, venue, activity, needs, interests)
	slug := slugify(s.Name)
	s.URL = "https://example.org/" + org.slug + "/" + slug
	s.Email = slug + "@example.org"
	s.Phones = []directory.Phone{{ID: newID(r), Number: phoneNumber(r), Type: "voice"}}
	s.Languages = []directory.Language{{ID: newID(r), Name: "English", Code: "en"}}
	if r.IntN(10) == 0 {
		l := pick(r, languageChoices)
		s.Languages = append(s.Languages, directory.Language{ID: newID(r), Name: l.name, Code: l.code})
	}

	g.ages(r, s)
	g.costs(r, s)
	g.delivery(r, s, pl, venue, activity)
	s.Schedules = schedules(r, activity)
	s.Capacity = capacity(r)

	assured := AssuredWindowEnd.AddDate(0, 0, -1-r.IntN(assuredWindowDays))
	s.AssuredDate = assured.Format("2006-01-02")
	s.AssurerEmail = "listings@example.org"
	modified := assured.Add(time.Duration(r.IntN(60*24*3600)) * time.Second)
	if modified.After(AssuredWindowEnd) {
		modified = AssuredWindowEnd
	}
	s.LastModified = modified.Format(time.RFC3339)
	return s
}

// talkingActivity reports whether an activity is help by talking, named
// and described by the need it meets rather than by an interest.
func talkingActivity(t directory.Term) bool {
	switch t.Code {
	case "advice", "counselling", "helpline", "peer-support", "befriending":
		return true
	}
	return false
}

// termAttribute is directory.TermAttribute(serviceID, t), from the
// template made for t.
func (g *generator) termAttribute(serviceID string, t directory.Term) directory.Attribute {
	a := g.termAttrs[t.Taxonomy+"/"+t.Code]
	term := *a.TaxonomyTerm // each service gets its own copy to change
	a.TaxonomyTerm = &term
	a.LinkID = serviceID
	a.ID = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://signpost.invalid/attribute/"+serviceID+"/"+term.ID)).String()
	return a
}

func serviceName(r *rand.Rand, pl place, activity, need, interest directory.Term) string {
	topic := pick(r, interestWords[interest.Code])
	if talkingActivity(activity) {
		topic = pick(r, needWords[need.Code])
	}
	name := topic + " " + pick(r, activityWords[activity.Code])
	switch p := r.IntN(10); {
	case p < 5:
		town := pl.name
		if town == "Liverpool city centre" {
			town = "Liverpool"
		}
		name = town + " " + name
	case p < 6:
		name = pick(r, []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}) + " " + name
	}
	return name
}

// description writes 40 to 120 words: the kind of activity, what it does
// for each of its interests and needs, then general sentences in a random
// order until a drawn length is reached.
func description(r *rand.Rand, pl place, venue string, activity directory.Term, needs, interests []directory.Term) string {
	const minWords, maxWords = 40, 120
	target := minWords + r.IntN(maxWords-minWords+1)
	var b strings.Builder
	words := 0
	add := func(tmpl string) bool {
		sentence := expand(r, tmpl, pl, venue)
		n := strings.Count(sentence, " ") + 1
		if words+n > maxWords {
			return false
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(sentence)
		words += n
		return true
	}
	add(pick(r, activitySentences[activity.Code]))
	// A helpline's or adviser's text is about the help, not the hobby.
	if !talkingActivity(activity) {
		for _, t := range interests {
			add(pick(r, interestSentences[t.Code]))
		}
	}
	for _, t := range needs {
		add(pick(r, needSentences[t.Code]))
	}
	for _, j := range r.Perm(len(generalSentences)) {
		if words >= target && words >= minWords {
			break
		}
		add(generalSentences[j])
	}
	return b.String()
}

// expand fills {slot}s: {place} and {venue} from the service, the others
// with a synonym.
func expand(r *rand.Rand, tmpl string, pl place, venue string) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		end := strings.IndexByte(tmpl[open:], '}')
		if end < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:open])
		switch name := tmpl[open+1 : open+end]; name {
		case "place":
			b.WriteString(pl.name)
		case "venue":
			b.WriteString(venue)
		default:
			b.WriteString(pick(r, slots[name]))
		}
		tmpl = tmpl[open+end+1:]
	}
}

// slugify makes a lower-case ASCII slug for addresses and e-mail.
func slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(name) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// phoneNumber draws from 0151 496 0000–0999, which Ofcom keeps for drama
// and which reaches nobody.
func phoneNumber(r *rand.Rand) string {
	return fmt.Sprintf("0151 496 0%03d", r.IntN(1000))
}

func (g *generator) ages(r *rand.Rand, s *directory.Service) {
	num := func(v float64) *float64 { return &v }
	switch p := r.IntN(100); {
	case p < 60:
		s.MinimumAge = num(18)
		s.EligibilityDescription = "Adults aged 18 and over."
	case p < 72:
		s.MinimumAge = num(16)
		s.EligibilityDescription = "Anyone aged 16 or over."
	case p < 84:
		age := pick(r, []float64{50, 55, 60, 65})
		s.MinimumAge = num(age)
		s.EligibilityDescription = "For people aged " + strconv.Itoa(int(age)) + " and over."
	case p < 90:
		s.MinimumAge, s.MaximumAge = num(11), num(pick(r, []float64{18, 19, 25}))
		s.EligibilityDescription = "For young people aged " + strconv.Itoa(11) + " to " + strconv.Itoa(int(*s.MaximumAge)) + "."
	default:
		s.EligibilityDescription = "Open to all ages; children must come with an adult."
	}
}

// costs makes 70% of services free: half say so with a zero-amount cost
// option, half list no cost at all, as publishers do.
func (g *generator) costs(r *rand.Rand, s *directory.Service) {
	if r.IntN(100) < 70 {
		if r.IntN(2) == 0 {
			zero := 0.0
			s.CostOptions = []directory.CostOption{{ID: newID(r), Option: "Free", Currency: "GBP", Amount: &zero}}
		}
		s.FeesDescription = "Free."
		return
	}
	amount := pick(r, []float64{1, 2, 2.5, 3, 4, 5, 6, 8, 10, 12})
	s.CostOptions = []directory.CostOption{{ID: newID(r), Option: "Per session", Currency: "GBP", Amount: &amount,
		AmountDescription: "£" + strconv.FormatFloat(amount, 'f', -1, 64) + " per session"}}
	s.FeesDescription = "£" + strconv.FormatFloat(amount, 'f', 2, 64) + " per session; ask about concessions."
}

// delivery decides how people take part: about 15% online only (a virtual
// location), helplines by phone, the rest in person at a physical location,
// some of those also online or by phone.
func (g *generator) delivery(r *rand.Rand, s *directory.Service, pl place, venue string, activity directory.Term) {
	online := directory.Location{ID: newID(r), LocationType: directory.LocationVirtual, Name: "Online",
		URL: "https://example.org/join/" + slugify(s.Name)}
	switch {
	case r.IntN(100) < 15:
		s.Delivery = []directory.Delivery{directory.DeliveryOnline}
		s.ServiceAtLocations = []directory.ServiceAtLocation{{ID: newID(r), Location: &online}}
		return
	case activity.Code == "helpline":
		s.Delivery = []directory.Delivery{directory.DeliveryPhone}
		return
	}
	s.Delivery = []directory.Delivery{directory.DeliveryInPerson}
	s.ServiceAtLocations = []directory.ServiceAtLocation{{ID: newID(r), Location: physicalLocation(r, pl, venue)}}
	// The access features follow from the notes, with no draw of their own,
	// so the rest of the record is as it was before they existed.
	s.ServiceAtLocations[0].SetAccess(directory.AccessFromText(accessText(s.ServiceAtLocations[0].Location)))
	if r.IntN(10) == 0 {
		s.Delivery = append(s.Delivery, directory.DeliveryOnline)
		s.ServiceAtLocations = append(s.ServiceAtLocations, directory.ServiceAtLocation{ID: newID(r), Location: &online})
	}
	if r.IntN(5) == 0 {
		s.Delivery = append(s.Delivery, directory.DeliveryPhone)
	}
}

func physicalLocation(r *rand.Rand, pl place, venue string) *directory.Location {
	lat := clamp(round5(pl.lat+(r.Float64()-0.5)*0.04), MinLat, MaxLat)
	lon := clamp(round5(pl.lon+(r.Float64()-0.5)*0.06), MinLon, MaxLon)
	city, region := pl.name, "Merseyside"
	if pl.council == "Liverpool" {
		city = "Liverpool"
	}
	if pl.council == "Halton" {
		region = "Cheshire"
	}
	l := &directory.Location{ID: newID(r), LocationType: directory.LocationPhysical, Name: venue,
		Latitude: &lat, Longitude: &lon,
		Addresses: []directory.Address{{ID: newID(r),
			Address1:      strconv.Itoa(1+r.IntN(240)) + " " + pick(r, streets),
			City:          city,
			StateProvince: region,
			PostalCode:    postcode(r, pl),
			Country:       "GB",
			AddressType:   directory.LocationPhysical,
		}},
	}
	if pl.council == "Liverpool" && pl.name != "Liverpool city centre" {
		l.Addresses[0].Address2 = pl.name
	}
	for _, j := range r.Perm(len(accessibilityChoices))[:r.IntN(4)] {
		l.Accessibility = append(l.Accessibility, directory.Accessibility{ID: newID(r), Description: accessibilityChoices[j]})
	}
	return l
}

// accessText is a location's accessibility notes and directions, as one
// text.
func accessText(l *directory.Location) string {
	var b strings.Builder
	for _, a := range l.Accessibility {
		b.WriteString(a.Description + " ")
	}
	b.WriteString(l.Transportation)
	return b.String()
}

func round5(v float64) float64 { return math.Round(v*1e5) / 1e5 }

func clamp(v, lo, hi float64) float64 { return math.Min(math.Max(v, lo), hi) }

// postcode makes a postcode of the place's district; the inward part uses
// only the letters real postcodes use.
func postcode(r *rand.Rand, pl place) string {
	const letters = "ABDEFGHJLNPQRSTUWXYZ"
	return pl.postcode + " " + strconv.Itoa(r.IntN(10)) + string(letters[r.IntN(len(letters))]) + string(letters[r.IntN(len(letters))])
}

var dayNames = map[string]string{"MO": "Mondays", "TU": "Tuesdays", "WE": "Wednesdays", "TH": "Thursdays", "FR": "Fridays", "SA": "Saturdays", "SU": "Sundays"}

var weekdayCodes = []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}

// schedules gives a helpline weekday office hours, and anything else one
// or two sessions a week (or one a month) of one to three hours.
func schedules(r *rand.Rand, activity directory.Term) []directory.Schedule {
	one := func() directory.Schedule {
		return directory.Schedule{ID: newID(r), Freq: "WEEKLY", WKST: "MO", Interval: ptr(1)}
	}
	if activity.Code == "helpline" {
		s := one()
		s.ByDay, s.OpensAt, s.ClosesAt = "MO,TU,WE,TH,FR", "09:00", "17:00"
		s.Description = "Monday to Friday, 09:00 to 17:00"
		return []directory.Schedule{s}
	}
	if r.IntN(10) == 0 {
		s := one()
		s.Freq, s.Interval = "MONTHLY", nil
		day := pick(r, weekdayCodes[:6])
		s.ByDay = "1" + day
		s.OpensAt, s.ClosesAt = sessionTimes(r)
		s.Description = "First " + strings.TrimSuffix(dayNames[day], "s") + " of the month, " + s.OpensAt + " to " + s.ClosesAt
		return []directory.Schedule{s}
	}
	var out []directory.Schedule
	for range 1 + r.IntN(2) {
		s := one()
		var days []string
		var names []string
		for _, j := range sortedPick(r, 7, 1+r.IntN(3)) {
			days = append(days, weekdayCodes[j])
			names = append(names, dayNames[weekdayCodes[j]])
		}
		s.ByDay = strings.Join(days, ",")
		s.OpensAt, s.ClosesAt = sessionTimes(r)
		s.Description = strings.Join(names, " and ") + ", " + s.OpensAt + " to " + s.ClosesAt
		out = append(out, s)
	}
	return out
}

// sortedPick draws k distinct indexes below n, in increasing order.
func sortedPick(r *rand.Rand, n, k int) []int {
	chosen := make([]bool, n)
	for _, j := range r.Perm(n)[:k] {
		chosen[j] = true
	}
	var out []int
	for j, c := range chosen {
		if c {
			out = append(out, j)
		}
	}
	return out
}

func sessionTimes(r *rand.Rand) (string, string) {
	start := 9 + r.IntN(11) // 09:00 to 19:30
	half := r.IntN(2) * 30
	length := 60 + 30*r.IntN(5)
	end := start*60 + half + length
	return fmt.Sprintf("%02d:%02d", start, half), fmt.Sprintf("%02d:%02d", end/60, end%60)
}

func ptr(v float64) *float64 { return &v }

func capacity(r *rand.Rand) directory.Capacity {
	switch p := r.IntN(100); {
	case p < 72:
		return directory.CapacityAccepting
	case p < 84:
		return directory.CapacityWaitingList
	case p < 92:
		return directory.CapacityFull
	}
	return directory.CapacityPaused
}

// synthOrg is an organisation with what its services borrow from it.
type synthOrg struct {
	org  directory.Organization
	home place
	slug string
}

// organization makes organisation k from its own random stream, so it is
// the same whichever service asks for it and nothing need be remembered.
func (g *generator) organization(k int) synthOrg {
	g.orgPCG.Seed(g.seed^orgStream, uint64(k))
	r := g.orgRand
	home := pick(r, places)
	town := home.name
	if town == "Liverpool city centre" {
		town = "Liverpool"
	}
	var name string
	switch r.IntN(3) {
	case 0:
		name = town + " " + pick(r, orgSuffixes)
	case 1:
		name = pick(r, orgPrefixes) + " " + town + " " + pick(r, orgSuffixes)
	default:
		name = town + " " + pick(r, []string{"Age Concern", "Carers Centre", "Citizens Advice", "Mind", "Food Bank", "Women's Centre", "Men's Shed", "Wellbeing Centre"})
	}
	// Two organisations may draw the same name, as real ones do; the
	// index keeps their addresses apart.
	slug := slugify(name) + "-" + strconv.Itoa(k+1)
	o := directory.Organization{
		ID:          newID(r),
		Name:        name,
		Description: "A voluntary organisation based in " + home.name + ", running activities and support for people across " + home.council + " and the wider Liverpool City Region.",
		Email:       "office." + slug + "@example.org",
		Website:     "https://example.org/" + slug,
		Phones:      []directory.Phone{{ID: newID(r), Number: phoneNumber(r), Type: "voice"}},
		OrganizationIdentifiers: []directory.OrganizationIdentifier{{ID: newID(r), IdentifierScheme: "GB-CHC",
			IdentifierType: "Charity number", Identifier: strconv.Itoa(1000000 + r.IntN(200000))}},
	}
	return synthOrg{org: o, home: home, slug: slug}
}
