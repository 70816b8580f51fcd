package web

import (
	"context"
	"net/url"
	"testing"

	"signpost/directory"
)

// Issue 17's regression: restoring an old version reset "Places" from
// "Waiting list" to "Taking new people" and wiped "Last confirmed", with no
// step to see what it would do. Now Restore opens a page showing the diff
// it will apply, and applying it changes content only.
func TestRestoreAsksFirstAndKeepsCapacity(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	ctx := context.Background()
	prov, admin, public := es.signedIn(t, emailProvA), es.signedIn(t, emailAdmin), es.client(t)
	base := "/provider/listings/" + es.ListingA
	before := mustService(t, es, es.ListingA)

	// An admin edits the description (published at once), then the
	// provider says the group has a waiting list and confirms it.
	form := editForm(t, admin, base+"/edit")
	form.Set("description", "Now meeting in the new hall.")
	if resp, _ := admin.post(base+"/edit", form); resp.StatusCode != 303 {
		t.Fatalf("admin edit: status %d", resp.StatusCode)
	}
	if resp, _ := prov.post(base+"/capacity", url.Values{"capacity": {"waiting-list"}}); resp.StatusCode != 303 {
		t.Fatalf("capacity: status %d", resp.StatusCode)
	}
	if resp, _ := prov.post(base+"/confirm", nil); resp.StatusCode != 303 {
		t.Fatalf("confirm: status %d", resp.StatusCode)
	}
	confirmed := mustService(t, es, es.ListingA).AssuredDate
	if confirmed == "" {
		t.Fatal("confirming set no assured date")
	}

	// The history offers a link to a confirmation page, not a button that
	// restores at once.
	_, doc := admin.get(base + "/history")
	link := doc.Find(`a.restore`).Last()
	href, ok := link.Attr("href")
	if !ok {
		t.Fatal("history has no restore link")
	}
	if doc.Find(`form[action$="/restore"]`).Length() != 0 {
		t.Error("history still restores in one click")
	}
	resp, doc := admin.get(href)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: status %d", href, resp.StatusCode)
	}
	if got := items(doc.Find("table.diff tbody th")); got != "Description" {
		t.Errorf("restore page shows changes to %q, want Description only", got)
	}
	if svc := mustService(t, es, es.ListingA); svc.Description != "Now meeting in the new hall." {
		t.Fatalf("viewing the restore page changed the listing: %q", svc.Description)
	}
	confirm := doc.Find(`form[method="post"][action$="/restore"]`)
	if confirm.Length() != 1 {
		t.Fatalf("restore page has %d forms posting to restore, want 1", confirm.Length())
	}
	action, _ := confirm.Attr("action")
	if resp, _ := admin.post(action, formValues(doc, `form[action$="/restore"]`)); resp.StatusCode != 303 {
		t.Fatalf("restore: status %d", resp.StatusCode)
	}

	got := mustService(t, es, es.ListingA)
	if got.Description != before.Description {
		t.Errorf("description = %q, want the restored %q", got.Description, before.Description)
	}
	if got.Capacity != directory.CapacityWaitingList {
		t.Errorf("restore changed capacity to %q", got.Capacity)
	}
	if got.AssuredDate != confirmed {
		t.Errorf("restore changed last confirmed from %q to %q", confirmed, got.AssuredDate)
	}
	if _, doc := public.get("/activities/" + es.ListingA); facts(doc.Find(".key-facts dl"))["Places"] != "Waiting list" {
		t.Errorf("public page Places = %q after restore", facts(doc.Find(".key-facts dl"))["Places"])
	}
	revs, err := es.store.Revisions(ctx, es.ListingA)
	if err != nil {
		t.Fatal(err)
	}
	if revs[0].Action != directory.ActionRestore || len(revs[0].Changes) != 1 || revs[0].Changes[0].Path != "description" {
		t.Errorf("restore revision = %s %+v, want the description alone", revs[0].Action, revs[0].Changes)
	}
}

// The moderation diff showed "Capacity waiting-list → accepting", which
// approval did not apply. It now shows content only, and approval applies
// exactly what it shows.
func TestReviewShowsContentOnly(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	prov, admin := es.signedIn(t, emailProvA), es.signedIn(t, emailAdmin)
	base := "/provider/listings/" + es.ListingA

	form := editForm(t, prov, base+"/edit")
	form.Set("name", "Tuesday Walkers")
	if resp, _ := prov.post(base+"/edit", form); resp.StatusCode != 303 {
		t.Fatalf("submit: status %d", resp.StatusCode)
	}
	// Capacity moves on while the draft waits.
	if resp, _ := prov.post(base+"/capacity", url.Values{"capacity": {"waiting-list"}}); resp.StatusCode != 303 {
		t.Fatalf("capacity: status %d", resp.StatusCode)
	}
	_, doc := admin.get("/admin/queue/" + es.ListingA)
	if got := items(doc.Find("table.diff tbody th")); got != "Name" {
		t.Errorf("review shows changes to %q, want Name only", got)
	}
	if resp, _ := admin.post("/admin/queue/"+es.ListingA+"/approve", nil); resp.StatusCode != 303 {
		t.Fatalf("approve: status %d", resp.StatusCode)
	}
	got := mustService(t, es, es.ListingA)
	if got.Name != "Tuesday Walkers" || got.Capacity != directory.CapacityWaitingList {
		t.Errorf("after approval name %q capacity %q, want the new name and the waiting list", got.Name, got.Capacity)
	}
}
