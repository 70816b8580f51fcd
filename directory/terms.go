package directory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"go.etcd.io/bbolt"
)

// bucketImportedTerms keeps the taxonomy terms of other taxonomies that
// listings brought with them (an attribute's embedded taxonomy_term), by
// term id, so the API can list every term a client may meet without reading
// every service. Terms stay when the listings that brought them go: a
// vocabulary outlives its uses.
var bucketImportedTerms = []byte("imported_terms")

// importedTerm returns the term an attribute embeds when it belongs to no
// Signpost taxonomy and says enough to be looked up, normalised as stored.
func importedTerm(a Attribute) (TaxonomyTerm, bool) {
	if a.TaxonomyTerm == nil {
		return TaxonomyTerm{}, false
	}
	if _, ok := a.SignpostTerm(); ok {
		return TaxonomyTerm{}, false
	}
	term := *a.TaxonomyTerm
	if term.ID == "" {
		term.ID = a.TaxonomyTermID
	}
	if term.ID == "" || term.Name == "" {
		return TaxonomyTerm{}, false
	}
	term.Metadata = nil
	if term.TaxonomyDetail != nil {
		detail := *term.TaxonomyDetail
		detail.Metadata = nil
		term.TaxonomyDetail = &detail
	}
	return term, true
}

// putImportedTerms records the imported terms of a service being written.
func putImportedTerms(tx *bbolt.Tx, svc *Service) error {
	b := tx.Bucket(bucketImportedTerms)
	for _, a := range svc.Attributes {
		term, ok := importedTerm(a)
		if !ok {
			continue
		}
		raw, err := json.Marshal(&term)
		if err != nil {
			return fmt.Errorf("encode taxonomy term %s: %w", term.ID, err)
		}
		if bytes.Equal(b.Get([]byte(term.ID)), raw) {
			continue
		}
		if err := b.Put([]byte(term.ID), raw); err != nil {
			return err
		}
	}
	return nil
}

// indexImportedTerms fills the bucket from the stored services (migration 4).
func indexImportedTerms(tx *bbolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists(bucketImportedTerms); err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketImportedTerms, err)
	}
	return tx.Bucket(bucketServices).ForEach(func(k, v []byte) error {
		var svc Service
		if err := json.Unmarshal(v, &svc); err != nil {
			return fmt.Errorf("service %s: decode: %w", k, err)
		}
		return putImportedTerms(tx, &svc)
	})
}

// EachImportedTerm calls fn for every term of another taxonomy that
// listings brought with them, in id order.
func (s *Store) EachImportedTerm(ctx context.Context, fn func(TaxonomyTerm) error) error {
	return s.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketImportedTerms).ForEach(func(k, v []byte) error {
			var t TaxonomyTerm
			if err := json.Unmarshal(v, &t); err != nil {
				return fmt.Errorf("taxonomy term %s: decode: %w", k, err)
			}
			return fn(t)
		})
	})
}
