package models

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm/clause"
)

// LetterOverride is an admin's wording of one message of a letter for one controller and one
// language; the letters package checks it before it is saved.
type LetterOverride struct {
	ID           int64
	ControllerID int64
	Language     string
	MessageID    string
	Wording      string
	UpdatedBy    *int64
	UpdatedAt    time.Time
}

// LetterOverrides returns a controller's overrides in one language, by message id.
func (s *Store) LetterOverrides(ctx context.Context, controllerID int64, lang string) (map[string]string, error) {
	var rows []LetterOverride
	err := s.conn(ctx).Where("controller_id = ? AND language = ?", controllerID, lang).Find(&rows).Error
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.MessageID] = r.Wording
	}
	return out, err
}

// AllLetterOverrides returns every override of a controller, by language then message id.
func (s *Store) AllLetterOverrides(ctx context.Context, controllerID int64) ([]LetterOverride, error) {
	var rows []LetterOverride
	err := s.conn(ctx).Where("controller_id = ?", controllerID).Order("language, message_id").Find(&rows).Error
	return rows, err
}

// SaveLetterOverride stores o, replacing the controller's earlier wording of the same message.
func (s *Store) SaveLetterOverride(ctx context.Context, o LetterOverride) error {
	o.ID = 0
	if o.UpdatedAt.IsZero() {
		o.UpdatedAt = time.Now().UTC()
	}
	return s.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "controller_id"}, {Name: "language"}, {Name: "message_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"wording", "updated_by", "updated_at"}),
	}).Create(&o).Error
}

// DeleteLetterOverride returns a message to the default wording.
func (s *Store) DeleteLetterOverride(ctx context.Context, controllerID int64, lang, messageID string) error {
	return s.conn(ctx).Where("controller_id = ? AND language = ? AND message_id = ?", controllerID, lang, messageID).
		Delete(&LetterOverride{}).Error
}

// LetterChanges are the changes one save of a letter page makes to a controller's wording in one
// language: wordings to store and messages back to the shipped wording.
type LetterChanges struct {
	ControllerID int64
	Language     string
	Save         map[string]string // message id → wording
	Reset        []string          // message ids
	UpdatedBy    *int64
	At           time.Time
}

// ApplyLetterChanges stores every change of ch in one transaction: all of them or none.
func (s *Store) ApplyLetterChanges(ctx context.Context, ch LetterChanges) error {
	if ch.At.IsZero() {
		ch.At = time.Now().UTC()
	}
	return s.InTx(ctx, func(tx *Tx) error {
		for _, id := range ch.Reset {
			if err := tx.DeleteLetterOverride(ctx, ch.ControllerID, ch.Language, id); err != nil {
				return fmt.Errorf("reset %s: %w", id, err)
			}
		}
		ids := make([]string, 0, len(ch.Save))
		for id := range ch.Save {
			ids = append(ids, id)
		}
		sort.Strings(ids) // a stable order of writes
		for _, id := range ids {
			err := tx.SaveLetterOverride(ctx, LetterOverride{ControllerID: ch.ControllerID, Language: ch.Language,
				MessageID: id, Wording: ch.Save[id], UpdatedBy: ch.UpdatedBy, UpdatedAt: ch.At})
			if err != nil {
				return fmt.Errorf("save %s: %w", id, err)
			}
		}
		return nil
	})
}
