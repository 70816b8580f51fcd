package directory_test

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"signpost/directory"
	"signpost/directory/directorytest"
)

// readIdentifierCases reads the cases the identifier filter is held to.
func readIdentifierCases(t *testing.T) []directorytest.IdentifierCase {
	t.Helper()
	cases, err := directorytest.ReadIdentifierCases("testdata/identifiers.txt")
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

func TestFindIdentifiers(t *testing.T) {
	cases := readIdentifierCases(t)
	if len(cases) < 120 {
		t.Errorf("%d cases, want at least 120", len(cases))
	}
	for _, c := range cases {
		for _, use := range []struct {
			name string
			use  directory.TextUse
			want []directory.IdentifierKind
		}{
			{"reference", directory.ReferenceText, c.Reference},
			{"note", directory.NoteText, c.Note},
		} {
			t.Run(use.name+"/"+c.Text, func(t *testing.T) {
				got := directory.FindIdentifiers(c.Text, use.use)
				if !slices.Equal(got, use.want) {
					t.Errorf("identifiers.txt:%d: FindIdentifiers(%q, %s) = %v, want %v", c.Line, c.Text, use.name, got, use.want)
				}
			})
		}
	}
}

func TestIdentifierMessage(t *testing.T) {
	tests := []struct {
		kinds []directory.IdentifierKind
		want  string
	}{
		{[]directory.IdentifierKind{directory.IdentifierNHSNumber},
			"This looks like an NHS number. Remove it — a shortlist must not identify the person."},
		{[]directory.IdentifierKind{directory.IdentifierEmail},
			"This looks like an e-mail address. Remove it — a shortlist must not identify the person."},
		{[]directory.IdentifierKind{directory.IdentifierPhone},
			"This looks like a phone number. Remove it — a shortlist must not identify the person."},
		{[]directory.IdentifierKind{directory.IdentifierPostcode},
			"This looks like a full postcode. Remove it — a shortlist must not identify the person. A postcode district alone, like ‘L20’, is fine."},
		{[]directory.IdentifierKind{directory.IdentifierDateOfBirth},
			"This looks like a date of birth. Remove it — a shortlist must not identify the person."},
		{[]directory.IdentifierKind{directory.IdentifierDate},
			"This looks like a full date. Remove it — a shortlist must not identify the person. A day of the week, like ‘Tuesday’, is fine."},
		{[]directory.IdentifierKind{directory.IdentifierName},
			"This looks like a person’s full name. Remove it — a shortlist must not identify the person. A title and an initial, like ‘Mrs K’, is fine."},
		{[]directory.IdentifierKind{directory.IdentifierName, directory.IdentifierDateOfBirth},
			"This looks like a person’s full name and a date of birth. Remove them — a shortlist must not identify the person. A title and an initial, like ‘Mrs K’, is fine."},
		{[]directory.IdentifierKind{directory.IdentifierNHSNumber, directory.IdentifierPhone, directory.IdentifierEmail},
			"This looks like an NHS number, a phone number and an e-mail address. Remove them — a shortlist must not identify the person."},
	}
	for _, tt := range tests {
		if got := directory.IdentifierMessage(tt.kinds); got != tt.want {
			t.Errorf("IdentifierMessage(%v)\n got %q\nwant %q", tt.kinds, got, tt.want)
		}
	}
}

func TestNormalizeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"943\u00a0476\u20095919", "943 476 5919"},
		{"  two\n\nlines\t ", "two lines"},
		{"943\u200b476\u00ad5919\ufeff", "9434765919"},
		{"\uff19\uff14\uff13", "943"},
		{"\u0669\u0664\u0663", "943"},
		{"\u096f\u096a\u0969", "943"},
		{"jo\uff20example\uff0ecom", "jo@example.com"},
		{"\ufb01sh", "fish"},
		{"Mrs K, Tuesday", "Mrs K, Tuesday"},
		{"bad \xff byte", "bad \ufffd byte"},
	}
	for _, tt := range tests {
		if got := directory.NormalizeText(tt.in); got != tt.want {
			t.Errorf("NormalizeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestDigitRanges holds Unicode's promise that NormalizeText relies on to
// read any script's digits: decimal digits come in whole runs of ten.
func TestDigitRanges(t *testing.T) {
	for _, rg := range unicode.Digit.R16 {
		if rg.Stride != 1 || (rg.Hi-rg.Lo+1)%10 != 0 {
			t.Errorf("digit range %U–%U (stride %d) is not whole runs of ten", rg.Lo, rg.Hi, rg.Stride)
		}
	}
	for _, rg := range unicode.Digit.R32 {
		if rg.Stride != 1 || (rg.Hi-rg.Lo+1)%10 != 0 {
			t.Errorf("digit range %U–%U (stride %d) is not whole runs of ten", rg.Lo, rg.Hi, rg.Stride)
		}
	}
}

func FuzzIdentifiers(f *testing.F) {
	f.Add("Mrs K, Tuesday")
	f.Add("943\u200b476\u00ad5919")
	f.Add("jo (at) example (dot) com")
	f.Add("flatL203AB, O7700 900123, DOB 3 March 1950")
	f.Add("\u1100\u200b\u1161 \u0301x")
	f.Add("Mrs Kathleen Jones, DOB 3 March 1950, has depression and COPD")
	f.Fuzz(func(t *testing.T, s string) {
		n := directory.NormalizeText(s)
		if !utf8.ValidString(n) {
			t.Fatalf("NormalizeText(%q) = %q, not UTF-8", s, n)
		}
		if again := directory.NormalizeText(n); again != n {
			t.Fatalf("NormalizeText is not idempotent on %q:\n once  %q\n twice %q", s, n, again)
		}
		for _, use := range []directory.TextUse{directory.ReferenceText, directory.NoteText} {
			// The filter reads normalised text, so normalising first
			// changes nothing.
			if a, b := directory.FindIdentifiers(s, use), directory.FindIdentifiers(n, use); !slices.Equal(a, b) {
				t.Fatalf("FindIdentifiers(%q) = %v but of its normalised form %v", s, a, b)
			}
		}
	})
}

func TestValidateReference(t *testing.T) {
	tests := []struct {
		name    string
		ref     string
		wantMsg string // empty: accepted
	}{
		{"pseudonym", "Mrs K, Tuesday", ""},
		{"NHS number", "943 476 5919", "This looks like an NHS number. Remove it — a shortlist must not identify the person."},
		{"full date", "Mrs K 12/03/2025", "This looks like a full date. Remove it — a shortlist must not identify the person. A day of the week, like ‘Tuesday’, is fine."},
		{"blank", "   ", "Give the list a reference you will recognise, like 'Mrs K, Tuesday'."},
		{"too long", strings.Repeat("x", directory.MaxReferenceLen+1), "Keep the reference under 80 characters."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probs := directory.ValidateReference(tt.ref)
			if tt.wantMsg == "" {
				if len(probs) != 0 {
					t.Fatalf("ValidateReference(%q) = %v, want accepted", tt.ref, probs)
				}
				return
			}
			if len(probs) != 1 || probs[0].Path != "reference" || probs[0].Message != tt.wantMsg {
				t.Fatalf("ValidateReference(%q) = %v, want one problem on reference: %q", tt.ref, probs, tt.wantMsg)
			}
		})
	}
}

func TestValidateNote(t *testing.T) {
	tests := []struct {
		name    string
		note    string
		wantMsg string // empty: accepted
	}{
		{"plain note", "Ask for Jo on Tuesday", ""},
		{"empty", "", ""},
		{"a start date", "Starts 12/03/2026", ""},
		{"person's mobile", "call her on 07700 900123", "This looks like a phone number. Remove it — a shortlist must not identify the person."},
		{"too long", strings.Repeat("a", directory.MaxNoteLen+1), "Keep the note under 500 characters."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probs := directory.ValidateNote(tt.note)
			if tt.wantMsg == "" {
				if len(probs) != 0 {
					t.Fatalf("ValidateNote(%q) = %v, want accepted", tt.note, probs)
				}
				return
			}
			if len(probs) != 1 || probs[0].Path != "note" || probs[0].Message != tt.wantMsg {
				t.Fatalf("ValidateNote(%q) = %v, want one problem on note: %q", tt.note, probs, tt.wantMsg)
			}
		})
	}
}
