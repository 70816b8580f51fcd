package directory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"go.etcd.io/bbolt"
)

// How long follow-up data is kept.
const (
	// AnswerLife is how long an answer stays on its list after it was last
	// given; the counts it made stay in the aggregates.
	AnswerLife = 90 * 24 * time.Hour
	// WellbeingStartLife is how long a start score waits for its
	// follow-up before it is deleted uncounted.
	WellbeingStartLife = 183 * 24 * time.Hour
	// FollowUpAfter is how long after the start the follow-up is asked:
	// long enough to have tried an activity or two.
	FollowUpAfter = 28 * 24 * time.Hour
)

// dayLayout keeps follow-up dates to the day: the time of day would say
// more about a person than the sweep needs.
const dayLayout = "2006-01-02"

// Answer is a person's current answer about one activity on their list.
// It holds no token, address, account or text: only the answer, the day it
// was given and which aggregate row counts it.
type Answer struct {
	Status OutcomeStatus `json:"status"`
	// Help answers "Did it help?"; only after StatusWent, and may be
	// empty until the person says.
	Help HelpLevel `json:"help,omitempty"`
	// Day is when the answer was last given, "2026-11-26".
	Day string `json:"day"`
	// Counted is the key of the aggregate row counting the answer, so a
	// change moves exactly that count.
	Counted string `json:"counted"`
}

// WellbeingStage is where a list's wellbeing questions stand.
type WellbeingStage int

// The stages of the wellbeing questions.
const (
	// WellbeingNotOffered: the list is not a link worker's, so nothing is
	// asked.
	WellbeingNotOffered WellbeingStage = iota
	// WellbeingNotStarted: no start score is held; the person may give one.
	WellbeingNotStarted
	// WellbeingStarted: a start score is held and the follow-up is not due.
	WellbeingStarted
	// WellbeingDue: the follow-up may be answered.
	WellbeingDue
	// WellbeingDone: the change was counted and the scores deleted.
	WellbeingDone
)

// WellbeingScores are a person's answers to the ONS4 questions they chose
// to answer, each 0 to 10.
type WellbeingScores map[WellbeingQuestion]int

// Validate reports what is wrong with the scores: at least one question
// answered, each with a whole number from 0 to 10.
func (ws WellbeingScores) Validate() Problems {
	var ch checker
	if len(ws) == 0 {
		ch.errorf("wellbeing", "Choose a number for at least one question, or leave these questions.")
	}
	for _, q := range WellbeingQuestions {
		if v, ok := ws[q]; ok && (v < 0 || v > 10) {
			ch.errorf(string(q), "Choose a number from 0 to 10.")
		}
	}
	for q := range ws {
		if !slices.Contains(WellbeingQuestions, q) {
			ch.errorf(string(q), "This is not one of the questions.")
		}
	}
	return ch.problems
}

// wellbeingStart is a start score waiting for its follow-up.
type wellbeingStart struct {
	Scores WellbeingScores `json:"scores"`
	Day    string          `json:"day"`
}

// wellbeingDone marks a list whose follow-up was counted; it holds no
// score, only the day, so it goes with the answers after AnswerLife.
type wellbeingDone struct {
	Day string `json:"day"`
}

// FollowUp is what a shared list's page shows of its follow-up.
type FollowUp struct {
	// Answers are the current answers by service id.
	Answers map[string]Answer
	// Wellbeing is where the wellbeing questions stand.
	Wellbeing WellbeingStage
	// FollowUpFrom is when the follow-up becomes due (WellbeingStarted).
	FollowUpFrom time.Time
}

// Keys in bucketOutcomeAnswers: "<list id>\x00<service id>" holds an
// Answer; "<list id>\x00" alone marks the wellbeing follow-up done.
func answerKey(listID, serviceID string) []byte { return []byte(listID + "\x00" + serviceID) }
func answersPrefix(listID string) []byte        { return []byte(listID + "\x00") }

// sharedForFollowUp opens the active share link token inside tx and its
// list.
func (s *Store) sharedForFollowUp(tx *bbolt.Tx, token string) (*Shortlist, error) {
	sl, _, err := s.openShare(tx, token)
	return sl, err
}

// SharedFollowUp returns the follow-up of the list behind share link
// token: its answers and where its wellbeing questions stand.
func (s *Store) SharedFollowUp(ctx context.Context, token string) (FollowUp, error) {
	var fu FollowUp
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		sl, err := s.sharedForFollowUp(tx, token)
		if err != nil {
			return err
		}
		if sl.IsMyList() {
			fu = FollowUp{}
			return nil
		}
		fu, err = s.followUpOf(tx, sl.ID)
		return err
	})
	if err != nil {
		return FollowUp{}, fmt.Errorf("follow-up: %w", err)
	}
	return fu, nil
}

// ListAnswers returns the current answers on one of owner's lists, by
// service id, for the link worker to see. Wellbeing scores are never
// among them.
func (s *Store) ListAnswers(ctx context.Context, owner Owner, id string) (map[string]Answer, error) {
	var answers map[string]Answer
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		if _, err := ownedShortlist(tx, owner, id); err != nil {
			return err
		}
		fu, err := s.followUpOf(tx, id)
		answers = fu.Answers
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("answers of shortlist %s: %w", id, err)
	}
	return answers, nil
}

func (s *Store) followUpOf(tx *bbolt.Tx, listID string) (FollowUp, error) {
	fu := FollowUp{Answers: map[string]Answer{}, Wellbeing: WellbeingNotStarted}
	c := tx.Bucket(bucketOutcomeAnswers).Cursor()
	prefix := answersPrefix(listID)
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		sid := string(k[len(prefix):])
		if sid == "" {
			fu.Wellbeing = WellbeingDone
			continue
		}
		var a Answer
		if err := json.Unmarshal(v, &a); err != nil {
			return FollowUp{}, fmt.Errorf("answer %s: decode: %w", sid, err)
		}
		fu.Answers[sid] = a
	}
	if fu.Wellbeing == WellbeingDone {
		return fu, nil
	}
	start, err := getWellbeingStart(tx, listID)
	if err != nil || start == nil {
		return fu, err
	}
	day, err := time.Parse(dayLayout, start.Day)
	if err != nil {
		return FollowUp{}, fmt.Errorf("wellbeing start: %w", err)
	}
	fu.FollowUpFrom = day.Add(FollowUpAfter)
	fu.Wellbeing = WellbeingStarted
	if !s.now().Before(fu.FollowUpFrom) {
		fu.Wellbeing = WellbeingDue
	}
	return fu, nil
}

func getWellbeingStart(tx *bbolt.Tx, listID string) (*wellbeingStart, error) {
	raw := tx.Bucket(bucketWellbeingStarts).Get([]byte(listID))
	if raw == nil {
		return nil, nil
	}
	var ws wellbeingStart
	if err := json.Unmarshal(raw, &ws); err != nil {
		return nil, fmt.Errorf("wellbeing start: decode: %w", err)
	}
	return &ws, nil
}

// AnswerShared records the answer, given through share link token, about
// the list's activity serviceID. Giving it again unchanged changes
// nothing; a changed answer moves its count in the aggregates from the
// old answer to the new, into this week.
func (s *Store) AnswerShared(ctx context.Context, token, serviceID string, status OutcomeStatus, help HelpLevel) error {
	switch {
	case !status.Valid():
		return &ValidationError{ID: serviceID, Problems: Problems{{Path: "status", Message: "Choose one of the answers."}}}
	case status != StatusWent && help != "":
		help = "" // "Did it help?" is only asked of those who went
	case help != "" && !help.Valid():
		return &ValidationError{ID: serviceID, Problems: Problems{{Path: "help", Message: "Choose how much it helped."}}}
	}
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		sl, err := s.sharedForFollowUp(tx, token)
		if err != nil {
			return nil, err
		}
		if sl.IsMyList() {
			return nil, fmt.Errorf("only a link worker's list asks how it went: %w", ErrForbidden)
		}
		if !sl.Has(serviceID) {
			return nil, fmt.Errorf("item %s: %w", serviceID, ErrNotFound)
		}
		b := tx.Bucket(bucketOutcomeAnswers)
		key := answerKey(sl.ID, serviceID)
		var old Answer
		if raw := b.Get(key); raw != nil {
			if err := json.Unmarshal(raw, &old); err != nil {
				return nil, fmt.Errorf("answer %s: decode: %w", serviceID, err)
			}
			if old.Status == status && old.Help == help {
				return nil, nil
			}
			if err := addOutcome(tx, []byte(old.Counted), answerCounts(old.Status, old.Help, -1)); err != nil {
				return nil, err
			}
		}
		counted := outcomeKeyBytes(s.outcomeKeyOf(tx, sl, serviceID))
		if err := addOutcome(tx, counted, answerCounts(status, help, 1)); err != nil {
			return nil, err
		}
		raw, err := json.Marshal(Answer{Status: status, Help: help, Day: s.now().UTC().Format(dayLayout), Counted: string(counted)})
		if err != nil {
			return nil, fmt.Errorf("encode answer: %w", err)
		}
		return nil, b.Put(key, raw)
	})
	if err != nil {
		return fmt.Errorf("answer about %s: %w", serviceID, err)
	}
	return nil
}

// answerCounts is what one answer adds to its row, n times.
func answerCounts(status OutcomeStatus, help HelpLevel, n int) OutcomeCounts {
	c := OutcomeCounts{Status: map[OutcomeStatus]int{status: n}}
	if help != "" {
		c.Help = map[HelpLevel]int{help: n}
	}
	return c
}

// outcomeKeyOf is the aggregate row an answer about serviceID on sl given
// now falls in. A listing since removed counts with no codes.
func (s *Store) outcomeKeyOf(tx *bbolt.Tx, sl *Shortlist, serviceID string) OutcomeKey {
	k := OutcomeKey{Week: ISOWeek(s.now().UTC()), District: districtOf(sl), ServiceID: serviceID, Needs: []string{}, Interests: []string{}}
	if svc, err := getService(tx, serviceID); err == nil {
		k.Needs = sortedCodes(svc.TermCodes(TaxonomyNeeds))
		k.Interests = sortedCodes(svc.TermCodes(TaxonomyInterests))
	}
	return k
}

func districtOf(sl *Shortlist) string {
	if sl.Place == "" {
		return UnknownDistrict
	}
	return sl.Place
}

func sortedCodes(codes []string) []string {
	out := slices.Clone(codes)
	slices.Sort(out)
	return slices.Compact(out)
}

// RecordWellbeing takes the person's wellbeing scores given through share
// link token. With no start held they become the start. With a start held
// and the follow-up due, the change in each question answered both times
// is counted, under every activity the person says they went to (or, when
// none, under no activity), and both scores are deleted. A start answered
// again before the follow-up is due replaces the first. It returns the
// stage the list is then at.
func (s *Store) RecordWellbeing(ctx context.Context, token string, scores WellbeingScores) (WellbeingStage, error) {
	if errs := scores.Validate(); len(errs) > 0 {
		return 0, &ValidationError{Problems: errs}
	}
	var stage WellbeingStage
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		sl, err := s.sharedForFollowUp(tx, token)
		if err != nil {
			return nil, err
		}
		if sl.IsMyList() {
			return nil, fmt.Errorf("only a link worker's list asks about wellbeing: %w", ErrForbidden)
		}
		fu, err := s.followUpOf(tx, sl.ID)
		if err != nil {
			return nil, err
		}
		today := s.now().UTC().Format(dayLayout)
		switch fu.Wellbeing {
		case WellbeingDone:
			return nil, fmt.Errorf("the follow-up was already answered: %w", ErrConflict)
		case WellbeingNotStarted, WellbeingStarted:
			raw, err := json.Marshal(wellbeingStart{Scores: scores, Day: today})
			if err != nil {
				return nil, fmt.Errorf("encode wellbeing start: %w", err)
			}
			stage = WellbeingStarted
			return nil, tx.Bucket(bucketWellbeingStarts).Put([]byte(sl.ID), raw)
		}
		start, err := getWellbeingStart(tx, sl.ID)
		if err != nil {
			return nil, err
		}
		if err := s.countWellbeingChange(tx, sl, fu.Answers, start.Scores, scores); err != nil {
			return nil, err
		}
		if err := tx.Bucket(bucketWellbeingStarts).Delete([]byte(sl.ID)); err != nil {
			return nil, err
		}
		raw, err := json.Marshal(wellbeingDone{Day: today})
		if err != nil {
			return nil, fmt.Errorf("encode wellbeing follow-up: %w", err)
		}
		stage = WellbeingDone
		return nil, tx.Bucket(bucketOutcomeAnswers).Put(answersPrefix(sl.ID), raw)
	})
	if err != nil {
		return 0, fmt.Errorf("wellbeing: %w", err)
	}
	return stage, nil
}

// countWellbeingChange adds the change from start to now to the rows of
// the activities the person went to, or to the no-activity row.
func (s *Store) countWellbeingChange(tx *bbolt.Tx, sl *Shortlist, answers map[string]Answer, start, now WellbeingScores) error {
	var delta OutcomeCounts
	for _, q := range WellbeingQuestions {
		before, ok1 := start[q]
		after, ok2 := now[q]
		if ok1 && ok2 {
			delta.histogram(q).Add(after-before, 1)
		}
	}
	if delta.empty() {
		return nil
	}
	var keys []OutcomeKey
	none := OutcomeKey{Week: ISOWeek(s.now().UTC()), District: districtOf(sl), Needs: []string{}, Interests: []string{}}
	for _, it := range sl.Items {
		k := s.outcomeKeyOf(tx, sl, it.ServiceID)
		if answers[it.ServiceID].Status == StatusWent {
			keys = append(keys, k)
		}
		none.Needs = append(none.Needs, k.Needs...)
		none.Interests = append(none.Interests, k.Interests...)
	}
	if len(keys) == 0 {
		none.Needs, none.Interests = sortedCodes(none.Needs), sortedCodes(none.Interests)
		keys = append(keys, none)
	}
	for _, k := range keys {
		if err := addOutcome(tx, outcomeKeyBytes(k), delta); err != nil {
			return err
		}
	}
	return nil
}

// deleteOutcomesOf removes a list's answers and any start score with it;
// the aggregates keep their counts.
func deleteOutcomesOf(tx *bbolt.Tx, listID string) error {
	b := tx.Bucket(bucketOutcomeAnswers)
	var keys [][]byte
	c := b.Cursor()
	prefix := answersPrefix(listID)
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, slices.Clone(k))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return fmt.Errorf("delete answer: %w", err)
		}
	}
	return tx.Bucket(bucketWellbeingStarts).Delete([]byte(listID))
}

// OutcomeSweep says what SweepOutcomes removed.
type OutcomeSweep struct {
	// Answers and follow-up marks older than AnswerLife.
	Answers int
	// Starts are wellbeing start scores older than WellbeingStartLife,
	// removed uncounted.
	Starts int
}

// SweepOutcomes removes answers last given over AnswerLife ago and start
// scores held over WellbeingStartLife. The aggregates keep their counts.
func (s *Store) SweepOutcomes(ctx context.Context) (OutcomeSweep, error) {
	var done OutcomeSweep
	now := s.now().UTC()
	old := func(day string, life time.Duration) bool {
		d, err := time.Parse(dayLayout, day)
		// An unreadable day is removed rather than kept for ever.
		return err != nil || !now.Before(d.Add(life))
	}
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		done = OutcomeSweep{}
		sweep := func(bucket []byte, life time.Duration, n *int) error {
			b := tx.Bucket(bucket)
			var keys [][]byte
			err := b.ForEach(func(k, v []byte) error {
				var dated struct {
					Day string `json:"day"`
				}
				if err := json.Unmarshal(v, &dated); err != nil || old(dated.Day, life) {
					keys = append(keys, slices.Clone(k))
				}
				return nil
			})
			if err != nil {
				return err
			}
			for _, k := range keys {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			*n = len(keys)
			return nil
		}
		if err := sweep(bucketOutcomeAnswers, AnswerLife, &done.Answers); err != nil {
			return nil, err
		}
		return nil, sweep(bucketWellbeingStarts, WellbeingStartLife, &done.Starts)
	})
	if err != nil {
		return OutcomeSweep{}, fmt.Errorf("sweep outcomes: %w", err)
	}
	return done, nil
}
