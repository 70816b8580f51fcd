package engine

import (
	"context"

	"signpost/directory"
)

// Source is what the engine needs of the store: the published services and a
// generation number that moves on every committed write. *directory.Store
// satisfies it; tests use an in-memory map.
type Source interface {
	// Generation moves on every committed write.
	Generation(ctx context.Context) (uint64, error)
	// EachService calls fn for every published service, in id order, as one
	// consistent snapshot.
	EachService(ctx context.Context, fn func(*directory.Service) error) error
	// Service returns one published service, or an error wrapping
	// directory.ErrNotFound when there is none.
	Service(ctx context.Context, id string) (*directory.Service, error)
}
