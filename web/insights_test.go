package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"signpost/directory"
)

// seedInsights gives the editorial site figures to show: unmet demand of
// this week, and answers on twelve link worker's lists (in L20 and L4)
// about listings A and B, with a wellbeing start and follow-up on each.
// It leaves the clock 29 days on.
func seedInsights(t testing.TB, es *editorialSite) {
	t.Helper()
	ctx := context.Background()
	week := directory.ISOWeek(es.clock.Now())
	err := es.store.AddDemand(ctx, map[directory.DemandKey]int{
		{Week: week, Need: "lonely", District: "L20"}:     12, // shown as 10
		{Week: week, Need: "lonely", District: "CH41"}:    13, // shown as 15
		{Week: week, Need: "money", District: "L20"}:      3,  // fewer than 5
		{Week: "2020-W01", Need: "money", District: "L4"}: 40, // outside the period
	})
	if err != nil {
		t.Fatal(err)
	}
	lw := directory.AccountOwner(emailLW)
	helps := []directory.HelpLevel{directory.HelpALot, directory.HelpALot, directory.HelpQuiteALot, directory.HelpALittle}
	var tokens []string
	for i := range 12 {
		sl, err := es.store.CreateShortlist(ctx, lw, fmt.Sprintf("Person %d", i))
		if err != nil {
			t.Fatal(err)
		}
		place := "L20"
		if i%3 == 0 {
			place = "L4"
		}
		if _, err := es.store.SaveShortlist(ctx, lw, sl.ID, directory.ListEdit{Place: &place}); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{es.ListingA, es.ListingB} {
			if _, err := es.store.AddItem(ctx, lw, sl.ID, id); err != nil {
				t.Fatal(err)
			}
		}
		token, _, err := es.store.ShareShortlist(ctx, lw, sl.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, token)
		if err := es.store.AnswerShared(ctx, token, es.ListingA, directory.StatusWent, helps[i%len(helps)]); err != nil {
			t.Fatal(err)
		}
		status := directory.StatusNotYet
		if i < 2 {
			status = directory.StatusWent // two went: fewer than 5
		}
		if err := es.store.AnswerShared(ctx, token, es.ListingB, status, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := es.store.RecordWellbeing(ctx, token, directory.WellbeingScores{directory.WellbeingHappiness: 4, directory.WellbeingAnxiety: 7}); err != nil {
			t.Fatal(err)
		}
	}
	es.clock.Advance(29 * 24 * time.Hour)
	for i, token := range tokens {
		if _, err := es.store.RecordWellbeing(ctx, token, directory.WellbeingScores{directory.WellbeingHappiness: 5 + i%3, directory.WellbeingAnxiety: 5}); err != nil {
			t.Fatal(err)
		}
	}
}

// tableRows reads a table of the insights page: its rows' cells by the
// first cell.
func tableRows(doc *goquery.Document, id string) map[string][]string {
	rows := map[string][]string{}
	for _, tr := range doc.Find("#" + id + " table tbody tr").EachIter() {
		var cells []string
		for _, c := range tr.Find("th, td").EachIter() {
			cells = append(cells, strings.TrimSpace(c.Text()))
		}
		rows[strings.Join(cells[:len(cells)-1], "|")] = cells
	}
	return rows
}

func TestInsightsPage(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	seedInsights(t, es)
	c := es.signedIn(t, emailComm)
	resp, doc := c.get("/insights")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}

	t.Run("unmet demand is suppressed and rounded", func(t *testing.T) {
		rows := tableRows(doc, "demand")
		want := map[string]string{"Feeling lonely or cut off|L20": "10", "Feeling lonely or cut off|CH41": "15", "Money worries and debt|L20": "fewer than 5"}
		for k, v := range want {
			if got := rows[k]; got == nil || got[len(got)-1] != v {
				t.Errorf("%s: %v, want %s", k, got, v)
			}
		}
		if len(rows) != len(want) {
			t.Errorf("%d rows (%v), want %d: a count outside the period is left out", len(rows), rows, len(want))
		}
		// The chart's bars are the published figures: 25 for feeling lonely.
		if !strings.Contains(doc.Find("#demand svg.chart").Text(), "25") {
			t.Errorf("the demand chart does not show 25 for lonely: %q", doc.Find("#demand svg.chart").Text())
		}
		if doc.Find("#demand svg.chart title").Length() != 1 || doc.Find("#demand svg.chart desc").Length() != 1 {
			t.Error("the chart has no title and description")
		}
	})

	t.Run("uptake and helpfulness", func(t *testing.T) {
		svcA, _ := es.store.Service(context.Background(), es.ListingA)
		svcB, _ := es.store.Service(context.Background(), es.ListingB)
		rows := map[string][]string{}
		for _, tr := range doc.Find("#uptake-by-activity table tbody tr").EachIter() {
			var cells []string
			for _, c := range tr.Find("th, td").EachIter() {
				cells = append(cells, strings.TrimSpace(c.Text()))
			}
			rows[cells[0]] = cells[1:]
		}
		// Answers, went, a lot, quite a lot, a little, not at all.
		if got, want := rows[svcA.Name], []string{"10", "10", "5", "fewer than 5", "fewer than 5", "fewer than 5"}; !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", svcA.Name, got, want)
		}
		if got, want := rows[svcB.Name], []string{"10", "fewer than 5", "fewer than 5", "fewer than 5", "fewer than 5", "fewer than 5"}; !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", svcB.Name, got, want)
		}
		areas := map[string][]string{}
		for _, tr := range doc.Find("#uptake-by-area table tbody tr").EachIter() {
			areas[strings.TrimSpace(tr.Find("th").Text())] = strings.Fields(tr.Find("td").First().Text())
		}
		// 16 answers from L20 lists, 8 from L4.
		if areas["L20"][0] != "15" || areas["L4"][0] != "10" {
			t.Errorf("answers by area %v, want L20 15 and L4 10", areas)
		}
	})

	t.Run("wellbeing change", func(t *testing.T) {
		rows := map[string][]string{}
		for _, tr := range doc.Find("#wellbeing table tbody tr").EachIter() {
			var cells []string
			for _, c := range tr.Find("td").EachIter() {
				cells = append(cells, strings.TrimSpace(c.Text()))
			}
			rows[strings.TrimSpace(tr.Find("th").Text())] = cells
		}
		// Each person went to A and two to B too: 14 changes each.
		// Happiness moved +1, +2, +3 in turn; anxiety fell by 2.
		if got, want := rows["Happiness"], []string{"15", "+2", "+1 to +3"}; !slices.Equal(got, want) {
			t.Errorf("happiness %v, want %v", got, want)
		}
		if got, want := rows["Anxiety (lower is better)"], []string{"15", "−2", "−2 to −2"}; !slices.Equal(got, want) {
			t.Errorf("anxiety %v, want %v", got, want)
		}
		if got := rows["Life satisfaction"]; len(got) == 0 || got[1] != "Too few answers" {
			t.Errorf("life satisfaction, which nobody answered: %v", got)
		}
	})

	t.Run("every table says how figures are made safe and has a CSV", func(t *testing.T) {
		for _, sel := range doc.Find("div.insight").EachIter() {
			if !strings.Contains(sel.Find(".figure-note").Text(), "rounded") && !strings.Contains(sel.Find(".figure-note").Text(), "not of people") {
				t.Errorf("%s: no note about the figures", sel.AttrOr("id", "?"))
			}
			if href := sel.Find("a[download]").AttrOr("href", ""); !strings.HasPrefix(href, "/insights/"+sel.AttrOr("id", "?")+".csv?") {
				t.Errorf("%s: download link %q", sel.AttrOr("id", "?"), href)
			}
		}
	})

	t.Run("filters narrow every table", func(t *testing.T) {
		_, doc := c.get("/insights?period=13&area=L20&need=money")
		if rows := tableRows(doc, "demand"); len(rows) != 1 || rows["Money worries and debt|L20"] == nil {
			t.Errorf("demand rows %v, want money in L20 only", rows)
		}
		for _, tr := range doc.Find("#gaps table tbody tr").EachIter() {
			if cells := tr.Find("th, td"); cells.Eq(0).Text() != "Money worries and debt" || cells.Eq(1).Text() != "L20" {
				t.Errorf("gap row %q", tr.Text())
			}
		}
		for _, th := range doc.Find("#uptake-by-area table tbody th").EachIter() {
			if th.Text() != "L20" {
				t.Errorf("uptake of %s with L20 chosen", th.Text())
			}
		}
		if got := doc.Find("#insights-need option[selected]").AttrOr("value", ""); got != "money" {
			t.Errorf("the form forgets the need: %q", got)
		}
		if got := doc.Find("#gaps caption, #gaps h3.caption").Text(); !strings.Contains(got, "within 3 miles") {
			t.Errorf("gaps caption %q", got)
		}
	})

	t.Run("gaps map and table", func(t *testing.T) {
		if doc.Find("#gaps-map svg title").Length() != 1 {
			t.Error("no gaps map with a title")
		}
		if doc.Find("#gaps-map svg circle").Length() < 20 {
			t.Errorf("the gaps map marks %d districts", doc.Find("#gaps-map svg circle").Length())
		}
	})
}

func TestInsightsCSV(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	seedInsights(t, es)
	c := es.signedIn(t, emailComm)
	read := func(t *testing.T, path string) (int, [][]string) {
		req, _ := http.NewRequest("GET", c.base+path, nil)
		resp, err := c.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return resp.StatusCode, nil
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("Content-Type %q", ct)
		}
		recs, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, recs
	}
	for _, name := range []string{"gaps", "demand", "uptake-by-need", "uptake-by-area", "uptake-by-activity", "helpfulness", "wellbeing"} {
		t.Run(name, func(t *testing.T) {
			status, recs := read(t, "/insights/"+name+".csv?period=13")
			if status != http.StatusOK || len(recs) < 2 {
				t.Fatalf("status %d, %d records", status, len(recs))
			}
			// Every figure of people is "fewer than 5" or a multiple of 5.
			for _, rec := range recs[1:] {
				for i, cell := range rec {
					h := recs[0][i]
					if name == "gaps" || i == 0 || h == "Postcode district" || strings.Contains(h, "change") {
						continue
					}
					var n int
					if cell != "fewer than 5" && (!isNumber(cell, &n) || n%5 != 0) {
						t.Errorf("%s: %q is neither rounded nor suppressed", h, cell)
					}
				}
			}
		})
	}
	t.Run("the demand file with a need chosen", func(t *testing.T) {
		_, recs := read(t, "/insights/demand.csv?period=13&need=money")
		if len(recs) != 2 || recs[1][0] != "Money worries and debt" || recs[1][2] != "fewer than 5" {
			t.Errorf("records %v", recs)
		}
	})
	t.Run("a filter the page does not offer", func(t *testing.T) {
		for _, q := range []string{"period=7", "need=nonsense", "area=ZZ9"} {
			if status, _ := read(t, "/insights/demand.csv?"+q); status != http.StatusBadRequest {
				t.Errorf("%s: status %d, want 400", q, status)
			}
		}
	})
}

func isNumber(s string, n *int) bool {
	_, err := fmt.Sscanf(s, "%d", n)
	return err == nil && fmt.Sprint(*n) == s
}

// TestProviderOutcomes: a provider sees the figures of their own listings
// only, rounded and suppressed like the insight pages, on the page and in
// the download.
func TestProviderOutcomes(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	seedInsights(t, es)
	ctx := context.Background()
	svcA, _ := es.store.Service(ctx, es.ListingA)
	svcB, _ := es.store.Service(ctx, es.ListingB)
	c := es.signedIn(t, emailProvA)
	resp, doc := c.get("/provider/outcomes")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var names []string
	for _, th := range doc.Find("table.insight-table tbody th").EachIter() {
		names = append(names, strings.TrimSpace(th.Text()))
	}
	if !slices.Equal(names, []string{svcA.Name}) {
		t.Errorf("listings %v, want only %s (not %s, another organisation's)", names, svcA.Name, svcB.Name)
	}
	var cells []string
	for _, td := range doc.Find("table.insight-table tbody td").EachIter() {
		cells = append(cells, strings.TrimSpace(td.Text()))
	}
	if want := []string{"10", "10", "5", "fewer than 5", "fewer than 5", "fewer than 5"}; !slices.Equal(cells, want) {
		t.Errorf("figures %v, want %v", cells, want)
	}
	if !strings.Contains(doc.Find(".figure-note").Text(), "rounded to the nearest 5") {
		t.Error("no note on rounding beside the table")
	}
	req, _ := http.NewRequest("GET", c.base+"/provider/outcomes.csv", nil)
	r, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	recs, err := csv.NewReader(r.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1][1] != svcA.Name || recs[1][3] != "10" {
		t.Errorf("CSV %v", recs)
	}
}

func TestSpreadsheetSafe(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+1":                       "'+1",
		"@SUM(A1)":                 "'@SUM(A1)",
		"Bootle Walking Group":     "Bootle Walking Group",
		"fewer than 5":             "fewer than 5",
		"−2":                       "−2",
		"":                         "",
	} {
		if got := spreadsheetSafe(in); got != want {
			t.Errorf("spreadsheetSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
