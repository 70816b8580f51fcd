package directory

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/match"
)

// MinPasswordLen is the shortest password accepted. Length is what makes a
// password hard to guess; Signpost imposes no composition rules, but it
// refuses a long password that is still easy to guess (see PasswordProblem).
const MinPasswordLen = 12

// MaxPasswordLen bounds what the strength estimate and the hash are given:
// a passphrase is never this long, and a megabyte "password" is an attack.
const MaxPasswordLen = 256

// minPasswordScore is the zxcvbn score a password must reach: 3 means about
// 10⁸ guesses, which the argon2id hash makes take years offline and the
// sign-in throttle makes impossible online.
const minPasswordScore = 3

// PasswordProblem says in plain English why password is not acceptable for
// an account, or returns "" when it is. Besides length it asks zxcvbn (the
// Go port of Dropbox's estimator) how many guesses the password would
// take, counting the account's own details (its e-mail address, say) as
// words a guesser would try first. The reason names the weakest part the
// estimator found, so the person knows what to change.
func PasswordProblem(password string, userInputs ...string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLen:
		return fmt.Sprintf("must be at least %d characters (this one has %d); a few unrelated words make a long password that is easy to remember", MinPasswordLen, n)
	case len(password) > MaxPasswordLen:
		return fmt.Sprintf("must be at most %d characters", MaxPasswordLen)
	case !utf8.ValidString(password):
		return "has characters that are not text"
	}
	var inputs []string
	for _, in := range userInputs {
		in = strings.ToLower(strings.TrimSpace(in))
		if in == "" {
			continue
		}
		inputs = append(inputs, in)
		// The parts of an address are guessed on their own too.
		if local, domain, ok := strings.Cut(in, "@"); ok {
			inputs = append(inputs, local, domain)
			if name, _, ok := strings.Cut(domain, "."); ok {
				inputs = append(inputs, name)
			}
		}
	}
	res := zxcvbn.PasswordStrength(password, inputs)
	if res.Score >= minPasswordScore {
		return ""
	}
	return "is too easy to guess: " + weakness(res.Sequence) + ". Try a few unrelated words, or let your browser make one up"
}

// weakness describes the part of a password that made it guessable: the
// match covering the most characters among those a guesser tries early.
func weakness(seq []*match.Match) string {
	var worst *match.Match
	for _, m := range seq {
		if m.Pattern == "bruteforce" {
			continue
		}
		if worst == nil || m.J-m.I > worst.J-worst.I {
			worst = m
		}
	}
	if worst == nil {
		return "it is too short for the kinds of characters it uses"
	}
	switch worst.Pattern {
	case "repeat":
		return fmt.Sprintf("it repeats %q", clip(worst.BaseToken))
	case "sequence":
		return fmt.Sprintf("%q is a sequence like abcd or 1234", clip(worst.Token))
	case "spatial":
		return fmt.Sprintf("%q is a pattern of neighbouring keys", clip(worst.Token))
	case "date":
		return fmt.Sprintf("%q is a date", clip(worst.Token))
	case "regex":
		return fmt.Sprintf("%q is a recent year", clip(worst.Token))
	case "dictionary":
		switch {
		case worst.DictionaryName == "user_inputs":
			return "it contains your e-mail address or part of it"
		case worst.DictionaryName == "passwords":
			return fmt.Sprintf("%q is one of the most common passwords", clip(worst.Token))
		case worst.L33t:
			return fmt.Sprintf("%q is a common word with letters swapped for look-alikes, which guessers try", clip(worst.Token))
		default:
			return fmt.Sprintf("%q is a common word or name and the rest adds too little", clip(worst.Token))
		}
	}
	return "it follows a pattern guessers try early"
}
