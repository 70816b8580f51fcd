package directory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.etcd.io/bbolt"
)

// Outcomes: a person holding a link worker's shared list says, for each
// activity, whether they went and whether it helped, and may rate their
// wellbeing when the list is made and again later. Nothing of this is kept
// against a person: each answer updates weekly counts keyed by the
// activity, its need and interest codes, the list's postcode district and
// the week; the answer itself stays on the list for the link worker to see
// for AnswerLife, and wellbeing scores only until the change between them
// is counted. See PRIVACY.md.

// OutcomeStatus is a person's answer about one activity on their list.
type OutcomeStatus string

// The answers a person can give about an activity.
const (
	StatusWent     OutcomeStatus = "went"
	StatusGoing    OutcomeStatus = "going"
	StatusNotYet   OutcomeStatus = "not-yet"
	StatusNotForMe OutcomeStatus = "not-for-me"
)

// OutcomeStatuses are the answers in the order a form offers them.
var OutcomeStatuses = []OutcomeStatus{StatusWent, StatusGoing, StatusNotYet, StatusNotForMe}

// Label is the answer as the person reads it.
func (s OutcomeStatus) Label() string {
	switch s {
	case StatusWent:
		return "I went"
	case StatusGoing:
		return "I'm going"
	case StatusNotYet:
		return "Not yet"
	case StatusNotForMe:
		return "Not for me"
	}
	return string(s)
}

// Valid reports whether s is one of OutcomeStatuses.
func (s OutcomeStatus) Valid() bool { return slices.Contains(OutcomeStatuses, s) }

// HelpLevel is how much an activity the person went to helped them.
type HelpLevel string

// The answers to "Did it help?".
const (
	HelpNotAtAll  HelpLevel = "not-at-all"
	HelpALittle   HelpLevel = "a-little"
	HelpQuiteALot HelpLevel = "quite-a-lot"
	HelpALot      HelpLevel = "a-lot"
)

// HelpLevels are the answers to "Did it help?", least first.
var HelpLevels = []HelpLevel{HelpNotAtAll, HelpALittle, HelpQuiteALot, HelpALot}

// Label is the answer as the person reads it.
func (h HelpLevel) Label() string {
	switch h {
	case HelpNotAtAll:
		return "Not at all"
	case HelpALittle:
		return "A little"
	case HelpQuiteALot:
		return "Quite a lot"
	case HelpALot:
		return "A lot"
	}
	return string(h)
}

// Valid reports whether h is one of HelpLevels.
func (h HelpLevel) Valid() bool { return slices.Contains(HelpLevels, h) }

// WellbeingQuestion is one of the four ONS personal wellbeing questions,
// each answered 0 to 10.
type WellbeingQuestion string

// The ONS4 questions. For anxiety a fall is an improvement; for the other
// three a rise is.
const (
	WellbeingLifeSatisfaction WellbeingQuestion = "life-satisfaction"
	WellbeingWorthwhile       WellbeingQuestion = "worthwhile"
	WellbeingHappiness        WellbeingQuestion = "happiness"
	WellbeingAnxiety          WellbeingQuestion = "anxiety"
)

// WellbeingQuestions are the ONS4 questions in the order they are asked.
var WellbeingQuestions = []WellbeingQuestion{WellbeingLifeSatisfaction, WellbeingWorthwhile, WellbeingHappiness, WellbeingAnxiety}

// Text is the question as the ONS words it.
func (q WellbeingQuestion) Text() string {
	switch q {
	case WellbeingLifeSatisfaction:
		return "Overall, how satisfied are you with your life nowadays?"
	case WellbeingWorthwhile:
		return "Overall, to what extent do you feel that the things you do in your life are worthwhile?"
	case WellbeingHappiness:
		return "Overall, how happy did you feel yesterday?"
	case WellbeingAnxiety:
		return "Overall, how anxious did you feel yesterday?"
	}
	return string(q)
}

// Scale names the two ends of the question's 0 to 10 scale.
func (q WellbeingQuestion) Scale() (low, high string) {
	switch q {
	case WellbeingWorthwhile:
		return "not at all worthwhile", "completely worthwhile"
	case WellbeingHappiness:
		return "not at all happy", "completely happy"
	case WellbeingAnxiety:
		return "not at all anxious", "completely anxious"
	}
	return "not at all satisfied", "completely satisfied"
}

// LowerIsBetter reports whether a fall in the score is an improvement.
func (q WellbeingQuestion) LowerIsBetter() bool { return q == WellbeingAnxiety }

// MaxWellbeingChange bounds a change between two 0–10 scores.
const MaxWellbeingChange = 10

// ChangeHistogram counts wellbeing changes by value: index i counts the
// people whose score moved by i-MaxWellbeingChange (follow-up minus
// start), so medians and spreads come from counts, never from a person's
// scores.
type ChangeHistogram [2*MaxWellbeingChange + 1]int

// Add counts n more people whose score changed by change.
func (h *ChangeHistogram) Add(change, n int) {
	change = max(-MaxWellbeingChange, min(MaxWellbeingChange, change))
	h[change+MaxWellbeingChange] += n
}

// N is how many changes are counted.
func (h *ChangeHistogram) N() int {
	n := 0
	for _, c := range h {
		n += c
	}
	return n
}

// Quantile returns the change at quantile q (0 to 1; 0.5 is the median)
// by the nearest-rank method; ok is false when nothing is counted.
func (h *ChangeHistogram) Quantile(q float64) (change int, ok bool) {
	n := h.N()
	if n == 0 {
		return 0, false
	}
	rank := max(1, int(q*float64(n)+0.999999))
	seen := 0
	for i, c := range h {
		if seen += c; seen >= rank {
			return i - MaxWellbeingChange, true
		}
	}
	return MaxWellbeingChange, true
}

// Median is the middle change; ok is false when nothing is counted.
func (h *ChangeHistogram) Median() (int, bool) { return h.Quantile(0.5) }

// UnknownDistrict is the district of a list that names no place.
const UnknownDistrict = "unknown"

// OutcomeKey is what one row of the weekly aggregates counts: answers given
// in Week about ServiceID on lists whose place is District. Needs and
// Interests are the activity's codes when the answer was given. A row with
// no ServiceID holds the wellbeing change of people who went to none of
// their list's activities, with the codes of all of them.
type OutcomeKey struct {
	// Week is an ISO week, "2026-W48" (see ISOWeek).
	Week      string   `json:"week"`
	District  string   `json:"district"`
	ServiceID string   `json:"service_id"`
	Needs     []string `json:"needs"`
	Interests []string `json:"interests"`
}

// OutcomeCounts are the counts of one aggregate row, or a sum of rows.
type OutcomeCounts struct {
	// Status counts each answer currently given; a changed answer moved
	// its count.
	Status map[OutcomeStatus]int `json:"status,omitempty"`
	// Help counts the answers to "Did it help?" of those who went.
	Help map[HelpLevel]int `json:"help,omitempty"`
	// Wellbeing counts the change in each ONS4 score of people who said at
	// their follow-up that they went to the activity.
	Wellbeing map[WellbeingQuestion]*ChangeHistogram `json:"wellbeing,omitempty"`
}

// Add adds o's counts to c.
func (c *OutcomeCounts) Add(o OutcomeCounts) {
	for s, n := range o.Status {
		c.addStatus(s, n)
	}
	for h, n := range o.Help {
		c.addHelp(h, n)
	}
	for q, oh := range o.Wellbeing {
		h := c.histogram(q)
		for i, n := range oh {
			h[i] += n
		}
	}
}

func (c *OutcomeCounts) addStatus(s OutcomeStatus, n int) {
	if c.Status == nil {
		c.Status = map[OutcomeStatus]int{}
	}
	if c.Status[s] += n; c.Status[s] == 0 {
		delete(c.Status, s)
	}
}

func (c *OutcomeCounts) addHelp(h HelpLevel, n int) {
	if c.Help == nil {
		c.Help = map[HelpLevel]int{}
	}
	if c.Help[h] += n; c.Help[h] == 0 {
		delete(c.Help, h)
	}
}

func (c *OutcomeCounts) histogram(q WellbeingQuestion) *ChangeHistogram {
	if c.Wellbeing == nil {
		c.Wellbeing = map[WellbeingQuestion]*ChangeHistogram{}
	}
	h := c.Wellbeing[q]
	if h == nil {
		h = new(ChangeHistogram)
		c.Wellbeing[q] = h
	}
	return h
}

// Answers is how many answers are counted, whatever they say.
func (c *OutcomeCounts) Answers() int {
	n := 0
	for _, v := range c.Status {
		n += v
	}
	return n
}

// empty reports whether nothing is counted, so the row can go.
func (c *OutcomeCounts) empty() bool {
	for _, h := range c.Wellbeing {
		if h.N() != 0 {
			return false
		}
	}
	return len(c.Status) == 0 && len(c.Help) == 0
}

// OutcomeRow is one row of the weekly aggregates.
type OutcomeRow struct {
	OutcomeKey
	OutcomeCounts
}

// SumOutcomes adds rows' counts together. A person with three activities
// on their list is in three rows: sums count answers, not people.
func SumOutcomes(rows []OutcomeRow) OutcomeCounts {
	var c OutcomeCounts
	for _, r := range rows {
		c.Add(r.OutcomeCounts)
	}
	return c
}

// OutcomeFilter chooses aggregate rows. Zero fields choose everything.
type OutcomeFilter struct {
	// From and To are ISO weeks ("2026-W40"), both included.
	From, To string
	// District is a postcode district or UnknownDistrict.
	District string
	// Need and Interest are codes the row's activity must carry.
	Need, Interest string
	// ServiceIDs, when set, keep only rows of these activities: a
	// provider's view of their own listings.
	ServiceIDs []string
}

func (f OutcomeFilter) match(k OutcomeKey) bool {
	switch {
	case f.From != "" && k.Week < f.From,
		f.To != "" && k.Week > f.To,
		f.District != "" && k.District != f.District,
		f.Need != "" && !slices.Contains(k.Needs, f.Need),
		f.Interest != "" && !slices.Contains(k.Interests, f.Interest),
		f.ServiceIDs != nil && !slices.Contains(f.ServiceIDs, k.ServiceID):
		return false
	}
	return true
}

// OutcomeAggregates returns the aggregate rows f chooses, by week, then
// district, then activity.
func (s *Store) OutcomeAggregates(ctx context.Context, f OutcomeFilter) ([]OutcomeRow, error) {
	var rows []OutcomeRow
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketOutcomeWeeks).Cursor()
		k, v := c.First()
		if f.From != "" {
			k, v = c.Seek([]byte(f.From))
		}
		for ; k != nil; k, v = c.Next() {
			key, err := parseOutcomeKey(k)
			if err != nil {
				return err
			}
			if f.To != "" && key.Week > f.To {
				break
			}
			if !f.match(key) {
				continue
			}
			row := OutcomeRow{OutcomeKey: key}
			if err := json.Unmarshal(v, &row.OutcomeCounts); err != nil {
				return fmt.Errorf("outcomes %s: decode: %w", key.Week, err)
			}
			rows = append(rows, row)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("outcome aggregates: %w", err)
	}
	return rows, nil
}

// ISOWeek names the ISO 8601 week t falls in, "2026-W48"; the names sort
// in time order.
func ISOWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// WeekStart returns the Monday (00:00 UTC) that starts an ISO week named
// as ISOWeek names it.
func WeekStart(week string) (time.Time, error) {
	ys, ws, ok := strings.Cut(week, "-W")
	y, err1 := strconv.Atoi(ys)
	w, err2 := strconv.Atoi(ws)
	if !ok || err1 != nil || err2 != nil || len(ws) != 2 || w < 1 || w > 53 {
		return time.Time{}, fmt.Errorf("week %q: not an ISO week like 2026-W48", week)
	}
	// 4 January is always in week 1.
	jan4 := time.Date(y, time.January, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	start := monday.AddDate(0, 0, 7*(w-1))
	if ISOWeek(start) != week {
		return time.Time{}, fmt.Errorf("week %q: the year has no such week", week)
	}
	return start, nil
}

// Keys in bucketOutcomeWeeks join the key's fields with a zero byte,
// week first so a range of weeks is one Seek; codes are comma separated.
func outcomeKeyBytes(k OutcomeKey) []byte {
	return []byte(strings.Join([]string{k.Week, k.District, k.ServiceID,
		strings.Join(k.Needs, ","), strings.Join(k.Interests, ",")}, "\x00"))
}

func parseOutcomeKey(b []byte) (OutcomeKey, error) {
	parts := bytes.Split(b, []byte{0})
	if len(parts) != 5 {
		return OutcomeKey{}, fmt.Errorf("outcome key %q: want 5 parts, have %d", b, len(parts))
	}
	codes := func(b []byte) []string {
		if len(b) == 0 {
			return []string{}
		}
		return strings.Split(string(b), ",")
	}
	return OutcomeKey{Week: string(parts[0]), District: string(parts[1]), ServiceID: string(parts[2]),
		Needs: codes(parts[3]), Interests: codes(parts[4])}, nil
}

// addOutcome adds delta to the row under key inside tx, removing the row
// when nothing is left in it.
func addOutcome(tx *bbolt.Tx, key []byte, delta OutcomeCounts) error {
	b := tx.Bucket(bucketOutcomeWeeks)
	var c OutcomeCounts
	if raw := b.Get(key); raw != nil {
		if err := json.Unmarshal(raw, &c); err != nil {
			return fmt.Errorf("outcomes %q: decode: %w", key, err)
		}
	}
	c.Add(delta)
	if c.empty() {
		return b.Delete(key)
	}
	raw, err := json.Marshal(&c)
	if err != nil {
		return fmt.Errorf("outcomes: encode: %w", err)
	}
	return b.Put(key, raw)
}

// Buckets of the follow-up: each list's current answers (and whether its
// wellbeing follow-up is done) by list id, wellbeing start scores by list
// id, and the weekly aggregates.
var (
	bucketOutcomeAnswers  = []byte("outcome_answers")
	bucketWellbeingStarts = []byte("wellbeing_starts")
	bucketOutcomeWeeks    = []byte("outcome_weeks")
)

// createOutcomes is migration 10.
func createOutcomes(tx *bbolt.Tx) error {
	for _, b := range [][]byte{bucketOutcomeAnswers, bucketWellbeingStarts, bucketOutcomeWeeks} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("create bucket %s: %w", b, err)
		}
	}
	return nil
}
