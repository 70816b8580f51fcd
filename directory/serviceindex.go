package directory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"go.etcd.io/bbolt"
)

// Secondary indexes over the services bucket, so that a provider's page and
// the stale report read only the services they show rather than decoding
// every listing. Keys sort usefully; values are empty.
var (
	// "<organization id>/<service id>"
	bucketServicesByOrg = []byte("services_by_org")
	// "<assured date YYYY-MM-DD, or 0000-00-00 when never>/<service id>",
	// for active services only: the stale report's oldest-first order.
	bucketActiveByAssured = []byte("active_by_assured")
)

const neverAssured = "0000-00-00"

func orgKey(svc *Service) []byte { return []byte(svc.OrgID() + "/" + svc.ID) }

func assuredKey(svc *Service) []byte {
	date := neverAssured
	if t, ok := svc.Assured(); ok {
		date = t.Format("2006-01-02")
	}
	return []byte(date + "/" + svc.ID)
}

// writeService stores raw as the published service (or deletes it when
// next is nil) and moves its index entries from prev's to next's. Every
// write of the services bucket goes through here.
func writeService(tx *bbolt.Tx, id string, prev, next *Service, raw []byte) error {
	if prev != nil {
		// The newest revision may refer to the record about to go.
		if err := materialiseLatest(tx, id, tx.Bucket(bucketServices).Get([]byte(id))); err != nil {
			return err
		}
	}
	if err := moveKey(tx.Bucket(bucketServicesByOrg), indexKey(prev, orgKey), indexKey(next, orgKey)); err != nil {
		return err
	}
	if err := moveKey(tx.Bucket(bucketActiveByAssured), activeAssuredKey(prev), activeAssuredKey(next)); err != nil {
		return err
	}
	if err := addServiceCount(tx, presence(next)-presence(prev)); err != nil {
		return err
	}
	if next == nil {
		return tx.Bucket(bucketServices).Delete([]byte(id))
	}
	if err := putImportedTerms(tx, next); err != nil {
		return err
	}
	return tx.Bucket(bucketServices).Put([]byte(id), raw)
}

// presence is 1 for a service and 0 for none.
func presence(svc *Service) int {
	if svc == nil {
		return 0
	}
	return 1
}

// addServiceCount moves the count of published services by delta.
func addServiceCount(tx *bbolt.Tx, delta int) error {
	if delta == 0 {
		return nil
	}
	meta := tx.Bucket(bucketMeta)
	n := int64(u64(meta.Get(keyServiceCount))) + int64(delta)
	if n < 0 {
		return fmt.Errorf("service count would fall below zero (%d)", n)
	}
	return meta.Put(keyServiceCount, be(uint64(n)))
}

// countServices sets the count from the services bucket (migration 5), the
// one time it walks every page.
func countServices(tx *bbolt.Tx) error {
	n := tx.Bucket(bucketServices).Stats().KeyN
	return tx.Bucket(bucketMeta).Put(keyServiceCount, be(uint64(n)))
}

// indexKey is svc's key in an index, or nil when there is no service.
func indexKey(svc *Service, key func(*Service) []byte) []byte {
	if svc == nil {
		return nil
	}
	return key(svc)
}

// activeAssuredKey is svc's key in the assured-date index, which holds
// active services only; nil when svc is absent or not active.
func activeAssuredKey(svc *Service) []byte {
	if svc == nil || svc.Status != StatusActive {
		return nil
	}
	return assuredKey(svc)
}

// moveKey replaces index key old with next (either may be nil for none),
// leaving the bucket untouched when they are the same: most edits keep a
// service's organisation and assured date, and a delete-then-put of the
// same key would still dirty the index page for the commit to write.
func moveKey(b *bbolt.Bucket, old, next []byte) error {
	if bytes.Equal(old, next) {
		return nil
	}
	if old != nil {
		if err := b.Delete(old); err != nil {
			return err
		}
	}
	if next != nil {
		return b.Put(next, nil)
	}
	return nil
}

// indexServices builds both indexes from the services bucket (migration 3).
func indexServices(tx *bbolt.Tx) error {
	for _, name := range [][]byte{bucketServicesByOrg, bucketActiveByAssured} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	byOrg, byAssured := tx.Bucket(bucketServicesByOrg), tx.Bucket(bucketActiveByAssured)
	return tx.Bucket(bucketServices).ForEach(func(k, v []byte) error {
		var svc Service
		if err := json.Unmarshal(v, &svc); err != nil {
			return fmt.Errorf("service %s: decode: %w", k, err)
		}
		if err := byOrg.Put(orgKey(&svc), nil); err != nil {
			return err
		}
		if key := activeAssuredKey(&svc); key != nil {
			return byAssured.Put(key, nil)
		}
		return nil
	})
}

// eachIndexed calls fn with the service id of every key of an index bucket
// that starts with prefix, in key order, until fn returns false.
func eachIndexed(b *bbolt.Bucket, prefix []byte, fn func(key []byte, id string) (bool, error)) error {
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		slash := bytes.LastIndexByte(k, '/')
		if slash < 0 {
			continue
		}
		more, err := fn(k, string(k[slash+1:]))
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// ServiceCountsByOrg counts the published services of each organisation
// from the organisation index, without reading the services.
func (s *Store) ServiceCountsByOrg(ctx context.Context) (map[string]int, error) {
	counts := map[string]int{}
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return eachIndexed(tx.Bucket(bucketServicesByOrg), nil, func(key []byte, _ string) (bool, error) {
			counts[string(key[:bytes.LastIndexByte(key, '/')])]++
			return true, nil
		})
	})
	return counts, err
}
