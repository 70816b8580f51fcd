package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"signpost/directory"
)

// A public correction reaches the provider: their dashboard lists the open
// corrections of their organisation's listings (not another's), and they
// keep a note on one and mark it done; the admin inbox still shows all,
// with the note.
func TestCorrectionsReachTheProvider(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	ctx := context.Background()
	prov, provB, admin, public := es.signedIn(t, emailProvA), es.signedIn(t, emailProvB), es.signedIn(t, emailAdmin), es.client(t)

	// The public form, as a visitor sends it.
	_, doc := public.get("/activities/" + es.ListingA)
	form := formValues(doc, "form.correction-form")
	if len(form) == 0 {
		form = formValues(doc, `form[action$="/corrections"]`)
	}
	form.Set("field", "times")
	form.Set("message", "It is on Thursdays now.")
	if resp, _ := public.post("/activities/"+es.ListingA+"/corrections", form); resp.StatusCode != 303 {
		t.Fatalf("public correction: status %d", resp.StatusCode)
	}
	other, err := es.store.AddCorrection(ctx, directory.Correction{ServiceID: es.ListingB, Message: "The phone number is wrong."})
	if err != nil {
		t.Fatal(err)
	}

	_, doc = prov.get("/provider?org=" + es.OrgA)
	items := doc.Find(".corrections .correction-item")
	if items.Length() != 1 || !strings.Contains(textOf(items), "It is on Thursdays now.") {
		t.Fatalf("provider A sees corrections %q", textOf(doc.Find(".corrections")))
	}
	if strings.Contains(textOf(doc.Find("main")), "phone number is wrong") {
		t.Error("provider A sees organisation B's correction")
	}
	// Another organisation's provider cannot act on it.
	action, _ := items.Find("form").Attr("action")
	if resp, _ := provB.post(action, url.Values{"status": {"done"}}); resp.StatusCode != 403 {
		t.Errorf("provider B marking A's correction: status %d, want 403", resp.StatusCode)
	}
	bAction := "/provider/listings/" + es.ListingB + "/corrections/" + other.ID
	if resp, _ := prov.post(bAction, url.Values{"status": {"done"}}); resp.StatusCode != 403 {
		t.Errorf("provider A marking B's correction: status %d, want 403", resp.StatusCode)
	}

	// A note first: it stays open, with the note.
	if resp, _ := prov.post(action, url.Values{"note": {"Thanks, we have updated the times."}}); resp.StatusCode != 303 {
		t.Fatalf("note: status %d", resp.StatusCode)
	}
	_, doc = prov.get("/provider?org=" + es.OrgA)
	if got := textOf(doc.Find(".correction-item .note")); !strings.Contains(got, "Thanks, we have updated the times.") {
		t.Errorf("note shown as %q", got)
	}
	// Then done: it leaves the dashboard's open list.
	if resp, _ := prov.post(action, url.Values{"status": {"done"}}); resp.StatusCode != 303 {
		t.Fatalf("done: status %d", resp.StatusCode)
	}
	_, doc = prov.get("/provider?org=" + es.OrgA)
	if n := doc.Find(".corrections .correction-item").Length(); n != 0 {
		t.Errorf("%d corrections still open on the dashboard", n)
	}
	if !strings.Contains(textOf(doc.Find(".corrections")), "1 dealt with") {
		t.Errorf("dashboard says %q", textOf(doc.Find(".corrections")))
	}

	// Admins see every correction, with the provider's note and who closed it.
	_, doc = admin.get("/admin/corrections")
	inbox := textOf(doc.Find(".corrections"))
	if !strings.Contains(inbox, "phone number is wrong") || !strings.Contains(inbox, "Note from "+emailProvA) || !strings.Contains(inbox, "Done by "+emailProvA) {
		t.Errorf("admin inbox %q", inbox)
	}
}
