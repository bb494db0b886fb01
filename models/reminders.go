package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"rightsdesk/deadline"
)

// ActiveCasesDueBy returns, by id after afterID, the ids of cases being worked (open, in
// progress, awaiting the requester) whose answer is due on or before last: the candidates for
// reminders and escalations. The queue's index on answer_due_on serves it.
func (s *Store) ActiveCasesDueBy(ctx context.Context, last deadline.Date, afterID int64, limit int) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&Case{}).
		Where("status IN ? AND answer_due_on <= ? AND id > ?", ActiveStatuses, last, afterID).
		Order("id").Limit(limit).Pluck("id", &ids).Error
	return ids, err
}

type caseReminder struct {
	CaseID    int64         `gorm:"primaryKey"`
	Kind      string        `gorm:"primaryKey"`
	DueOn     deadline.Date `gorm:"primaryKey"`
	CreatedAt time.Time
}

func (caseReminder) TableName() string { return "case_reminders" }

// RecordReminder notes that reminder kind for the case's due date dueOn is sent, and reports
// whether it is the first time: a second replica, or a second run the same day, gets false.
func (s *Store) RecordReminder(ctx context.Context, caseID int64, kind string, dueOn deadline.Date, at time.Time) (bool, error) {
	res := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&caseReminder{CaseID: caseID, Kind: kind, DueOn: dueOn, CreatedAt: at.UTC()})
	return res.RowsAffected == 1, res.Error
}

// RemindersSent returns the reminder kinds already sent for a case's due date.
func (s *Store) RemindersSent(ctx context.Context, caseID int64, dueOn deadline.Date) ([]string, error) {
	var kinds []string
	err := s.conn(ctx).Model(&caseReminder{}).Where("case_id = ? AND due_on = ?", caseID, dueOn).Pluck("kind", &kinds).Error
	return kinds, err
}

// ManagersOf returns the active managers of a controller; when it has none, the active admins,
// so that an escalation always reaches someone who can act.
func (s *Store) ManagersOf(ctx context.Context, controller int64) ([]User, error) {
	var us []User
	err := s.conn(ctx).Where("active = ? AND role = ? AND id IN (SELECT user_id FROM user_controllers WHERE controller_id = ?)",
		true, RoleManager, controller).Order("id").Find(&us).Error
	if err != nil || len(us) > 0 {
		return us, err
	}
	err = s.conn(ctx).Where("active = ? AND role = ?", true, RoleAdmin).Order("id").Find(&us).Error
	return us, err
}
