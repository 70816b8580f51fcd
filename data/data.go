// Package data holds what Signpost ships with: a sample directory of
// fictional activities across the Liverpool City Region, so that a fresh
// install has something to search; a gazetteer of the region's towns,
// neighbourhoods and postcode districts, so that people can search near a
// place without any outside geocoding service; the land and waters the
// maps draw; and the vocabulary search reads typed words through (everyday
// phrases, crisis language).
//
// Every file but the sample is a default a deployment may replace: cmd
// looks for the same name in <data dir>/custom/ first (DESIGN.md, "Files a
// deployment replaces"); Default hands out the embedded one by name.
//
// The package is a leaf: it embeds files and hands out readers, and knows
// nothing of the types that decode them (directory.Service,
// directory.LoadGazetteer).
//
// The sample was written once from hand-made building blocks (activity
// descriptions, venues, real neighbourhood coordinates) and is now plain
// data: edit sample/services.ndjson directly. data_test.go holds it to its
// promises: every line decodes and validates, every vocabulary term is on at
// least five activities, contact details are fictional, and every postcode
// resolves in the gazetteer near its pin.
package data

import (
	_ "embed"
	"io"
	"strings"
)

// The files are embedded as strings, which are immutable, so every caller
// gets its own reader over the same unchanging bytes.
var (
	//go:embed sample/services.ndjson
	sampleServices string

	//go:embed gazetteer.csv
	gazetteer string

	//go:embed basemap.geojson
	basemap string

	//go:embed water-names.csv
	waterNames string

	//go:embed everyday-phrases.tsv
	everydayPhrases string

	//go:embed crisis-phrases.txt
	crisisPhrases string
)

// SampleServices returns the sample directory as NDJSON: one HSDS 3 service
// object per line, each with its organization embedded and Signpost's
// needs, interests and activity type attached as attributes. Every name,
// phone number (Ofcom's 0151 496 0xxx drama range) and e-mail address
// (@example.org) in it is made up.
func SampleServices() io.Reader {
	return strings.NewReader(sampleServices)
}

// Gazetteer returns the region's places as CSV with the header
// name,kind,lat,lon, where kind is town, neighbourhood or postcode-district
// and the coordinates are approximate centroids in decimal degrees.
func Gazetteer() io.Reader {
	return strings.NewReader(gazetteer)
}

// Basemap returns the region's land as GeoJSON: OpenStreetMap coastline
// (© OpenStreetMap contributors, ODbL 1.0; see BASEMAP-LICENSE), clipped
// to the gazetteer's places with a margin and simplified by
// cmd/signpost-basemap. The "bbox" member is the area it covers.
func Basemap() io.Reader {
	return strings.NewReader(basemap)
}

// WaterNames returns the names of the region's waters as CSV with the
// header name,short_name,lat,lon: how a map labels each ("River Mersey"),
// how a sentence names it ("the Mersey"), and a point in the water to write
// the label at. A water may have several rows, one per label point.
func WaterNames() io.Reader {
	return strings.NewReader(waterNames)
}

// EverydayPhrases returns the everyday phrases search understands, as
// tab-separated lines "phrase<TAB>codes" (engine.ParseVocabulary).
func EverydayPhrases() io.Reader {
	return strings.NewReader(everydayPhrases)
}

// CrisisPhrases returns the crisis language that puts urgent help first,
// one phrase per line (engine.ParseCrisisPhrases).
func CrisisPhrases() io.Reader {
	return strings.NewReader(crisisPhrases)
}

// The names of the files a deployment may replace, as embedded here and
// as looked for in <data dir>/custom/.
const (
	GazetteerFile       = "gazetteer.csv"
	EverydayPhrasesFile = "everyday-phrases.tsv"
	CrisisPhrasesFile   = "crisis-phrases.txt"
	BasemapFile         = "basemap.geojson"
	WaterNamesFile      = "water-names.csv"
)

// Default returns the embedded default of a replaceable file by name, and
// false for a name that is not one.
func Default(name string) (io.Reader, bool) {
	switch name {
	case GazetteerFile:
		return Gazetteer(), true
	case EverydayPhrasesFile:
		return EverydayPhrases(), true
	case CrisisPhrasesFile:
		return CrisisPhrases(), true
	case BasemapFile:
		return Basemap(), true
	case WaterNamesFile:
		return WaterNames(), true
	case HelpNowFile:
		return HelpNow(), true
	}
	return nil, false
}
