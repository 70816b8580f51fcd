package directory_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"signpost/directory"
)

// withTerms gives a service need and interest codes.
func withTerms(t *testing.T, svc *directory.Service, needs, interests []string) *directory.Service {
	t.Helper()
	for tax, codes := range map[string][]string{directory.TaxonomyNeeds: needs, directory.TaxonomyInterests: interests} {
		for _, c := range codes {
			term, ok := directory.LookupTerm(tax, c)
			if !ok {
				t.Fatalf("no term %s/%s", tax, c)
			}
			svc.Attributes = append(svc.Attributes, directory.TermAttribute(svc.ID, term))
		}
	}
	return svc
}

// followUpFixture is a link worker's list of two activities in L20,
// shared.
type followUpFixture struct {
	*shortlistFixture
	owner directory.Owner
	list  *directory.Shortlist
	token string
	a, b  string
}

func newFollowUpFixture(t *testing.T) *followUpFixture {
	t.Helper()
	ctx := context.Background()
	f := &followUpFixture{shortlistFixture: newShortlistFixture(t), owner: directory.AccountOwner("alice@example.org")}
	f.a, f.b = serviceN(1).ID, serviceN(2).ID
	for _, svc := range []*directory.Service{
		withTerms(t, serviceN(1), []string{"lonely", "low-mood"}, []string{"gardening"}),
		withTerms(t, serviceN(2), []string{"money"}, nil),
	} {
		if _, err := f.store.PutService(ctx, svc, directory.Save{Actor: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	sl, err := f.store.CreateShortlist(ctx, f.owner, "Mrs K, Tuesday")
	if err != nil {
		t.Fatal(err)
	}
	place := "L20 3AB"
	if _, err := f.store.SaveShortlist(ctx, f.owner, sl.ID, directory.ListEdit{Place: &place}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{f.a, f.b} {
		if sl, err = f.store.AddItem(ctx, f.owner, sl.ID, id); err != nil {
			t.Fatal(err)
		}
	}
	f.list = sl
	if f.token, _, err = f.store.ShareShortlist(ctx, f.owner, sl.ID, 0); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *followUpFixture) answer(t *testing.T, serviceID string, st directory.OutcomeStatus, help directory.HelpLevel) {
	t.Helper()
	if err := f.store.AnswerShared(context.Background(), f.token, serviceID, st, help); err != nil {
		t.Fatalf("answer %s %s: %v", st, help, err)
	}
}

func (f *followUpFixture) rows(t *testing.T, filter directory.OutcomeFilter) []directory.OutcomeRow {
	t.Helper()
	rows, err := f.store.OutcomeAggregates(context.Background(), filter)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestFollowUpWalk(t *testing.T) {
	ctx := context.Background()
	f := newFollowUpFixture(t)
	week1 := directory.ISOWeek(f.now)

	// Before anything: a start score, and a first answer.
	stage, err := f.store.RecordWellbeing(ctx, f.token, directory.WellbeingScores{
		directory.WellbeingLifeSatisfaction: 4, directory.WellbeingWorthwhile: 5,
		directory.WellbeingHappiness: 3, directory.WellbeingAnxiety: 8,
	})
	if err != nil || stage != directory.WellbeingStarted {
		t.Fatalf("start: stage %v, err %v", stage, err)
	}
	f.answer(t, f.a, directory.StatusGoing, "")
	f.answer(t, f.b, directory.StatusNotForMe, directory.HelpALot) // help is dropped: not went
	f.answer(t, f.b, directory.StatusNotForMe, "")                 // unchanged: no double count

	fu, err := f.store.SharedFollowUp(ctx, f.token)
	if err != nil {
		t.Fatal(err)
	}
	if fu.Wellbeing != directory.WellbeingStarted || !fu.FollowUpFrom.After(f.now) {
		t.Errorf("follow-up stage %v from %s, want started and later", fu.Wellbeing, fu.FollowUpFrom)
	}
	if got := fu.Answers[f.b]; got.Status != directory.StatusNotForMe || got.Help != "" {
		t.Errorf("answer about b = %+v", got)
	}
	// Too early for the follow-up: answering again replaces the start.
	if stage, err := f.store.RecordWellbeing(ctx, f.token, directory.WellbeingScores{
		directory.WellbeingLifeSatisfaction: 3, directory.WellbeingWorthwhile: 5,
		directory.WellbeingHappiness: 3, directory.WellbeingAnxiety: 8,
	}); err != nil || stage != directory.WellbeingStarted {
		t.Fatalf("start again: stage %v, err %v", stage, err)
	}

	// Five weeks on: the person went to a, and it helped.
	f.now = f.now.Add(35 * 24 * time.Hour)
	week2 := directory.ISOWeek(f.now)
	f.answer(t, f.a, directory.StatusWent, directory.HelpQuiteALot)

	answers, err := f.store.ListAnswers(ctx, f.owner, f.list.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := answers[f.a]; got.Status != directory.StatusWent || got.Help != directory.HelpQuiteALot {
		t.Errorf("the link worker sees %+v for a", got)
	}
	if _, err := f.store.ListAnswers(ctx, directory.AccountOwner("bob@example.org"), f.list.ID); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("another link worker reading the answers: %v, want not found", err)
	}

	fu, _ = f.store.SharedFollowUp(ctx, f.token)
	if fu.Wellbeing != directory.WellbeingDue {
		t.Fatalf("stage after five weeks = %v, want due", fu.Wellbeing)
	}
	stage, err = f.store.RecordWellbeing(ctx, f.token, directory.WellbeingScores{
		directory.WellbeingLifeSatisfaction: 6, directory.WellbeingWorthwhile: 5,
		directory.WellbeingHappiness: 7, directory.WellbeingAnxiety: 5,
	})
	if err != nil || stage != directory.WellbeingDone {
		t.Fatalf("follow-up: stage %v, err %v", stage, err)
	}
	if _, err := f.store.RecordWellbeing(ctx, f.token, directory.WellbeingScores{directory.WellbeingHappiness: 1}); !errors.Is(err, directory.ErrConflict) {
		t.Errorf("a second follow-up: %v, want a conflict", err)
	}

	// Week 1 keeps b's "not for me"; a's "going" moved out of it.
	rows := f.rows(t, directory.OutcomeFilter{To: week1})
	if len(rows) != 1 {
		t.Fatalf("week 1 rows = %+v, want b's only", rows)
	}
	r := rows[0]
	if r.ServiceID != f.b || r.District != "L20" || r.Week != week1 || r.Status[directory.StatusNotForMe] != 1 || r.Answers() != 1 || len(r.Help) != 0 {
		t.Errorf("week 1 row = %+v", r)
	}
	if len(r.Needs) != 1 || r.Needs[0] != "money" || len(r.Interests) != 0 {
		t.Errorf("week 1 row codes = %v %v", r.Needs, r.Interests)
	}
	// Week 2 holds a: went, helped quite a lot, and the wellbeing change.
	rows = f.rows(t, directory.OutcomeFilter{From: week2, Need: "lonely"})
	if len(rows) != 1 {
		t.Fatalf("week 2 rows = %+v, want a's only", rows)
	}
	r = rows[0]
	if r.ServiceID != f.a || r.Status[directory.StatusWent] != 1 || r.Answers() != 1 || r.Help[directory.HelpQuiteALot] != 1 {
		t.Errorf("week 2 row = %+v", r)
	}
	for q, want := range map[directory.WellbeingQuestion]int{
		directory.WellbeingLifeSatisfaction: 3, directory.WellbeingWorthwhile: 0,
		directory.WellbeingHappiness: 4, directory.WellbeingAnxiety: -3,
	} {
		h := r.Wellbeing[q]
		if h == nil || h.N() != 1 {
			t.Errorf("%s: histogram %v, want one change", q, h)
			continue
		}
		if got, _ := h.Median(); got != want {
			t.Errorf("%s change = %d, want %d", q, got, want)
		}
	}

	// Filters.
	for _, tc := range []struct {
		name   string
		filter directory.OutcomeFilter
		want   int
	}{
		{"all", directory.OutcomeFilter{}, 2},
		{"district", directory.OutcomeFilter{District: "L20"}, 2},
		{"other district", directory.OutcomeFilter{District: "L1"}, 0},
		{"interest", directory.OutcomeFilter{Interest: "gardening"}, 1},
		{"provider's services", directory.OutcomeFilter{ServiceIDs: []string{f.b}}, 1},
		{"no services", directory.OutcomeFilter{ServiceIDs: []string{}}, 0},
		{"before", directory.OutcomeFilter{To: "2020-W01"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := f.rows(t, tc.filter); len(got) != tc.want {
				t.Errorf("%d rows, want %d: %+v", len(got), tc.want, got)
			}
		})
	}
	sum := directory.SumOutcomes(f.rows(t, directory.OutcomeFilter{}))
	if sum.Answers() != 2 || sum.Status[directory.StatusGoing] != 0 {
		t.Errorf("sum = %+v", sum)
	}

	// 90 days after the last answer, the answers leave the list; the
	// aggregates stay.
	f.now = f.now.Add(directory.AnswerLife)
	swept, err := f.store.SweepOutcomes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if swept.Answers != 3 { // two answers and the follow-up mark
		t.Errorf("swept %+v, want 3 answers", swept)
	}
	if answers, _ := f.store.ListAnswers(ctx, f.owner, f.list.ID); len(answers) != 0 {
		t.Errorf("answers after 90 days: %+v", answers)
	}
	if got := f.rows(t, directory.OutcomeFilter{}); len(got) != 2 {
		t.Errorf("aggregates after the sweep: %d rows, want 2", len(got))
	}
}

func TestWellbeingStartExpires(t *testing.T) {
	ctx := context.Background()
	f := newFollowUpFixture(t)
	if _, err := f.store.RecordWellbeing(ctx, f.token, directory.WellbeingScores{directory.WellbeingHappiness: 5}); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(directory.WellbeingStartLife)
	swept, err := f.store.SweepOutcomes(ctx)
	if err != nil || swept.Starts != 1 {
		t.Fatalf("sweep: %+v %v, want one start removed", swept, err)
	}
	// The first link has expired by now; a new one asks for a start again.
	token, _, err := f.store.ShareShortlist(ctx, f.owner, f.list.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if fu, _ := f.store.SharedFollowUp(ctx, token); fu.Wellbeing != directory.WellbeingNotStarted {
		t.Errorf("stage after the start expired = %v", fu.Wellbeing)
	}
	if rows := f.rows(t, directory.OutcomeFilter{}); len(rows) != 0 {
		t.Errorf("an expired start was counted: %+v", rows)
	}
}

func TestFollowUpWellbeingWithoutGoing(t *testing.T) {
	ctx := context.Background()
	f := newFollowUpFixture(t)
	if _, err := f.store.RecordWellbeing(ctx, f.token, directory.WellbeingScores{directory.WellbeingHappiness: 5}); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(directory.FollowUpAfter)
	if _, err := f.store.RecordWellbeing(ctx, f.token, directory.WellbeingScores{directory.WellbeingHappiness: 4, directory.WellbeingAnxiety: 2}); err != nil {
		t.Fatal(err)
	}
	rows := f.rows(t, directory.OutcomeFilter{})
	if len(rows) != 1 || rows[0].ServiceID != "" || rows[0].Answers() != 0 {
		t.Fatalf("rows = %+v, want one with no activity", rows)
	}
	r := rows[0]
	if got, _ := r.Wellbeing[directory.WellbeingHappiness].Median(); got != -1 || r.Wellbeing[directory.WellbeingAnxiety] != nil {
		t.Errorf("wellbeing = %+v, want happiness -1 only", r.Wellbeing)
	}
	if len(r.Needs) != 3 || len(r.Interests) != 1 {
		t.Errorf("codes of the no-activity row = %v %v, want every activity's", r.Needs, r.Interests)
	}
}

func TestAnswerSharedRefuses(t *testing.T) {
	ctx := context.Background()
	f := newFollowUpFixture(t)
	for _, tc := range []struct {
		name    string
		token   string
		service string
		status  directory.OutcomeStatus
		help    directory.HelpLevel
		want    error
	}{
		{"unknown status", f.token, f.a, "maybe", "", nil},
		{"unknown help", f.token, f.a, directory.StatusWent, "hugely", nil},
		{"not on the list", f.token, serviceN(3).ID, directory.StatusWent, "", directory.ErrNotFound},
		{"unknown link", "nope", f.a, directory.StatusWent, "", directory.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := f.store.AnswerShared(ctx, tc.token, tc.service, tc.status, tc.help)
			var ve *directory.ValidationError
			switch {
			case err == nil:
				t.Fatal("answer taken")
			case tc.want == nil && !errors.As(err, &ve):
				t.Errorf("err = %v, want a validation error", err)
			case tc.want != nil && !errors.Is(err, tc.want):
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	// A withdrawn link takes no answers.
	shares, _ := f.store.Shares(ctx, f.owner, f.list.ID)
	if err := f.store.RevokeShare(ctx, f.owner, f.list.ID, shares[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := f.store.AnswerShared(ctx, f.token, f.a, directory.StatusWent, ""); !errors.Is(err, directory.ErrShareRevoked) {
		t.Errorf("answer through a withdrawn link: %v", err)
	}
	// Deleting the list deletes its answers; the aggregates keep counts.
	if err := f.store.DeleteShortlist(ctx, f.owner, f.list.ID); err != nil {
		t.Fatal(err)
	}
}

func TestMyListHasNoFollowUp(t *testing.T) {
	ctx := context.Background()
	f := newShortlistFixture(t)
	sl, err := f.store.MyList(ctx, "device-token")
	if err != nil {
		t.Fatal(err)
	}
	owner := directory.TokenOwner("device-token")
	if _, err := f.store.AddItem(ctx, owner, sl.ID, serviceN(1).ID); err != nil {
		t.Fatal(err)
	}
	token, _, err := f.store.ShareShortlist(ctx, owner, sl.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if fu, err := f.store.SharedFollowUp(ctx, token); err != nil || fu.Wellbeing != directory.WellbeingNotOffered {
		t.Errorf("a My list's follow-up: %+v, %v; want none offered", fu, err)
	}
	if err := f.store.AnswerShared(ctx, token, serviceN(1).ID, directory.StatusWent, ""); !errors.Is(err, directory.ErrForbidden) {
		t.Errorf("answering a My list: %v, want forbidden", err)
	}
	if _, err := f.store.RecordWellbeing(ctx, token, directory.WellbeingScores{directory.WellbeingHappiness: 5}); !errors.Is(err, directory.ErrForbidden) {
		t.Errorf("wellbeing on a My list: %v, want forbidden", err)
	}
}
