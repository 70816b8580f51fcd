package web

import (
	"slices"

	"signpost/engine"
)

// When what a person typed, or a link worker noted, holds crisis language
// ("want to die", "self-harm", "he hits me"), the page opens with the
// urgent-help panel: an aside with role="alert", calm words and the urgent
// numbers (the lead of help-now.md), with the results still below. The
// engine recognises the words, on the text exactly as typed.

// CrisisCheck recognises crisis language in text as a person wrote it.
// *engine.Engine satisfies it.
type CrisisCheck interface {
	Crisis(text string) bool
}

// crisisFor says whom the urgent-help panel speaks to.
type crisisFor string

const (
	// crisisYou: the person who typed the words (searches, the matcher).
	crisisYou crisisFor = "you"
	// crisisThem: a link worker whose notes on a list hold the words, about
	// the person they are helping.
	crisisThem crisisFor = "them"
)

// crisisIn reports whether any of the texts holds crisis language. Each is
// checked alone, so that two boxes' words never run together into a
// phrase neither holds.
func crisisIn(check CrisisCheck, texts ...string) bool {
	return slices.ContainsFunc(texts, func(t string) bool { return t != "" && check.Crisis(t) })
}

// finderCrisis is whether the free text of a search or the matcher (what,
// where, access needs) holds crisis language. res, when the search ran, has
// already read the words typed (the engine keeps that answer with its
// cached words), so only the other boxes are checked again.
func (h *publicHandlers) finderCrisis(f finderForm, res *engine.Results) crisisFor {
	texts := []string{f.Q, f.Near, f.Access}
	if in := interpretedOf(res); in != nil && in.Text == f.Q {
		if in.Crisis {
			return crisisYou
		}
		texts = texts[1:]
	}
	if crisisIn(h.crisis, texts...) {
		return crisisYou
	}
	return ""
}

// interpretedOf is what the engine made of a search's words, if it ran.
func interpretedOf(res *engine.Results) *engine.Interpreted {
	if res == nil {
		return nil
	}
	return res.Interpreted
}

// wordsMeanSafety reports whether the typed words were read as the need
// "Feeling unsafe at home" ("domestic abuse", "scared of my partner").
func wordsMeanSafety(res *engine.Results) bool {
	if res == nil || res.Interpreted == nil {
		return false
	}
	return slices.ContainsFunc(res.Interpreted.Phrases, func(p engine.PhraseMatch) bool {
		return slices.Contains(p.Needs, safetyNeed)
	})
}
