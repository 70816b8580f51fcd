package directory

import (
	"context"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"go.etcd.io/bbolt"
)

// maxFeedMetadata bounds the entries FeedMetadata gives: the newest, so a
// listing a feed has changed every day for years does not carry its whole
// history in every answer. The revisions keep all of it.
const maxFeedMetadata = 100

// metadataNamespace is the UUIDv5 namespace of the metadata entries
// derived from revisions; never change it, or entries change ids.
var metadataNamespace = uuid.MustParse("0d5a6f0e-93c1-4c49-8a56-4f1f0e2a7b3d")

// FeedMetadata describes, as HSDS metadata entries, the changes feeds'
// syncs made to a listing: its creation, each field a sync changed, and
// withdrawals and restorations. They are derived from the revisions
// attributed to feed:NAME rather than stored, so they cannot disagree with
// the history. Oldest first; at most the newest maxFeedMetadata.
func (s *Store) FeedMetadata(ctx context.Context, serviceID string) ([]Metadata, error) {
	var out []Metadata
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		revs, err := revisionsOf(tx, serviceID)
		if err != nil {
			return err
		}
		out = feedMetadata(serviceID, revs)
		return nil
	})
	return out, err
}

// feedMetadata turns a listing's revisions, newest first, into metadata
// entries, oldest first.
func feedMetadata(serviceID string, revs []Revision) []Metadata {
	var out []Metadata
	for i := len(revs) - 1; i >= 0; i-- {
		r := revs[i]
		if !strings.HasPrefix(r.Actor, FeedActor("")) {
			continue
		}
		entry := func(action, field, old, new string) Metadata {
			key := serviceID + "\x00" + strconv.FormatUint(r.Seq, 10) + "\x00" + field
			return Metadata{
				ID:         uuid.NewSHA1(metadataNamespace, []byte(key)).String(),
				ResourceID: serviceID, ResourceType: "service",
				LastActionDate: r.At.UTC().Format("2006-01-02"), LastActionType: action,
				FieldName: field, PreviousValue: old, ReplacementValue: new,
				UpdatedBy: r.Actor,
			}
		}
		action := "update"
		if r.Action == ActionWithdraw {
			action = "withdraw"
		}
		if len(r.Changes) == 0 {
			// A revision with no changes listed is the listing's creation:
			// its snapshot is the whole record.
			out = append(out, entry("create", "", "", ""))
			continue
		}
		for _, c := range r.Changes {
			out = append(out, entry(action, c.Path, c.Old, c.New))
		}
	}
	if len(out) > maxFeedMetadata {
		out = out[len(out)-maxFeedMetadata:]
	}
	return out
}
