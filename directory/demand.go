package directory

import (
	"context"
	"fmt"
	"strings"

	"go.etcd.io/bbolt"
)

// Unmet demand is counted, never recorded: a search on the public site that
// found nothing in person for a need within the chosen radius adds one to
// the count of its need, postcode district and ISO week. Nothing else of
// the search is kept — not the words typed, the time of day, the address
// or any cookie — so the counts say where support is missing without
// saying who looked.
var bucketDemand = []byte("demand")

// createDemand makes the bucket of unmet-demand counts.
func createDemand(tx *bbolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists(bucketDemand); err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketDemand, err)
	}
	return nil
}

// DemandKey is what one count of unmet demand is about: an ISO week
// ("2026-W48"), a need's code and a postcode district ("L20").
type DemandKey struct {
	Week     string
	Need     string
	District string
}

// DemandCount is how many searches of a week found nothing in person for
// a need in a district.
type DemandCount struct {
	DemandKey
	Count int
}

// demandKey is week, need and district joined by a byte no code holds,
// so that one week's counts are one prefix.
func demandKey(k DemandKey) []byte {
	return []byte(k.Week + "\x00" + k.Need + "\x00" + k.District)
}

func parseDemandKey(b []byte) (DemandKey, bool) {
	parts := strings.Split(string(b), "\x00")
	if len(parts) != 3 {
		return DemandKey{}, false
	}
	return DemandKey{Week: parts[0], Need: parts[1], District: parts[2]}, true
}

// AddDemand adds counts of unmet demand, in one write. Keys with an empty
// week, need or district, or a count under one, are refused whole: a
// count that says nothing of where or what would be noise.
func (s *Store) AddDemand(ctx context.Context, counts map[DemandKey]int) error {
	for k, n := range counts {
		if k.Week == "" || k.Need == "" || k.District == "" || n < 1 {
			return fmt.Errorf("add demand %+v × %d: %w", k, n, ErrConflict)
		}
	}
	if len(counts) == 0 {
		return nil
	}
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		b := tx.Bucket(bucketDemand)
		for k, n := range counts {
			key := demandKey(k)
			if err := b.Put(key, be(u64(b.Get(key))+uint64(n))); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	if err != nil {
		return fmt.Errorf("add demand: %w", err)
	}
	return nil
}

// Demand returns the counts of the weeks from one to another, both
// included ("" leaves that end open), in key order: week, need, district.
func (s *Store) Demand(ctx context.Context, fromWeek, toWeek string) ([]DemandCount, error) {
	var out []DemandCount
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketDemand).Cursor()
		var k, v []byte
		if fromWeek == "" {
			k, v = c.First()
		} else {
			k, v = c.Seek([]byte(fromWeek))
		}
		for ; k != nil; k, v = c.Next() {
			key, ok := parseDemandKey(k)
			if !ok {
				continue
			}
			if toWeek != "" && key.Week > toWeek {
				break
			}
			out = append(out, DemandCount{DemandKey: key, Count: int(u64(v))})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read demand: %w", err)
	}
	return out, nil
}
