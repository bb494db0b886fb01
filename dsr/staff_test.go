package dsr

import (
	"strings"
	"testing"
)

func TestCheckRefusal(t *testing.T) {
	erasure := []Kind{KindErasure}
	access := []Kind{KindAccess}
	both := []Kind{KindAccess, KindErasure}
	dm := []Kind{KindObjection}
	tests := []struct {
		facts          AnswerFacts
		ground, reason string
		field          string // "" when accepted
	}{
		{AnswerFacts{Kinds: access}, "manifestly_excessive", "Fifth identical request this month.", ""},
		{AnswerFacts{Kinds: erasure}, "art_17_3_exception", "Legal obligation to keep invoices (Art. 17(3)(b)).", ""},
		{AnswerFacts{Kinds: access}, "art_17_3_exception", "x", "ground"},
		// 17(3) limits the erasure only: it cannot refuse the access asked beside it.
		{AnswerFacts{Kinds: both}, "art_17_3_exception", "x", "ground"},
		{AnswerFacts{Kinds: access}, "", "x", "ground"},
		{AnswerFacts{Kinds: access}, "because", "x", "ground"},
		{AnswerFacts{Kinds: access}, "other", " ", "reasons"},
		{AnswerFacts{Kinds: access}, "other", strings.Repeat("r", MaxMessage+1), "reasons"},
		{AnswerFacts{Kinds: access}, "other", "bad \x00 byte", "reasons"},
		{AnswerFacts{Kinds: dm, DirectMarketing: true}, "manifestly_unfounded", "x", "ground"},
		{AnswerFacts{Kinds: dm}, "manifestly_unfounded", "Repeated abusive requests.", ""},
		{AnswerFacts{Kinds: access, Late: true, RefusalDue: "3 March 2026"}, "other", "x", LateAckField},
		{AnswerFacts{Kinds: access, Late: true, LateAck: true}, "other", "x", ""},
	}
	for _, tt := range tests {
		errs := CheckRefusal(tt.facts, tt.ground, tt.reason)
		if tt.field == "" && errs != nil {
			t.Errorf("%+v %s: refused %v", tt.facts, tt.ground, errs)
		}
		if tt.field != "" && errs[tt.field] == "" {
			t.Errorf("%+v %s %q: no error on %s (%v)", tt.facts, tt.ground, tt.reason, tt.field, errs)
		}
	}
	for _, g := range RefusalGrounds {
		if g.Label() == string(g) {
			t.Errorf("ground %s has no label", g)
		}
	}
}

func TestCheckAnswer(t *testing.T) {
	full := func(done string) RightInput { return RightInput{Result: "full", Done: done} }
	refuse := func(g, why string) RightInput { return RightInput{Result: "refused", Ground: g, Reasons: why} }
	both := AnswerFacts{Kinds: []Kind{KindAccess, KindErasure}}
	tests := []struct {
		name   string
		facts  AnswerFacts
		in     map[Kind]RightInput
		fields []string // the fields refused; none when accepted
		want   Result   // the answer as a whole, when accepted
	}{
		{"every right complied with", both,
			map[Kind]RightInput{KindAccess: full("Export attached."), KindErasure: full("Deleted in CRM and analytics.")}, nil, ResultFull},
		{"access complied, erasure refused under 17(3)", both,
			map[Kind]RightInput{KindAccess: full("Export attached."), KindErasure: refuse("art_17_3_exception", "Invoices are kept 7 years (Art. 17(3)(b)).")}, nil, ResultPartial},
		{"both refused", both,
			map[Kind]RightInput{KindAccess: refuse("identity_not_confirmed", "No identifier matched."), KindErasure: refuse("identity_not_confirmed", "idem")}, nil, ResultRefused},
		{"erasure in part", AnswerFacts{Kinds: []Kind{KindErasure}},
			map[Kind]RightInput{KindErasure: {Result: "partial", Done: "Analytics deleted.", Ground: "art_17_3_exception", Reasons: "Invoices kept."}}, nil, ResultPartial},
		{"17(3) against access", both,
			map[Kind]RightInput{KindAccess: refuse("art_17_3_exception", "x"), KindErasure: full("Deleted.")}, []string{GroundField(KindAccess)}, ""},
		{"a right without result", both,
			map[Kind]RightInput{KindAccess: full("Export attached.")}, []string{ResultField(KindErasure)}, ""},
		{"unknown result", AnswerFacts{Kinds: []Kind{KindAccess}},
			map[Kind]RightInput{KindAccess: {Result: "maybe", Done: "x"}}, []string{ResultField(KindAccess)}, ""},
		{"complied without saying what was done", AnswerFacts{Kinds: []Kind{KindAccess}},
			map[Kind]RightInput{KindAccess: full(" ")}, []string{OutcomeField(KindAccess)}, ""},
		{"in part without ground, reasons or what was done", AnswerFacts{Kinds: []Kind{KindErasure}},
			map[Kind]RightInput{KindErasure: {Result: "partial"}}, []string{OutcomeField(KindErasure), GroundField(KindErasure), ReasonsField(KindErasure)}, ""},
		{"refused with invalid UTF-8 reasons", AnswerFacts{Kinds: []Kind{KindAccess}},
			map[Kind]RightInput{KindAccess: refuse("other", "\xff")}, []string{ReasonsField(KindAccess)}, ""},
		{"a direct-marketing objection refused", AnswerFacts{Kinds: []Kind{KindObjection}, DirectMarketing: true},
			map[Kind]RightInput{KindObjection: refuse("manifestly_unfounded", "x")}, []string{ResultField(KindObjection)}, ""},
		{"a direct-marketing objection in part", AnswerFacts{Kinds: []Kind{KindObjection}, DirectMarketing: true},
			map[Kind]RightInput{KindObjection: {Result: "partial", Done: "x", Ground: "other", Reasons: "x"}}, []string{ResultField(KindObjection)}, ""},
		{"a direct-marketing objection complied with", AnswerFacts{Kinds: []Kind{KindObjection}, DirectMarketing: true},
			map[Kind]RightInput{KindObjection: full("Marketing stopped on 3 March.")}, nil, ResultFull},
		{"another objection refused on its merits", AnswerFacts{Kinds: []Kind{KindObjection}},
			map[Kind]RightInput{KindObjection: refuse("other", "Compelling legitimate grounds: fraud prevention.")}, nil, ResultRefused},
		{"a refusal after the one-month date", AnswerFacts{Kinds: []Kind{KindAccess}, Late: true},
			map[Kind]RightInput{KindAccess: refuse("other", "x")}, []string{LateAckField}, ""},
		{"a late refusal acknowledged", AnswerFacts{Kinds: []Kind{KindAccess}, Late: true, LateAck: true},
			map[Kind]RightInput{KindAccess: refuse("other", "x")}, nil, ResultRefused},
		{"a full answer after the one-month date needs no acknowledgement", AnswerFacts{Kinds: []Kind{KindAccess}, Late: true},
			map[Kind]RightInput{KindAccess: full("Export attached.")}, nil, ResultFull},
	}
	for _, tt := range tests {
		got, errs := CheckAnswer(tt.facts, tt.in)
		if len(tt.fields) == 0 {
			if errs != nil {
				t.Errorf("%s: refused %v", tt.name, errs)
			} else if o := Overall(got); o != tt.want || len(got) != len(tt.facts.Kinds) {
				t.Errorf("%s: overall %s of %d answers, want %s", tt.name, o, len(got), tt.want)
			}
			continue
		}
		if got != nil {
			t.Errorf("%s: answers returned with errors", tt.name)
		}
		for _, f := range tt.fields {
			if errs[f] == "" {
				t.Errorf("%s: no error on %s (%v)", tt.name, f, errs)
			}
		}
		if len(errs) != len(tt.fields) {
			t.Errorf("%s: errors %v, want on %v only", tt.name, errs, tt.fields)
		}
	}
}

func TestGroundsFor(t *testing.T) {
	for _, k := range Kinds {
		has := false
		for _, g := range GroundsFor(k) {
			has = has || g == GroundArt17_3
		}
		if has != (k == KindErasure) {
			t.Errorf("%s: Art. 17(3) offered = %v", k, has)
		}
	}
}
