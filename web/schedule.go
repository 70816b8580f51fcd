package web

import (
	"fmt"
	"strconv"
	"strings"

	"signpost/directory"
)

var dayPlural = map[string]string{
	"MO": "Mondays", "TU": "Tuesdays", "WE": "Wednesdays", "TH": "Thursdays",
	"FR": "Fridays", "SA": "Saturdays", "SU": "Sundays",
}

var daySingular = map[string]string{
	"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday",
	"FR": "Friday", "SA": "Saturday", "SU": "Sunday",
}

var ordinals = map[int]string{1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last", -2: "second to last"}

// describeSchedule says when a schedule runs in plain words, the way a
// person would: "Tuesdays and Thursdays, 10am to noon", "First Monday of
// the month, 2pm to 4pm", "Every other Wednesday, from 6:30pm". It returns
// "" when the schedule says nothing it can put into words; the schedule's
// own description is shown beside it.
func describeSchedule(sc directory.Schedule) string {
	when := describeDays(sc)
	times := describeTimes(sc.OpensAt, sc.ClosesAt)
	switch {
	case when != "" && times != "":
		return when + ", " + times
	case when != "":
		return when
	case times != "":
		return upperFirst(times)
	}
	return ""
}

func describeDays(sc directory.Schedule) string {
	freq := strings.ToUpper(sc.Freq)
	interval := 1
	if sc.Interval != nil && *sc.Interval >= 1 {
		interval = int(*sc.Interval)
	}
	var plain, nth []string // plain day codes; "first Monday" phrases
	for _, part := range strings.Split(sc.ByDay, ",") {
		part = strings.ToUpper(strings.TrimSpace(part))
		if len(part) < 2 || dayPlural[part[len(part)-2:]] == "" {
			continue
		}
		code, prefix := part[len(part)-2:], part[:len(part)-2]
		if prefix == "" || prefix == "+" {
			plain = append(plain, code)
			continue
		}
		n, err := strconv.Atoi(strings.TrimPrefix(prefix, "+"))
		if word, ok := ordinals[n]; err == nil && ok {
			nth = append(nth, word+" "+daySingular[code])
		}
	}
	plain = weekOrder(plain)
	switch {
	case len(nth) > 0:
		return upperFirst(listJoin(nth)) + " of the month"
	case len(plain) > 0 && interval == 2 && freq == "WEEKLY":
		days := make([]string, len(plain))
		for i, d := range plain {
			days[i] = daySingular[d]
		}
		return "Every other " + listJoin(days)
	case len(plain) == 7:
		return "Every day"
	case len(plain) == 5 && strings.Join(plain, ",") == "MO,TU,WE,TH,FR":
		return "Weekdays"
	case len(plain) == 2 && strings.Join(plain, ",") == "SA,SU":
		return "Weekends"
	case len(plain) > 0:
		days := make([]string, len(plain))
		for i, d := range plain {
			days[i] = dayPlural[d]
		}
		return listJoin(days)
	case freq == "DAILY":
		return "Every day"
	case freq == "MONTHLY" && sc.ByMonthDay != "":
		if n, err := strconv.Atoi(strings.TrimSpace(sc.ByMonthDay)); err == nil && n >= 1 && n <= 31 {
			return "The " + ordinalNumber(n) + " of each month"
		}
	}
	return ""
}

// weekOrder sorts day codes Monday first and drops repeats.
func weekOrder(codes []string) []string {
	var out []string
	for _, d := range directory.Weekdays {
		for _, c := range codes {
			if c == d {
				out = append(out, d)
				break
			}
		}
	}
	return out
}

func describeTimes(opens, closes string) string {
	o, okO := clockTime(opens)
	c, okC := clockTime(closes)
	switch {
	case okO && okC:
		return o + " to " + c
	case okO:
		return "from " + o
	case okC:
		return "until " + c
	}
	return ""
}

// clockTime turns "10:00", "12:00:00" or "18:30+01:00" into "10am", "noon",
// "6:30pm".
func clockTime(v string) (string, bool) {
	if len(v) < 5 || v[2] != ':' {
		return "", false
	}
	h, err1 := strconv.Atoi(v[:2])
	m, err2 := strconv.Atoi(v[3:5])
	if err1 != nil || err2 != nil || h > 23 || m > 59 {
		return "", false
	}
	switch {
	case h == 12 && m == 0:
		return "noon", true
	case h == 0 && m == 0:
		return "midnight", true
	}
	suffix := "am"
	if h >= 12 {
		suffix = "pm"
	}
	h12 := h % 12
	if h12 == 0 {
		h12 = 12
	}
	if m == 0 {
		return fmt.Sprintf("%d%s", h12, suffix), true
	}
	return fmt.Sprintf("%d:%02d%s", h12, m, suffix), true
}

func ordinalNumber(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}

// listJoin writes "a", "a and b", "a, b and c".
func listJoin(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// dayList says on which days a service runs, for a result summary:
// "Tuesdays and Thursdays".
func dayList(codes []string) string {
	return describeDays(directory.Schedule{ByDay: strings.Join(codes, ",")})
}
