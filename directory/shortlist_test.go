package directory_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"signpost/directory"
)

// shortlistFixture is a store with five published services and a clock
// the test moves.
type shortlistFixture struct {
	store *directory.Store
	now   time.Time
}

func newShortlistFixture(t *testing.T) *shortlistFixture {
	t.Helper()
	f := &shortlistFixture{store: MustOpen(t), now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	f.store.SetClock(func() time.Time { return f.now })
	for i := 1; i <= 5; i++ {
		if _, err := f.store.PutService(context.Background(), serviceN(i), directory.Save{Actor: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func itemIDs(sl *directory.Shortlist) string {
	var ids []string
	for _, it := range sl.Items {
		ids = append(ids, strings.TrimLeft(it.ServiceID[len(it.ServiceID)-3:], "0"))
	}
	return strings.Join(ids, ",")
}

func TestShortlistLifecycle(t *testing.T) {
	ctx := context.Background()
	f := newShortlistFixture(t)
	s := f.store
	alice := directory.AccountOwner("alice@example.org")
	gen := generation(t, s)

	sl, err := s.CreateShortlist(ctx, alice, "  Mrs K, Tuesday  ")
	if err != nil {
		t.Fatal(err)
	}
	if sl.Reference != "Mrs K, Tuesday" || sl.Owner != "alice@example.org" || sl.ID == "" || len(sl.Items) != 0 {
		t.Fatalf("created %+v, want a trimmed reference, owner alice, an id, no items", sl)
	}
	for _, i := range []int{1, 2, 3} {
		if sl, err = s.AddItem(ctx, alice, sl.ID, serviceN(i).ID); err != nil {
			t.Fatal(err)
		}
	}
	if sl, err = s.AddItem(ctx, alice, sl.ID, serviceN(2).ID); err != nil || itemIDs(sl) != "1,2,3" {
		t.Fatalf("adding an item twice: items %s, err %v; want 1,2,3 unchanged", itemIDs(sl), err)
	}

	t.Run("add an unknown service", func(t *testing.T) {
		_, err := s.AddItem(ctx, alice, sl.ID, "00000000-0000-4000-8000-000000000999")
		if !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("err = %v, want not found", err)
		}
	})
	t.Run("reorder", func(t *testing.T) {
		steps := []struct {
			service int
			delta   int
			want    string
		}{
			{3, -1, "1,3,2"},
			{3, -1, "3,1,2"},
			{3, -1, "3,1,2"}, // already at the top
			{2, +1, "3,1,2"}, // already at the bottom
			{3, +1, "1,3,2"},
		}
		for _, st := range steps {
			got, err := s.MoveItem(ctx, alice, sl.ID, serviceN(st.service).ID, st.delta)
			if err != nil {
				t.Fatal(err)
			}
			if itemIDs(got) != st.want {
				t.Errorf("move %d by %d: items %s, want %s", st.service, st.delta, itemIDs(got), st.want)
			}
		}
		if _, err := s.MoveItem(ctx, alice, sl.ID, serviceN(1).ID, 2); err == nil {
			t.Error("moving two places at once was accepted")
		}
	})
	t.Run("notes", func(t *testing.T) {
		got, err := s.SetItemNote(ctx, alice, sl.ID, serviceN(3).ID, directory.ItemNote{Text: " Ask for Jo on Tuesday ", Visibility: directory.NoteShared})
		if err != nil {
			t.Fatal(err)
		}
		it, ok := got.Item(serviceN(3).ID)
		if !ok || it.Note != "Ask for Jo on Tuesday" || !it.NoteShared {
			t.Errorf("item = %+v, want the trimmed shared note", it)
		}
		_, err = s.SetItemNote(ctx, alice, sl.ID, serviceN(3).ID, directory.ItemNote{Text: "her number is 07700 900123"})
		var verr *directory.ValidationError
		if !errors.As(err, &verr) || !strings.Contains(verr.Error(), "phone number") {
			t.Errorf("note with a phone number: err = %v, want a validation error naming a phone number", err)
		}
	})
	t.Run("remove", func(t *testing.T) {
		got, err := s.RemoveItem(ctx, alice, sl.ID, serviceN(1).ID)
		if err != nil || itemIDs(got) != "3,2" {
			t.Errorf("after remove: items %s, err %v; want 3,2", itemIDs(got), err)
		}
	})
	t.Run("rename", func(t *testing.T) {
		if _, err := s.RenameShortlist(ctx, alice, sl.ID, "LS6 3QN"); err == nil || !strings.Contains(err.Error(), "postcode") {
			t.Errorf("rename to a postcode: err = %v, want refused", err)
		}
		got, err := s.RenameShortlist(ctx, alice, sl.ID, "Mr P, Thursday")
		if err != nil || got.Reference != "Mr P, Thursday" {
			t.Errorf("rename: %+v, %v", got, err)
		}
	})
	t.Run("list newest first", func(t *testing.T) {
		f.now = f.now.Add(time.Hour)
		second, err := s.CreateShortlist(ctx, alice, "Ms T")
		if err != nil {
			t.Fatal(err)
		}
		lists, err := s.Shortlists(ctx, alice)
		if err != nil || len(lists) != 2 || lists[0].ID != second.ID || lists[1].ID != sl.ID {
			t.Fatalf("Shortlists = %v, %v; want the new list then the first", lists, err)
		}
	})
	t.Run("delete", func(t *testing.T) {
		if err := s.DeleteShortlist(ctx, alice, sl.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Shortlist(ctx, alice, sl.ID); !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("after delete: err = %v, want not found", err)
		}
		if lists, err := s.Shortlists(ctx, alice); err != nil || len(lists) != 1 {
			t.Errorf("after delete alice has %d lists, want 1", len(lists))
		}
	})
	if after := generation(t, s); after != gen {
		t.Errorf("shortlist writes moved the generation %d → %d; they change no listing", gen, after)
	}
}

func TestShortlistCreateRefuses(t *testing.T) {
	ctx := context.Background()
	s := newShortlistFixture(t).store
	tests := []struct {
		name  string
		owner directory.Owner
		ref   string
		want  string
	}{
		{"NHS number", directory.AccountOwner("a@example.org"), "9434765919", "This looks like an NHS number."},
		{"no account", directory.TokenOwner("tok"), "Mrs K", "forbidden"},
		{"zero owner", directory.Owner{}, "Mrs K", "forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.CreateShortlist(ctx, tt.owner, tt.ref)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestShortlistPrivacy: a list is its author's alone. Everyone else, for
// every operation, is told it does not exist.
func TestShortlistPrivacy(t *testing.T) {
	ctx := context.Background()
	s := newShortlistFixture(t).store
	alice := directory.AccountOwner("alice@example.org")
	sl, err := s.CreateShortlist(ctx, alice, "Mrs K")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddItem(ctx, alice, sl.ID, serviceN(1).ID); err != nil {
		t.Fatal(err)
	}
	mine, err := s.MyList(ctx, "someone's-cookie-token")
	if err != nil {
		t.Fatal(err)
	}

	others := map[string]directory.Owner{
		"another link worker": directory.AccountOwner("bob@example.org"),
		"a my-list holder":    directory.TokenOwner("someone's-cookie-token"),
		"nobody":              {},
	}
	for name, other := range others {
		t.Run(name, func(t *testing.T) {
			ops := map[string]func() error{
				"read": func() error { _, err := s.Shortlist(ctx, other, sl.ID); return err },
				"add":  func() error { _, err := s.AddItem(ctx, other, sl.ID, serviceN(2).ID); return err },
				"note": func() error {
					_, err := s.SetItemNote(ctx, other, sl.ID, serviceN(1).ID, directory.ItemNote{Text: "x", Visibility: directory.NoteShared})
					return err
				},
				"move":   func() error { _, err := s.MoveItem(ctx, other, sl.ID, serviceN(1).ID, 1); return err },
				"remove": func() error { _, err := s.RemoveItem(ctx, other, sl.ID, serviceN(1).ID); return err },
				"rename": func() error { _, err := s.RenameShortlist(ctx, other, sl.ID, "Mine now"); return err },
				"share":  func() error { _, _, err := s.ShareShortlist(ctx, other, sl.ID, 0); return err },
				"shares": func() error { _, err := s.Shares(ctx, other, sl.ID); return err },
				"delete": func() error { return s.DeleteShortlist(ctx, other, sl.ID) },
			}
			for op, fn := range ops {
				if err := fn(); !errors.Is(err, directory.ErrNotFound) {
					t.Errorf("%s: err = %v, want not found", op, err)
				}
			}
		})
	}
	t.Run("a link worker cannot open a my list", func(t *testing.T) {
		if _, err := s.Shortlist(ctx, directory.AccountOwner("alice@example.org"), mine.ID); !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("err = %v, want not found", err)
		}
	})
	if got, err := s.Shortlist(ctx, alice, sl.ID); err != nil || itemIDs(got) != "1" || got.Reference != "Mrs K" {
		t.Errorf("alice's list after the attempts: %+v, %v; want it untouched", got, err)
	}
	if lists, err := s.Shortlists(ctx, directory.AccountOwner("bob@example.org")); err != nil || len(lists) != 0 {
		t.Errorf("bob sees %d lists, want none", len(lists))
	}
}

func TestMyList(t *testing.T) {
	ctx := context.Background()
	s := newShortlistFixture(t).store
	token, err := directory.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindMyList(ctx, token); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("FindMyList before any use: err = %v, want not found", err)
	}
	first, err := s.MyList(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if first.Owner != "" || first.OwnerToken == token || first.OwnerToken != directory.HashToken(token) || first.Reference != directory.MyListReference {
		t.Errorf("my list = %+v, want no owner, the token's hash (not the token) and the fixed reference", first)
	}
	me := directory.TokenOwner(token)
	if _, err := s.AddItem(ctx, me, first.ID, serviceN(4).ID); err != nil {
		t.Fatal(err)
	}
	again, err := s.MyList(ctx, token)
	if err != nil || again.ID != first.ID || itemIDs(again) != "4" {
		t.Errorf("MyList again = %+v, %v; want the same list holding item 4", again, err)
	}
	if other, err := s.MyList(ctx, token+"x"); err != nil || other.ID == first.ID {
		t.Errorf("another token got list %v (%v), want a new one", other, err)
	}
	if _, err := s.RenameShortlist(ctx, me, first.ID, "Something"); !errors.Is(err, directory.ErrForbidden) {
		t.Errorf("rename my list: err = %v, want forbidden", err)
	}
	if lists, err := s.Shortlists(ctx, me); err != nil || len(lists) != 0 {
		t.Errorf("Shortlists of a token owner = %d lists, want none (my list is found by token)", len(lists))
	}
	if err := s.DeleteShortlist(ctx, me, first.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindMyList(ctx, token); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("after delete: err = %v, want not found", err)
	}
}

func TestShareLinks(t *testing.T) {
	ctx := context.Background()
	f := newShortlistFixture(t)
	s := f.store
	alice := directory.AccountOwner("alice@example.org")
	sl, err := s.CreateShortlist(ctx, alice, "Mrs K")
	if err != nil {
		t.Fatal(err)
	}
	token, share, err := s.ShareShortlist(ctx, alice, sl.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(token) < 22 || share.TokenHash == token || share.TokenHash != directory.HashToken(token) {
		t.Errorf("token %q (hash %q): want at least 128 bits and only the hash kept", token, share.TokenHash)
	}
	if want := f.now.Add(90 * 24 * time.Hour); !share.Expires.Equal(want) {
		t.Errorf("expires %v, want 90 days on, %v", share.Expires, want)
	}

	t.Run("opens without an owner", func(t *testing.T) {
		got, _, err := s.SharedShortlist(ctx, token)
		if err != nil || got.ID != sl.ID {
			t.Errorf("SharedShortlist = %v, %v; want the list", got, err)
		}
	})
	t.Run("unknown token", func(t *testing.T) {
		if _, _, err := s.SharedShortlist(ctx, "not-a-token"); !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("err = %v, want not found", err)
		}
	})
	t.Run("owner can prove a token is theirs", func(t *testing.T) {
		if _, err := s.ShareLinkOf(ctx, alice, sl.ID, token); err != nil {
			t.Errorf("ShareLinkOf: %v", err)
		}
		if _, err := s.ShareLinkOf(ctx, directory.AccountOwner("bob@example.org"), sl.ID, token); !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("ShareLinkOf by bob: %v, want not found", err)
		}
	})
	t.Run("expiry", func(t *testing.T) {
		short, _, err := s.ShareShortlist(ctx, alice, sl.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		f.now = f.now.Add(59 * time.Minute)
		if _, _, err := s.SharedShortlist(ctx, short); err != nil {
			t.Errorf("a minute before expiry: %v", err)
		}
		f.now = f.now.Add(time.Minute)
		if _, _, err := s.SharedShortlist(ctx, short); !errors.Is(err, directory.ErrShareExpired) || !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("at expiry: err = %v, want expired (and not found)", err)
		}
		if _, _, err := s.SharedShortlist(ctx, token); err != nil {
			t.Errorf("the 90-day link after an hour: %v", err)
		}
	})
	t.Run("revocation", func(t *testing.T) {
		if err := s.RevokeShare(ctx, directory.AccountOwner("bob@example.org"), sl.ID, share.ID); !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("bob revoking: %v, want not found", err)
		}
		if err := s.RevokeShare(ctx, alice, sl.ID, share.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SharedShortlist(ctx, token); !errors.Is(err, directory.ErrShareRevoked) {
			t.Errorf("after revoke: err = %v, want revoked", err)
		}
		shares, err := s.Shares(ctx, alice, sl.ID)
		if err != nil || len(shares) != 2 {
			t.Fatalf("Shares = %v, %v; want both links", shares, err)
		}
		for _, sh := range shares {
			if sh.ID == share.ID && (!sh.Revoked || sh.Active(f.now)) {
				t.Errorf("revoked share listed as %+v", sh)
			}
		}
	})
	t.Run("at most MaxActiveShares working links", func(t *testing.T) {
		other, err := s.CreateShortlist(ctx, alice, "Ms T")
		if err != nil {
			t.Fatal(err)
		}
		var last directory.Share
		for range directory.MaxActiveShares {
			if _, last, err = s.ShareShortlist(ctx, alice, other.ID, 0); err != nil {
				t.Fatal(err)
			}
		}
		_, _, err = s.ShareShortlist(ctx, alice, other.ID, 0)
		var verr *directory.ValidationError
		if !errors.As(err, &verr) || !strings.Contains(err.Error(), "Withdraw one") {
			t.Fatalf("one link too many: err = %v, want a validation error", err)
		}
		if err := s.RevokeShare(ctx, alice, other.ID, last.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.ShareShortlist(ctx, alice, other.ID, 0); err != nil {
			t.Errorf("after withdrawing one: %v", err)
		}
	})
	t.Run("deleting the list removes its links", func(t *testing.T) {
		fresh, _, err := s.ShareShortlist(ctx, alice, sl.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteShortlist(ctx, alice, sl.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = s.SharedShortlist(ctx, fresh)
		if !errors.Is(err, directory.ErrNotFound) || errors.Is(err, directory.ErrShareRevoked) || errors.Is(err, directory.ErrShareExpired) {
			t.Errorf("after delete: err = %v, want plain not found", err)
		}
	})
}

func TestAssessItem(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	added := now.AddDate(0, -2, 0)
	service := func(edit func(*directory.Service)) *directory.Service {
		svc := serviceN(1)
		svc.AssuredDate = "2026-01-10"
		if edit != nil {
			edit(svc)
		}
		return svc
	}
	tests := []struct {
		name     string
		svc      *directory.Service
		revs     []directory.Revision
		added    time.Time
		check    func(directory.ItemState) bool
		warnings []string // substrings, in order
		notices  []string
	}{
		{name: "fine", svc: service(nil), added: added,
			check: func(st directory.ItemState) bool { return st.OK() && !st.Stale }},
		{name: "gone", svc: nil, added: added,
			check:    func(st directory.ItemState) bool { return st.Gone },
			warnings: []string{"no longer in the directory"}},
		{name: "defunct", svc: service(func(s *directory.Service) { s.Status = directory.StatusDefunct }), added: added,
			check:    func(st directory.ItemState) bool { return st.Closed },
			warnings: []string{"has closed"}},
		{name: "inactive", svc: service(func(s *directory.Service) { s.Status = directory.StatusInactive }), added: added,
			check:    func(st directory.ItemState) bool { return st.Closed },
			warnings: []string{"not running at the moment"}},
		{name: "full", svc: service(func(s *directory.Service) { s.Capacity = directory.CapacityFull }), added: added,
			check:    func(st directory.ItemState) bool { return st.Full },
			warnings: []string{"is full"}},
		{name: "paused", svc: service(func(s *directory.Service) { s.Capacity = directory.CapacityPaused }), added: added,
			check:    func(st directory.ItemState) bool { return st.Paused },
			warnings: []string{"has paused"}},
		{name: "waiting list is a notice, not a warning", svc: service(func(s *directory.Service) { s.Capacity = directory.CapacityWaitingList }), added: added,
			check:   func(st directory.ItemState) bool { return st.WaitingList && st.OK() },
			notices: []string{"waiting list"}},
		{name: "confirmed over a year ago", svc: service(func(s *directory.Service) { s.AssuredDate = "2025-02-01" }), added: added,
			check:    func(st directory.ItemState) bool { return st.Stale },
			warnings: []string{"since 1 February 2025"}},
		{name: "old assured date but a recent confirmation", svc: service(func(s *directory.Service) { s.AssuredDate = "2024-02-01" }), added: added,
			revs:  []directory.Revision{{Action: directory.ActionConfirm, At: now.AddDate(0, -1, 0)}},
			check: func(st directory.ItemState) bool { return !st.Stale && st.OK() }},
		{name: "never confirmed, added recently", svc: service(func(s *directory.Service) { s.AssuredDate = "" }), added: added,
			check: func(st directory.ItemState) bool { return !st.Stale }},
		{name: "never confirmed, added over a year ago", svc: service(func(s *directory.Service) { s.AssuredDate = "" }), added: now.AddDate(-1, -1, 0),
			check:    func(st directory.ItemState) bool { return st.Stale },
			warnings: []string{"since it was added on 2 February 2025"}},
		{name: "closed and full and stale says all three", svc: service(func(s *directory.Service) {
			s.Status, s.Capacity, s.AssuredDate = directory.StatusDefunct, directory.CapacityFull, "2020-01-01"
		}), added: added,
			check:    func(st directory.ItemState) bool { return st.Closed && st.Full && st.Stale },
			warnings: []string{"has closed", "is full", "since 1 January 2020"}},
		{name: "changed after it was added", svc: service(nil), added: added,
			revs:    []directory.Revision{{Action: directory.ActionEdit, At: now.AddDate(0, 0, -3)}, {Action: directory.ActionImport, At: added.AddDate(0, -1, 0)}},
			check:   func(st directory.ItemState) bool { return st.OK() && st.ChangedAt.Equal(now.AddDate(0, 0, -3)) },
			notices: []string{"changed on 27 February 2026"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := directory.AssessItem(directory.Item{ServiceID: serviceN(1).ID, AddedAt: tt.added}, tt.svc, tt.revs, now)
			if !tt.check(st) {
				t.Errorf("state = %+v fails the check", st)
			}
			assertSentences(t, "warnings", st.Warnings, tt.warnings)
			assertSentences(t, "notices", st.Notices, tt.notices)
		})
	}
}

func assertSentences(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s = %q, want %d containing %q", what, got, len(want), want)
		return
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("%s[%d] = %q, want it to contain %q", what, i, got[i], want[i])
		}
	}
}

func TestShortlistItemsCurrentState(t *testing.T) {
	ctx := context.Background()
	f := newShortlistFixture(t)
	s := f.store
	alice := directory.AccountOwner("alice@example.org")
	sl, err := s.CreateShortlist(ctx, alice, "Mrs K")
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{1, 2, 3} {
		if _, err := s.AddItem(ctx, alice, sl.ID, serviceN(i).ID); err != nil {
			t.Fatal(err)
		}
	}
	// After the list was made: 2 fills up, 3 is removed.
	f.now = f.now.Add(24 * time.Hour)
	full := serviceN(2)
	full.Capacity = directory.CapacityFull
	if _, err := s.PutService(ctx, full, directory.Save{Actor: "provider"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteService(ctx, serviceN(3).ID, directory.Save{Actor: "admin"}); err != nil {
		t.Fatal(err)
	}
	if sl, err = s.Shortlist(ctx, alice, sl.ID); err != nil {
		t.Fatal(err)
	}
	views, err := s.ShortlistItems(ctx, sl)
	if err != nil {
		t.Fatal(err)
	}
	if len(views) != 3 {
		t.Fatalf("%d views, want 3", len(views))
	}
	if v := views[0]; v.Service == nil || v.Service.Name != "Activity 1" || !v.State.OK() {
		t.Errorf("item 1 = %+v, want the service and no warnings", v)
	}
	if v := views[1]; !v.State.Full || v.State.ChangedAt.IsZero() {
		t.Errorf("item 2 state = %+v, want full and changed since added", v.State)
	}
	if v := views[2]; v.Service != nil || !v.State.Gone {
		t.Errorf("item 3 = %+v, want gone", v)
	}
}
