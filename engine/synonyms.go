package engine

import (
	"strings"

	"signpost/directory"
)

// everydayWords maps words people type to the Signpost terms they mean, so
// that "anxiety" finds a listing tagged "worry" even when the word is not in
// its text. Keys are lower case; a plural "s" is tried off when a word is not
// found. Keep the lists to words that almost always mean the term: a word
// that also means something else (such as "down" or "new") brings noise.
var everydayWords = buildEverydayWords(everydayWordLists)

// everydayWordLists holds, per taxonomy and term code, the words that mean
// it, separated by spaces.
var everydayWordLists = map[string]map[string]string{
	directory.TaxonomyNeeds: {
		"lonely":              "lonely loneliness alone isolated isolation lonesome friendship friends company",
		"low-mood":            "depressed depression low sad sadness unhappy mood",
		"worry":               "anxiety anxious anxieties stress stressed stressful worry worried worries worrying panic nervous nerves",
		"bereavement":         "grief grieving bereaved bereavement loss widow widowed widower mourning",
		"money":               "debt debts bills money finances financial budgeting budget skint arrears",
		"benefits":            "benefits benefit entitlements entitlement allowance pip",
		"housing":             "housing homeless homelessness eviction evicted landlord rent tenancy",
		"work":                "job jobs employment unemployed work career cv apprenticeship",
		"active":              "active fitness fit exercise movement",
		"healthy-eating":      "diet nutrition eating healthy weight",
		"long-term-condition": "diabetes arthritis copd chronic pain asthma stroke dementia",
		"carer":               "carer carers caring caregiver",
		"confidence":          "confidence esteem purpose motivation shy",
		"new-to-area":         "newcomer newcomers refugee refugees asylum migrant migrants",
		"digital":             "internet digital smartphone tablet email",
		"english":             "esol english",
		"family":              "parenting parent parents family families children kids baby toddler",
		"alcohol-drugs":       "alcohol drinking drugs drug addiction substance recovery",
		"safety":              "abuse domestic violence unsafe safety",
		"food":                "foodbank hungry hunger meals food",
	},
	directory.TaxonomyInterests: {
		"arts-crafts":  "art arts craft crafts crafting painting drawing knitting sewing pottery",
		"music":        "music musical instrument guitar band",
		"singing":      "singing sing choir choirs",
		"gardening":    "garden gardens gardening allotment allotments plants growing",
		"walking":      "walk walks walking rambling ramble ramblers hiking hike stroll",
		"sport":        "sport sports football bowls cricket",
		"dance":        "dance dancing ballroom zumba",
		"cooking":      "cooking cook baking bake",
		"reading":      "reading books book library",
		"nature":       "nature wildlife birds birdwatching",
		"faith":        "faith church mosque prayer spiritual spirituality",
		"volunteering": "volunteer volunteers volunteering",
		"learning":     "learning learn",
		"technology":   "technology computers computer coding tech",
		"games":        "games puzzles chess bingo quiz",
		"history":      "history heritage museum",
		"photography":  "photography photos camera",
		"mindfulness":  "mindfulness meditation relaxation relax yoga",
		"swimming":     "swimming swim",
		"cycling":      "cycling bike bikes bicycle",
		"animals":      "animals pets dogs",
		"drama":        "drama theatre acting",
		"writing":      "writing poetry",
		"outdoors":     "outdoors outdoor",
	},
	directory.TaxonomyActivities: {
		"peer-support": "peer",
		"counselling":  "counselling counseling counsellor counselor therapy therapist",
		"advice":       "advice adviser advisor guidance",
		"befriending":  "befriending befriender befrienders buddy",
		"helpline":     "helpline",
		"drop-in":      "dropin",
		"social-group": "social club",
		"exercise":     "exercise fitness",
		"class":        "class classes course courses",
	},
}

// termRef names one Signpost term; its key in the text index's "terms"
// field is taxonomy:code.
type termRef struct{ taxonomy, code string }

func (r termRef) key() string { return r.taxonomy + ":" + r.code }

func buildEverydayWords(src map[string]map[string]string) map[string][]termRef {
	out := map[string][]termRef{}
	for taxonomy, codes := range src {
		for code, words := range codes {
			if _, ok := directory.LookupTerm(taxonomy, code); !ok {
				// A typo here would never match; TestEverydayWordsNameRealTerms
				// catches it, so skip rather than panic.
				continue
			}
			for _, w := range strings.Fields(words) {
				out[w] = append(out[w], termRef{taxonomy, code})
			}
		}
	}
	return out
}

// termsForWord returns the Signpost terms an everyday word maps to.
func termsForWord(w string) []termRef {
	w = strings.ToLower(w)
	if refs, ok := everydayWords[w]; ok {
		return refs
	}
	if strings.HasSuffix(w, "s") {
		return everydayWords[strings.TrimSuffix(w, "s")]
	}
	return nil
}
