package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"signpost/directory"
)

// The stale report pages by 50 and filters by organisation, area and how
// long since anyone confirmed a listing.
func TestStaleReportPagesAndFilters(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	ctx := context.Background()
	admin := es.signedIn(t, emailAdmin)
	all, total, err := es.store.StaleServices(ctx, es.clock.Now().Add(-directory.ChaseAfter), 0)
	if err != nil {
		t.Fatal(err)
	}
	// Make sure there is more than a page: unconfirm listings until there is.
	if total <= staleReportRows {
		n := 0
		err := es.store.EachService(ctx, func(svc *directory.Service) error {
			if n >= staleReportRows+10-total || svc.Status != directory.StatusActive {
				return nil
			}
			if at, ok := svc.Assured(); ok && es.clock.Now().Sub(at) < directory.ChaseAfter {
				svc.AssuredDate = "2020-01-01"
				n++
				_, err := es.store.PutService(ctx, svc, directory.Save{Actor: "test"})
				return err
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		all, total, _ = es.store.StaleServices(ctx, es.clock.Now().Add(-directory.ChaseAfter), 0)
	}
	rows := func(doc *goquery.Document) []string {
		var out []string
		doc.Find("table.stale tbody tr").Each(func(_ int, tr *goquery.Selection) { out = append(out, textOf(tr.Find("td").First())) })
		return out
	}
	_, doc := admin.get("/admin/stale")
	first := rows(doc)
	if len(first) != staleReportRows {
		t.Fatalf("first page shows %d rows of %d, want %d", len(first), total, staleReportRows)
	}
	if first[0] != all[0].Name {
		t.Errorf("first row %q, want %q", first[0], all[0].Name)
	}
	next, ok := doc.Find(`.pagination a[rel="next"]`).Attr("href")
	if !ok {
		t.Fatal("no next page link")
	}
	_, doc = admin.get(next)
	second := rows(doc)
	if len(second) != min(staleReportRows, total-staleReportRows) || second[0] != all[staleReportRows].Name {
		t.Errorf("second page: %d rows starting %q", len(second), second[0])
	}

	// One organisation.
	org := all[0].OrganizationID
	_, doc = admin.get("/admin/stale?org=" + url.QueryEscape(org))
	doc.Find("table.stale tbody tr").Each(func(_ int, tr *goquery.Selection) {
		if got := textOf(tr.Find("td").Eq(1)); got != all[0].OrganizationName {
			t.Errorf("filtered by %s, a row of %q", all[0].OrganizationName, got)
		}
	})
	if v, _ := doc.Find("#stale-org option[selected]").Attr("value"); v != org {
		t.Errorf("organisation filter not kept: %q", v)
	}

	// One area, kept in the paging links.
	area := ""
	for _, l := range all {
		if l.Area != "" {
			area = l.Area
			break
		}
	}
	_, doc = admin.get("/admin/stale?area=" + url.QueryEscape(area))
	n := 0
	doc.Find("table.stale tbody tr").Each(func(_ int, tr *goquery.Selection) {
		n++
		if got := textOf(tr.Find("td").Eq(2)); !strings.EqualFold(got, area) {
			t.Logf("row in %q for area %q (another of its places may be there)", got, area)
		}
	})
	if n == 0 {
		t.Errorf("area %q shows no rows", area)
	}

	// Never confirmed only.
	_, doc = admin.get("/admin/stale?months=never")
	doc.Find("table.stale tbody tr").Each(func(_ int, tr *goquery.Selection) {
		if got := textOf(tr.Find("td").Eq(3)); got != "Never" {
			t.Errorf("never-confirmed report shows a row confirmed %q", got)
		}
	})
	_, doc = admin.get("/admin/stale?months=24")
	if got := textOf(doc.Find("h1")); got != "Listings nobody has confirmed for two years" {
		t.Errorf("heading %q", got)
	}
}
