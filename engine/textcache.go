package engine

import (
	"container/list"
	"strings"
	"sync"
)

// textCache remembers the hit sets of recent word searches. A common word
// matches a fifth of a large directory, and turning Bleve's matches into
// table slots is most of a text query's cost; people search the same few
// words again and again. An entry is valid only for the table and text
// generation it was made at, so a write that changes indexed words (not a
// capacity change or a confirmation) empties it in effect.
type textCache struct {
	mu      sync.Mutex
	max     int
	order   *list.List // front: most recently used; values are *textEntry
	entries map[string]*list.Element
	flights map[flightKey]*flight
}

// flight is one text search under way, which others asking the same may
// wait for. ent is set, or left nil on failure, before done is closed.
type flight struct {
	key  flightKey
	done chan struct{}
	ent  *textEntry
}

type flightKey struct {
	key string
	tab *table
	gen uint64
}

// textEntry is one search's matches as table slots, with scores already
// divided by the best, in slot order: a pass then reads the table's
// columns front to back, which the memory system is quick at, instead of
// in Bleve's document order, which jumps about.
type textEntry struct {
	key  string
	tab  *table
	gen  uint64
	hits []slotHit
	ok   bool // false: the text held no searchable word
	// plan is what the text pipeline made of the words.
	plan *textPlan
	// phrases are plan's phrases compiled to table masks, shared by every
	// query the entry answers (read-only).
	phrases []phraseMask
}

type slotHit struct {
	slot uint32
	// phrase is how well the service meets the phrases the words were
	// read as (plan.phraseScore), worked out once per entry; it fits in
	// the padding after slot.
	phrase float32
	score  float64
}

// textCacheSize bounds the cache: a hit set of 20k services takes 320 KB,
// so at most about 20 MB.
const textCacheSize = 64

func newTextCache(max int) *textCache {
	return &textCache{max: max, order: list.New(), entries: map[string]*list.Element{}, flights: map[flightKey]*flight{}}
}

// cacheKey is the text as the pipeline's tokens: case, spacing,
// punctuation and apostrophes do not change what matches.
func cacheKey(text string) string {
	return strings.Join(tokens(text), " ")
}

func (c *textCache) get(key string, tab *table, gen uint64) (*textEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil, false
	}
	e := el.Value.(*textEntry)
	if e.tab != tab || e.gen != gen {
		c.order.Remove(el)
		delete(c.entries, key)
		return nil, false
	}
	c.order.MoveToFront(el)
	return e, true
}

func (c *textCache) put(e *textEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[e.key]; ok {
		c.order.Remove(el)
	}
	c.entries[e.key] = c.order.PushFront(e)
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.entries, last.Value.(*textEntry).key)
	}
}

// join returns the search under way for the key, or starts one: leader is
// true when the caller must search and then land the flight.
func (c *textCache) join(key string, tab *table, gen uint64) (f *flight, leader bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := flightKey{key, tab, gen}
	if f, ok := c.flights[k]; ok {
		return f, false
	}
	f = &flight{key: k, done: make(chan struct{})}
	c.flights[k] = f
	return f, true
}

// land ends a flight and wakes those waiting for it.
func (c *textCache) land(f *flight) {
	c.mu.Lock()
	delete(c.flights, f.key)
	c.mu.Unlock()
	close(f.done)
}
