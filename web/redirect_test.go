package web

import (
	"net/http"
	"testing"
)

func TestWithFlash(t *testing.T) {
	tests := []struct{ target, code, want string }{
		{"/admin/queue", "approved", "/admin/queue?done=approved"},
		{"/provider?org=a", "capacity", "/provider?org=a&done=capacity"},
		{"/provider?org=a#listing-1", "confirmed", "/provider?org=a&done=confirmed#listing-1"},
		{"/my-list#item-2", "note", "/my-list?done=note#item-2"},
	}
	for _, tt := range tests {
		if got := withFlash(tt.target, tt.code); got != tt.want {
			t.Errorf("withFlash(%q, %q) = %q, want %q", tt.target, tt.code, got, tt.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("an unknown flash code did not panic")
		}
	}()
	withFlash("/", "no-such-code")
}

// TestFlashFromAddress: a page shows the registered message for ?done=,
// and nothing of an unknown code, which it never echoes.
func TestFlashFromAddress(t *testing.T) {
	site := newFakeSite(t)
	page := "/activities/" + gardenClub().ID
	_, doc := get(t, site.srv, page+"?done=correction-sent")
	if got := textOf(doc.Find("#done[role=status]")); got != "Thank you Your correction has been sent to the people who look after this listing." {
		t.Errorf("flash %q", got)
	}
	rec, doc := get(t, site.srv, page+"?done=%3Cb%3Epwned")
	if rec.Code != http.StatusOK || doc.Find("#done").Length() != 0 {
		t.Errorf("an unknown code showed a flash: %d %q", rec.Code, textOf(doc.Find("#done")))
	}
}
