package directory

import (
	"fmt"
	"strings"
	"testing"
)

// testGazetteerCSV is a small slice of the real gazetteer, enough to tell
// towns, neighbourhoods and districts apart.
const testGazetteerCSV = `name,kind,lat,lon
Bootle,town,53.4460,-2.9920
Birkenhead,town,53.3930,-3.0140
St Helens,town,53.4530,-2.7370
Newton-le-Willows,town,53.4540,-2.6330
Southport,town,53.6460,-3.0060
Anfield,neighbourhood,53.4330,-2.9610
Walton,neighbourhood,53.4480,-2.9640
Old Swan,neighbourhood,53.4150,-2.9110
L2,postcode-district,53.4070,-2.9890
L20,postcode-district,53.4500,-2.9900
CH41,postcode-district,53.3950,-3.0260
WA10,postcode-district,53.4520,-2.7620
PR8,postcode-district,53.6280,-3.0220
`

func mustLoadGazetteer(t *testing.T, text string) *Gazetteer {
	t.Helper()
	g, err := LoadGazetteer(strings.NewReader(text))
	if err != nil {
		t.Fatalf("LoadGazetteer: %v", err)
	}
	return g
}

func TestLoadGazetteerErrors(t *testing.T) {
	const header = "name,kind,lat,lon\n"
	tests := []struct {
		name string
		csv  string
		want string
	}{
		{"empty input", "", "gazetteer: empty input, want header name,kind,lat,lon"},
		{"wrong header", "name,lat,lon,kind\n", `gazetteer line 1: header is "name,lat,lon,kind", want "name,kind,lat,lon"`},
		{"lat not a number", header + "Bootle,town,53.44,-2.99\nKirkby,town,x,-2.89\n", `gazetteer line 3: lat: "x" is not a number`},
		{"lon out of range", header + "Kirkby,town,53.48,-200\n", `gazetteer line 2: lon: "-200" is outside -180 to 180`},
		{"lat NaN", header + "Kirkby,town,NaN,-2.89\n", `gazetteer line 2: lat: "NaN" is not a number`},
		{"unknown kind", header + "Kirkby,village,53.48,-2.89\n", `gazetteer line 2: kind: "village" is not one of town, neighbourhood, postcode-district`},
		{"empty name", header + " ,town,53.48,-2.89\n", `gazetteer line 2: name: "" has no letters or digits`},
		{"too few fields", header + "Kirkby,town,53.48\n", "gazetteer line 2: want 4 fields (name,kind,lat,lon), got 3"},
		{"duplicate name", header + "St Helens,town,53.45,-2.73\nst. helens,neighbourhood,53.45,-2.73\n", `gazetteer line 3: name: "st. helens" repeats "St Helens"`},
		{"broken quoting", header + "\"Kirkby,town,53.48,-2.89\n", "gazetteer: parse error on line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := LoadGazetteer(strings.NewReader(tt.csv))
			if err == nil {
				t.Fatalf("LoadGazetteer succeeded with %d places, want error %q", len(g.Places()), tt.want)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to start with %q", err, tt.want)
			}
		})
	}
}

func TestLoadGazetteerAcceptsBOMAndHeaderCase(t *testing.T) {
	g := mustLoadGazetteer(t, "\ufeffName, Kind, Lat, Lon\nKirkby, town, 53.4820, -2.8920\n")
	want := []Place{{Name: "Kirkby", Kind: PlaceTown, Lat: 53.482, Lon: -2.892}}
	got := g.Places()
	if len(got) != 1 || got[0] != want[0] {
		t.Errorf("Places() = %+v, want %+v", got, want)
	}
}

func TestGazetteerLookup(t *testing.T) {
	g := mustLoadGazetteer(t, testGazetteerCSV)
	tests := []struct {
		query    string
		wantName string
		wantKind string
		wantLat  float64
		wantLon  float64
		wantOK   bool
	}{
		{"Bootle", "Bootle", PlaceTown, 53.4460, -2.9920, true},
		{"  bOOTLE ", "Bootle", PlaceTown, 53.4460, -2.9920, true},
		{"oldswan", "Old Swan", PlaceNeighbourhood, 53.4150, -2.9110, true},
		{"st. helens", "St Helens", PlaceTown, 53.4530, -2.7370, true},
		{"Saint Helens", "St Helens", PlaceTown, 53.4530, -2.7370, true},
		{"newton le willows", "Newton-le-Willows", PlaceTown, 53.4540, -2.6330, true},
		{"L20 3AB", "L20", PlacePostcodeDistrict, 53.4500, -2.9900, true},
		{"l203ab", "L20", PlacePostcodeDistrict, 53.4500, -2.9900, true},
		{"l20", "L20", PlacePostcodeDistrict, 53.4500, -2.9900, true},
		{"L2 2DP", "L2", PlacePostcodeDistrict, 53.4070, -2.9890, true},
		{"ch41 4hy", "CH41", PlacePostcodeDistrict, 53.3950, -3.0260, true},
		{"WA10 1AA", "WA10", PlacePostcodeDistrict, 53.4520, -2.7620, true},
		{"pr8  2aa", "PR8", PlacePostcodeDistrict, 53.6280, -3.0220, true},
		// As people write places.
		{"Bootle, Merseyside", "Bootle", PlaceTown, 53.4460, -2.9920, true},
		{"bootle merseyside", "Bootle", PlaceTown, 53.4460, -2.9920, true},
		{"Bootle, Merseyside, UK", "Bootle", PlaceTown, 53.4460, -2.9920, true},
		{"near Bootle", "Bootle", PlaceTown, 53.4460, -2.9920, true},
		{"Near bootle, merseyside", "Bootle", PlaceTown, 53.4460, -2.9920, true},
		{"in Old Swan", "Old Swan", PlaceNeighbourhood, 53.4150, -2.9110, true},
		{"around St Helens", "St Helens", PlaceTown, 53.4530, -2.7370, true},
		{"near L20 3AB", "L20", PlacePostcodeDistrict, 53.4500, -2.9900, true},
		{"Bootle L20 3AB", "Bootle", PlaceTown, 53.4460, -2.9920, true},
		{"L20 3AB, Bootle", "L20", PlacePostcodeDistrict, 53.4500, -2.9900, true},
		{"old swan st helens", "Old Swan", PlaceNeighbourhood, 53.4150, -2.9110, true},
		{"Anfield, Walton", "Anfield", PlaceNeighbourhood, 53.4330, -2.9610, true},
		{"Bootle, Lancashire", "Bootle", PlaceTown, 53.4460, -2.9920, true},
		{"Bootle Kent", "", "", 0, 0, false},
		{"near", "", "", 0, 0, false},
		{"Manchester, Merseyside", "", "", 0, 0, false},
		{"53.4,-2.9", "53.4,-2.9", PlacePoint, 53.4, -2.9, true},
		{" 53.45 , -2.99 ", "53.45,-2.99", PlacePoint, 53.45, -2.99, true},
		{"91,-2.9", "", "", 0, 0, false},
		{"53.4,-2.9,7", "", "", 0, 0, false},
		{"L99 9ZZ", "", "", 0, 0, false},
		{"M1 1AE", "", "", 0, 0, false},
		{"Manchester", "", "", 0, 0, false},
		{"", "", "", 0, 0, false},
		{"   ", "", "", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got, ok := g.Lookup(tt.query)
			if ok != tt.wantOK {
				t.Fatalf("Lookup(%q) ok = %v, want %v (got %+v)", tt.query, ok, tt.wantOK, got)
			}
			want := Place{Name: tt.wantName, Kind: tt.wantKind, Lat: tt.wantLat, Lon: tt.wantLon}
			if got != want {
				t.Errorf("Lookup(%q) = %+v, want %+v", tt.query, got, want)
			}
		})
	}
}

func TestGazetteerSuggest(t *testing.T) {
	g := mustLoadGazetteer(t, testGazetteerCSV)
	tests := []struct {
		query string
		n     int
		want  []string
	}{
		{"Bootel", 3, []string{"Bootle"}},
		{"Birkenhed", 3, []string{"Birkenhead"}},
		{"anfeild", 3, []string{"Anfield"}},
		{"Sothport", 3, []string{"Southport"}},
		{"St Helen", 3, []string{"St Helens"}},
		{"Walten", 3, []string{"Walton"}},
		{"saint helens", 3, []string{"St Helens"}},
		{"near Bootel", 3, []string{"Bootle"}},
		{"Bootel, Merseyside", 3, []string{"Bootle"}},
		// Completions come after misspellings: "Birken" is four letters
		// short of Birkenhead, too far for a typo but a clear prefix.
		{"Birken", 3, []string{"Birkenhead"}},
		{"Newton", 3, []string{"Newton-le-Willows"}},
		{"Bir", 3, nil},
		// Two districts one edit from "L2": closest first, ties by name.
		{"L21", 3, []string{"L2", "L20"}},
		{"L21", 1, []string{"L2"}},
		{"Bootle", 1, []string{"Bootle"}},
		{"xyzzyplugh", 3, nil},
		{"", 3, nil},
		{"Bootel", 0, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/n=%d", tt.query, tt.n), func(t *testing.T) {
			got := g.Suggest(tt.query, tt.n)
			var names []string
			for _, p := range got {
				names = append(names, p.Name)
			}
			if strings.Join(names, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Suggest(%q, %d) = %q, want %q", tt.query, tt.n, names, tt.want)
			}
		})
	}
}

func TestGazetteerPlacesIsACopy(t *testing.T) {
	g := mustLoadGazetteer(t, testGazetteerCSV)
	ps := g.Places()
	if len(ps) != 13 {
		t.Fatalf("Places() has %d entries, want 13", len(ps))
	}
	ps[0].Name = "Changed"
	if got := g.Places()[0].Name; got != "Bootle" {
		t.Errorf("Places()[0].Name = %q after changing a returned copy, want Bootle", got)
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"bootle", "bootle", 0},
		{"bootel", "bootle", 1}, // adjacent swap
		{"birkenhed", "birkenhead", 1},
		{"kitten", "sitting", 3},
		{"", "abc", 3},
		{"café", "cafe", 1}, // runes, not bytes
	}
	for _, tt := range tests {
		t.Run(tt.a+"→"+tt.b, func(t *testing.T) {
			if got := EditDistance(tt.a, tt.b); got != tt.want {
				t.Errorf("EditDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := EditDistance(tt.b, tt.a); got != tt.want {
				t.Errorf("EditDistance(%q, %q) = %d, want %d (not symmetric)", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

func FuzzGazetteerLookup(f *testing.F) {
	g, err := LoadGazetteer(strings.NewReader(testGazetteerCSV))
	if err != nil {
		f.Fatalf("LoadGazetteer: %v", err)
	}
	for _, seed := range []string{"Bootle", "L20 3AB", "l20", "53.4,-2.9", "Bootel", ",", "L", "9ZZ", "\xff\xfe", "-0,-0", "1e308,1e308", "ÅÄÖ"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, q string) {
		p, ok := g.Lookup(q)
		if ok {
			if p.Name == "" || p.Kind == "" {
				t.Errorf("Lookup(%q) = %+v: found a place without name or kind", q, p)
			}
			if p.Lat < -90 || p.Lat > 90 || p.Lon < -180 || p.Lon > 180 {
				t.Errorf("Lookup(%q) = %+v: coordinates out of range", q, p)
			}
		}
		if got := g.Suggest(q, 3); len(got) > 3 {
			t.Errorf("Suggest(%q, 3) returned %d places", q, len(got))
		}
	})
}
