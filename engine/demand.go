package engine

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"signpost/directory"
)

// DemandSink keeps counts of unmet demand. *directory.Store satisfies it.
type DemandSink interface {
	AddDemand(ctx context.Context, counts map[directory.DemandKey]int) error
}

// DemandAsk is one search of the public site, reduced to what unmet demand
// is counted by: the needs asked about, where, how far, and when. The words
// typed are never part of it.
type DemandAsk struct {
	Needs []string
	// Place is where the search was made from: a postcode district counts
	// as itself; a town, a neighbourhood or a point under the district
	// whose centre is nearest.
	Place directory.Place
	// RadiusM is the radius chosen; 0 means any distance.
	RadiusM float64
	At      time.Time
}

// DemandCounter counts, by need, postcode district and ISO week, the
// searches that found no in-person activity for a need within the radius
// chosen. Searches only queue their asks (a lock and an append); the
// check against the listings and the store's write happen in Flush, off
// the request, in one transaction for many searches. It is safe for
// concurrent use.
type DemandCounter struct {
	eng       *Engine
	sink      DemandSink
	log       *slog.Logger
	districts []directory.Place

	mu      sync.Mutex
	pending []DemandAsk
	dropped int
}

// maxPendingAsks bounds the queue between flushes: a flood of searches
// (a script ignoring robots.txt, say) costs memory up to here and is then
// not counted, which also keeps it from skewing the figures.
const maxPendingAsks = 50000

// NewDemandCounter counts unmet demand against e's listings and the
// postcode districts given to it (WithDistricts), into sink.
func NewDemandCounter(e *Engine, sink DemandSink, log *slog.Logger) *DemandCounter {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &DemandCounter{eng: e, sink: sink, log: log, districts: e.cfg.districts}
}

// Count queues one search. It never blocks on the store and never fails:
// counting must not cost anyone their page.
func (c *DemandCounter) Count(a DemandAsk) {
	if len(a.Needs) == 0 || len(c.districts) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) >= maxPendingAsks {
		c.dropped++
		return
	}
	a.Needs = slices.Clone(a.Needs)
	c.pending = append(c.pending, a)
}

// Flush checks the queued searches against the listings and adds the
// unmet ones to the store. On a failure the counts of this flush are
// lost, and said so in the log: they are statistics, not records.
func (c *DemandCounter) Flush(ctx context.Context) error {
	c.mu.Lock()
	asks, dropped := c.pending, c.dropped
	c.pending, c.dropped = nil, 0
	c.mu.Unlock()
	if dropped > 0 {
		c.log.Warn("unmet demand: searches not counted, the queue was full", "dropped", dropped)
	}
	if len(asks) == 0 {
		return nil
	}
	counts := map[directory.DemandKey]int{}
	// Many searches ask the same of the same place: each question is put
	// to the listings once a flush.
	type question struct {
		lat, lon, radiusM float64
		needs             string
	}
	answers := map[question][]string{}
	for _, a := range asks {
		q := question{a.Place.Lat, a.Place.Lon, a.RadiusM, strings.Join(a.Needs, ",")}
		unmet, seen := answers[q]
		if !seen {
			var err error
			if unmet, err = c.eng.UnmetNeeds(ctx, a.Place.Lat, a.Place.Lon, a.RadiusM, a.Needs); err != nil {
				return fmt.Errorf("count unmet demand: %w", err)
			}
			answers[q] = unmet
		}
		if len(unmet) == 0 {
			continue
		}
		district := c.district(a.Place)
		week := directory.ISOWeek(a.At)
		for _, need := range unmet {
			counts[directory.DemandKey{Week: week, Need: need, District: district}]++
		}
	}
	if err := c.sink.AddDemand(ctx, counts); err != nil {
		return fmt.Errorf("count unmet demand: %w", err)
	}
	return nil
}

// Run flushes every interval until ctx ends, then once more so that a
// clean shutdown loses nothing.
func (c *DemandCounter) Run(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			if err := c.Flush(final); err != nil {
				c.log.Error("unmet demand: final flush failed", "err", err)
			}
			cancel()
			return
		case <-tick.C:
			if err := c.Flush(ctx); err != nil {
				c.log.Error("unmet demand: flush failed; these counts are lost", "err", err)
			}
		}
	}
}

// district names the postcode district p counts under: itself when it is
// one, else the district whose centre is nearest.
func (c *DemandCounter) district(p directory.Place) string {
	if p.Kind == directory.PlacePostcodeDistrict {
		return p.Name
	}
	return nearestDistrict(c.districts, p.Lat, p.Lon).Name
}

// nearestDistrict is the district whose centre is nearest the point; ties
// go to the first in gazetteer order.
func nearestDistrict(districts []directory.Place, lat, lon float64) directory.Place {
	at := orb.Point{lon, lat}
	best, bestM := directory.Place{}, math.Inf(1)
	for _, d := range districts {
		if m := geo.DistanceHaversine(at, orb.Point{d.Lon, d.Lat}); m < bestM {
			best, bestM = d, m
		}
	}
	return best
}
