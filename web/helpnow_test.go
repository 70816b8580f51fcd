package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestHelpNowPage: the urgent-help page gives each number as a link a
// phone can call or text, under one h1, from the embedded UK default.
func TestHelpNowPage(t *testing.T) {
	t.Parallel()
	site := newFakeSite(t)
	rec, doc := get(t, site.srv, "/help-now")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if n := doc.Find("h1").Length(); n != 1 || textOf(doc.Find("h1")) != "Need help now?" {
		t.Errorf("h1s: %d, %q", n, textOf(doc.Find("h1")))
	}
	for _, tt := range []struct{ href, text string }{
		{"tel:999", "999"},
		{"tel:111", "NHS 111"},
		{"tel:116123", "116 123"},
		{"sms:85258?body=SHOUT", "85258"},
		{"tel:08082000247", "0808 2000 247"},
	} {
		a := doc.Find(`.help-now a[href="` + tt.href + `"]`)
		if a.Length() == 0 || textOf(a.First()) != tt.text {
			t.Errorf("no link %s reading %q (found %d: %q)", tt.href, tt.text, a.Length(), textOf(a))
		}
	}
	body := textOf(doc.Find(".help-now"))
	for _, want := range []string{"option 2", "Samaritans", "text SHOUT to 85258", "National Domestic Abuse Helpline"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	if doc.Find(`.site-header .help-now-link[aria-current="page"]`).Length() != 1 {
		t.Error("the header's link does not mark the page as current")
	}
}

// TestEveryPageLinksToHelpNow: the header of every kind of page, error
// pages included, links to /help-now, before the main navigation.
func TestEveryPageLinksToHelpNow(t *testing.T) {
	t.Parallel()
	site := newFakeSite(t)
	for _, path := range []string{"/", "/search?q=gardening", "/match", "/activities/" + gardenClub().ID, "/login", "/my-list", "/no-such-page"} {
		t.Run(path, func(t *testing.T) {
			_, doc := get(t, site.srv, path)
			link := doc.Find(`.site-header a.help-now-link[href="/help-now"]`)
			if link.Length() != 1 || textOf(link) != "Need help now?" {
				t.Fatalf("header help links: %d %q", link.Length(), textOf(link))
			}
			order := doc.Find(".site-header a.help-now-link, .site-header nav")
			if order.Length() != 2 || !order.First().Is("a") {
				t.Errorf("the help link does not come before the navigation")
			}
		})
	}
}

func TestRenderHelpNow(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // selectors that must match
		not       []string // selectors that must not
		err       string
	}{
		{name: "empty", src: " \n\t", err: "Config.HelpNow is required"},
		{name: "only a comment", src: "<!-- nothing yet -->", err: "nothing to show"},
		{name: "phone and text links kept", src: "Call [111](tel:111) or text [85258](sms:85258).",
			want: []string{`a[href="tel:111"]`, `a[href="sms:85258"]`}},
		{name: "a level-1 heading is not a second h1", src: "# Emergency\n\n## Talk",
			want: []string{"h2", "h2 + h2"}, not: []string{"h1"}},
		{name: "hostile markup dropped", src: "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <b onclick=\"x()\">bold</b>",
			not: []string{"script", `a[href^="javascript"]`, "[onclick]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := renderHelpNow(tt.src)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			doc := parseHTML(t, string(got.page))
			for _, sel := range tt.want {
				if doc.Find(sel).Length() == 0 {
					t.Errorf("%s missing from %s", sel, got)
				}
			}
			for _, sel := range tt.not {
				if doc.Find(sel).Length() != 0 {
					t.Errorf("%s found in %s", sel, got)
				}
			}
		})
	}
}
