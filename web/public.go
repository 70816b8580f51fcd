package web

import (
	"context"
	"time"

	"signpost/directory"
	"signpost/engine"
)

// Finder answers searches and matches, and says how to widen one that
// found nothing. *engine.Engine satisfies it.
type Finder interface {
	Search(ctx context.Context, q engine.Query) (*engine.Results, error)
	Match(ctx context.Context, q engine.Query) (*engine.Results, error)
	Relaxations(ctx context.Context, q engine.Query) ([]engine.Relaxation, error)
	MatchRelaxations(ctx context.Context, q engine.Query) ([]engine.Relaxation, error)
}

// Listings is what the public pages need of the store. *directory.Store
// satisfies it.
type Listings interface {
	// Service returns a published service, or an error wrapping
	// directory.ErrNotFound.
	Service(ctx context.Context, id string) (*directory.Service, error)
	// AddCorrection stores a suggested correction of a service.
	AddCorrection(ctx context.Context, c directory.Correction) (directory.Correction, error)
	// MergedInto returns the listings merged into lead as duplicates.
	MergedInto(ctx context.Context, lead string) ([]*directory.Service, error)
	// ServiceNames returns the names of those of the services still
	// listed, by id.
	ServiceNames(ctx context.Context, ids []string) (map[string]string, error)
}

// Places resolves what a person types as a place. *directory.Gazetteer
// satisfies it.
type Places interface {
	Lookup(q string) (directory.Place, bool)
	Suggest(q string, n int) []directory.Place
}

// publicHandlers serve the pages anyone may see: home, search, the
// matcher, activity pages, print views and the correction form. They hold
// no store of drafts or accounts, which keeps those out of the public
// pages' reach by construction.
type publicHandlers struct {
	*renderer
	finder   Finder
	listings Listings
	places   Places
	maps     *mapper
	md       *markdown
	now      func() time.Time
	// corrections slows anyone sending corrections in bulk.
	corrections *throttle
	// urgent is the urgent-help page and panel, rendered once.
	urgent urgentHelp
	// crisis says whether words typed hold crisis language.
	crisis CrisisCheck
	// units are how distances are written and radiuses read.
	units engine.Units
	// demand counts searches that found nothing in person for a need.
	demand DemandCounter
}

// Correction throttle: a person correcting a listing sends one or two; more
// than this from one address in the window is a script or a mistake.
const (
	correctionsPerWindow = 5
	correctionWindow     = 10 * time.Minute
)

func newPublicHandlers(pages *renderer, finder Finder, listings Listings, places Places, maps *mapper, md *markdown, now func() time.Time) *publicHandlers {
	return &publicHandlers{renderer: pages, finder: finder, listings: listings, places: places, maps: maps, md: md, now: now,
		corrections: newThrottle(correctionsPerWindow, correctionWindow, now)}
}
