package web

import (
	"bufio"
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"signpost/directory"
	"signpost/web/api"
)

const browserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"

// nearestDistrictOracle finds the district whose centre is nearest a
// point by the haversine formula written out, not through the engine.
func nearestDistrictOracle(places []directory.Place, lat, lon float64) string {
	best, bestD := "", math.Inf(1)
	rad := math.Pi / 180
	for _, p := range places {
		if p.Kind != directory.PlacePostcodeDistrict {
			continue
		}
		dLat, dLon := (p.Lat-lat)*rad/2, (p.Lon-lon)*rad/2
		a := math.Sin(dLat)*math.Sin(dLat) + math.Cos(lat*rad)*math.Cos(p.Lat*rad)*math.Sin(dLon)*math.Sin(dLon)
		if d := math.Asin(math.Sqrt(a)); d < bestD {
			best, bestD = p.Name, d
		}
	}
	return best
}

// TestUnmetDemandCounted: searches and matches of the public site that
// find nothing in person for a need within the radius are counted by
// need, district and week; a town counts under its nearest district. A
// robot's request, the API, a later page and a need that is met are not
// counted.
func TestUnmetDemandCounted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	site := newSampleSite(t)
	apiHandler, err := api.New(api.Config{Store: site.store, Engine: site.engine, Gazetteer: site.places})
	if err != nil {
		t.Fatal(err)
	}
	cfg := site.config(testNow)
	cfg.API = apiHandler
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}

	town, ok := site.places.Lookup("Southport")
	if !ok {
		t.Fatal("no Southport in the gazetteer")
	}
	district := nearestDistrictOracle(site.places.Places(), town.Lat, town.Lon)
	dPlace, _ := site.places.Lookup(district)
	const mile = 1609.344
	var codes []string
	for _, n := range directory.Needs {
		codes = append(codes, n.Code)
	}
	atTown, err := site.engine.UnmetNeeds(ctx, town.Lat, town.Lon, mile, codes)
	if err != nil {
		t.Fatal(err)
	}
	atDistrict, _ := site.engine.UnmetNeeds(ctx, dPlace.Lat, dPlace.Lon, mile, codes)
	var unmet, met string
	for _, c := range codes {
		switch {
		case unmet == "" && slices.Contains(atTown, c) && slices.Contains(atDistrict, c):
			unmet = c
		case met == "" && !slices.Contains(atTown, c):
			met = c
		}
	}
	if unmet == "" || met == "" {
		t.Fatalf("the sample has no need unmet (%v) and one met near Southport", atTown)
	}

	// A phrase meaning the need and nothing else, to type.
	var phrase string
	sc := bufio.NewScanner(everydayPhrases())
	for sc.Scan() {
		if p, codes, ok := strings.Cut(sc.Text(), "\t"); ok && codes == "need:"+unmet && phrase == "" {
			phrase = p
		}
	}
	if phrase == "" {
		t.Fatalf("no everyday phrase means only %s", unmet)
	}

	requests := []struct {
		path, agent string
	}{
		// Counted: a search from a town, a match from a district, and
		// words read as the need (counted as its code, never as words).
		{"/search?near=Southport&radius=1&need=" + unmet, browserAgent},
		{"/search?near=Southport&radius=1&q=" + url.QueryEscape(phrase), browserAgent},
		{"/match?step=results&near=" + district + "&radius=1&need=" + unmet + "&need=" + met, browserAgent},
		// Not counted.
		{"/search?near=Southport&radius=1&need=" + unmet, "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
		{"/search?near=Southport&radius=1&need=" + unmet, "Mozilla/5.0 (compatible; bingbot/2.0)"},
		{"/search?near=Southport&radius=1&need=" + unmet, "curl/8.5.0"},
		{"/search?near=Southport&radius=1&need=" + unmet, ""},
		{"/search?near=Southport&radius=1&page=2&need=" + unmet, browserAgent},
		{"/search/print?near=Southport&radius=1&need=" + unmet, browserAgent},
		{"/search?radius=1&need=" + unmet, browserAgent}, // no place
		{"/search?near=Southport&radius=1&need=" + met, browserAgent},
		{"/api/v1/services?near=Southport&proximity=1609&need=" + unmet, browserAgent},
		{"/api/v1/match?near=Southport&proximity=1609&need=" + unmet, browserAgent},
	}
	for _, rq := range requests {
		req := httptest.NewRequest(http.MethodGet, rq.path, nil)
		if rq.agent != "" {
			req.Header.Set("User-Agent", rq.agent)
		} else {
			req.Header.Del("User-Agent")
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d", rq.path, rec.Code)
		}
	}
	if err := site.demand.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := site.store.Demand(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	want := []directory.DemandCount{{DemandKey: directory.DemandKey{Week: directory.ISOWeek(testNow()), Need: unmet, District: district}, Count: 3}}
	if !slices.Equal(got, want) {
		t.Errorf("counted %v, want %v (town Southport counts under %s)", got, want, district)
	}
}

// TestBots: clients that say they are robots, and clients that say
// nothing, are told apart from browsers.
func TestBots(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		agent string
		bot   bool
	}{
		{browserAgent, false},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1", false},
		{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", true},
		{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0)", true},
		{"Mozilla/5.0 (compatible; YandexBot/3.0)", true},
		{"Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", true},
		{"facebookexternalhit/1.1", true},
		{"Mozilla/5.0 (compatible; Yahoo! Slurp)", true},
		{"Screaming Frog SEO Spider/19.0", true},
		{"python-requests/2.31", true},
		{"Go-http-client/1.1", true},
		{"", true},
	} {
		req := httptest.NewRequest("GET", "/search", nil)
		req.Header.Set("User-Agent", tt.agent)
		if got := isBot(req); got != tt.bot {
			t.Errorf("%q: bot %v, want %v", tt.agent, got, tt.bot)
		}
	}
}
