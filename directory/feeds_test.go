package directory

import (
	"testing"
	"time"
)

func TestFeedDue(t *testing.T) {
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		f    Feed
		now  time.Time
		want bool
	}{
		{"never synced", Feed{Every: time.Hour}, at, true},
		{"within its interval", Feed{Every: time.Hour, LastAttempt: at}, at.Add(59 * time.Minute), false},
		{"interval passed", Feed{Every: time.Hour, LastAttempt: at}, at.Add(time.Hour), true},
		{"interrupted: soon again", Feed{Every: time.Hour, LastAttempt: at, Resume: &FeedResume{Page: 3}}, at.Add(5 * time.Minute), true},
		{"interrupted: not at once", Feed{Every: time.Hour, LastAttempt: at, Resume: &FeedResume{Page: 3}}, at.Add(time.Minute), false},
		{"interrupted, short interval", Feed{Every: 2 * time.Minute, LastAttempt: at, Resume: &FeedResume{Page: 3}}, at.Add(2 * time.Minute), true},
	} {
		if got := tc.f.Due(tc.now); got != tc.want {
			t.Errorf("%s: Due = %v, want %v", tc.name, got, tc.want)
		}
	}
}
