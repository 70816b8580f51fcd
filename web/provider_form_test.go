package web

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// "Add another" and "remove" work without JavaScript: the buttons post the
// form, which comes back with a row more or less and everything typed kept,
// and nothing is saved until "Send for review".
func TestListingFormRowsWithoutJavaScript(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	prov, admin, public := es.signedIn(t, emailProvA), es.signedIn(t, emailAdmin), es.client(t)
	editPath := "/provider/listings/" + es.ListingA + "/edit"
	before := mustService(t, es, es.ListingA)

	// press posts the form as a browser would, with one button pressed.
	press := func(form url.Values, name, value string) url.Values {
		t.Helper()
		form = cloneValues(form)
		form.Del("add")
		form.Del("remove")
		form.Set(name, value)
		resp, doc := prov.post(editPath, form)
		if resp.StatusCode != 200 {
			t.Fatalf("%s=%s: status %d, want the form again", name, value, resp.StatusCode)
		}
		if doc.Find(".error-summary").Length() != 0 {
			t.Errorf("%s=%s shows problems: %q", name, value, textOf(doc.Find(".error-summary")))
		}
		return formValues(doc, "#listing-form")
	}

	form := editForm(t, prov, editPath)
	form.Set("name", "Walk and Talk")
	form.Del("schedule-0-day")
	form.Add("schedule-0-day", "TU")
	form.Set("schedule-0-frequency", "weekly")
	form.Set("schedule-0-opens", "10:00")
	form.Set("schedule-0-closes", "13:00")
	form = press(form, "add", "schedule")
	if form.Get("schedule-rows") != "2" || form.Get("name") != "Walk and Talk" || form.Get("schedule-0-opens") != "10:00" {
		t.Fatalf("after adding a time: rows %s, name %q, first opens %q", form.Get("schedule-rows"), form.Get("name"), form.Get("schedule-0-opens"))
	}
	if svc := mustService(t, es, es.ListingA); svc.Name != before.Name {
		t.Fatalf("adding a row saved the listing: %q", svc.Name)
	}
	form.Set("schedule-1-day", "TH")
	form.Set("schedule-1-opens", "18:00")
	form.Set("schedule-1-closes", "20:00")

	// A third time, then remove the one in the middle: the others keep
	// what was typed.
	form = press(form, "add", "schedule")
	form.Set("schedule-2-day", "SA")
	form.Set("schedule-2-opens", "9am")
	form = press(form, "remove", "schedule-1")
	if form.Get("schedule-rows") != "2" || form.Get("schedule-1-day") != "SA" || form.Get("schedule-1-opens") != "9am" {
		t.Fatalf("after removing time 2: %v", form)
	}
	form = press(form, "remove", "schedule-1")
	form = press(form, "add", "schedule")
	form.Set("schedule-1-day", "TH")
	form.Set("schedule-1-opens", "18:00")
	form.Set("schedule-1-closes", "20:00")

	// A second place, with access features.
	form = press(form, "add", "place")
	n, err := strconv.Atoi(form.Get("place-rows"))
	if err != nil || n < 2 {
		t.Fatalf("after adding a place: %q rows", form.Get("place-rows"))
	}
	last := "place-" + strconv.Itoa(n-1) + "-"
	form.Set(last+"name", "Bootle Library")
	form.Set(last+"address1", "220 Stanley Road")
	form.Set(last+"city", "Bootle")
	form.Set(last+"postcode", "l20 3ey")
	form.Add(last+"feature", "step-free")
	form.Add(last+"feature", "hearing-loop")
	form.Add("place-0-feature", "accessible-toilet")

	// Preview says every time in words.
	form.Set("action", "preview")
	_, doc := prov.post(editPath, form)
	if got := textOf(doc.Find("#when-reads strong")); got != "Tuesdays, 10am to 1pm; Thursdays, 6pm to 8pm" {
		t.Errorf("reads as %q", got)
	}
	form = formValues(doc, "#listing-form")
	form.Set("action", "submit")
	if resp, doc := prov.post(editPath, form); resp.StatusCode != 303 {
		t.Fatalf("send: status %d %q", resp.StatusCode, textOf(doc.Find(".error-summary")))
	}
	if resp, _ := admin.post("/admin/queue/"+es.ListingA+"/approve", nil); resp.StatusCode != 303 {
		t.Fatalf("approve: status %d", resp.StatusCode)
	}
	_, doc = public.get("/activities/" + es.ListingA)
	when := items(doc.Find("#when-title + ul li"))
	if !strings.Contains(when, "Tuesdays, 10am to 1pm") || !strings.Contains(when, "Thursdays, 6pm to 8pm") {
		t.Errorf("public page when %q", when)
	}
	if n := doc.Find(".place").Length(); n < 2 {
		t.Fatalf("public page shows %d places, want 2", n)
	}
	lib := doc.Find(".place").FilterFunction(func(_ int, s *goquery.Selection) bool { return strings.Contains(s.Text(), "Bootle Library") })
	if got := items(lib.Find(".access-features li")); got != "Step-free access|Hearing loop" {
		t.Errorf("library's access features %q", got)
	}
	if !strings.Contains(lib.Text(), "L20 3EY") {
		t.Errorf("postcode not normalised: %q", textOf(lib))
	}
	svc := mustService(t, es, es.ListingA)
	if svc.Capacity != before.Capacity {
		t.Errorf("the edit changed capacity")
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vals := range v {
		out[k] = append([]string(nil), vals...)
	}
	return out
}

// The fields' limits fit the route's body limit with every row filled,
// even with every character percent-encoded, so the 413 page is only ever
// for a post the form could not have made.
func TestFormLimitsFitTheBody(t *testing.T) {
	one := maxNameLen + maxDescriptionLen + 6*maxNoteLen + 2*maxURLLen + maxEmailLen + 2*maxNumberLen
	perSchedule := 7*2 + 12 + 2*maxTimeLen + maxNoteLen
	perPlace := 5*maxLineLen + maxPostcodeLen + 2*maxNoteLen + 7*20
	perCost := maxNumberLen + maxLineLen
	total := one + maxRows*(perSchedule+perPlace+perCost+maxPhoneLen)
	if encoded := 3 * total; encoded >= maxListingBody {
		t.Errorf("a full form can be %d bytes encoded; the body limit is %d", encoded, maxListingBody)
	}
}

// Only a body past the route's limit gets the 413 page, whether it says
// its length up front or not; a description over its own limit is a
// message beside the field (TestEditFormProblems).
func TestOversizedListingPostIs413(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	prov := es.signedIn(t, emailProvA)
	editPath := "/provider/listings/" + es.ListingA + "/edit"
	form := editForm(t, prov, editPath)
	form.Set("description", strings.Repeat("x", maxListingBody))
	resp, doc := prov.post(editPath, form)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d (%q), want 413", resp.StatusCode, textOf(doc.Find("h1")))
	}
	if got := textOf(doc.Find("h1")); got != "Too much to send in one go" {
		t.Errorf("heading %q", got)
	}
	// Sent in chunks, with no length given: the limit is found while the
	// CSRF check reads the form.
	req, err := http.NewRequest(http.MethodPost, prov.base+editPath, io.NopCloser(strings.NewReader(form.Encode())))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, doc = prov.do(req)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked: status %d (%q), want 413", resp.StatusCode, textOf(doc.Find("h1")))
	}
}
