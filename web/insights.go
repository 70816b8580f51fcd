package web

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"signpost/directory"
	"signpost/engine"
)

// The insight pages (/insights) show commissioners and admins anonymous
// aggregates only: what people said of the activities on their shared
// lists (uptake, helpfulness, wellbeing change), the searches that found
// nothing in person for a need (unmet demand), and the postcode districts
// with no in-person activity for a need within reach (provision gaps).
// Every count of people goes through directory.ShowCount, on the page and
// in every CSV file; nothing here reads a list, an answer or an account.

// InsightStore is what the insight pages read. *directory.Store satisfies
// it.
type InsightStore interface {
	// Demand returns the counts of unmet demand of a range of ISO weeks.
	Demand(ctx context.Context, fromWeek, toWeek string) ([]directory.DemandCount, error)
	// OutcomeAggregates returns the weekly outcome rows f chooses.
	OutcomeAggregates(ctx context.Context, f directory.OutcomeFilter) ([]directory.OutcomeRow, error)
}

// ProvisionSource measures how far each postcode district lies from
// in-person support for each need. *engine.Engine satisfies it.
type ProvisionSource interface {
	Provision(ctx context.Context) (*engine.Provision, error)
}

// defaultGapMiles is how near an in-person activity must be to a
// district's centre for the district to count as served (serve
// --gap-miles).
const defaultGapMiles = 3

type insightHandlers struct {
	*renderer
	store     InsightStore
	provision ProvisionSource
	listings  Listings
	maps      *mapper
	units     engine.Units
	gapM      float64
	gapMiles  float64
	now       func() time.Time
}

func newInsightHandlers(pages *renderer, store InsightStore, prov ProvisionSource, listings Listings, maps *mapper, units engine.Units, gapMiles float64, now func() time.Time) *insightHandlers {
	if gapMiles <= 0 {
		gapMiles = defaultGapMiles
	}
	return &insightHandlers{renderer: pages, store: store, provision: prov, listings: listings, maps: maps, units: units,
		gapM: gapMiles * metresPerMile, gapMiles: gapMiles, now: now}
}

// insightFilter is the page's GET form: a period of whole weeks ending
// this week (0: all time), a postcode district and a need ("" for all).
type insightFilter struct {
	Period int
	Area   string
	Need   string
}

// insightPeriod is a period the filters offer, in weeks (0: all time).
type insightPeriod struct {
	Weeks int
	Label string
	// Phrase ends a sentence about the period: "answers in the last 4
	// weeks".
	Phrase string
}

// insightPeriods are the periods offered, in weeks.
var insightPeriods = []insightPeriod{
	{4, "Last 4 weeks", "in the last 4 weeks"},
	{13, "Last 13 weeks", "in the last 13 weeks"},
	{52, "Last 52 weeks", "in the last 52 weeks"},
	{0, "All time", "since figures began"},
}

const defaultInsightPeriod = 13

func (h *insightHandlers) readFilter(v url.Values, districts []directory.Place) (insightFilter, error) {
	f := insightFilter{Period: defaultInsightPeriod, Area: strings.TrimSpace(v.Get("area")), Need: strings.TrimSpace(v.Get("need"))}
	bad := func(what string) error {
		return &httpError{status: http.StatusBadRequest, heading: "Those filters cannot be shown",
			message: "The " + what + " chosen is not one this page offers. Choose again from the lists."}
	}
	if p := strings.TrimSpace(v.Get("period")); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || !slices.ContainsFunc(insightPeriods, func(x insightPeriod) bool { return x.Weeks == n }) {
			return f, bad("period")
		}
		f.Period = n
	}
	if f.Need != "" {
		if _, ok := directory.LookupTerm(directory.TaxonomyNeeds, f.Need); !ok {
			return f, bad("need")
		}
	}
	if f.Area != "" && f.Area != directory.UnknownDistrict && !slices.ContainsFunc(districts, func(p directory.Place) bool { return p.Name == f.Area }) {
		return f, bad("area")
	}
	return f, nil
}

// weeks is the filter's period as ISO weeks, both included; "" is open.
func (f insightFilter) weeks(now time.Time) (from, to string) {
	if f.Period == 0 {
		return "", ""
	}
	return directory.ISOWeek(now.AddDate(0, 0, -7*(f.Period-1))), directory.ISOWeek(now)
}

func (f insightFilter) query() url.Values {
	v := url.Values{}
	v.Set("period", strconv.Itoa(f.Period))
	if f.Area != "" {
		v.Set("area", f.Area)
	}
	if f.Need != "" {
		v.Set("need", f.Need)
	}
	return v
}

// insightTable is one table of the page, and the CSV file of the same
// rows. Figures in it are already as they may be shown.
type insightTable struct {
	// Name is the CSV file's name without .csv, and the table's id.
	Name    string
	Caption string
	// Note says how the figures were made safe to show, beside the table.
	Note string
	Head []string
	Rows [][]string
	// Numeric marks the columns of figures, aligned right.
	Numeric []bool
	// Chart draws the table's figures, when it has one.
	Chart template.HTML
	// Shown is how many rows the page shows; the CSV has all.
	Shown int
	CSV   string
	// Empty says why there are no rows.
	Empty string
	// OrgName is the organisation of a provider's table.
	OrgName string
}

// PageRows are the rows the page shows.
func (t *insightTable) PageRows() [][]string { return t.Rows[:min(len(t.Rows), t.Shown)] }

// maxPageRows bounds a table on the page; its CSV has every row.
const maxPageRows = 40

// insightsPage is /insights.
type insightsPage struct {
	BasePage
	Filter        insightFilter
	PeriodOptions []option
	AreaOptions   []option
	NeedOptions   []option
	PeriodText    string
	// GapMiles is the gap distance in words: "3 miles".
	GapMiles       string
	GapsMap        template.HTML
	Gaps, Demand   *insightTable
	UptakeByNeed   *insightTable
	UptakeByArea   *insightTable
	UptakeByListed *insightTable
	Helpfulness    *insightTable
	Wellbeing      *insightTable
}

// tables lists every table of the page, for the CSV downloads.
func (p *insightsPage) tables() []*insightTable {
	return []*insightTable{p.Gaps, p.Demand, p.UptakeByNeed, p.UptakeByArea, p.UptakeByListed, p.Helpfulness, p.Wellbeing}
}

func (h *insightHandlers) insights(w http.ResponseWriter, r *http.Request) error {
	p, err := h.build(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "insights", p)
	return nil
}

// insightsCSV serves one table of the page, with the page's filters, as
// CSV.
func (h *insightHandlers) insightsCSV(w http.ResponseWriter, r *http.Request) error {
	p, err := h.build(r)
	if err != nil {
		return err
	}
	name := mux.Vars(r)["table"]
	i := slices.IndexFunc(p.tables(), func(t *insightTable) bool { return t.Name == name })
	if i < 0 {
		return errPageNotFound
	}
	t := p.tables()[i]
	return writeCSV(w, "signpost-"+t.Name+".csv", t.Head, t.Rows)
}

// writeCSV sends a table as a CSV download.
func writeCSV(w http.ResponseWriter, filename string, head []string, rows [][]string) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.Write(head)
	for _, row := range rows {
		safe := make([]string, len(row))
		for i, c := range row {
			safe[i] = spreadsheetSafe(c)
		}
		cw.Write(safe)
	}
	cw.Flush()
	return cw.Error()
}

// spreadsheetSafe stops a cell that a provider wrote (an activity's name)
// from being read as a formula when the file is opened in a spreadsheet:
// one starting =, +, -, @, tab or carriage return gets a leading
// apostrophe, which spreadsheets show as text.
func spreadsheetSafe(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// build gathers every table the filters ask for.
func (h *insightHandlers) build(r *http.Request) (*insightsPage, error) {
	ctx := r.Context()
	prov, err := h.provision.Provision(ctx)
	if err != nil {
		return nil, fmt.Errorf("insights: %w", err)
	}
	f, err := h.readFilter(r.URL.Query(), prov.Districts)
	if err != nil {
		return nil, err
	}
	now := h.now()
	from, to := f.weeks(now)
	p := &insightsPage{
		BasePage: BasePage{Title: "Insights: what helps and where support is missing", Nav: "insights"},
		Filter:   f,
		GapMiles: strconv.FormatFloat(h.gapMiles, 'f', -1, 64) + " miles",
	}
	if h.gapMiles == 1 {
		p.GapMiles = "1 mile"
	}
	for _, per := range insightPeriods {
		p.PeriodOptions = append(p.PeriodOptions, option{Value: strconv.Itoa(per.Weeks), Label: per.Label, Selected: per.Weeks == f.Period})
		if per.Weeks == f.Period {
			p.PeriodText = per.Phrase
		}
	}
	p.AreaOptions = []option{{Value: "", Label: "All areas", Selected: f.Area == ""}}
	for _, d := range prov.Districts {
		p.AreaOptions = append(p.AreaOptions, option{Value: d.Name, Label: d.Name, Selected: f.Area == d.Name})
	}
	p.AreaOptions = append(p.AreaOptions, option{Value: directory.UnknownDistrict, Label: "Not known", Selected: f.Area == directory.UnknownDistrict})
	p.NeedOptions = []option{{Value: "", Label: "All needs", Selected: f.Need == ""}}
	for _, n := range directory.Needs {
		p.NeedOptions = append(p.NeedOptions, option{Value: n.Code, Label: n.Label, Selected: f.Need == n.Code})
	}

	h.gaps(p, prov, f)
	demand, err := h.store.Demand(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("insights: %w", err)
	}
	p.Demand = demandTable(demand, f)
	rows, err := h.store.OutcomeAggregates(ctx, directory.OutcomeFilter{From: from, To: to, District: f.Area, Need: f.Need})
	if err != nil {
		return nil, fmt.Errorf("insights: %w", err)
	}
	if err := h.outcomes(ctx, p, rows); err != nil {
		return nil, fmt.Errorf("insights: %w", err)
	}
	q := f.query().Encode()
	for _, t := range p.tables() {
		t.CSV = "/insights/" + t.Name + ".csv?" + q
		if t.Shown == 0 {
			t.Shown = maxPageRows
		}
	}
	return p, nil
}

// gapNote says why the gaps' figures are not rounded.
const gapNote = "These figures are distances to listed activities and counts of places, not of people, so they are shown as they are."

// gaps fills the map and the table of provision gaps: every need (or the
// one chosen) and district (or the one chosen) with no in-person activity
// meeting the need within the gap distance of the district's centre.
func (h *insightHandlers) gaps(p *insightsPage, prov *engine.Provision, f insightFilter) {
	miles := p.GapMiles
	t := &insightTable{Name: "gaps", Caption: "Postcode districts with no in-person activity within " + miles + ", by need",
		Note: gapNote, Head: []string{"Need", "Postcode district", "Nearest in-person activity"}, Numeric: []bool{false, false, true}}
	missing := map[string]int{}
	perNeed := map[string]int{}
	of := 0
	for _, n := range directory.Needs {
		if f.Need == "" || f.Need == n.Code {
			of++
		}
	}
	for _, g := range prov.Gaps(h.gapM) {
		if f.Need != "" && g.Need.Code != f.Need {
			continue
		}
		missing[g.District.Name]++
		perNeed[g.Need.Code]++
		if f.Area != "" && g.District.Name != f.Area {
			continue
		}
		nearest := "None in the directory"
		if !g.None() {
			nearest = h.units.Distance(g.NearestM)
		}
		t.Rows = append(t.Rows, []string{g.Need.Label, g.District.Name, nearest})
	}
	if len(t.Rows) == 0 {
		t.Empty = "Every district has an in-person activity for this within " + miles + "."
	}
	var bars []bar
	for _, n := range directory.Needs {
		if f.Need == "" || f.Need == n.Code {
			bars = append(bars, bar{Label: n.Label, Fig: directory.Figure{Rounded: perNeed[n.Code], Few: false}})
		}
	}
	t.Chart = barChart("gaps", "Districts with a gap, by need",
		fmt.Sprintf("For each need, how many of the %d postcode districts have no in-person activity meeting it within %s of their centre. The table below lists them.", len(prov.Districts), miles), bars)
	p.Gaps = t

	marks := make([]districtMark, len(prov.Districts))
	gapped := 0
	for i, d := range prov.Districts {
		marks[i] = districtMark{Place: d, Missing: missing[d.Name], Of: of, Chosen: d.Name == f.Area}
		if missing[d.Name] > 0 {
			gapped++
		}
	}
	what := "any need"
	if f.Need != "" {
		what = strings.ToLower(needLabel(f.Need))
	}
	desc := fmt.Sprintf("%d of %d postcode districts have a gap, each drawn as a red ring with a cross, larger where more needs are missing and labelled with its district where there is room; a small blue dot is a district with no gap. The table below lists every gap.", gapped, len(prov.Districts))
	if f.Area != "" {
		desc += " The district chosen, " + f.Area + ", is circled in black."
	}
	p.GapsMap = h.maps.gapsMap(fmt.Sprintf("Map of postcode districts with no in-person activity for %s within %s", what, miles), desc, marks)
}

// demandTable is unmet demand by need and district over the period,
// with the chart by need; every figure is shown as ShowCount allows.
func demandTable(counts []directory.DemandCount, f insightFilter) *insightTable {
	t := &insightTable{Name: "demand", Caption: "Searches that found nothing in person for a need, by need and postcode district",
		Note: directory.FigureRule, Head: []string{"Need", "Postcode district", "Searches"}, Numeric: []bool{false, false, true}}
	type key struct{ need, district string }
	sums := map[key]int{}
	byNeed := map[string]int{}
	for _, c := range counts {
		if (f.Need != "" && c.Need != f.Need) || (f.Area != "" && c.District != f.Area) {
			continue
		}
		sums[key{c.Need, c.District}] += c.Count
		byNeed[c.Need] += c.Count
	}
	type row struct {
		key
		fig directory.Figure
	}
	var rows []row
	for k, n := range sums {
		rows = append(rows, row{k, directory.ShowCount(n)})
	}
	// By the figure as shown, so that order tells nothing the figures
	// do not.
	slices.SortFunc(rows, func(a, b row) int {
		if c := cmp.Compare(b.fig.Rounded, a.fig.Rounded); c != 0 {
			return c
		}
		if c := cmp.Compare(needIndex(a.need), needIndex(b.need)); c != 0 {
			return c
		}
		return cmp.Compare(a.district, b.district)
	})
	for _, r := range rows {
		t.Rows = append(t.Rows, []string{needLabel(r.need), r.district, r.fig.String()})
	}
	if len(t.Rows) == 0 {
		t.Empty = "No search in this period found nothing in person for a need."
	}
	var bars []bar
	for _, n := range directory.Needs {
		if c, ok := byNeed[n.Code]; ok {
			bars = append(bars, bar{Label: n.Label, Fig: directory.ShowCount(c)})
		}
	}
	t.Chart = barChart("demand", "Unmet demand by need",
		"For each need searched for, how many searches with a place found no in-person activity within the distance chosen. The table below breaks these down by postcode district.", bars)
	return t
}

func needIndex(need string) int {
	return slices.IndexFunc(directory.Needs, func(t directory.Term) bool { return t.Code == need })
}

func needLabel(code string) string {
	if t, ok := directory.LookupTerm(directory.TaxonomyNeeds, code); ok {
		return t.Label
	}
	return code
}

// outcomeHead is the head of every uptake table after its first column.
var outcomeHead = []string{"Answers", "I went", "Helped a lot", "Helped quite a lot", "Helped a little", "Did not help"}

// outcomeCells are one group's figures, as shown.
func outcomeCells(c directory.OutcomeCounts) []string {
	return []string{
		directory.ShowCount(c.Answers()).String(),
		directory.ShowCount(c.Status[directory.StatusWent]).String(),
		directory.ShowCount(c.Help[directory.HelpALot]).String(),
		directory.ShowCount(c.Help[directory.HelpQuiteALot]).String(),
		directory.ShowCount(c.Help[directory.HelpALittle]).String(),
		directory.ShowCount(c.Help[directory.HelpNotAtAll]).String(),
	}
}

func uptakeTable(name, caption, first string) *insightTable {
	return &insightTable{Name: name, Caption: caption, Note: directory.FigureRule + " A person with several activities on their list answers for each.",
		Head: append([]string{first}, outcomeHead...), Numeric: []bool{false, true, true, true, true, true, true},
		Empty: "Nobody has answered about an activity in this period."}
}

// outcomes fills the uptake, helpfulness and wellbeing tables from the
// aggregate rows the filters chose.
func (h *insightHandlers) outcomes(ctx context.Context, p *insightsPage, rows []directory.OutcomeRow) error {
	byNeed := map[string]*directory.OutcomeCounts{}
	byArea := map[string]*directory.OutcomeCounts{}
	byService := map[string]*directory.OutcomeCounts{}
	add := func(m map[string]*directory.OutcomeCounts, k string, c directory.OutcomeCounts) {
		if m[k] == nil {
			m[k] = &directory.OutcomeCounts{}
		}
		m[k].Add(c)
	}
	var all directory.OutcomeCounts
	for _, r := range rows {
		all.Add(r.OutcomeCounts)
		if r.ServiceID == "" {
			continue // a wellbeing-only row: no activity was gone to
		}
		for _, n := range r.Needs {
			if p.Filter.Need == "" || n == p.Filter.Need {
				add(byNeed, n, r.OutcomeCounts)
			}
		}
		add(byArea, r.District, r.OutcomeCounts)
		add(byService, r.ServiceID, r.OutcomeCounts)
	}

	t := uptakeTable("uptake-by-need", "Uptake and helpfulness by need", "Need")
	var went []bar
	for _, n := range directory.Needs {
		if c := byNeed[n.Code]; c != nil {
			t.Rows = append(t.Rows, append([]string{n.Label}, outcomeCells(*c)...))
			went = append(went, bar{Label: n.Label, Fig: directory.ShowCount(c.Status[directory.StatusWent])})
		}
	}
	t.Chart = barChart("uptake", "People who went, by need",
		"For each need, how many answers on shared lists said “I went” to an activity meeting it. The table below adds how much it helped.", went)
	p.UptakeByNeed = t

	t = uptakeTable("uptake-by-area", "Uptake and helpfulness by postcode district", "Postcode district")
	for _, d := range slices.Sorted(maps.Keys(byArea)) {
		name := d
		if d == directory.UnknownDistrict {
			name = "Not known"
		}
		t.Rows = append(t.Rows, append([]string{name}, outcomeCells(*byArea[d])...))
	}
	p.UptakeByArea = t

	t = uptakeTable("uptake-by-activity", "Uptake and helpfulness by activity", "Activity")
	type svcRow struct {
		name string
		c    *directory.OutcomeCounts
	}
	names, err := h.listings.ServiceNames(ctx, slices.Collect(maps.Keys(byService)))
	if err != nil {
		return err
	}
	var svcs []svcRow
	for id, c := range byService {
		name, ok := names[id]
		if !ok {
			name = "An activity no longer listed"
		}
		svcs = append(svcs, svcRow{name, c})
	}
	// Most answered first, by the figure as shown.
	slices.SortFunc(svcs, func(a, b svcRow) int {
		if c := cmp.Compare(directory.ShowCount(b.c.Answers()).Rounded, directory.ShowCount(a.c.Answers()).Rounded); c != 0 {
			return c
		}
		return cmp.Compare(a.name, b.name)
	})
	for _, s := range svcs {
		t.Rows = append(t.Rows, append([]string{s.name}, outcomeCells(*s.c)...))
	}
	p.UptakeByListed = t

	t = &insightTable{Name: "helpfulness", Caption: "Did it help? Answers of people who went", Note: directory.FigureRule,
		Head: []string{"Answer", "People who went"}, Numeric: []bool{false, true}}
	var helps []bar
	for i := len(directory.HelpLevels) - 1; i >= 0; i-- {
		lv := directory.HelpLevels[i]
		fig := directory.ShowCount(all.Help[lv])
		t.Rows = append(t.Rows, []string{lv.Label(), fig.String()})
		helps = append(helps, bar{Label: lv.Label(), Fig: fig})
	}
	t.Chart = barChart("help", "Did it help?", "How many people who went to an activity said it helped a lot, quite a lot, a little or not at all.", helps)
	p.Helpfulness = t

	t = &insightTable{Name: "wellbeing", Caption: "Change in wellbeing between a list being made and its follow-up",
		Note: directory.FigureRule + " A median and spread are shown only when at least 5 people answered. Each person counts once for each activity they went to.",
		Head: []string{"Question", "People", "Median change", "Middle half of changes"}, Numeric: []bool{false, true, true, true}}
	var spreads []spread
	for _, q := range directory.WellbeingQuestions {
		hist := all.Wellbeing[q]
		n := 0
		if hist != nil {
			n = hist.N()
		}
		row := []string{wellbeingLabel(q), directory.ShowCount(n).String(), "Too few answers", "Too few answers"}
		if directory.Shown(n) {
			med, _ := hist.Median()
			lo, _ := hist.Quantile(0.25)
			hi, _ := hist.Quantile(0.75)
			row[2], row[3] = signed(med), signed(lo)+" to "+signed(hi)
			spreads = append(spreads, spread{Label: wellbeingLabel(q), Median: med, Lower: lo, High: hi})
		}
		t.Rows = append(t.Rows, row)
	}
	t.Chart = spreadChart("wellbeing", "Change in wellbeing scores (0 to 10)",
		"For each question, the dot is the median change in score between a list being made and its follow-up, and the band the middle half of the changes. Right of the dashed line is a rise; for anxiety a fall is better.", spreads)
	p.Wellbeing = t
	return nil
}

func wellbeingLabel(q directory.WellbeingQuestion) string {
	switch q {
	case directory.WellbeingLifeSatisfaction:
		return "Life satisfaction"
	case directory.WellbeingWorthwhile:
		return "Feeling things are worthwhile"
	case directory.WellbeingHappiness:
		return "Happiness"
	case directory.WellbeingAnxiety:
		return "Anxiety (lower is better)"
	}
	return string(q)
}

func signed(n int) string {
	if n > 0 {
		return "+" + strconv.Itoa(n)
	}
	if n < 0 {
		return "−" + strconv.Itoa(-n)
	}
	return "0"
}
