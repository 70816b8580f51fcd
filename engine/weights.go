package engine

import "time"

// The ranking weights, in one place. DESIGN.md fixes the shape of the score:
//
//	score = w_text     · text relevance (0..1, only when words were typed)
//	      + w_need     · share of the person's needs the service meets
//	      + w_interest · share of the person's interests it involves
//	      + w_activity · share of the activity types asked for that it is
//	      + w_near     · exp(-distance / NearScaleM)
//	      − penalties
//
// Every component is at most its weight, so the weights read directly as
// "how much this can matter". Change them here and run the ranking tests
// (testdata/ranking.txt): they say what must stay true.
const (
	// WeightText is the most a text match can add. Text relevance is BM25
	// divided by the best score for the same words, so the best text match
	// gets all of it. Equal to a need: what a person typed is as telling as
	// what they ticked.
	WeightText = 1.0

	// WeightPhrase is the most that carrying the terms typed words mean
	// can add ("skint": money worries), when every term of every phrase
	// is met; meeting any gives at least half (plan.phraseScore). A person who typed what is hard for them
	// should see the services that help with it first, so even half of it
	// outweighs the best text match of a listing that does not.
	WeightPhrase = 2.5

	// WeightNeed is the most that meeting needs can add (all of them met).
	// Needs are why a person was referred; they count most.
	WeightNeed = 1.0

	// WeightInterest is the most shared interests can add. An activity a
	// person enjoys is more likely to be kept up, but it comes after
	// the need it is meant to help.
	WeightInterest = 0.6

	// WeightActivity is the most matching activity types can add. A
	// preference for, say, a group over one-to-one help is real but
	// softer than a need or an interest.
	WeightActivity = 0.4

	// WeightNear is the most nearness can add (a distance of zero). Half a
	// need: a service meeting one more of two needs (0.5) is worth going
	// further for, but among equals the nearer wins.
	WeightNear = 0.5

	// NearScaleM is the distance at which the nearness component falls to
	// 1/e (37%) of WeightNear. 5 km is a bus ride in a city region; at
	// 10 km the component is down to 14%.
	NearScaleM = 5000.0

	// OnlineEquivalentM is the distance an online or phone-only service
	// is treated as being at when scoring nearness: easy to reach, but
	// many people referred by a link worker want to meet in person, so a
	// close-by place still ranks above it, all else equal.
	OnlineEquivalentM = 3000.0

	// PenaltyFull is taken off services that are full or paused: they
	// cannot help now. Larger than WeightNear so a full service never wins
	// on distance alone, smaller than WeightNeed so one that meets a need
	// the others do not still shows near the top, marked "Full".
	PenaltyFull = 0.7

	// PenaltyWaitingList is taken off services with a waiting list: they
	// can help, later.
	PenaltyWaitingList = 0.2

	// PenaltyNotAssured is taken off listings nobody has confirmed for
	// AssuredFor: they may have stopped running.
	PenaltyNotAssured = 0.3

	// AssuredFor is how long a person's confirmation keeps a listing
	// trusted.
	AssuredFor = 365 * 24 * time.Hour
)

// Text field boosts inside the Bleve query: words in the name say more about
// a listing than words in its description; a fuzzy
// (misspelt) match counts for less than an exact one so that correctly spelt
// matches come first.
const (
	boostName  = 3.0
	boostBody  = 1.0
	boostFuzzy = 0.4
)
