package engine

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"signpost/directory"
)

// genServices makes n deterministic synthetic services spread over the
// Liverpool City Region, with every field the engine filters or scores on
// varied. It stands in for directory/synth until that package lands.
func genServices(n int, seed int64) []*directory.Service {
	r := rand.New(rand.NewPCG(uint64(seed), 0x5167))
	out := make([]*directory.Service, n)
	for i := range out {
		out[i] = genService(r, i)
	}
	return out
}

var (
	genAdjectives = []string{"Friendly", "Community", "Riverside", "Northside", "Parkview", "Together", "Open Door", "Sunrise", "Harbour", "Green Lane"}
	genKinds      = map[string]string{
		"peer-support": "Support Group", "counselling": "Counselling Service", "advice": "Advice Service",
		"befriending": "Befriending Scheme", "volunteering": "Volunteers", "class": "Class",
		"social-group": "Social Club", "exercise": "Fitness Sessions", "helpline": "Helpline", "drop-in": "Drop-in",
	}
	genActivityWords = map[string]string{
		"arts-crafts": "painting and crafts", "music": "music making", "singing": "singing in a choir",
		"gardening": "gardening on our allotment", "walking": "gentle walking", "sport": "sport and games",
		"dance": "dancing", "cooking": "cooking healthy meals", "reading": "reading and talking about books",
		"nature": "spotting wildlife", "faith": "quiet reflection", "volunteering": "volunteering",
		"learning": "learning new skills", "technology": "using computers and tablets", "games": "board games and puzzles",
		"history": "local history", "photography": "photography walks", "mindfulness": "mindfulness and relaxation",
		"swimming": "swimming", "cycling": "cycling", "animals": "caring for animals", "drama": "drama and theatre",
		"writing": "creative writing", "outdoors": "being outdoors",
	}
	genNeedWords = map[string]string{
		"lonely": "who feel cut off", "low-mood": "who are feeling low", "worry": "living with stress",
		"bereavement": "after losing someone", "money": "struggling with bills", "benefits": "claiming what they are owed",
		"housing": "with problems at home", "work": "looking for work", "active": "wanting to move more",
		"healthy-eating": "wanting to eat well", "long-term-condition": "living with a long-term illness",
		"carer": "looking after a relative", "confidence": "wanting more confidence", "new-to-area": "new to the area",
		"digital": "getting online", "english": "learning English", "family": "with young children",
		"alcohol-drugs": "affected by alcohol", "safety": "who feel unsafe", "food": "who need food",
	}
	genAccess = []string{"Step-free access and an accessible toilet", "Wheelchair accessible, hearing loop fitted", "Stairs only, no lift", "Ramp at the side entrance", "Large print materials available"}
	genLangs  = [][2]string{{"en", "English"}, {"pl", "Polish"}, {"ar", "Arabic"}, {"cy", "Welsh"}, {"so", "Somali"}}
	genTowns  = []string{"Liverpool", "Bootle", "Birkenhead", "St Helens", "Widnes", "Runcorn", "Southport", "Huyton", "Wallasey", "Crosby"}
)

func genPick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func genCodes(r *rand.Rand, vocab []directory.Term, lo, hi int) []string {
	k := lo + r.IntN(hi-lo+1)
	var codes []string
	for _, i := range r.Perm(len(vocab))[:k] {
		codes = append(codes, vocab[i].Code)
	}
	return codes
}

func genService(r *rand.Rand, i int) *directory.Service {
	id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
	acts := genCodes(r, directory.Activities, 1, 2)
	nds := genCodes(r, directory.Needs, 1, 3)
	ints := genCodes(r, directory.Interests, 0, 3)
	town := genPick(r, genTowns)

	var desc strings.Builder
	fmt.Fprintf(&desc, "A %s in %s for people %s", strings.ToLower(genKinds[acts[0]]), town, genNeedWords[nds[0]])
	for _, n := range nds[1:] {
		fmt.Fprintf(&desc, " or %s", genNeedWords[n])
	}
	desc.WriteString(".")
	if len(ints) > 0 {
		desc.WriteString(" We enjoy ")
		for j, c := range ints {
			if j > 0 {
				desc.WriteString(", ")
			}
			desc.WriteString(genActivityWords[c])
		}
		desc.WriteString(".")
	}
	desc.WriteString(" Come along, everyone is welcome.")

	s := &directory.Service{
		ID:             id,
		OrganizationID: fmt.Sprintf("10000000-0000-4000-8000-%012d", r.IntN(200)),
		Name:           fmt.Sprintf("%s %s %d", genPick(r, genAdjectives), genKinds[acts[0]], i),
		Description:    desc.String(),
		Status:         directory.StatusActive,
		LastModified:   fmt.Sprintf("2025-%02d-%02dT10:00:00Z", 1+r.IntN(12), 1+r.IntN(28)),
	}
	switch x := r.IntN(100); {
	case x < 3:
		s.Status = directory.StatusInactive
	case x < 5:
		s.Status = directory.StatusTemporarilyClosed
	}
	addTerms := func(taxonomy string, codes []string) {
		for _, c := range codes {
			t, _ := directory.LookupTerm(taxonomy, c)
			s.Attributes = append(s.Attributes, directory.TermAttribute(id, t))
		}
	}
	addTerms(directory.TaxonomyNeeds, nds)
	addTerms(directory.TaxonomyInterests, ints)
	addTerms(directory.TaxonomyActivities, acts)

	// Places: most services meet somewhere, some in two places; about one
	// in seven is online, some of those only online.
	nPlaces := 1
	switch x := r.IntN(100); {
	case x < 8:
		nPlaces = 0
	case x < 18:
		nPlaces = 2
	}
	acc := ""
	if r.IntN(2) == 0 {
		acc = genPick(r, genAccess)
	}
	for p := 0; p < nPlaces; p++ {
		lat := 53.30 + r.Float64()*0.35
		lon := -3.10 + r.Float64()*0.40
		loc := &directory.Location{ID: fmt.Sprintf("%s-loc%d", id, p), LocationType: directory.LocationPhysical, Latitude: &lat, Longitude: &lon,
			Addresses: []directory.Address{{ID: fmt.Sprintf("%s-addr%d", id, p), Address1: "1 High Street", City: town, Country: "GB"}}}
		if acc != "" {
			loc.Accessibility = []directory.Accessibility{{ID: loc.ID + "-acc", Description: acc}}
		}
		s.ServiceAtLocations = append(s.ServiceAtLocations, directory.ServiceAtLocation{ID: fmt.Sprintf("%s-sal%d", id, p), Location: loc})
	}
	if nPlaces == 0 || r.IntN(100) < 8 {
		s.ServiceAtLocations = append(s.ServiceAtLocations, directory.ServiceAtLocation{ID: id + "-salv",
			Location: &directory.Location{ID: id + "-vloc", LocationType: directory.LocationVirtual, URL: "https://example.org/" + id}})
	}
	if nPlaces == 0 && r.IntN(3) == 0 {
		s.Delivery = []directory.Delivery{directory.DeliveryPhone}
	} else if r.IntN(4) == 0 {
		s.Delivery = s.DeliveryModes()
		if r.IntN(2) == 0 {
			s.Delivery = append(s.Delivery, directory.DeliveryPhone)
		}
	}
	if r.IntN(100) < 85 {
		var ds []string
		for _, d := range directory.Weekdays {
			if r.IntN(4) == 0 {
				ds = append(ds, d)
			}
		}
		if len(ds) == 0 {
			ds = []string{genPick(r, directory.Weekdays)}
		}
		s.Schedules = []directory.Schedule{{ID: id + "-sched", Freq: "WEEKLY", ByDay: strings.Join(ds, ",")}}
	}
	if r.IntN(100) < 30 {
		lo := float64(r.IntN(60))
		s.MinimumAge = &lo
		if r.IntN(2) == 0 {
			hi := lo + float64(5+r.IntN(60))
			s.MaximumAge = &hi
		}
	}
	if r.IntN(100) < 20 {
		amt := float64(1 + r.IntN(10))
		s.CostOptions = []directory.CostOption{{ID: id + "-cost", Amount: &amt, Currency: "GBP"}}
	} else if r.IntN(3) == 0 {
		zero := 0.0
		s.CostOptions = []directory.CostOption{{ID: id + "-cost", Amount: &zero, Currency: "GBP"}}
	}
	s.Capacity = []directory.Capacity{"", directory.CapacityAccepting, directory.CapacityAccepting, directory.CapacityWaitingList, directory.CapacityFull, directory.CapacityPaused}[r.IntN(6)]
	if r.IntN(10) > 0 {
		s.AssuredDate = fmt.Sprintf("%d-%02d-%02d", 2023+r.IntN(4), 1+r.IntN(12), 1+r.IntN(28))
	}
	if r.IntN(5) == 0 {
		l := genPick(r, genLangs)
		s.Languages = []directory.Language{{ID: id + "-lang", Code: l[0], Name: l[1]}}
	}
	return s
}
