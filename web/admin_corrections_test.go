package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"signpost/directory"
)

// TestCorrectionsInbox: an admin marks a correction from the public as
// done, dismisses another and reopens the first, through the inbox's own
// forms; the inbox and the admin home say where each stands.
func TestCorrectionsInbox(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	ctx := context.Background()
	admin := es.signedIn(t, emailAdmin)

	moved, err := es.store.AddCorrection(ctx, directory.Correction{ServiceID: es.ListingA, Field: "times", Message: "It is on Thursdays now."})
	if err != nil {
		t.Fatal(err)
	}
	phone, err := es.store.AddCorrection(ctx, directory.Correction{ServiceID: es.ListingB, Message: "The phone number is wrong."})
	if err != nil {
		t.Fatal(err)
	}
	openCount := func(t *testing.T) string {
		t.Helper()
		_, doc := admin.get("/admin")
		return textOf(doc.Find(`.overview a[href="/admin/corrections"]`))
	}
	if got := openCount(t); got != "2 open corrections from the public" {
		t.Fatalf("admin home says %q", got)
	}

	// press submits the inbox's form of correction c with the button
	// labelled label, as a browser would: the form's fields, the
	// button's name and value.
	press := func(t *testing.T, c directory.Correction, label string) *http.Response {
		t.Helper()
		_, doc := admin.get("/admin/corrections")
		item := doc.Find("#correction-" + c.ID)
		if item.Length() == 0 {
			t.Fatalf("no inbox entry for correction %s", c.ID)
		}
		form := item.Find("form.correction-status")
		fields := url.Values{}
		for _, in := range form.Find("input[name]").EachIter() {
			fields.Add(in.AttrOr("name", ""), in.AttrOr("value", ""))
		}
		if fields.Get("csrf_token") == "" {
			t.Fatal("the status form carries no CSRF token")
		}
		var found bool
		for _, b := range form.Find("button").EachIter() {
			if strings.HasPrefix(textOf(b), label) {
				found = true
				fields.Set(b.AttrOr("name", ""), b.AttrOr("value", ""))
			}
		}
		if !found {
			t.Fatalf("correction %s has no %q button", c.ID, label)
		}
		resp, _ := admin.post(form.AttrOr("action", ""), fields)
		return resp
	}
	statusOf := func(t *testing.T, c directory.Correction) string {
		t.Helper()
		_, doc := admin.get("/admin/corrections")
		return textOf(doc.Find("#correction-" + c.ID + " .status"))
	}

	t.Run("mark as done", func(t *testing.T) {
		resp := press(t, moved, "Mark as done")
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/admin/corrections?done=correction-done#correction-"+moved.ID {
			t.Fatalf("status %d to %q", resp.StatusCode, loc)
		}
		if got, want := statusOf(t, moved), "Done by "+emailAdmin+" on 2 March 2026"; got != want {
			t.Errorf("inbox says %q, want %q", got, want)
		}
		if _, doc := admin.get("/admin/corrections?done=correction-done"); textOf(doc.Find("#done")) != "The correction is marked as done." {
			t.Errorf("no confirmation: %q", textOf(doc.Find("#done")))
		}
		if got := openCount(t); got != "1 open correction from the public" {
			t.Errorf("admin home says %q", got)
		}
	})
	t.Run("dismiss", func(t *testing.T) {
		if resp := press(t, phone, "Dismiss"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if got := statusOf(t, phone); !strings.HasPrefix(got, "Dismissed by "+emailAdmin) {
			t.Errorf("inbox says %q", got)
		}
		if got := openCount(t); got != "0 open corrections from the public" {
			t.Errorf("admin home says %q", got)
		}
	})
	t.Run("a closed correction offers only Reopen", func(t *testing.T) {
		_, doc := admin.get("/admin/corrections")
		var labels []string
		for _, b := range doc.Find("#correction-" + moved.ID + " button").EachIter() {
			labels = append(labels, b.AttrOr("value", ""))
		}
		if strings.Join(labels, ",") != "open" {
			t.Errorf("buttons of a done correction: %v", labels)
		}
		if resp := press(t, moved, "Reopen"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("reopen: status %d", resp.StatusCode)
		}
		if got := statusOf(t, moved); got != "Open" {
			t.Errorf("after reopening the inbox says %q", got)
		}
	})
	t.Run("refused", func(t *testing.T) {
		action := "/admin/corrections/" + url.PathEscape(moved.ServiceID) + "/" + url.PathEscape(moved.ID)
		tests := []struct {
			name   string
			as     string
			path   string
			form   url.Values
			status int
		}{
			{"an unknown status", emailAdmin, action, url.Values{"status": {"deleted"}}, http.StatusBadRequest},
			{"no status", emailAdmin, action, nil, http.StatusBadRequest},
			{"an unknown correction", emailAdmin, "/admin/corrections/" + es.ListingA + "/nope", url.Values{"status": {"done"}}, http.StatusNotFound},
			{"another listing's correction", emailAdmin, "/admin/corrections/" + es.ListingA + "/" + phone.ID, url.Values{"status": {"done"}}, http.StatusNotFound},
			{"no CSRF token", emailAdmin, action, url.Values{"status": {"done"}, "csrf_token": {""}}, http.StatusForbidden},
			{"the listing's own provider", emailProvA, action, url.Values{"status": {"done"}}, http.StatusForbidden},
			{"a link worker", emailLW, action, url.Values{"status": {"dismissed"}}, http.StatusForbidden},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := es.signedIn(t, tt.as)
				if resp, _ := c.post(tt.path, tt.form); resp.StatusCode != tt.status {
					t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
				}
			})
		}
		if got := statusOf(t, moved); got != "Open" {
			t.Errorf("after refused requests the correction is %q, want still open", got)
		}
	})
}
