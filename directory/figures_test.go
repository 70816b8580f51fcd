package directory_test

import (
	"testing"
	"time"

	"signpost/directory"
)

func TestShowCount(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{
		{0, "fewer than 5"}, {1, "fewer than 5"}, {4, "fewer than 5"},
		{5, "5"}, {7, "5"}, {8, "10"}, {12, "10"}, {13, "15"}, {102, "100"}, {103, "105"},
	} {
		if got := directory.ShowCount(tc.n).String(); got != tc.want {
			t.Errorf("ShowCount(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestChangeHistogram(t *testing.T) {
	var h directory.ChangeHistogram
	if _, ok := h.Median(); ok {
		t.Error("an empty histogram has a median")
	}
	// Changes -2, 0, 1, 1, 3, and one beyond the scale counted at its end.
	for _, c := range []int{-2, 0, 1, 1, 3, 14} {
		h.Add(c, 1)
	}
	if h.N() != 6 {
		t.Errorf("N = %d, want 6", h.N())
	}
	for _, tc := range []struct {
		q    float64
		want int
	}{{0.25, 0}, {0.5, 1}, {0.75, 3}, {1, 10}, {0, -2}} {
		if got, _ := h.Quantile(tc.q); got != tc.want {
			t.Errorf("Quantile(%v) = %d, want %d", tc.q, got, tc.want)
		}
	}
}

func TestISOWeek(t *testing.T) {
	for _, tc := range []struct {
		day  time.Time
		week string
	}{
		{time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC), "2026-W48"},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), "2026-W53"},
		{time.Date(2025, 12, 29, 0, 0, 0, 0, time.UTC), "2026-W01"},
	} {
		if got := directory.ISOWeek(tc.day); got != tc.week {
			t.Errorf("ISOWeek(%s) = %s, want %s", tc.day, got, tc.week)
		}
		start, err := directory.WeekStart(tc.week)
		if err != nil {
			t.Fatal(err)
		}
		if start.Weekday() != time.Monday || directory.ISOWeek(start) != tc.week || tc.day.Sub(start) >= 7*24*time.Hour || tc.day.Before(start) {
			t.Errorf("WeekStart(%s) = %s", tc.week, start)
		}
	}
	for _, bad := range []string{"", "2026-48", "2026-W54", "2025-W53", "x-W01"} {
		if _, err := directory.WeekStart(bad); err == nil {
			t.Errorf("WeekStart(%q) took it", bad)
		}
	}
}
