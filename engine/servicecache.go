package engine

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sync"

	"signpost/directory"
)

// serviceCache keeps recently shown services decoded. Reading one from the
// store costs about 60 µs (JSON), which for a page of 20 is more than the
// whole ranking pass; the table itself holds no services, to keep memory
// flat (see table).
//
// A write bumps epoch; a fetch that began before the bump does not store
// what it read, so an old version never outlives the write that replaced it.
type serviceCache struct {
	mu      sync.Mutex
	max     int
	epoch   uint64
	order   *list.List // of *directory.Service, most recent first
	entries map[string]*list.Element
}

// serviceCacheSize holds the services of a few hundred recent pages, about
// 50 MB of synthetic listings.
const serviceCacheSize = 4096

func newServiceCache(max int) *serviceCache {
	return &serviceCache{max: max, order: list.New(), entries: map[string]*list.Element{}}
}

func (c *serviceCache) get(id string) (*directory.Service, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[id]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*directory.Service), c.epoch
	}
	return nil, c.epoch
}

func (c *serviceCache) put(s *directory.Service, epoch uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch != c.epoch {
		return
	}
	if el, ok := c.entries[s.ID]; ok {
		el.Value = s
		c.order.MoveToFront(el)
		return
	}
	c.entries[s.ID] = c.order.PushFront(s)
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.entries, last.Value.(*directory.Service).ID)
	}
}

// forget drops the given services, or every one when ids is nil.
func (c *serviceCache) forget(ids []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	if ids == nil {
		c.order.Init()
		clear(c.entries)
		return
	}
	for _, id := range ids {
		if el, ok := c.entries[id]; ok {
			c.order.Remove(el)
			delete(c.entries, id)
		}
	}
}

// services returns the services with the given ids, in order, nil for one
// no longer in the store. Misses are read from the store two at a time:
// decoding is CPU-bound and the machines Signpost targets have two cores.
func (e *Engine) services(ctx context.Context, ids []string) ([]*directory.Service, error) {
	out := make([]*directory.Service, len(ids))
	var missing []int
	var epoch uint64
	for i, id := range ids {
		if out[i], epoch = e.svcCache.get(id); out[i] == nil {
			missing = append(missing, i)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	const workers = 2
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for k := w; k < len(missing); k += workers {
				i := missing[k]
				s, err := e.src.Service(ctx, ids[i])
				switch {
				case errors.Is(err, directory.ErrNotFound):
				case err != nil:
					errs[w] = fmt.Errorf("read service %s: %w", ids[i], err)
					return
				default:
					out[i] = s
					e.svcCache.put(s, epoch)
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}
