package web

import (
	"context"
	"net/http"
	"testing"
)

// TestAdminNavigation: each admin page has its own title and marks its own
// entry of the admin navigation, and only that one.
func TestAdminNavigation(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	ctx := context.Background()
	svc, err := es.store.Service(ctx, es.ListingA)
	if err != nil {
		t.Fatal(err)
	}
	svc.Description += " Now with tea."
	if _, err := es.store.SubmitDraft(ctx, svc, emailProvA); err != nil {
		t.Fatal(err)
	}
	admin := es.signedIn(t, emailAdmin)
	tests := []struct{ path, h1, current string }{
		{"/admin", "Admin", "/admin"},
		{"/admin/queue", "Changes waiting for review", "/admin/queue"},
		{"/admin/queue/" + es.ListingA, "Review changes to " + svc.Name, "/admin/queue"},
		{"/admin/stale", "Listings nobody has confirmed for six months", "/admin/stale"},
		{"/admin/corrections", "Corrections from the public", "/admin/corrections"},
		{"/admin/organizations", "Organisations", "/admin/organizations"},
		{"/admin/accounts", "Accounts", "/admin/accounts"},
		{"/admin/import", "Import and export", "/admin/import"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			admin.t = t
			resp, doc := admin.get(tt.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := textOf(doc.Find("main h1")); got != tt.h1 {
				t.Errorf("h1 %q, want %q", got, tt.h1)
			}
			if n := doc.Find(".admin-nav a").Length(); n != len(adminSections) {
				t.Errorf("%d admin navigation links, want %d", n, len(adminSections))
			}
			current := doc.Find(`.admin-nav a[aria-current="page"]`)
			if href, _ := current.Attr("href"); current.Length() != 1 || href != tt.current {
				t.Errorf("%d entries marked current (%q), want only %s", current.Length(), href, tt.current)
			}
		})
	}
}
