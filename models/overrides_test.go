package models_test

import (
	"context"
	"errors"
	"testing"

	"gorm.io/gorm"

	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// TestLetterChangesAreAllOrNothing: the wording saved from one letter page is stored in one
// transaction; when one write fails, the others are undone.
func TestLetterChangesAreAllOrNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		site := newSite(t, st, "wording")
		ctl := site.ControllerID
		if err := st.ApplyLetterChanges(ctx, models.LetterChanges{ControllerID: ctl, Language: "en",
			Save: map[string]string{"verification.subject": "Old subject {{.Reference}}"}}); err != nil {
			t.Fatal(err)
		}
		// The database refuses one of the writes (as a full disk or a lost connection would).
		cb := models.GormForTest(st).Callback().Create()
		if err := cb.Before("gorm:create").Register("test:refuse", func(tx *gorm.DB) {
			if o, ok := tx.Statement.Dest.(*models.LetterOverride); ok && o.MessageID == "verification.limit" {
				tx.AddError(errors.New("refused by the test"))
			}
		}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cb.Remove("test:refuse") })
		err := st.ApplyLetterChanges(ctx, models.LetterChanges{ControllerID: ctl, Language: "en",
			Reset: []string{"verification.subject"},
			Save:  map[string]string{"verification.intro": "New intro", "verification.limit": "New limit"}})
		if err == nil {
			t.Fatal("a failed write was not reported")
		}
		rows, err := st.AllLetterOverrides(ctx, ctl)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].MessageID != "verification.subject" || rows[0].Wording != "Old subject {{.Reference}}" {
			t.Fatalf("after a failed save the overrides are %+v; want the old subject only", rows)
		}
	})
}
