package engine

import (
	"math"
	"math/bits"
	"strings"
	"time"

	"signpost/directory"
)

// ReasonKind says what a reason is about, so pages can style or group them.
type ReasonKind string

// The reason kinds, in the order they appear on a result: what matched,
// how to get there, practical facts, then warnings.
const (
	ReasonNeed       ReasonKind = "need"        // "Helps with: money worries and debt; feeling low"
	ReasonInterest   ReasonKind = "interest"    // "You said you enjoy: gardening"
	ReasonActivity   ReasonKind = "activity"    // "Kind of activity: peer support group"
	ReasonText       ReasonKind = "text"        // "Matches what you typed"
	ReasonDistance   ReasonKind = "distance"    // "2.5 miles away"
	ReasonOnline     ReasonKind = "online"      // "Online"
	ReasonPhone      ReasonKind = "phone"       // "By phone"
	ReasonFree       ReasonKind = "free"        // "Free"
	ReasonDays       ReasonKind = "days"        // "Tuesdays and Thursdays"
	ReasonAccess     ReasonKind = "access"      // "Accessibility: wheelchair"
	ReasonCapacity   ReasonKind = "capacity"    // "Full at the moment"
	ReasonNotChecked ReasonKind = "not-checked" // "Not checked since March 2025"
)

// Reason is one plain-English line saying why a result is there, or what
// to know about it.
type Reason struct {
	Kind ReasonKind `json:"kind"`
	Text string     `json:"text"`
}

func (p *plan) reasons(t *table, c cand, assured time.Time) []Reason {
	var out []Reason
	add := func(k ReasonKind, text string) { out = append(out, Reason{Kind: k, Text: text}) }
	slot := c.slot
	// Terms ticked come first, then those that typed words mean, each
	// group of the latter named in the person's words.
	typedNeeds, typedInts, typedActs := p.typedTerms(t.needs[slot]&^p.needs, t.interests[slot]&^p.interests, t.activities[slot]&^p.activities)
	if m := t.needs[slot] & p.needs; m != 0 || len(typedNeeds) > 0 {
		add(ReasonNeed, "Helps with: "+joinNonEmpty(termLabels(directory.Needs, m), typedLabels(directory.Needs, typedNeeds)))
	}
	if m := t.interests[slot] & p.interests; m != 0 {
		add(ReasonInterest, "You said you enjoy: "+termLabels(directory.Interests, m))
	}
	if len(typedInts) > 0 {
		add(ReasonInterest, "Involves: "+typedLabels(directory.Interests, typedInts))
	}
	if m := t.activities[slot] & p.activities; m != 0 || len(typedActs) > 0 {
		add(ReasonActivity, "Kind of activity: "+joinNonEmpty(termLabels(directory.Activities, uint32(m)), typedLabels(directory.Activities, typedActs)))
	}
	if p.hasText && c.text > 0 && len(typedNeeds)+len(typedInts)+len(typedActs) == 0 {
		add(ReasonText, "Matches what you typed")
	}
	if p.q.HasPoint && !math.IsNaN(c.dist) {
		add(ReasonDistance, p.units.Distance(c.dist)+" away")
		if r, ok := p.acrossWater(t, slot); ok {
			out = append(out, r)
		}
	}
	deliv := t.delivery[slot]
	switch {
	case deliv&deliveryBit(directory.DeliveryOnline) != 0:
		add(ReasonOnline, "Online")
	case deliv&deliveryBit(directory.DeliveryPhone) != 0 && deliv&deliveryBit(directory.DeliveryInPerson) == 0:
		add(ReasonPhone, "By phone")
	}
	if t.flags[slot]&flagFree != 0 {
		add(ReasonFree, "Free")
	}
	if d := formatDays(t.days[slot]); d != "" {
		add(ReasonDays, d)
	}
	if len(p.access) > 0 {
		add(ReasonAccess, "Accessibility: "+strings.Join(p.access, " "))
	}
	if len(p.q.AccessFeatures) > 0 {
		var labels []string
		for _, c := range p.q.AccessFeatures {
			if t, ok := directory.LookupTerm(directory.TaxonomyAccess, c); ok {
				labels = append(labels, t.Label)
			}
		}
		add(ReasonAccess, "Access: "+strings.Join(labels, "; "))
	}
	switch t.capacity[slot] {
	case capacityIndex(directory.CapacityWaitingList):
		add(ReasonCapacity, directory.CapacityWaitingList.Label())
	case capacityIndex(directory.CapacityFull):
		add(ReasonCapacity, directory.CapacityFull.Label())
	case capacityIndex(directory.CapacityPaused):
		add(ReasonCapacity, directory.CapacityPaused.Label())
	}
	switch a := t.assured[slot]; {
	case a == neverAssured:
		add(ReasonNotChecked, "Not checked yet")
	case a < p.staleBefore:
		add(ReasonNotChecked, "Not checked since "+assured.UTC().Format("January 2006"))
	}
	return out
}

// typedTerm is a mask of terms a service carries because of one phrase
// the person typed.
type typedTerm struct {
	mask  uint32
	typed string
}

// typedTerms splits the terms a slot carries (not counting those ticked)
// by the phrase that asked for them; a term two phrases mean goes with the
// first.
func (p *plan) typedTerms(needs, ints uint32, acts uint16) (n, i, a []typedTerm) {
	for _, pm := range p.phrases {
		if m := needs & pm.needs; m != 0 {
			n = append(n, typedTerm{m, pm.typed})
			needs &^= m
		}
		if m := ints & pm.interests; m != 0 {
			i = append(i, typedTerm{m, pm.typed})
			ints &^= m
		}
		if m := acts & pm.activities; m != 0 {
			a = append(a, typedTerm{uint32(m), pm.typed})
			acts &^= m
		}
	}
	return n, i, a
}

// typedLabels writes terms with the words that asked for them: "money
// worries and debt (you searched skint)".
func typedLabels(vocab []directory.Term, tt []typedTerm) string {
	var parts []string
	for _, x := range tt {
		parts = append(parts, termLabels(vocab, x.mask)+" (you searched "+x.typed+")")
	}
	return strings.Join(parts, "; ")
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// termLabels lists the lower-cased labels of the terms in mask, in
// vocabulary order, joined by semicolons.
func termLabels(vocab []directory.Term, mask uint32) string {
	var labels []string
	for m := mask; m != 0; m &= m - 1 {
		i := bits.TrailingZeros32(m)
		if i < len(vocab) {
			labels = append(labels, strings.ToLower(vocab[i].Label))
		}
	}
	return strings.Join(labels, "; ")
}

var dayPlurals = []string{"Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"}

// formatDays writes a day mask as "Tuesdays and Thursdays", "Weekdays",
// "Weekends" or "Every day"; "" when there is no schedule.
func formatDays(mask uint8) string {
	switch mask {
	case 0:
		return ""
	case 0b1111111:
		return "Every day"
	case 0b0011111:
		return "Weekdays"
	case 0b1100000:
		return "Weekends"
	}
	var names []string
	for i, n := range dayPlurals {
		if mask&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
