package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"signpost/directory"
	"signpost/web/origin"
)

func TestChangeOwnPassword(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	here := es.signedIn(t, emailLW)
	elsewhere := es.signedIn(t, emailLW)

	resp, doc := here.get("/account/password")
	if resp.StatusCode != 200 || doc.Find(`form[action="/account/password"] input#current_password`).Length() != 1 {
		t.Fatalf("form: status %d", resp.StatusCode)
	}
	if got := doc.Find(".site-footer a[href='/account/password']").Length(); got != 1 {
		t.Errorf("footer links to the form %d times", got)
	}

	refusals := []struct {
		name          string
		current, next string
		wantField     string
		wantMessage   string
	}{
		{"wrong current password", "not my password", "a brand new password", "current_password", "Your current password is not right"},
		{"repeated letter", testPassword, "aaaaaaaaaaaa", "new_password", `The new password is too easy to guess: it repeats "a"`},
		{"common password", testPassword, "password1234", "new_password", "one of the most common passwords"},
		{"too short", testPassword, "short one", "new_password", "at least 12 characters"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			here.t = t
			resp, doc := here.post("/account/password", url.Values{"current_password": {tt.current}, "new_password": {tt.next}})
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d", resp.StatusCode)
			}
			link := doc.Find(".error-summary a")
			if href, _ := link.Attr("href"); href != "#"+tt.wantField || !strings.Contains(link.Text(), tt.wantMessage) {
				t.Errorf("error summary links %q: %q", href, link.Text())
			}
			if doc.Find("#"+tt.wantField+"-error").Length() != 1 {
				t.Errorf("no message beside #%s", tt.wantField)
			}
			if !strings.HasPrefix(doc.Find("title").Text(), "Error: ") {
				t.Errorf("title %q does not start with Error:", doc.Find("title").Text())
			}
		})
	}
	here.t = t

	resp, _ = here.post("/account/password", url.Values{"current_password": {testPassword}, "new_password": {"a brand new password"}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/account/password?done=password-changed" {
		t.Fatalf("change: status %d to %q", resp.StatusCode, loc)
	}
	if resp, doc := here.get("/account/password?done=password-changed"); resp.StatusCode != 200 || doc.Find(".notice.success").Length() != 1 {
		t.Errorf("this browser after the change: status %d", resp.StatusCode)
	}
	if resp, _ := elsewhere.get("/shortlists"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("another browser after the change: status %d, want it signed out", resp.StatusCode)
	}
	if _, err := es.store.Authenticate(context.Background(), emailLW, "a brand new password"); err != nil {
		t.Errorf("the new password: %v", err)
	}
}

func TestAdminResetWithoutARelayShowsTheLinkOnce(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	admin := es.signedIn(t, emailAdmin)
	victim := es.signedIn(t, emailProvA)

	_, doc := admin.get("/admin/accounts")
	var found bool
	for _, f := range doc.Find(`form[action="/admin/accounts/reset"]`).EachIter() {
		if v, _ := f.Find(`input[name="email"]`).Attr("value"); v == emailProvA {
			found = strings.Contains(f.Find("button").Text(), "Reset password")
		}
	}
	if !found {
		t.Fatal("no reset button for the provider")
	}
	// The admin's own row has none: they change their own password.
	for _, f := range doc.Find(`form[action="/admin/accounts/reset"]`).EachIter() {
		if v, _ := f.Find(`input[name="email"]`).Attr("value"); v == emailAdmin {
			t.Error("a reset button for the admin's own account")
		}
	}

	resp, doc := admin.post("/admin/accounts/reset", url.Values{"email": {emailProvA}})
	link, _ := doc.Find("input#reset-link").Attr("value")
	if resp.StatusCode != 200 || !strings.HasPrefix(link, es.ts.URL+"/password/reset?token=") {
		t.Fatalf("status %d, link %q", resp.StatusCode, link)
	}
	if n := len(pendingMail(t, es.store)); n != 0 {
		t.Errorf("%d messages queued with no relay", n)
	}
	path := strings.TrimPrefix(link, es.ts.URL)

	anon := es.client(t)
	resp, doc = anon.get(path)
	if resp.StatusCode != 200 || !strings.Contains(doc.Find(".lead").Text(), emailProvA) {
		t.Fatalf("reset page: status %d", resp.StatusCode)
	}
	values := formValues(doc, `form[action="/password/reset"]`)
	values.Set("new_password", "password1234")
	resp, doc = anon.post("/password/reset", values)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(doc.Find(".error-summary").Text(), "most common passwords") {
		t.Fatalf("guessable password: status %d", resp.StatusCode)
	}
	values.Set("new_password", "tricky marmot river")
	resp, doc = anon.post("/password/reset", values)
	if resp.StatusCode != 200 || doc.Find(".notice.success").Length() != 1 {
		t.Fatalf("reset: status %d", resp.StatusCode)
	}
	if resp, _ := victim.get("/provider"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the account's session after the reset: status %d, want signed out", resp.StatusCode)
	}
	if _, err := es.store.Authenticate(context.Background(), emailProvA, "tricky marmot river"); err != nil {
		t.Errorf("new password: %v", err)
	}

	// The link works once.
	resp, doc = anon.get(path)
	if resp.StatusCode != http.StatusGone || !strings.Contains(doc.Find("main").Text(), "used already") {
		t.Errorf("second visit: status %d", resp.StatusCode)
	}
	resp, _ = anon.post("/password/reset", values)
	if resp.StatusCode != http.StatusGone {
		t.Errorf("second use: status %d", resp.StatusCode)
	}
}

func TestAdminResetWithARelayMailsTheLink(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	cfg := es.config(es.clock.Now)
	// http, so that the test client's cookies are not Secure-only.
	site, err := origin.New("http://signpost.example", "", false)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MailRelay, cfg.Origin = true, site
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	admin := es.client(t)
	admin.base = ts.URL
	if resp, _ := admin.post("/login", url.Values{"email": {emailAdmin}, "password": {testPassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatal("sign in")
	}
	resp, _ := admin.post("/admin/accounts/reset", url.Values{"email": {emailLW}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/admin/accounts?done=reset-sent" {
		t.Fatalf("status %d to %q", resp.StatusCode, loc)
	}
	msgs := pendingMail(t, es.store)
	if len(msgs) != 1 || msgs[0].Kind != directory.MessagePasswordReset || msgs[0].To != emailLW {
		t.Fatalf("outbox = %+v", msgs)
	}
	_, doc := admin.get("/admin/outbox")
	if rows := doc.Find("table.outbox tbody tr"); rows.Length() != 1 || !strings.Contains(rows.Text(), "Password reset link") {
		t.Errorf("outbox page rows: %q", rows.Text())
	}
	if strings.Contains(doc.Text(), msgs[0].Token) {
		t.Error("the outbox page shows the reset link")
	}
}

func TestStaleReportRemindersAndTheStillRunningPage(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	admin := es.signedIn(t, emailAdmin)
	// The report shows 50 a page; provider A's organisation's are on the
	// first page of its own filter.
	_, doc := admin.get("/admin/stale?org=" + url.QueryEscape(es.OrgA))
	form := doc.Find(`form[action="/admin/stale/remind"]`)
	ids := formValues(doc, `form[action="/admin/stale/remind"]`)["service"]
	if form.Length() != 1 || len(ids) != doc.Find("table.stale tbody tr").Length() || len(ids) == 0 {
		t.Fatalf("remind form carries %d ids for %d rows", len(ids), doc.Find("table.stale tbody tr").Length())
	}
	resp, _ := admin.post("/admin/stale/remind", formValues(doc, `form[action="/admin/stale/remind"]`))
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/outbox?") {
		t.Fatalf("status %d to %q", resp.StatusCode, loc)
	}
	_, doc = admin.get(loc)
	if done := doc.Find("#done").Text(); !strings.Contains(done, "Reminders are queued") {
		t.Errorf("outbox notice %q", done)
	}
	if doc.Find(".notice.warn").Length() != 1 {
		t.Error("the outbox page does not say nothing is sent without a relay")
	}
	var reminder directory.Message
	for _, m := range pendingMail(t, es.store) {
		if m.Kind == directory.MessageReminder && m.To == emailProvA {
			reminder = m
		}
	}
	if reminder.Token == "" {
		t.Fatal("no reminder to provider A")
	}

	anon := es.client(t)
	page := "/still-running?token=" + url.QueryEscape(reminder.Token)
	resp, doc = anon.get(page)
	button := doc.Find(`form[action="/still-running"][method="post"] button`)
	if resp.StatusCode != 200 || button.Text() != "Yes, it is still running" {
		t.Fatalf("GET: status %d, button %q", resp.StatusCode, button.Text())
	}
	before, _ := es.store.Service(context.Background(), reminder.ServiceID)
	if after, _ := es.store.Service(context.Background(), reminder.ServiceID); after.AssuredDate != before.AssuredDate {
		t.Fatal("opening the link confirmed the listing: a mail scanner would")
	}
	resp, doc = anon.post("/still-running", formValues(doc, `form[action="/still-running"]`))
	if resp.StatusCode != 200 || doc.Find(".notice.success").Length() != 1 {
		t.Fatalf("POST: status %d", resp.StatusCode)
	}
	after, _ := es.store.Service(context.Background(), reminder.ServiceID)
	if after.AssuredDate != es.clock.Now().Format("2006-01-02") {
		t.Errorf("assured date %q after confirming", after.AssuredDate)
	}
	resp, doc = anon.get(page)
	if resp.StatusCode != http.StatusGone || doc.Find("h1").Text() != "Already confirmed" {
		t.Errorf("second visit: status %d, %q", resp.StatusCode, doc.Find("h1").Text())
	}
	flip := "A"
	if reminder.Token[2] == 'A' {
		flip = "B"
	}
	tampered := reminder.Token[:2] + flip + reminder.Token[3:]
	if resp, _ := anon.get("/still-running?token=" + url.QueryEscape(tampered)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("tampered link: status %d", resp.StatusCode)
	}
}

func pendingMail(t *testing.T, st *directory.Store) []directory.Message {
	t.Helper()
	msgs, err := st.PendingMessages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}
