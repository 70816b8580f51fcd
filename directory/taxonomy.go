package directory

import (
	"github.com/google/uuid"
)

// Signpost's vocabularies. Their names are part of the data contract
// (DESIGN.md): a term's id is derived from the taxonomy name and its code, so
// every deployment and every export agree on it.
const (
	TaxonomyNeeds      = "signpost-needs"
	TaxonomyInterests  = "signpost-interests"
	TaxonomyActivities = "signpost-activities"
	// TaxonomyAccess holds the access features of a place. HSDS's
	// accessibility object has free text only, so the features are terms
	// attached to a service_at_location through its attributes; the
	// location's accessibility description stays the free text.
	TaxonomyAccess = "signpost-access"
)

// Term is one Signpost vocabulary entry: a stable code and the plain-English
// label people read. Needs are worded as everyday difficulties, never as
// diagnoses.
type Term struct {
	Taxonomy string
	Code     string
	Label    string
}

// ID is the term's HSDS id: the UUIDv5 (URL namespace) of
// https://signpost.invalid/taxonomy/<taxonomy>/<code>.
func (t Term) ID() string {
	return TermID(t.Taxonomy, t.Code)
}

// TermID derives the HSDS id of a Signpost term.
func TermID(taxonomy, code string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://signpost.invalid/taxonomy/"+taxonomy+"/"+code)).String()
}

// TaxonomyID derives the HSDS id of a Signpost taxonomy.
func TaxonomyID(taxonomy string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://signpost.invalid/taxonomy/"+taxonomy)).String()
}

// Needs are what is hard for a person right now.
var Needs = terms(TaxonomyNeeds, [][2]string{
	{"lonely", "Feeling lonely or cut off"},
	{"low-mood", "Feeling low"},
	{"worry", "Worry, stress or anxiety"},
	{"bereavement", "Grief and loss"},
	{"money", "Money worries and debt"},
	{"benefits", "Benefits and entitlements"},
	{"housing", "Housing problems"},
	{"work", "Finding work or training"},
	{"active", "Wanting to be more active"},
	{"healthy-eating", "Eating well"},
	{"long-term-condition", "Living with a long-term condition"},
	{"carer", "Looking after someone"},
	{"confidence", "Confidence and purpose"},
	{"new-to-area", "New to the area"},
	{"digital", "Getting online"},
	{"english", "Learning English"},
	{"family", "Family and parenting"},
	{"alcohol-drugs", "Alcohol or drugs"},
	{"safety", "Feeling unsafe at home"},
	{"food", "Not enough food"},
})

// Interests are what a person enjoys.
var Interests = terms(TaxonomyInterests, [][2]string{
	{"arts-crafts", "Arts and crafts"},
	{"music", "Music"},
	{"singing", "Singing"},
	{"gardening", "Gardening"},
	{"walking", "Walking"},
	{"sport", "Sport"},
	{"dance", "Dance"},
	{"cooking", "Cooking"},
	{"reading", "Reading and books"},
	{"nature", "Nature and wildlife"},
	{"faith", "Faith and spirituality"},
	{"volunteering", "Volunteering"},
	{"learning", "Learning something new"},
	{"technology", "Computers and technology"},
	{"games", "Games and puzzles"},
	{"history", "History and heritage"},
	{"photography", "Photography"},
	{"mindfulness", "Mindfulness and relaxation"},
	{"swimming", "Swimming"},
	{"cycling", "Cycling"},
	{"animals", "Animals"},
	{"drama", "Drama and theatre"},
	{"writing", "Writing"},
	{"outdoors", "Being outdoors"},
})

// Activities are the kinds of activity a service is.
var Activities = terms(TaxonomyActivities, [][2]string{
	{"peer-support", "Peer support group"},
	{"counselling", "Counselling or talking therapy"},
	{"advice", "Advice"},
	{"befriending", "Befriending"},
	{"volunteering", "Volunteering opportunity"},
	{"class", "Class or course"},
	{"social-group", "Social group"},
	{"exercise", "Exercise"},
	{"helpline", "Helpline"},
	{"drop-in", "Drop-in"},
})

// AccessFeatures are what a place offers people who need it. The order is
// the order forms and filters show them in.
var AccessFeatures = terms(TaxonomyAccess, [][2]string{
	{"step-free", "Step-free access"},
	{"accessible-toilet", "Accessible toilet"},
	{"hearing-loop", "Hearing loop"},
	{"bsl", "British Sign Language (BSL)"},
	{"quiet-space", "Quiet space"},
	{"parking", "Parking"},
	{"public-transport", "Near public transport"},
})

func terms(taxonomy string, pairs [][2]string) []Term {
	out := make([]Term, len(pairs))
	for i, p := range pairs {
		out[i] = Term{Taxonomy: taxonomy, Code: p[0], Label: p[1]}
	}
	return out
}

// Vocabularies maps each Signpost taxonomy name to its terms.
var Vocabularies = map[string][]Term{
	TaxonomyNeeds:      Needs,
	TaxonomyInterests:  Interests,
	TaxonomyActivities: Activities,
	TaxonomyAccess:     AccessFeatures,
}

// taxonomyNames lists the vocabularies in the order HSDS exports give them.
var taxonomyNames = []string{TaxonomyNeeds, TaxonomyInterests, TaxonomyActivities, TaxonomyAccess}

// termByID indexes every Signpost term by its id. It is built once from the
// fixed vocabularies above and never written afterwards.
var termByID = func() map[string]Term {
	m := map[string]Term{}
	for _, ts := range Vocabularies {
		for _, t := range ts {
			m[t.ID()] = t
		}
	}
	return m
}()

// LookupTerm finds a Signpost term by taxonomy and code.
func LookupTerm(taxonomy, code string) (Term, bool) {
	for _, t := range Vocabularies[taxonomy] {
		if t.Code == code {
			return t, true
		}
	}
	return Term{}, false
}

// TermByID finds a Signpost term by its HSDS id.
func TermByID(id string) (Term, bool) {
	t, ok := termByID[id]
	return t, ok
}

// SignpostTerm resolves an attribute to a Signpost term: by a known
// taxonomy_term_id, or by an embedded taxonomy_term that names a Signpost
// taxonomy and a known code.
func (a Attribute) SignpostTerm() (Term, bool) {
	if t, ok := TermByID(a.TaxonomyTermID); ok {
		return t, true
	}
	if a.TaxonomyTerm != nil {
		tax := a.TaxonomyTerm.Taxonomy
		if tax == "" && a.TaxonomyTerm.TaxonomyDetail != nil {
			tax = a.TaxonomyTerm.TaxonomyDetail.Name
		}
		if t, ok := LookupTerm(tax, a.TaxonomyTerm.Code); ok {
			return t, true
		}
		if t, ok := TermByID(a.TaxonomyTerm.ID); ok {
			return t, true
		}
	}
	return Term{}, false
}

// TermCodes returns the codes of the service's terms in one Signpost
// taxonomy, in the order they were attached, without repeats.
func (s *Service) TermCodes(taxonomy string) []string {
	var codes []string
	seen := map[string]bool{}
	for _, a := range s.Attributes {
		t, ok := a.SignpostTerm()
		if !ok || t.Taxonomy != taxonomy || seen[t.Code] {
			continue
		}
		seen[t.Code] = true
		codes = append(codes, t.Code)
	}
	return codes
}

// OtherTerms returns the names and codes of attached terms that belong to
// no Signpost taxonomy; they are kept and searchable as text.
func (s *Service) OtherTerms() []string {
	var words []string
	for _, a := range s.Attributes {
		if _, ok := a.SignpostTerm(); ok || a.TaxonomyTerm == nil {
			continue
		}
		words = append(words, a.TaxonomyTerm.Name, a.TaxonomyTerm.Code)
	}
	return words
}

// TermAttribute builds the attribute that attaches a Signpost term to the
// service with the given id. Its own id is derived, so attaching the same
// term twice yields the same attribute.
func TermAttribute(serviceID string, t Term) Attribute {
	return Attribute{
		ID:             uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://signpost.invalid/attribute/"+serviceID+"/"+t.ID())).String(),
		LinkID:         serviceID,
		TaxonomyTermID: t.ID(),
		LinkType:       "service",
		LinkEntity:     "service",
		TaxonomyTerm: &TaxonomyTerm{
			ID:          t.ID(),
			Code:        t.Code,
			Name:        t.Label,
			Description: t.Label,
			Taxonomy:    t.Taxonomy,
			TaxonomyID:  TaxonomyID(t.Taxonomy),
		},
	}
}

// HSDSTaxonomies returns Signpost's vocabularies as HSDS taxonomy records.
func HSDSTaxonomies() []Taxonomy {
	desc := map[string]string{
		TaxonomyNeeds:      "What is hard for a person right now, in everyday words rather than diagnoses.",
		TaxonomyInterests:  "What a person enjoys doing.",
		TaxonomyActivities: "What kind of activity a service is.",
		TaxonomyAccess:     "What a place offers for access: step-free entry, an accessible toilet, a hearing loop and the like. Attached to a service at a location.",
	}
	var out []Taxonomy
	for _, name := range taxonomyNames {
		out = append(out, Taxonomy{
			ID: TaxonomyID(name), Name: name, Description: desc[name],
			URI: "https://signpost.invalid/taxonomy/" + name, Version: "1",
		})
	}
	return out
}

// HSDSTerms returns every Signpost term as an HSDS taxonomy_term record.
func HSDSTerms() []TaxonomyTerm {
	var out []TaxonomyTerm
	for _, name := range taxonomyNames {
		for _, t := range Vocabularies[name] {
			out = append(out, TaxonomyTerm{
				ID: t.ID(), Code: t.Code, Name: t.Label, Description: t.Label,
				Taxonomy: name, TaxonomyID: TaxonomyID(name),
				TermURI: "https://signpost.invalid/taxonomy/" + name + "/" + t.Code,
			})
		}
	}
	return out
}

// AccessAttribute builds the attribute that attaches an access feature to
// a service at a location. Like TermAttribute, its id is derived.
func AccessAttribute(salID string, t Term) Attribute {
	a := TermAttribute(salID, t)
	a.LinkType, a.LinkEntity = "service_at_location", "service_at_location"
	return a
}

// AccessCodes returns the codes of the access features attached to this
// service at a location, in vocabulary order.
func (sal *ServiceAtLocation) AccessCodes() []string {
	return accessCodes(sal.Attributes)
}

// AccessCodes returns the access features of a service: those of every
// place it runs at, and any a publisher attached to the service itself, in
// vocabulary order.
func (s *Service) AccessCodes() []string {
	return accessCodes(s.AllAttributes())
}

// AllAttributes returns the attributes of the service and of the service
// at each of its locations, where access features are attached.
func (s *Service) AllAttributes() []Attribute {
	attrs := s.Attributes
	for _, sal := range s.ServiceAtLocations {
		attrs = append(attrs[:len(attrs):len(attrs)], sal.Attributes...)
	}
	return attrs
}

func accessCodes(attrs []Attribute) []string {
	has := map[string]bool{}
	for _, a := range attrs {
		if t, ok := a.SignpostTerm(); ok && t.Taxonomy == TaxonomyAccess {
			has[t.Code] = true
		}
	}
	var out []string
	for _, t := range AccessFeatures {
		if has[t.Code] {
			out = append(out, t.Code)
		}
	}
	return out
}
