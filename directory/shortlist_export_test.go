package directory

import "time"

// SetShortlistTestClock replaces the store's clock, so tests can move time
// past a share link's expiry or a listing's year without confirmation.
func SetShortlistTestClock(s *Store, now func() time.Time) { s.now = now }
