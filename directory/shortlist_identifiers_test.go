package directory_test

import (
	"strings"
	"testing"

	"signpost/directory"
)

func TestFindIdentifier(t *testing.T) {
	tests := []struct {
		name string
		text string
		want directory.IdentifierKind // empty: nothing found, allowed
	}{
		// NHS numbers: ten digits whose last is the modulus 11 check digit.
		{"NHS number plain", "9434765919", directory.IdentifierNHSNumber},
		{"NHS number spaced 3-3-4", "943 476 5919", directory.IdentifierNHSNumber},
		{"NHS number hyphenated", "943-476-5919", directory.IdentifierNHSNumber},
		{"NHS number inside a reference", "Mrs K 401 023 2137 Tuesday", directory.IdentifierNHSNumber},
		{"NHS number with check digit 0 rule", "4857773457", directory.IdentifierNHSNumber},
		{"NHS number after a label", "NHS: 4010232137", directory.IdentifierNHSNumber},
		{"ten digits, wrong check digit", "9434765918", ""},
		{"ten digits, wrong check digit, spaced", "401 023 2138", ""},
		{"ten digits whose check would be 10", "1234567890", ""},
		{"nine digits", "943476591", ""},
		{"NHS digits inside a longer number", "19434765919", ""},
		{"NHS digits glued to letters", "ref9434765919x", ""},

		// E-mail addresses.
		{"e-mail", "jo.bloggs@example.org", directory.IdentifierEmail},
		{"e-mail in a sentence", "Mrs K (k.smith+gp@mail.example.co.uk)", directory.IdentifierEmail},
		{"at sign without a domain", "group @ the library", ""},

		// Full UK postcodes; an outward code alone names a district.
		{"postcode with space", "SW1A 1AA", directory.IdentifierPostcode},
		{"postcode without space", "M11AE", directory.IdentifierPostcode},
		{"postcode lower case", "Mr B, ls6 3qn", directory.IdentifierPostcode},
		{"postcode A9 9AA", "B1 1BB", directory.IdentifierPostcode},
		{"postcode AA9A 9AA", "EC1A 1BB", directory.IdentifierPostcode},
		{"GIR 0AA", "GIR 0AA", directory.IdentifierPostcode},
		{"outward code only", "Mrs K, SW1A, Tuesday", ""},
		{"inward letters never used (C, I, K, M, O, V)", "B1 1CI", ""},

		// UK phone numbers.
		{"mobile", "07700 900123", directory.IdentifierPhone},
		{"mobile unspaced", "07700900123", directory.IdentifierPhone},
		{"landline with brackets", "(0161) 496 0000", directory.IdentifierPhone},
		{"London landline", "020 7946 0000", directory.IdentifierPhone},
		{"international", "+44 7700 900123", directory.IdentifierPhone},
		{"international with (0)", "+44 (0)20 7946 0000", directory.IdentifierPhone},
		{"international 0044", "0044 7700 900 123", directory.IdentifierPhone},
		{"foreign number", "+1 415 555 0100", ""},
		{"eleven digits not starting 0", "17700900123", ""},

		// Ordinary references.
		{"pseudonymous reference", "Mrs K, Tuesday", ""},
		{"reference with a time", "Mr P 10:30 Thu", ""},
		{"reference with a short number", "Client 42, room 3", ""},
		{"date", "seen 12/03/2025", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, found := directory.FindIdentifier(tt.text)
			if found != (tt.want != "") || got != tt.want {
				t.Errorf("FindIdentifier(%q) = %q, %v; want %q", tt.text, got, found, tt.want)
			}
		})
	}
}

func TestValidateReference(t *testing.T) {
	tests := []struct {
		name    string
		ref     string
		wantMsg string // empty: accepted
	}{
		{"pseudonym", "Mrs K, Tuesday", ""},
		{"NHS number", "943 476 5919", "This looks like an NHS number. Please use something that doesn't identify the person, like 'Mrs K, Tuesday'."},
		{"e-mail", "k@example.org", "This looks like an e-mail address. Please use something that doesn't identify the person, like 'Mrs K, Tuesday'."},
		{"postcode", "Mrs K LS6 3QN", "This looks like a full postcode. Please use something that doesn't identify the person, like 'Mrs K, Tuesday'."},
		{"phone", "Mrs K 07700 900123", "This looks like a phone number. Please use something that doesn't identify the person, like 'Mrs K, Tuesday'."},
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
		name   string
		note   string
		refuse bool
	}{
		{"plain note", "Ask for Jo on Tuesday", false},
		{"empty", "", false},
		{"person's mobile", "call her on 07700 900123", true},
		{"NHS number", "nhs 9434765919", true},
		{"too long", strings.Repeat("a", directory.MaxNoteLen+1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probs := directory.ValidateNote(tt.note)
			if got := len(probs) > 0; got != tt.refuse {
				t.Errorf("ValidateNote(%q) = %v, want refused=%v", tt.note, probs, tt.refuse)
			}
			if tt.refuse && probs[0].Path != "note" {
				t.Errorf("problem path = %q, want note", probs[0].Path)
			}
		})
	}
}
