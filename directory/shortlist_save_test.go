package directory_test

import (
	"context"
	"errors"
	"testing"

	"signpost/directory"
)

// TestSaveShortlist: the list's page saves the reference, every note and
// the order at once, or, when any box is refused, nothing.
func TestSaveShortlist(t *testing.T) {
	ctx := context.Background()
	f := newShortlistFixture(t)
	s := f.store
	alice := directory.AccountOwner("alice@example.org")
	sl, err := s.CreateShortlist(ctx, alice, "Mrs K")
	must(t, err)
	for _, i := range []int{1, 2, 3} {
		sl, err = s.AddItem(ctx, alice, sl.ID, serviceN(i).ID)
		must(t, err)
	}
	id1, id2, id3 := serviceN(1).ID, serviceN(2).ID, serviceN(3).ID
	ref := "Mrs K, Tuesday"

	t.Run("a refused note saves nothing and names its item", func(t *testing.T) {
		bad := "Mrs K, SW1A 1AA"
		_, err := s.SaveShortlist(ctx, alice, sl.ID, directory.ListEdit{
			Reference: &bad,
			Notes: map[string]directory.ItemNote{
				id1: {Text: "Ask for Jo"},
				id2: {Text: "call her on 07700 900123"},
			},
			Order: []string{id3, id1, id2},
		})
		var ve *directory.ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) != 2 {
			t.Fatalf("err %v, want two problems", err)
		}
		if ve.Problems[0].Path != directory.NoteProblemPath(id2) || ve.Problems[1].Path != "reference" {
			t.Errorf("problems at %q and %q", ve.Problems[0].Path, ve.Problems[1].Path)
		}
		got, err := s.Shortlist(ctx, alice, sl.ID)
		must(t, err)
		if got.Reference != "Mrs K" || got.Items[0].Note != "" || itemIDs(got) != "1,2,3" {
			t.Errorf("a refused save changed the list: %q, note %q, order %s", got.Reference, got.Items[0].Note, itemIDs(got))
		}
	})

	t.Run("everything at once", func(t *testing.T) {
		got, err := s.SaveShortlist(ctx, alice, sl.ID, directory.ListEdit{
			Reference: &ref,
			Notes: map[string]directory.ItemNote{
				id1:               {Text: " Ask for Jo ", Visibility: directory.NoteShared},
				id2:               {Text: "Bus 53"},
				"not-on-the-list": {Text: "ignored"},
			},
			Order: []string{id3, "not-on-the-list", id1},
		})
		must(t, err)
		if got.Reference != ref || itemIDs(got) != "3,1,2" {
			t.Fatalf("reference %q, order %s", got.Reference, itemIDs(got))
		}
		n1, _ := got.Item(id1)
		n2, _ := got.Item(id2)
		if n1.Note != "Ask for Jo" || !n1.NoteShared || n2.Note != "Bus 53" || n2.NoteShared {
			t.Errorf("notes %+v, %+v", n1, n2)
		}
	})

	t.Run("a My list has no reference to save", func(t *testing.T) {
		mine, err := s.MyList(ctx, "a-token-of-forty-characters-or-so-000000")
		must(t, err)
		_, err = s.SaveShortlist(ctx, directory.TokenOwner("a-token-of-forty-characters-or-so-000000"), mine.ID, directory.ListEdit{Reference: &ref})
		if !errors.Is(err, directory.ErrForbidden) {
			t.Errorf("err %v, want forbidden", err)
		}
	})

	t.Run("another's list is not found", func(t *testing.T) {
		_, err := s.SaveShortlist(ctx, directory.AccountOwner("bob@example.org"), sl.ID, directory.ListEdit{Reference: &ref})
		if !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("err %v, want not found", err)
		}
	})
}

func TestPostcodeDistrict(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"L20", "L20", true},
		{"l20", "L20", true},
		{"L20 3AB", "L20", true},
		{"l203ab", "L20", true},
		{" CH41  1AA ", "CH41", true},
		{"EC1A 1BB", "EC1A", true},
		{"L2", "L2", true},
		{"Bootle", "", false},
		{"L20 3", "", false},
		{"20", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := directory.PostcodeDistrict(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("PostcodeDistrict(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestListPlace: a list keeps a postcode district at most.
func TestListPlace(t *testing.T) {
	ctx := context.Background()
	f := newShortlistFixture(t)
	alice := directory.AccountOwner("alice@example.org")
	sl, err := f.store.CreateShortlist(ctx, alice, "Mrs K")
	must(t, err)
	full := "l20 3ab"
	got, err := f.store.SaveShortlist(ctx, alice, sl.ID, directory.ListEdit{Place: &full})
	must(t, err)
	if got.Place != "L20" {
		t.Errorf("a full postcode was stored as %q, want its district L20", got.Place)
	}
	bad := "Bootle"
	_, err = f.store.SaveShortlist(ctx, alice, sl.ID, directory.ListEdit{Place: &bad})
	var ve *directory.ValidationError
	if !errors.As(err, &ve) || ve.Problems[0].Path != "place" {
		t.Errorf("a town name: %v", err)
	}
	empty := ""
	if got, err = f.store.SaveShortlist(ctx, alice, sl.ID, directory.ListEdit{Place: &empty}); err != nil || got.Place != "" {
		t.Errorf("clearing: %q, %v", got.Place, err)
	}
}
