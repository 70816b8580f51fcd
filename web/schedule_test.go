package web

import (
	"testing"

	"signpost/directory"
)

func TestDescribeSchedule(t *testing.T) {
	two := 2.0
	tests := []struct {
		name string
		sc   directory.Schedule
		want string
	}{
		{"two days, morning to noon", directory.Schedule{Freq: "WEEKLY", ByDay: "TU,TH", OpensAt: "10:00", ClosesAt: "12:00"}, "Tuesdays and Thursdays, 10am to noon"},
		{"days out of order and repeated", directory.Schedule{ByDay: "FR,MO,WE,MO", OpensAt: "13:30:00", ClosesAt: "15:00:00"}, "Mondays, Wednesdays and Fridays, 1:30pm to 3pm"},
		{"weekdays", directory.Schedule{ByDay: "MO,TU,WE,TH,FR", OpensAt: "09:00", ClosesAt: "17:00"}, "Weekdays, 9am to 5pm"},
		{"weekends", directory.Schedule{ByDay: "SA,SU"}, "Weekends"},
		{"every day by list", directory.Schedule{ByDay: "MO,TU,WE,TH,FR,SA,SU", OpensAt: "00:00", ClosesAt: "23:59"}, "Every day, midnight to 11:59pm"},
		{"daily frequency", directory.Schedule{Freq: "DAILY", OpensAt: "08:00"}, "Every day, from 8am"},
		{"first of the month", directory.Schedule{Freq: "MONTHLY", ByDay: "1MO", OpensAt: "14:00", ClosesAt: "16:00"}, "First Monday of the month, 2pm to 4pm"},
		{"last of the month", directory.Schedule{Freq: "MONTHLY", ByDay: "-1FR"}, "Last Friday of the month"},
		{"every other week", directory.Schedule{Freq: "WEEKLY", Interval: &two, ByDay: "WE", OpensAt: "18:30"}, "Every other Wednesday, from 6:30pm"},
		{"day of the month", directory.Schedule{Freq: "MONTHLY", ByMonthDay: "2"}, "The 2nd of each month"},
		{"times only", directory.Schedule{ClosesAt: "12:00"}, "Until noon"},
		{"time with zone", directory.Schedule{ByDay: "SA", OpensAt: "10:15+01:00"}, "Saturdays, from 10:15am"},
		{"nothing to say", directory.Schedule{Description: "Ring to book"}, ""},
		{"garbage", directory.Schedule{ByDay: "XX,1", OpensAt: "25:00", ClosesAt: "noon"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := describeSchedule(tt.sc); got != tt.want {
				t.Errorf("describeSchedule = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOrdinalNumber(t *testing.T) {
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 31: "31st"} {
		if got := ordinalNumber(n); got != want {
			t.Errorf("ordinalNumber(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestScheduleNote(t *testing.T) {
	tests := []struct {
		name string
		sc   directory.Schedule
		want string
	}{
		{"repeats the times", directory.Schedule{ByDay: "WE", OpensAt: "10:00", ClosesAt: "14:00", Description: "Every Wednesday, 10am to 2pm"}, ""},
		{"repeats with a dot and keeps the bracket", directory.Schedule{ByDay: "TU", OpensAt: "10:00", ClosesAt: "12:30", Description: "Every Tuesday, 10am to 12.30pm (except bank holidays)"}, "Except bank holidays."},
		{"says something else", directory.Schedule{ByDay: "TU", OpensAt: "10:00", Description: "Term time only", Notes: "Ring first."}, "Term time only Ring first."},
		{"no days to stand in for it", directory.Schedule{OpensAt: "10:00", ClosesAt: "14:00", Description: "10am to 2pm, dates vary"}, "10am to 2pm, dates vary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scheduleNote(tt.sc); got != tt.want {
				t.Errorf("scheduleNote = %q, want %q", got, tt.want)
			}
		})
	}
}
