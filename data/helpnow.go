package data

import (
	_ "embed"
	"io"
	"strings"
)

//go:embed help-now.md
var helpNow string

// HelpNowFile is the name of the urgent-help page's content, as embedded
// here and as looked for in <data dir>/custom/.
const HelpNowFile = "help-now.md"

// HelpNow returns the urgent-help page (/help-now) as Markdown: the United
// Kingdom's emergency number, NHS 111's mental-health option, Samaritans,
// Shout and the National Domestic Abuse Helpline, with tel: and sms: links.
// A deployment elsewhere replaces it.
func HelpNow() io.Reader {
	return strings.NewReader(helpNow)
}
