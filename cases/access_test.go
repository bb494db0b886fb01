package cases_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"rightsdesk/access"
	"rightsdesk/cases"
	"rightsdesk/dsr"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// accessAll is the Art. 15 part of an answer as staff send it: the draft, with what the catalogue
// does not record completed.
func (w *workspace) accessAll(t *testing.T) map[access.Key]string {
	t.Helper()
	c, err := w.st.CaseByReference(context.Background(), w.ref)
	if err != nil {
		t.Fatal(err)
	}
	d, err := w.svc.AccessDraft(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range d {
		d[k] = strings.ReplaceAll(v, access.Placeholder, "Ireland")
	}
	return d
}

// Access complied with needs every item of Art. 15; refused, none. The items reach the letter
// and the status page in the requester's language.
func TestAccessItems(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newWorkspace(t, st, request()) // access + erasure, in French
		ctx := context.Background()
		w.svc.Claim(ctx, w.staff, w.ref, 0)
		draft := w.accessAll(t)
		if !strings.Contains(draft[access.Purposes], "Les cookies du site") || !strings.Contains(draft[access.Retention], "STCK_ID") {
			t.Fatalf("the draft is not the site's catalogue in French:\n%s\n%s", draft[access.Purposes], draft[access.Retention])
		}
		in := cases.Answer{Rights: cases.CompliedWith(map[dsr.Kind]string{dsr.KindAccess: "Export attached.", dsr.KindErasure: "Deleted."}),
			Told: w.toldAll(t)}
		missing := map[access.Key]string{}
		for k, v := range draft {
			missing[k] = v
		}
		missing[access.Automated] = " "
		missing[access.Transfers] = "Google: " + access.Placeholder
		in.Access = missing
		var fe *cases.FormError
		if err := w.svc.Complete(ctx, w.staff, w.ref, 0, in); !errors.As(err, &fe) ||
			fe.Fields[access.Automated.Field()] == "" || fe.Fields[access.Transfers.Field()] == "" || len(fe.Fields) != 2 {
			t.Fatalf("items missing: %v", err)
		}
		c := w.load(t)
		if items, _ := st.AccessItems(ctx, c.ID); c.Status != dsr.StatusInProgress || len(items) != 0 {
			t.Fatalf("a refused answer changed the case: %s, %d items", c.Status, len(items))
		}
		draft[access.Automated] = "Aucune décision automatisée.\nRien d'autre."
		in.Access = draft
		if err := w.svc.Complete(ctx, w.staff, w.ref, 0, in); err != nil {
			t.Fatal(err)
		}
		items, err := st.AccessItems(ctx, c.ID)
		if err != nil || len(items) != len(access.Keys) || items[0].Key != access.Purposes || items[7].Text != "Aucune décision automatisée.\nRien d'autre." {
			t.Fatalf("stored items: %v %+v", err, items)
		}
		l := w.lastLetter(t)
		for _, want := range []string{"Ce que l’article 15 du RGPD vous donne le droit de savoir", "Finalités du traitement (article 15.1.a) du RGPD)\n",
			"Transferts hors de l’Espace économique européen (article 15.2 du RGPD)", "Aucune décision automatisée.\nRien d'autre."} {
			if !strings.Contains(l.TextBody, want) {
				t.Errorf("letter: no %q in\n%s", want, l.TextBody)
			}
		}
		if !strings.Contains(l.HTMLBody, "Source des données (article 15.1.g) du RGPD)</h3>") {
			t.Errorf("HTML letter without the items")
		}
		sp, err := w.svc.Status(ctx, w.statusToken)
		if err != nil || len(sp.Access) != len(access.Keys) {
			t.Fatalf("status page: %v, %d items", err, len(sp.Access))
		}
	})
}

// A refused access owes no items, and those typed are not kept.
func TestAccessRefusedNeedsNoItems(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newWorkspace(t, st, request())
		ctx := context.Background()
		w.svc.Claim(ctx, w.staff, w.ref, 0)
		in := cases.Answer{Rights: map[dsr.Kind]dsr.RightInput{
			dsr.KindAccess:  {Result: "refused", Ground: "manifestly_excessive", Reasons: "The same request every week."},
			dsr.KindErasure: {Result: "full", Done: "Deleted."},
		}, Told: w.toldAll(t), Access: map[access.Key]string{access.Purposes: "half typed"}}
		if err := w.svc.Complete(ctx, w.staff, w.ref, 0, in); err != nil {
			t.Fatal(err)
		}
		if items, err := st.AccessItems(ctx, w.load(t).ID); err != nil || len(items) != 0 {
			t.Fatalf("items of a refused access: %v %v", err, items)
		}
		if l := w.lastLetter(t); strings.Contains(l.TextBody, "article 15 du RGPD vous donne") {
			t.Errorf("the letter speaks of Art. 15 items")
		}
	})
}
