package dsr

import (
	"strings"
	"testing"
)

func TestCheckRefusal(t *testing.T) {
	erasure := []Kind{KindErasure}
	access := []Kind{KindAccess}
	tests := []struct {
		kinds          []Kind
		ground, reason string
		field          string // "" when accepted
	}{
		{access, "manifestly_excessive", "Fifth identical request this month.", ""},
		{erasure, "art_17_3_exception", "Legal obligation to keep invoices (Art. 17(3)(b)).", ""},
		{access, "art_17_3_exception", "x", "ground"},
		{access, "", "x", "ground"},
		{access, "because", "x", "ground"},
		{access, "other", " ", "reasons"},
		{access, "other", strings.Repeat("r", MaxMessage+1), "reasons"},
		{access, "other", "bad \x00 byte", "reasons"},
	}
	for _, tt := range tests {
		errs := CheckRefusal(tt.kinds, tt.ground, tt.reason)
		if tt.field == "" && errs != nil {
			t.Errorf("%v %s: refused %v", tt.kinds, tt.ground, errs)
		}
		if tt.field != "" && errs[tt.field] == "" {
			t.Errorf("%v %s %q: no error on %s (%v)", tt.kinds, tt.ground, tt.reason, tt.field, errs)
		}
	}
	for _, g := range RefusalGrounds {
		if g.Label() == string(g) {
			t.Errorf("ground %s has no label", g)
		}
	}
}

func TestCheckCompletion(t *testing.T) {
	kinds := []Kind{KindAccess, KindErasure}
	if errs := CheckCompletion(kinds, map[Kind]string{KindAccess: "Export attached.", KindErasure: "Deleted in CRM and analytics."}); errs != nil {
		t.Errorf("complete outcomes refused: %v", errs)
	}
	errs := CheckCompletion(kinds, map[Kind]string{KindAccess: "Export attached."})
	if errs[OutcomeField(KindErasure)] == "" || errs[OutcomeField(KindAccess)] != "" {
		t.Errorf("missing erasure outcome: %v", errs)
	}
	errs = CheckCompletion(kinds, map[Kind]string{KindAccess: "\xff", KindErasure: "ok"})
	if !strings.Contains(errs[OutcomeField(KindAccess)], "UTF-8") {
		t.Errorf("invalid outcome: %v", errs)
	}
}
