package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"signpost/directory"
)

// editForm loads a listing's edit form as c and returns its fields.
func editForm(t *testing.T, c *client, path string) url.Values {
	t.Helper()
	resp, doc := c.get(path)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: status %d", path, resp.StatusCode)
	}
	v := formValues(doc, "#listing-form")
	if v.Get("name") == "" && !strings.HasSuffix(path, "/new") {
		t.Fatalf("edit form of %s has no name", path)
	}
	return v
}

// searchHits returns the activity links of the site's search results.
func searchHits(t *testing.T, c *client, q string) []string {
	t.Helper()
	resp, doc := c.get("/search?q=" + url.QueryEscape(q))
	if resp.StatusCode != 200 {
		t.Fatalf("search %q: status %d", q, resp.StatusCode)
	}
	var hrefs []string
	doc.Find(".result h3 a").Each(func(_ int, a *goquery.Selection) {
		h, _, _ := strings.Cut(a.AttrOr("href", ""), "?") // the activity, without the way back
		hrefs = append(hrefs, h)
	})
	return hrefs
}

func TestModerationFlow(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	ctx := context.Background()
	prov, provB, admin, public := es.signedIn(t, emailProvA), es.signedIn(t, emailProvB), es.signedIn(t, emailAdmin), es.client(t)
	editPath := "/provider/listings/" + es.ListingA + "/edit"
	publicPath := "/activities/" + es.ListingA
	before, err := es.store.Service(ctx, es.ListingA)
	if err != nil {
		t.Fatal(err)
	}

	// The provider previews: the Markdown is rendered, nothing is stored.
	form := editForm(t, prov, editPath)
	form.Set("description", "A **zanzibarish** evening of drama.\n\n- no auditions\n- tea after")
	form.Set("action", "preview")
	resp, doc := prov.post(editPath, form)
	if resp.StatusCode != 200 {
		t.Fatalf("preview: status %d", resp.StatusCode)
	}
	if got := textOf(doc.Find("#preview .description strong")); got != "zanzibarish" {
		t.Errorf("preview shows <strong>%s</strong>", got)
	}
	if n := doc.Find("#preview .description li").Length(); n != 2 {
		t.Errorf("preview shows %d list items, want 2", n)
	}
	if _, err := es.store.Draft(ctx, es.ListingA); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("a preview stored a draft: %v", err)
	}

	// Submitted, it waits: the public and search still see the old text.
	form.Set("action", "submit")
	resp, _ = prov.post(editPath, form)
	if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "done=submitted") {
		t.Fatalf("submit: status %d to %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, doc := public.get(publicPath); strings.Contains(doc.Find(".description").Text(), "zanzibarish") {
		t.Error("the public page shows an unapproved edit")
	}
	if hits := searchHits(t, public, "zanzibarish"); len(hits) != 0 {
		t.Errorf("search finds an unapproved edit: %v", hits)
	}
	_, doc = prov.get("/provider")
	if got := textOf(doc.Find("#listing-" + es.ListingA + " .draft-status")); !strings.Contains(got, "waiting for review") {
		t.Errorf("provider's listing says %q", got)
	}

	// Another organisation's provider sees none of it.
	_, doc = provB.get("/provider")
	if doc.Find("#listing-"+es.ListingA).Length() != 0 || strings.Contains(doc.Text(), "zanzibarish") {
		t.Error("provider B's page shows provider A's listing or draft")
	}
	for _, path := range []string{editPath, "/provider/listings/" + es.ListingA + "/history", "/admin/queue/" + es.ListingA} {
		if resp, doc := provB.get(path); resp.StatusCode != 403 || strings.Contains(doc.Text(), "zanzibarish") {
			t.Errorf("provider B GET %s: status %d", path, resp.StatusCode)
		}
	}

	// The admin sees it in the queue with a field-by-field diff.
	_, doc = admin.get("/admin/queue")
	if got := textOf(doc.Find("table.queue tbody tr td a")); got != before.Name {
		t.Errorf("queue lists %q, want %q", got, before.Name)
	}
	_, doc = admin.get("/admin/queue/" + es.ListingA)
	var fields []string
	doc.Find("table.diff tbody tr").Each(func(_ int, tr *goquery.Selection) {
		fields = append(fields, textOf(tr.Find("th")))
		if textOf(tr.Find("th")) == "Description" {
			if old := textOf(tr.Find("td.old")); old != strings.Join(strings.Fields(before.Description), " ") {
				t.Errorf("diff old description %q", old)
			}
			if !strings.Contains(textOf(tr.Find("td.new")), "**zanzibarish**") {
				t.Errorf("diff new description %q", textOf(tr.Find("td.new")))
			}
		}
	})
	if !slices.Equal(fields, []string{"Description"}) {
		t.Errorf("diff rows %v, want only Description", fields)
	}
	if got := textOf(doc.Find(".description strong")); got != "zanzibarish" {
		t.Errorf("review preview shows %q", got)
	}

	// Approved, it is public and searchable at once.
	resp, _ = admin.post("/admin/queue/"+es.ListingA+"/approve", nil)
	if resp.StatusCode != 303 {
		t.Fatalf("approve: status %d", resp.StatusCode)
	}
	if hits := searchHits(t, public, "zanzibarish"); !slices.Contains(hits, publicPath) {
		t.Errorf("search after approval: %v, want %s", hits, publicPath)
	}
	if _, doc := public.get(publicPath); textOf(doc.Find(".description strong")) != "zanzibarish" {
		t.Error("the public page does not show the approved Markdown")
	}

	// A second edit is turned down; the provider reads the reason.
	form = editForm(t, prov, editPath)
	form.Set("name", "ACT UP!!! BEST DRAMA EVER")
	form.Set("action", "submit")
	if resp, _ := prov.post(editPath, form); resp.StatusCode != 303 {
		t.Fatalf("second submit: status %d", resp.StatusCode)
	}
	if resp, _ := admin.post("/admin/queue/"+es.ListingA+"/reject", url.Values{"reason": {""}}); resp.StatusCode != 400 {
		t.Errorf("reject without a reason: status %d, want 400", resp.StatusCode)
	}
	if resp, _ := admin.post("/admin/queue/"+es.ListingA+"/reject", url.Values{"reason": {"Please keep the name as people know it."}}); resp.StatusCode != 303 {
		t.Fatalf("reject: status %d", resp.StatusCode)
	}
	_, doc = prov.get("/provider")
	if got := textOf(doc.Find("#listing-" + es.ListingA + " .reason")); got != "Please keep the name as people know it." {
		t.Errorf("provider sees reason %q", got)
	}
	_, doc = prov.get(editPath)
	if got := textOf(doc.Find("#rejected .reason")); got != "Please keep the name as people know it." {
		t.Errorf("edit page shows reason %q", got)
	}
	if v, _ := doc.Find("#name").Attr("value"); v != "ACT UP!!! BEST DRAMA EVER" {
		t.Errorf("edit form starts from %q, want the turned-down draft to correct", v)
	}
	if svc := mustService(t, es, es.ListingA); svc.Name != before.Name {
		t.Errorf("a rejected name was published: %q", svc.Name)
	}

	// History: every step, with readable field names; only admins restore.
	histPath := "/provider/listings/" + es.ListingA + "/history"
	_, doc = prov.get(histPath)
	if got := items(doc.Find(".revision h2")); got != "Changes turned down|Changes sent for review|Changes approved|Changes sent for review|Imported" {
		t.Errorf("history: %s", got)
	}
	if doc.Find(`a.restore`).Length() != 0 {
		t.Error("a provider is offered Restore")
	}
	_, doc = admin.get(histPath)
	restore := doc.Find(`a.restore`)
	if restore.Length() != 1 {
		t.Fatalf("admin sees %d restore links, want 1 (the imported version)", restore.Length())
	}
	href, _ := restore.Attr("href")
	seq := strings.TrimPrefix(href[strings.Index(href, "?"):], "?seq=")
	if resp, _ := admin.post("/provider/listings/"+es.ListingA+"/restore", url.Values{"seq": {seq}}); resp.StatusCode != 303 {
		t.Fatalf("restore: status %d", resp.StatusCode)
	}
	if svc := mustService(t, es, es.ListingA); svc.Description != before.Description {
		t.Errorf("after restore description = %q", svc.Description)
	}
	if hits := searchHits(t, public, "zanzibarish"); len(hits) != 0 {
		t.Errorf("search still finds the restored-away text: %v", hits)
	}
	_, doc = admin.get(histPath)
	if got := textOf(doc.Find(".revision h2").First()); got != "Earlier version restored" {
		t.Errorf("newest revision %q", got)
	}
}

func TestCapacityAndConfirmWithoutModeration(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	ctx := context.Background()
	prov, public := es.signedIn(t, emailProvA), es.client(t)
	base := "/provider/listings/" + es.ListingA

	resp, _ := prov.post(base+"/capacity", url.Values{"capacity": {"waiting-list"}})
	if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "done=capacity") {
		t.Fatalf("capacity: status %d to %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, doc := public.get("/activities/" + es.ListingA); facts(doc.Find(".key-facts dl"))["Places"] != "Waiting list" {
		t.Errorf("public page Places = %q", facts(doc.Find(".key-facts dl"))["Places"])
	}
	if _, err := es.store.Draft(ctx, es.ListingA); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("capacity went through moderation: %v", err)
	}
	if resp, _ := prov.post(base+"/capacity", url.Values{"capacity": {"closed"}}); resp.StatusCode != 400 {
		t.Errorf("unknown capacity: status %d", resp.StatusCode)
	}

	resp, _ = prov.post(base+"/confirm", nil)
	if resp.StatusCode != 303 {
		t.Fatalf("confirm: status %d", resp.StatusCode)
	}
	svc := mustService(t, es, es.ListingA)
	if svc.AssuredDate != "2026-03-02" {
		t.Errorf("assured_date = %q, want today", svc.AssuredDate)
	}
	_, doc := prov.get("/provider")
	row := doc.Find("#listing-" + es.ListingA)
	if got := facts(row.Find("dl"))["Checked"]; got != "Confirmed 2 March 2026" {
		t.Errorf("freshness %q", got)
	}
	revs, err := es.store.Revisions(ctx, es.ListingA)
	if err != nil || len(revs) < 2 {
		t.Fatalf("history: %d revisions, %v", len(revs), err)
	}
	if revs[0].Action != directory.ActionConfirm || revs[1].Action != directory.ActionCapacity || revs[0].Actor != emailProvA {
		t.Errorf("history %s by %s, then %s", revs[0].Action, revs[0].Actor, revs[1].Action)
	}
	if len(revs[1].Changes) != 1 || revs[1].Changes[0].Path != "capacity" || revs[1].Changes[0].New != "waiting-list" {
		t.Errorf("capacity diff %+v", revs[1].Changes)
	}
}

func TestNewListingWaitsForApproval(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	prov, admin, public := es.signedIn(t, emailProvA), es.signedIn(t, emailAdmin), es.client(t)

	form := editForm(t, prov, "/provider/listings/new")
	if form.Get("org") != es.OrgA {
		t.Errorf("the only organisation is not chosen: %q", form.Get("org"))
	}
	form.Set("name", "Tuesday Knit and Natter")
	form.Set("description", "Bring wool, or borrow ours.")
	form.Set("activity", "social-group")
	form.Add("interest", "arts-crafts")
	form.Set("schedule-0-day", "TU")
	form.Add("schedule-0-day", "TH")
	form.Set("schedule-0-opens", "10:00")
	form.Set("schedule-0-closes", "12:00")
	form.Set("place-0-address1", "1 Stanley Road")
	form.Set("place-0-city", "Bootle")
	form.Set("place-0-pin", "53.4466, -2.9896")
	form.Set("delivery", "in-person")
	form.Set("action", "submit")
	resp, _ := prov.post("/provider/listings/new", form)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !strings.Contains(loc, "#listing-") {
		t.Fatalf("submit new listing: status %d to %s", resp.StatusCode, loc)
	}
	id := loc[strings.Index(loc, "#listing-")+len("#listing-"):]
	if resp, _ := public.get("/activities/" + id); resp.StatusCode != 404 {
		t.Fatalf("an unapproved listing is public: status %d", resp.StatusCode)
	}
	_, doc := prov.get("/provider")
	if !strings.Contains(textOf(doc.Find("#listing-"+id)), "waiting for review") {
		t.Errorf("provider does not see the new listing waiting: %q", textOf(doc.Find("#listing-"+id)))
	}
	if resp, _ := admin.post("/admin/queue/"+id+"/approve", nil); resp.StatusCode != 303 {
		t.Fatalf("approve: status %d", resp.StatusCode)
	}
	resp, doc = public.get("/activities/" + id)
	if resp.StatusCode != 200 {
		t.Fatalf("approved listing: status %d", resp.StatusCode)
	}
	if got := textOf(doc.Find("h1")); got != "Tuesday Knit and Natter" {
		t.Errorf("heading %q", got)
	}
	if got := textOf(doc.Find("#when-title + ul li")); !strings.Contains(got, "Tuesdays and Thursdays") || !strings.Contains(got, "10am") {
		t.Errorf("when %q", got)
	}
	if doc.Find(".map-figure svg").Length() != 1 {
		t.Error("the pin from lat, lon did not put the listing on the map")
	}
}

func TestEditFormProblems(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	prov := es.signedIn(t, emailProvA)
	editPath := "/provider/listings/" + es.ListingA + "/edit"
	long := strings.Repeat("Lovely group. ", 800)
	tests := []struct {
		name        string
		set         map[string]string
		wantControl string
		wantMessage string
	}{
		{"no name", map[string]string{"name": ""}, "name", "Enter the name of the activity"},
		{"bad email", map[string]string{"email": "not-an-address"}, "email", "Enter an email address in the correct format"},
		{"bad website", map[string]string{"website": "ftp://x"}, "website", "Enter the website in the correct format"},
		{"age not a number", map[string]string{"min-age": "ten"}, "min-age", "Youngest age must be a whole number of years"},
		{"age infinite", map[string]string{"min-age": "Inf"}, "min-age", "Youngest age must be a whole number of years"},
		{"age not a number at all", map[string]string{"max-age": "NaN"}, "max-age", "Oldest age must be a whole number of years"},
		{"age with an exponent", map[string]string{"max-age": "1e308"}, "max-age", "Oldest age must be a whole number of years"},
		{"age too old", map[string]string{"max-age": "300"}, "max-age", "Oldest age must be between 0 and 120"},
		{"ages the wrong way round", map[string]string{"min-age": "65", "max-age": "18"}, "max-age", "Oldest age must be the same as or more than the youngest age"},
		{"price in hex", map[string]string{"cost-rows": "1", "cost-0-amount": "0x1p10"}, "cost-0-amount", "Cost must be an amount in pounds, like 3 or 2.50"},
		{"price infinite", map[string]string{"cost-rows": "1", "cost-0-amount": "Inf"}, "cost-0-amount", "Cost must be an amount in pounds"},
		{"price too high", map[string]string{"cost-rows": "1", "cost-0-amount": "25000"}, "cost-0-amount", "Cost must be £10,000 or less"},
		{"postcode XX1", map[string]string{"place-0-postcode": "XX1"}, "place-0-postcode", "Enter a real postcode, like L20 3NJ"},
		{"2pm to noon", map[string]string{"schedule-0-opens": "2pm", "schedule-0-closes": "noon"}, "schedule-0-closes", "Finishing time must be after the starting time (2pm)"},
		{"finishes before it starts", map[string]string{"schedule-0-opens": "10:00", "schedule-0-closes": "06:00"}, "schedule-0-closes", "Finishing time must be after the starting time"},
		{"not a time", map[string]string{"schedule-0-opens": "teatime"}, "schedule-0-opens", "Starting time must be a time of day, like 10:00 or 2pm"},
		{"unknown place", map[string]string{"place-0-pin": "Atlantis"}, "place-0-pin", "We do not know the place"},
		{"bad phone", map[string]string{"phone-0-number": "call us"}, "phone-0-number", "Enter a phone number, like 0151 496 0000"},
		{"description too long", map[string]string{"description": long}, "description", "Description must be 10,000 characters or fewer"},
		{"nothing changed", nil, "name", "Nothing has changed yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prov.t = t
			form := editForm(t, prov, editPath)
			for k, v := range tt.set {
				form.Set(k, v)
			}
			form.Set("action", "submit")
			resp, doc := prov.post(editPath, form)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", resp.StatusCode)
			}
			link := doc.Find(`.error-summary a[href="#` + tt.wantControl + `"]`)
			if !strings.Contains(textOf(link), tt.wantMessage) {
				t.Errorf("error summary %q, want a link to #%s saying %q", textOf(doc.Find(".error-summary")), tt.wantControl, tt.wantMessage)
			}
			if doc.Find("#"+tt.wantControl).Length() != 1 {
				t.Errorf("the summary links to #%s, which is not on the page", tt.wantControl)
			}
			if got := textOf(doc.Find("#" + tt.wantControl + "-error")); !strings.Contains(got, tt.wantMessage) {
				t.Errorf("message beside the field %q", got)
			}
			// What was typed comes back, whole (a time as the time input
			// shows it).
			if v, ok := tt.set[tt.wantControl]; ok {
				if hm, isTime := timeOfDay(v); isTime {
					v = hm
				}
				field := doc.Find("#" + tt.wantControl)
				got, _ := field.Attr("value")
				if field.Is("textarea") {
					got = field.Text()
				}
				if strings.TrimSpace(got) != strings.TrimSpace(v) {
					t.Errorf("the form lost what was typed: %.40q…", got)
				}
			}
		})
	}
}

// Problems are listed in the order of the page, each linking to its field.
func TestEditFormProblemsInPageOrder(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	prov := es.signedIn(t, emailProvA)
	editPath := "/provider/listings/" + es.ListingA + "/edit"
	form := editForm(t, prov, editPath)
	form.Set("website", "nonsense")
	form.Set("min-age", "1e308")
	form.Set("place-0-postcode", "XX1")
	form.Set("schedule-0-opens", "2pm")
	form.Set("schedule-0-closes", "noon")
	form.Set("name", "")
	form.Set("action", "submit")
	_, doc := prov.post(editPath, form)
	var got []string
	doc.Find(".error-summary a").Each(func(_ int, a *goquery.Selection) {
		h, _ := a.Attr("href")
		got = append(got, h)
	})
	want := []string{"#name", "#schedule-0-closes", "#place-0-postcode", "#min-age", "#website"}
	if !slices.Equal(got, want) {
		t.Errorf("summary links %v, want %v", got, want)
	}
}

func TestAdminPages(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	ctx := context.Background()
	admin := es.signedIn(t, emailAdmin)

	// Accounts: add a provider of organisation B.
	resp, _ := admin.post("/admin/accounts", url.Values{"email": {"new@provider.example"}, "role": {"provider"}, "org": {es.OrgB}, "password": {"a long enough password"}})
	if resp.StatusCode != 303 {
		t.Fatalf("add account: status %d", resp.StatusCode)
	}
	if a, err := es.store.Account(ctx, "new@provider.example"); err != nil || !a.MemberOf(es.OrgB) {
		t.Fatalf("added account %+v, %v", a, err)
	}
	resp, doc := admin.post("/admin/accounts", url.Values{"email": {"new@provider.example"}, "role": {"provider"}, "org": {es.OrgB}, "password": {"a long enough password"}})
	if resp.StatusCode != 400 || !strings.Contains(textOf(doc.Find(".error-summary")), "already has an account") {
		t.Errorf("same address again: %d %q", resp.StatusCode, textOf(doc.Find(".error-summary")))
	}

	// Organisations list their provider accounts.
	_, doc = admin.get("/admin/organizations")
	if !strings.Contains(doc.Text(), "new@provider.example") || !strings.Contains(doc.Text(), emailProvA) {
		t.Error("organisations page does not list provider accounts")
	}

	// The stale report: oldest first, with contacts.
	_, doc = admin.get("/admin/stale")
	var checked []string
	doc.Find("table.stale tbody tr").Each(func(_ int, tr *goquery.Selection) {
		checked = append(checked, textOf(tr.Find("td").Eq(2)))
	})
	stale, _, err := es.store.StaleServices(ctx, es.clock.Now().Add(-directory.ChaseAfter), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(checked) != min(len(stale), staleReportRows) {
		t.Errorf("stale report shows %d rows, store has %d", len(checked), len(stale))
	}

	// Corrections from the public reach the inbox.
	if _, err := es.store.AddCorrection(ctx, directory.Correction{ServiceID: es.ListingA, Field: "times", Message: "It is on Thursdays now."}); err != nil {
		t.Fatal(err)
	}
	_, doc = admin.get("/admin/corrections")
	if got := textOf(doc.Find(".corrections .message")); got != "It is on Thursdays now." {
		t.Errorf("inbox shows %q", got)
	}

	// Export downloads every published listing.
	resp, _ = admin.get("/admin/export?format=ndjson")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-ndjson" || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("export: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
}

func TestAdminImport(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	ctx := context.Background()
	admin := es.signedIn(t, emailAdmin)
	svc, err := es.store.Service(ctx, es.ListingB)
	if err != nil {
		t.Fatal(err)
	}
	svc.Description = "Zebrafied walking, every week."
	good, err := json.Marshal(svc)
	if err != nil {
		t.Fatal(err)
	}
	upload := func(t *testing.T, name string, body []byte, token string) (*http.Response, *goquery.Document) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(body); err != nil {
			t.Fatal(err)
		}
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
		// An upload carries its token in the address (see sessions).
		target := es.ts.URL + "/admin/import"
		if token != "" {
			target += "?csrf_token=" + url.QueryEscape(token)
		}
		req, err := http.NewRequest("POST", target, &buf)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", mw.FormDataContentType())
		admin.t = t
		return admin.do(req)
	}
	t.Run("without a CSRF token", func(t *testing.T) {
		if resp, _ := upload(t, "one.json", good, ""); resp.StatusCode != 403 {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("invalid file", func(t *testing.T) {
		resp, doc := upload(t, "bad.json", []byte(`{"id": "not-a-uuid", "name": ""}`), admin.token())
		if resp.StatusCode != 400 || !strings.Contains(doc.Text(), "Nothing was imported") {
			t.Errorf("status %d: %s", resp.StatusCode, textOf(doc.Find("main")))
		}
	})
	t.Run("one service", func(t *testing.T) {
		resp, doc := upload(t, "one.json", good, admin.token())
		if resp.StatusCode != 200 || !strings.Contains(textOf(doc.Find("#report-title + p")), "1 written") {
			t.Fatalf("status %d: %s", resp.StatusCode, textOf(doc.Find("main")))
		}
		if got := mustService(t, es, es.ListingB); got.Description != "Zebrafied walking, every week." {
			t.Errorf("after import description = %q", got.Description)
		}
		if hits := searchHits(t, es.client(t), "zebrafied"); !slices.Contains(hits, "/activities/"+es.ListingB) {
			t.Errorf("imported change not searchable: %v", hits)
		}
	})
}

// The organisations page lists each organisation's enabled provider
// accounts, an account of two organisations under both, a disabled one
// under neither.
func TestAdminOrganizationsProviders(t *testing.T) {
	es := newEditorialSite(t)
	ctx := context.Background()
	both := directory.Account{Email: "both@provider.example", Role: directory.RoleProvider, Orgs: []string{es.OrgA, es.OrgB}}
	if _, err := es.store.AddAccount(ctx, both, testPassword); err != nil {
		t.Fatal(err)
	}
	if err := es.store.DisableAccount(ctx, emailProvB); err != nil {
		t.Fatal(err)
	}
	_, doc := es.signedIn(t, emailAdmin).get("/admin/organizations")
	providers := func(org string) string {
		row := doc.Find(`tbody tr`).FilterFunction(func(_ int, tr *goquery.Selection) bool {
			return tr.Find(`a[href="/provider?org=`+url.QueryEscape(org)+`"]`).Length() > 0
		})
		return textOf(row.Find("td").Eq(3))
	}
	for _, tc := range []struct{ name, org, want string }{
		{"one member and a shared one", es.OrgA, emailProvA + ", both@provider.example"},
		{"a disabled member is left out", es.OrgB, "both@provider.example"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := providers(tc.org); got != tc.want {
				t.Errorf("providers of %s: %q, want %q", tc.org, got, tc.want)
			}
		})
	}
}

// The new-listing form offers an admin every organisation by name, and a
// provider only their own.
func TestNewListingOrgChoices(t *testing.T) {
	es := newEditorialSite(t)
	ctx := context.Background()
	nameOf := func(id string) string {
		o, err := es.store.Organization(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return o.Name
	}
	var all int
	if err := es.store.EachOrganization(ctx, func(*directory.Organization) error { all++; return nil }); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, email, path string
		count             int
		selected          string
	}{
		{"admin", emailAdmin, "/provider/listings/new?org=" + url.QueryEscape(es.OrgB), all, nameOf(es.OrgB)},
		{"provider", emailProvA, "/provider/listings/new", 1, nameOf(es.OrgA)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, doc := es.signedIn(t, tc.email).get(tc.path)
			opts := doc.Find(`select#org option[value!=""]`)
			if opts.Length() != tc.count {
				t.Errorf("%d organisations offered, want %d", opts.Length(), tc.count)
			}
			if got := textOf(opts.Filter("[selected]")); tc.email == emailAdmin && got != tc.selected {
				t.Errorf("selected %q, want %q", got, tc.selected)
			}
			if got := textOf(opts.First()); tc.email != emailAdmin && got != tc.selected {
				t.Errorf("offered %q, want %q", got, tc.selected)
			}
		})
	}
}

// mustService reads a published listing of the site's store.
func mustService(t *testing.T, es *editorialSite, id string) *directory.Service {
	t.Helper()
	svc, err := es.store.Service(context.Background(), id)
	if err != nil {
		t.Fatalf("listing %s: %v", id, err)
	}
	return svc
}
