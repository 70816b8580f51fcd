package web

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"signpost/directory"
)

func TestActivityPage(t *testing.T) {
	site := newFakeSite(t)
	club := gardenClub()
	rec, doc := get(t, site.srv, "/activities/"+club.ID)
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	checks := []struct{ name, sel, want string }{
		{"title", "title", "Bootle Garden Club – Friends of Derby Park – Signpost"},
		{"h1", "h1", "Bootle Garden Club"},
		{"organisation", ".org", "Run by Friends of Derby Park"},
		{"when in plain words", "#when-title + ul li", "Tuesdays and Thursdays, 10am to noon"},
		{"accessibility", ".place", "Raised beds for wheelchair users"},
		{"how to join", "#join-title + p", "Just come along."},
		{"phone", `a[href="tel:01514960000"]`, "0151 496 0000"},
		{"email", `a[href="mailto:garden@example.org"]`, "garden@example.org"},
		{"topics", ".topics", "Gardening"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if got := textOf(doc.Find(c.sel)); !strings.Contains(got, c.want) {
				t.Errorf("%s = %q, want %q", c.sel, got, c.want)
			}
		})
	}
	t.Run("address one line each", func(t *testing.T) {
		if html, _ := doc.Find(".place .address").Html(); html != "Park Road<br/>Bootle<br/>L20 3AB" {
			t.Errorf("address %q", html)
		}
	})
	t.Run("key facts", func(t *testing.T) {
		got := facts(doc.Find(".key-facts dl"))
		want := map[string]string{"Cost": "Free", "Ages": "Ages 18 and over", "Places": "Waiting list", "How": "In person",
			"Checked": "Last checked by a person on 4 March 2025"}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %q, want %q", k, got[k], v)
			}
		}
	})
	t.Run("markdown description", func(t *testing.T) {
		d := doc.Find(".description")
		if d.Find("h3").Text() != "Welcome" || d.Find("strong").Text() != "vegetables" || d.Find("li").Length() != 2 {
			t.Errorf("description rendered as %q", textOf(d))
		}
	})
	t.Run("small map", func(t *testing.T) {
		svg := doc.Find("figure.map-figure svg")
		if svg.Length() != 1 || svg.Find(".map-marker").Length() != 1 || svg.AttrOr("role", "") != "img" {
			t.Error("no map with one marker")
		}
	})
	t.Run("correction form", func(t *testing.T) {
		form := doc.Find(`section.correction form[method=post]`)
		if form.AttrOr("action", "") != "/activities/"+club.ID+"/corrections" {
			t.Errorf("form posts to %q", form.AttrOr("action", ""))
		}
		if form.Find(`select[name=field] option`).Length() != len(directory.CorrectionFields)+1 || form.Find(`textarea[name=message]`).Length() != 1 {
			t.Error("form lacks its controls")
		}
	})
	t.Run("print view", func(t *testing.T) {
		rec, doc := get(t, site.srv, "/activities/"+club.ID+"/print")
		if rec.Code != 200 || doc.Find("body.print-view").Length() != 1 || doc.Find("header, form, nav").Length() != 0 {
			t.Errorf("print view: status %d, keeps chrome or forms", rec.Code)
		}
		got := facts(doc.Find(".print-facts"))
		if got["When"] != "Tuesdays and Thursdays, 10am to noon" || got["Cost"] != "Free" || !strings.Contains(got["Contact"], "0151 496 0000") {
			t.Errorf("print facts %v", got)
		}
		if !strings.Contains(textOf(doc.Find(".printed")), "2 June 2025") {
			t.Errorf("printed line %q lacks the date", textOf(doc.Find(".printed")))
		}
	})
}

func TestActivityHostileMarkdown(t *testing.T) {
	site := newFakeSite(t)
	evil := gardenClub()
	evil.Description = "Hi <script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) " +
		"<a href=\"javascript:alert(2)\" onclick=\"alert(3)\">a</a> <iframe src=//evil.example></iframe>"
	evil.Name = `<script>alert("name")</script>`
	evil.URL = "javascript:alert(4)"
	site.listings.services[evil.ID] = evil
	rec, doc := get(t, site.srv, "/activities/"+evil.ID)
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	body := rec.Body.String()
	desc, _ := doc.Find(".description").Html()
	if bad := unsafeHTML(desc); len(bad) > 0 {
		t.Errorf("description carries %v:\n%s", bad, desc)
	}
	if n := doc.Find("script").Length(); n != 1 || !strings.HasPrefix(doc.Find("script").AttrOr("src", ""), "/static/") {
		t.Errorf("%d scripts on the page; only the site's own file may be there", n)
	}
	if strings.Contains(strings.ToLower(body), "javascript:") {
		t.Error("a javascript: URL reached the page")
	}
	if doc.Find("h1").Text() != `<script>alert("name")</script>` {
		t.Errorf("name not shown as text: %q", doc.Find("h1").Text())
	}
}

func TestCorrections(t *testing.T) {
	club := gardenClub()
	target := "/activities/" + club.ID + "/corrections"

	t.Run("a correction is stored and thanked for", func(t *testing.T) {
		site := newFakeSite(t)
		rec, _ := post(t, site.srv, target, url.Values{"field": {"times"}, "message": {"It is on Wednesdays now."}}, "192.0.2.1:1234", "/activities/"+club.ID)
		if rec.Code != 303 || rec.Header().Get("Location") != "/activities/"+club.ID+"?done=correction-sent#done" {
			t.Fatalf("got %d to %q, want a 303 to the thank-you", rec.Code, rec.Header().Get("Location"))
		}
		if len(site.listings.corrections) != 1 || site.listings.corrections[0].Field != "times" || site.listings.corrections[0].ServiceID != club.ID {
			t.Errorf("stored %+v", site.listings.corrections)
		}
		// A browser does not send the fragment.
		next, _, _ := strings.Cut(rec.Header().Get("Location"), "#")
		_, doc := get(t, site.srv, next)
		if !strings.Contains(textOf(doc.Find("#done[role=status]")), "Thank you") {
			t.Error("no thank-you after the redirect")
		}
	})
	t.Run("an empty message is shown again with an error summary", func(t *testing.T) {
		site := newFakeSite(t)
		rec, doc := post(t, site.srv, target, url.Values{"field": {"cost"}, "message": {"   "}}, "192.0.2.1:1234", "/activities/"+club.ID)
		if rec.Code != 400 {
			t.Fatalf("status %d, want 400", rec.Code)
		}
		assertSummary(t, doc, "#correction-message Enter what is wrong or what has changed")
		if doc.Find("#correction-message-error").Length() != 1 || doc.Find(`#correction-field option[selected]`).AttrOr("value", "") != "cost" {
			t.Error("the form lost its inline error or the chosen field")
		}
		if len(site.listings.corrections) != 0 {
			t.Error("an empty correction was stored")
		}
	})
	t.Run("what was typed survives a refusal", func(t *testing.T) {
		site := newFakeSite(t)
		long := strings.Repeat("x", directory.MaxCorrectionLen+1)
		_, doc := post(t, site.srv, target, url.Values{"message": {long}}, "", "/activities/"+club.ID)
		if doc.Find("#correction-message").Text() != long {
			t.Error("the message was not kept")
		}
		assertSummary(t, doc, "#correction-message What it should say must be 2,000 characters or fewer")
	})
	t.Run("every problem, in the order of the fields", func(t *testing.T) {
		site := newFakeSite(t)
		_, doc := post(t, site.srv, target, url.Values{"field": {"colour"}, "message": {""}}, "", "/activities/"+club.ID)
		assertSummary(t, doc, "#correction-field Choose what is wrong from the list, or leave it as it is",
			"#correction-message Enter what is wrong or what has changed")
	})
	t.Run("throttled per address", func(t *testing.T) {
		site := newFakeSite(t)
		form := url.Values{"message": {"Wrong phone number."}}
		for i := range correctionsPerWindow {
			if rec, _ := post(t, site.srv, target, form, "192.0.2.9:1", "/activities/"+club.ID); rec.Code != 303 {
				t.Fatalf("correction %d: status %d", i+1, rec.Code)
			}
		}
		rec, doc := post(t, site.srv, target, form, "192.0.2.9:2", "/activities/"+club.ID)
		if rec.Code != 429 || !strings.Contains(textOf(doc.Find(".error-summary")), "several corrections") {
			t.Errorf("over the limit: %d %q", rec.Code, textOf(doc.Find(".error-summary")))
		}
		if rec, _ := post(t, site.srv, target, form, "198.51.100.4:1", "/activities/"+club.ID); rec.Code != 303 {
			t.Errorf("another address was throttled too: %d", rec.Code)
		}
		if len(site.listings.corrections) != correctionsPerWindow+1 {
			t.Errorf("%d stored", len(site.listings.corrections))
		}
	})
	t.Run("unknown activity", func(t *testing.T) {
		site := newFakeSite(t)
		rec, _ := post(t, site.srv, "/activities/nope/corrections", url.Values{"message": {"x"}}, "", "/activities/"+club.ID)
		if rec.Code != 404 {
			t.Errorf("status %d, want 404", rec.Code)
		}
	})
	t.Run("with the real store", func(t *testing.T) {
		site := newSampleSite(t)
		id := firstActivityID(t, site)
		rec, _ := post(t, site.srv, "/activities/"+id+"/corrections", url.Values{"field": {"closed"}, "message": {"It stopped in May."}}, "", "/activities/"+id)
		if rec.Code != 303 {
			t.Fatalf("status %d", rec.Code)
		}
		got, err := site.store.Corrections(t.Context(), id)
		if err != nil || len(got) != 1 || got[0].Message != "It stopped in May." {
			t.Errorf("store holds %+v, %v", got, err)
		}
	})
}

func TestActivityPageSaysWhichFeed(t *testing.T) {
	site := newFakeSite(t)
	club := gardenClub()
	_, doc := get(t, site.srv, "/activities/"+club.ID)
	if n := doc.Find(".source").Length(); n != 0 {
		t.Fatalf("a local listing shows a source")
	}
	site.listings.services[club.ID].Source = &directory.Source{Feed: "Sefton Directory", UpstreamID: "x", CheckedAt: testNow().Add(-73 * time.Hour)}
	_, doc = get(t, site.srv, "/activities/"+club.ID)
	if got := textOf(doc.Find(".source")); !strings.Contains(got, "From") || !strings.Contains(got, "Sefton Directory, checked 3 days ago") {
		t.Errorf(".source = %q, want From: Sefton Directory, checked 3 days ago", got)
	}
}
