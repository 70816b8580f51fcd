package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"signpost/directory"
	"signpost/engine"
)

// panel is the urgent-help panel when it is the first thing in main.
func panel(doc *goquery.Document) *goquery.Selection {
	first := doc.Find("main").Children().First()
	if first.Is(`aside.urgent-help[role="alert"]`) {
		return first
	}
	return doc.Find("nothing-at-all")
}

// TestCrisisWordsPutUrgentHelpFirst: searches and the matcher whose words
// hold crisis language open with the urgent-help panel, results below;
// near misses do not.
func TestCrisisWordsPutUrgentHelpFirst(t *testing.T) {
	t.Parallel()
	site := newFakeSite(t)
	tests := []struct {
		path   string
		crisis bool
	}{
		{"/search?q=" + url.QueryEscape("I want to die"), true},
		{"/search?q=" + url.QueryEscape("can't go on") + "&near=Bootle", true},
		{"/search?q=" + url.QueryEscape("sucidal thoughts"), true},
		{"/search?q=" + url.QueryEscape("he hits me") + "&near=Bootel", true}, // a problem with the place too
		{"/search?q=gardening&access=" + url.QueryEscape("self harm"), true},
		{"/match?step=results&need=low-mood&q=" + url.QueryEscape("no way out"), true},
		{"/match?step=place&q=" + url.QueryEscape("end it all"), true},
		{"/search?q=" + url.QueryEscape("killing time"), false},
		{"/search?q=" + url.QueryEscape("paper cutting"), false},
		{"/search?q=" + url.QueryEscape("overdue library books"), false},
		{"/search?q=" + url.QueryEscape("die-hard fans"), false},
		{"/match?step=results&need=low-mood", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			_, doc := get(t, site.srv, tt.path)
			p := panel(doc)
			if got := p.Length() == 1; got != tt.crisis {
				t.Fatalf("urgent-help panel first: %v, want %v (main starts %q)", got, tt.crisis, textOf(doc.Find("main").Children().First()))
			}
			if doc.Find(".urgent-help").Length() != p.Length() {
				t.Error("an urgent-help panel elsewhere on the page")
			}
			if !tt.crisis {
				return
			}
			if textOf(p.Find("h2#urgent-help-title")) != "Help is there if you need it now" || p.AttrOr("aria-labelledby", "") != "urgent-help-title" {
				t.Errorf("panel heading %q", textOf(p.Find("h2")))
			}
			for _, href := range []string{"tel:999", "tel:111", "tel:116123", "sms:85258?body=SHOUT", "tel:08082000247"} {
				if p.Find(`a[href="`+href+`"]`).Length() != 1 {
					t.Errorf("the panel lacks %s", href)
				}
			}
			if p.Find(`a[href="/help-now"]`).Length() != 1 {
				t.Error("the panel does not link to /help-now")
			}
			if doc.Find("h1").Length() != 1 || doc.Find(".quick-exit").Length() != 1 {
				t.Errorf("the page lost its h1 (%d) or has no quick exit (%d)", doc.Find("h1").Length(), doc.Find(".quick-exit").Length())
			}
			if strings.Contains(tt.path, "/search") && !strings.Contains(tt.path, "Bootel") && doc.Find("#result-1").Length() != 1 {
				t.Error("the results are not below the panel")
			}
		})
	}
}

// TestCrisisNoteOnAList: a link worker's list whose notes hold crisis
// language opens with the panel, speaking to the link worker.
func TestCrisisNoteOnAList(t *testing.T) {
	t.Parallel()
	site := newListSite(t)
	alice := site.linkWorker(t, "alice@example.org")
	svcs := site.sampleServices(t, 2)
	ctx := context.Background()
	owner := directory.AccountOwner("alice@example.org")
	sl, err := site.store.CreateShortlist(ctx, owner, "Mr T, Monday")
	if err != nil {
		t.Fatal(err)
	}
	for _, svc := range svcs {
		if _, err := site.store.AddItem(ctx, owner, sl.ID, svc.ID); err != nil {
			t.Fatal(err)
		}
	}
	path := "/shortlists/" + sl.ID
	if p := panel(alice.get(path).doc); p.Length() != 0 {
		t.Fatal("a list without crisis notes opens with the panel")
	}
	if _, err := site.store.SetItemNote(ctx, owner, sl.ID, svcs[1].ID, directory.ItemNote{Text: "Said he feels there is no way out. Ask about the walking group."}); err != nil {
		t.Fatal(err)
	}
	page := alice.get(path)
	p := panel(page.doc)
	if p.Length() != 1 || textOf(p.Find("h2")) != "If the person you are helping is in crisis" || p.Find(`a[href="tel:116123"]`).Length() != 1 {
		t.Fatalf("panel %q", textOf(p))
	}
	if len(listItems(page)) != 2 {
		t.Error("the list is not below the panel")
	}
}

// TestWordsMeaningSafetyShowTheQuickExit: words read as "Feeling unsafe at
// home" bring the quick exit, without the need ticked.
func TestWordsMeaningSafetyShowTheQuickExit(t *testing.T) {
	t.Parallel()
	site := newFakeSite(t)
	res := *site.finder.results
	res.Interpreted = &engine.Interpreted{Text: "scared of my partner", Phrases: []engine.PhraseMatch{{Phrase: "scared of my partner", Needs: []string{"safety"}}}}
	site.finder.results = &res
	_, doc := get(t, site.srv, "/search?q="+url.QueryEscape("scared of my partner"))
	if doc.Find(".quick-exit").Length() != 1 {
		t.Error("no quick exit for words that mean the safety need")
	}
	_, doc = get(t, site.srv, "/match?step=results&q="+url.QueryEscape("scared of my partner"))
	if doc.Find(".quick-exit").Length() != 1 {
		t.Error("no quick exit on the matcher's results")
	}
	res.Interpreted = &engine.Interpreted{Text: "gardening", Phrases: []engine.PhraseMatch{{Phrase: "gardening", Interests: []string{"gardening"}}}}
	_, doc = get(t, site.srv, "/search?q=gardening")
	if doc.Find(".quick-exit").Length() != 0 {
		t.Error("a quick exit for gardening")
	}

	t.Run("with the real engine", func(t *testing.T) {
		sample := newSampleSite(t)
		_, doc := get(t, sample.srv, "/search?q="+url.QueryEscape("domestic abuse"))
		if doc.Find(".quick-exit").Length() != 1 {
			t.Error("no quick exit for ‘domestic abuse’")
		}
	})
}

func TestHelpNowLeadIsThePanel(t *testing.T) {
	got, err := renderHelpNow(helpNowText())
	if err != nil {
		t.Fatal(err)
	}
	lead := parseHTML(t, string(got.lead))
	if lead.Find("h2").Length() != 0 || lead.Find(`a[href^="tel:"], a[href^="sms:"]`).Length() != 5 {
		t.Errorf("the embedded lead: %s", got.lead)
	}
	noLead, err := renderHelpNow("## Emergency\n\nCall [112](tel:112).")
	if err != nil || noLead.lead != noLead.page {
		t.Errorf("a file that starts with a heading: %v, lead %q", err, noLead.lead)
	}
	fenced, err := renderHelpNow("Call [112](tel:112).\n\n```\n## not a heading\n```\n\n## Then a section")
	if err != nil || !strings.Contains(string(fenced.lead), "not a heading") || strings.Contains(string(fenced.lead), "Then a section") {
		t.Errorf("a fenced heading ended the lead: %q", fenced.lead)
	}
}
