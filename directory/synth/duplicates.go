package synth

import (
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"strings"

	"signpost/directory"
	"signpost/directory/hsds"
)

// Planted duplicates imitate one activity listed by several publishers: a
// near-copy of an earlier service, renamed slightly ("The …", "&" for
// "and", "Club" for "Group", a typo, different case), keeping its phone and
// postcode and, some of the time, its e-mail, web page and organisation, and
// otherwise carrying the second publisher's details.

// dupStream keeps the planting decisions' random streams apart.
const dupStream = 0xD1B54A32D192ED03

// Planted is one service of a batch with planted duplicates: when
// DuplicateOf is set, the service is a near-copy of that earlier one.
type Planted struct {
	Service     *directory.Service
	DuplicateOf string
}

// ServicesWithDuplicates yields n services of which about rate (0–1) are
// near-copies of an earlier service of the batch. rate 0 gives exactly
// Services(n, seed).
func ServicesWithDuplicates(n int, seed int64, rate float64) iter.Seq[Planted] {
	return func(yield func(Planted) bool) {
		g := newGenerator(n, seed)
		pcg, probe := rand.NewPCG(0, 0), rand.NewPCG(0, 0)
		dr, pr := rand.New(pcg), rand.New(probe)
		// planted tells from position i's own stream whether it holds a
		// copy, so an original is always a service the batch really has.
		planted := func(i int) bool {
			probe.Seed(uint64(seed)^dupStream, uint64(i))
			return i > 0 && pr.Float64() < rate
		}
		for i := range n {
			pcg.Seed(uint64(seed)^dupStream, uint64(i))
			if i > 0 && dr.Float64() < rate {
				j := dr.IntN(i)
				for planted(j) {
					j = dr.IntN(i)
				}
				orig := g.service(j)
				origID := orig.ID
				g.nearCopy(dr, orig)
				if !yield(Planted{Service: orig, DuplicateOf: origID}) {
					return
				}
				continue
			}
			if !yield(Planted{Service: g.service(i)}) {
				return
			}
		}
	}
}

// WriteNDJSONWithDuplicates writes the batch of ServicesWithDuplicates as
// NDJSON, and the truth (one "duplicate,original" line of ids per planted
// copy) to truth when it is not nil.
func WriteNDJSONWithDuplicates(w, truth io.Writer, n int, seed int64, rate float64) error {
	out, err := hsds.NewWriter(w, hsds.FormatNDJSON)
	if err != nil {
		return err
	}
	for p := range ServicesWithDuplicates(n, seed, rate) {
		if err := out.Write(p.Service); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
		if truth != nil && p.DuplicateOf != "" {
			if _, err := fmt.Fprintf(truth, "%s,%s\n", p.Service.ID, p.DuplicateOf); err != nil {
				return fmt.Errorf("synth: truth: %w", err)
			}
		}
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}

// nearCopy turns s into another publisher's listing of the same activity.
func (g *generator) nearCopy(r *rand.Rand, s *directory.Service) {
	s.ID = newID(r)
	s.Name = rename(r, s.Name)
	if r.IntN(2) == 0 {
		s.Email = "enquiries." + slugify(s.Name) + "." + s.ID[:4] + "@example.net"
	}
	if r.IntN(10) < 7 {
		s.URL = "https://directory.example.net/listing/" + s.ID
	}
	if r.IntN(2) == 0 {
		// The second publisher files it under an organisation of its own,
		// with no charity number.
		o := g.organization(r.IntN(g.orgs)).org
		o.ID = newID(r)
		o.Name = pick(r, []string{"Sefton Directory", "Wirral Infobank", "Knowsley Connect", "Liverpool Live Well", "Halton Community Hub"})
		o.OrganizationIdentifiers = nil
		s.Organization = &o
		s.OrganizationID = o.ID
	}
	for i := range s.Phones {
		if r.IntN(2) == 0 {
			s.Phones[i].Number = "+44 " + strings.TrimPrefix(s.Phones[i].Number, "0")
		}
	}
	for i := range s.Attributes {
		s.Attributes[i].ID = newID(r)
	}
}

// rename changes a name the ways two publishers write one: one or two of
// an article, "&" for "and", another suffix, case, or a typo.
func rename(r *rand.Rand, name string) string {
	edits := []func(string) string{
		func(n string) string {
			if rest, ok := strings.CutPrefix(n, "The "); ok {
				return rest
			}
			return "The " + n
		},
		func(n string) string {
			if strings.Contains(n, " and ") {
				return strings.Replace(n, " and ", " & ", 1)
			}
			return n + " " + pick(r, []string{"Group", "Club", "Session", "Sessions", "Society"})
		},
		func(n string) string {
			w := strings.Fields(n)
			last := w[len(w)-1]
			swap := map[string]string{"Group": "Club", "Club": "Group", "Session": "Group", "Café": "Cafe", "Circle": "Group"}
			if v, ok := swap[last]; ok {
				w[len(w)-1] = v
				return strings.Join(w, " ")
			}
			return n + " Group"
		},
		func(n string) string {
			if r.IntN(2) == 0 {
				return strings.ToUpper(n)
			}
			return strings.ToLower(n)
		},
		func(n string) string { // a typo: one letter dropped or two swapped
			rs := []rune(n)
			if len(rs) < 6 {
				return n
			}
			i := 1 + r.IntN(len(rs)-3)
			if r.IntN(2) == 0 {
				return string(append(rs[:i:i], rs[i+1:]...))
			}
			rs[i], rs[i+1] = rs[i+1], rs[i]
			return string(rs)
		},
	}
	for _, j := range r.Perm(len(edits))[:1+r.IntN(2)] {
		name = edits[j](name)
	}
	return name
}
