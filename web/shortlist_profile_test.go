package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestMakerProfile: a link worker writes the details their shared lists
// show; the shared copy, its print and its text say who made the list and
// when.
func TestMakerProfile(t *testing.T) {
	site := newListSite(t)
	svc := site.sampleServices(t, 1)[0]
	v := site.linkWorker(t, "khan@example.org")
	form := v.get("/shortlists/profile")
	if form.status != http.StatusOK {
		t.Fatalf("profile page: %d", form.status)
	}
	refused := v.submit(form, "form.profile-form", url.Values{"display_name": {"A. Khan"}, "phone": {"ring me"}})
	if refused.status != http.StatusBadRequest || refused.doc.Find("#phone-error").Length() != 1 ||
		refused.doc.Find("#phone").AttrOr("value", "") != "ring me" || refused.doc.Find("#display_name").AttrOr("value", "") != "A. Khan" {
		t.Errorf("a bad phone: status %d, boxes %q %q", refused.status, refused.doc.Find("#phone").AttrOr("value", ""), refused.doc.Find("#display_name").AttrOr("value", ""))
	}
	saved := v.submit(form, "form.profile-form", url.Values{
		"display_name": {"A. Khan"}, "job_title": {"Social prescribing link worker"},
		"organisation": {"Bootle Village Surgery"}, "phone": {"0151 496 0000"}, "email": {"a.khan@example.nhs.uk"},
	})
	if saved.url.Query().Get("done") != "profile" || saved.doc.Find("#organisation").AttrOr("value", "") != "Bootle Village Surgery" {
		t.Fatalf("saving went to %s", saved.url)
	}

	list := startList(t, v, "Mrs K", svc)
	shared := v.submit(list, `form[action$="/share"]`, nil)
	link := shared.doc.Find("#share-url").AttrOr("value", "")
	stranger := site.visitor(t)
	page := stranger.get(link)
	const who = "A. Khan, Social prescribing link worker, Bootle Village Surgery"
	if got := textOf(page.doc.Find(".maker-who")); got != who {
		t.Errorf("shared copy names %q, want %q", got, who)
	}
	if got := page.doc.Find(".maker-contact a[href^='tel:']").AttrOr("href", ""); got != "tel:01514960000" {
		t.Errorf("phone link %q", got)
	}
	if got := textOf(page.doc.Find(".maker-made")); !regexp.MustCompile(`^Made on \d{1,2} [A-Z][a-z]+ \d{4}\.$`).MatchString(got) {
		t.Errorf("made %q", got)
	}
	if got := textOf(stranger.get(link + "/print").doc.Find(".maker-print")); !strings.HasPrefix(got, "Made by "+who+" on ") || !strings.Contains(got, "Phone 0151 496 0000.") {
		t.Errorf("print says %q", got)
	}
	if got := stranger.get(link + "/text").body; !strings.Contains(got, "Made by "+who+" on ") || !strings.Contains(got, "E-mail: a.khan@example.nhs.uk") {
		t.Errorf("text says %q", got)
	}
}
