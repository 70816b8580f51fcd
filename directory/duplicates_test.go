package directory_test

import (
	"fmt"
	"testing"

	"signpost/directory"
)

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Bootle Walking Group", "bootle walking"},
		{"The Bootle Walking Club", "bootle walking"},
		{"bootle walking", "bootle walking"},
		{"BOOTLE WALKING GROUP!", "bootle walking"},
		{"Arts & Crafts Session", "arts crafts"},
		{"Arts and Crafts Sessions", "arts crafts"},
		{"Men's Shed", "mens shed"},
		{"Mens Shed", "mens shed"},
		{"Café Society", "cafe"},
		{"Knit-and-Natter Group", "knit natter"},
		{"St. Helens Singing Society", "st helens singing"},
		{"Bootle Walking Group CIC Ltd", "bootle walking"},
		{"Group", "group"}, // a name that is all suffix keeps its word
		{"  ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := directory.NormalizeName(tt.in); got != tt.want {
				t.Fatalf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNameSimilarity(t *testing.T) {
	tests := []struct {
		a, b    string
		atLeast float64
		below   float64
	}{
		{"Bootle Walking Group", "The Bootle Walking Club", 1, 1.01},
		{"Bootle Walking Group", "Bootle Walkng Group", 0.8, 1},
		{"Bootle Walking Group", "Walking Group, Bootle", directory.DefaultMinName, 1.01},
		{"Bootle Walking Group", "Kirkby Chess Club", 0, 0.3},
	}
	for _, tt := range tests {
		t.Run(tt.a+" ~ "+tt.b, func(t *testing.T) {
			got := directory.NameSimilarity(tt.a, tt.b)
			if got < tt.atLeast || got >= tt.below {
				t.Fatalf("similarity %.3f, want in [%v, %v)", got, tt.atLeast, tt.below)
			}
		})
	}
}

func TestNormalizeSignals(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"phone spaces", directory.NormalizePhone, "0151 496 0123", "01514960123"},
		{"phone international", directory.NormalizePhone, "+44 (0)151 496 0123", "01514960123"},
		{"phone 0044", directory.NormalizePhone, "0044 151 496 0123", "01514960123"},
		{"phone extension", directory.NormalizePhone, "0151-496-0123 ext. 12", "01514960123"},
		{"phone too short", directory.NormalizePhone, "999", ""},
		{"website", directory.NormalizeWebsite, "https://www.Example.org/Walks/", "example.org/walks"},
		{"website no scheme", directory.NormalizeWebsite, "example.org/walks?utm=x", "example.org/walks"},
		{"website host only", directory.NormalizeWebsite, "http://example.org", "example.org"},
		{"postcode", directory.NormalizePostcode, "l20 3nj", "L203NJ"},
		{"postcode district only", directory.NormalizePostcode, "L20", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.fn(tt.in); got != tt.want {
				t.Fatalf("%q gave %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func dupService(n int, name string) *directory.Service {
	return &directory.Service{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", n), Name: name, Status: directory.StatusActive}
}

func withPhone(s *directory.Service, number string) *directory.Service {
	s.Phones = append(s.Phones, directory.Phone{ID: fmt.Sprintf("00000000-0000-4000-9000-%012d", len(s.Phones)), Number: number})
	return s
}

func withPostcode(s *directory.Service, pc string) *directory.Service {
	s.ServiceAtLocations = append(s.ServiceAtLocations, directory.ServiceAtLocation{Location: &directory.Location{
		LocationType: directory.LocationPhysical, Addresses: []directory.Address{{PostalCode: pc}}}})
	return s
}

func findCandidates(services ...*directory.Service) []directory.DuplicateCandidate {
	f := directory.NewDuplicateFinder(directory.DuplicateOptions{})
	for _, s := range services {
		f.Add(s)
	}
	return f.Candidates()
}

func TestDuplicateCandidates(t *testing.T) {
	walkA := withPhone(dupService(1, "Bootle Walking Group"), "0151 496 0001")
	walkB := withPhone(dupService(2, "The Bootle Walking Club"), "+44 151 496 0001")
	walkB.Email = "walks@example.org"
	walkC := dupService(3, "Bootle walking")
	walkC.Email = "Walks@Example.org"
	walkC.Organization = &directory.Organization{ID: "o", OrganizationIdentifiers: []directory.OrganizationIdentifier{{IdentifierScheme: "GB-CHC", Identifier: "123 456"}}}
	// Alike in name, but nothing strong in common: not a candidate.
	walkD := withPostcode(dupService(4, "Bootle Walking Group"), "L20 3NJ")
	// Strong signal, unlike name: not a candidate.
	chess := withPhone(dupService(5, "Bootle Chess Club"), "0151 496 0001")

	got := findCandidates(walkA, walkB, walkC, walkD, chess)
	keys := map[string]directory.DuplicateCandidate{}
	for _, c := range got {
		keys[c.Key()] = c
	}
	if len(got) != 2 {
		t.Fatalf("got %d candidates %v, want 2 (A–B by phone, B–C by e-mail)", len(got), keys)
	}
	ab, ok := keys[directory.PairKey(walkA.ID, walkB.ID)]
	if !ok || len(ab.Shared) != 1 || ab.Shared[0] != (directory.Signal{Kind: directory.SignalPhone, Value: "01514960001"}) {
		t.Fatalf("A–B: %+v, want shared phone 01514960001", ab)
	}
	if bc, ok := keys[directory.PairKey(walkB.ID, walkC.ID)]; !ok || bc.Shared[0].Kind != directory.SignalEmail {
		t.Fatalf("B–C: %+v, want shared e-mail", bc)
	}
}

// A number shared by more listings than the block limit, like a council
// switchboard, neither pairs listings nor counts as a signal; a rarer signal
// of the same pair still does.
func TestDuplicateCandidatesIgnoreOverSharedPhone(t *testing.T) {
	var all []*directory.Service
	for i := range directory.DefaultMaxBlock + 1 {
		all = append(all, withPhone(dupService(i, fmt.Sprintf("Council advice line %d", i%2)), "0151 233 3000"))
	}
	if got := findCandidates(all...); len(got) != 0 {
		t.Fatalf("a switchboard shared by %d listings gave %d candidates, want none", len(all), len(got))
	}

	withPostcode(all[0], "L1 1AA")
	withPostcode(all[2], "l11aa")
	got := findCandidates(all...)
	if len(got) != 1 || got[0].Key() != directory.PairKey(all[0].ID, all[2].ID) {
		t.Fatalf("got %+v, want only the pair that shares a postcode", got)
	}
	if len(got[0].Shared) != 1 || got[0].Shared[0].Kind != directory.SignalPostcode {
		t.Fatalf("shared %+v, want only the postcode (the switchboard is no signal)", got[0].Shared)
	}

	// At the limit a shared number still counts.
	if got := findCandidates(all[:directory.DefaultMaxBlock]...); len(got) == 0 {
		t.Fatal("a number shared by exactly the limit gave no candidates")
	}
}

// Listings already merged are not offered again.
func TestDuplicateCandidatesSkipMerged(t *testing.T) {
	a := withPhone(dupService(1, "Bootle Walking Group"), "0151 496 0001")
	b := withPhone(dupService(2, "Bootle Walking Group"), "0151 496 0001")
	b.SupersededBy = a.ID
	if got := findCandidates(a, b); len(got) != 0 {
		t.Fatalf("got %+v, want none", got)
	}
}
