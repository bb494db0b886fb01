package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// ControllerIDs returns every controller's id: an admin's scope.
func (s *Store) ControllerIDs(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&Controller{}).Order("id").Pluck("id", &ids).Error
	return ids, err
}

// ControllersIn returns the controllers with the given ids, with their sites, by name.
func (s *Store) ControllersIn(ctx context.Context, ids []int64) ([]Controller, error) {
	var cs []Controller
	if len(ids) == 0 {
		return cs, nil
	}
	err := s.conn(ctx).Preload("Sites", func(db *gorm.DB) *gorm.DB { return db.Order("name") }).
		Where("id IN ?", ids).Order("name").Find(&cs).Error
	return cs, err
}

// StaffOf returns the active users who may work cases of controller: those assigned to it, and
// admins (who may work every controller).
func (s *Store) StaffOf(ctx context.Context, controller int64) ([]User, error) {
	var us []User
	err := s.conn(ctx).Where("active = ? AND (role = ? OR id IN (SELECT user_id FROM user_controllers WHERE controller_id = ?))",
		true, RoleAdmin, controller).Order("name").Find(&us).Error
	return us, err
}

// StaffOfAny returns the active users who may work cases of any of the controllers.
func (s *Store) StaffOfAny(ctx context.Context, controllers []int64) ([]User, error) {
	var us []User
	if len(controllers) == 0 {
		return us, nil
	}
	err := s.conn(ctx).Where("active = ? AND (role = ? OR id IN (SELECT user_id FROM user_controllers WHERE controller_id IN ?))",
		true, RoleAdmin, controllers).Order("name").Find(&us).Error
	return us, err
}

// DecideIdentifier records staff's decision on whether an identifier of the case belongs to the
// requester.
func (s *Store) DecideIdentifier(ctx context.Context, caseID, identifierID int64, verified bool, reason string, by int64, at time.Time) error {
	res := s.conn(ctx).Model(&CaseIdentifier{}).Where("id = ? AND case_id = ?", identifierID, caseID).Updates(map[string]any{
		"verified": verified, "verified_reason": reason, "verified_by": by, "verified_at": at,
	})
	if res.Error != nil {
		return fmt.Errorf("decide identifier: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return ErrNotFound
	}
	return nil
}

// SaveOutcomes records what was done for each kind of a case.
func (s *Store) SaveOutcomes(ctx context.Context, outcomes []CaseOutcome) error {
	if len(outcomes) == 0 {
		return nil
	}
	if err := s.conn(ctx).Create(&outcomes).Error; err != nil {
		return fmt.Errorf("insert outcomes: %w", err)
	}
	return nil
}

// Outcomes returns the outcomes of a case.
func (s *Store) Outcomes(ctx context.Context, caseID int64) ([]CaseOutcome, error) {
	var os []CaseOutcome
	err := s.conn(ctx).Where("case_id = ?", caseID).Find(&os).Error
	return os, err
}

// AddFile stores a file for the requester.
func (s *Store) AddFile(ctx context.Context, f *CaseFile) error {
	if err := s.conn(ctx).Create(f).Error; err != nil {
		return fmt.Errorf("insert file: %w", err)
	}
	return nil
}

// CaseFiles lists the files of a case, without their content.
func (s *Store) CaseFiles(ctx context.Context, caseID int64) ([]CaseFile, error) {
	var fs []CaseFile
	err := s.conn(ctx).Omit("data").Where("case_id = ?", caseID).Order("id").Find(&fs).Error
	return fs, err
}

// CaseFile returns one file of a case with its content.
func (s *Store) CaseFile(ctx context.Context, caseID, fileID int64) (CaseFile, error) {
	var f CaseFile
	err := s.conn(ctx).Where("id = ? AND case_id = ?", fileID, caseID).First(&f).Error
	return f, notFound(err)
}

// UsersByID returns the users with the given ids, keyed by id.
func (s *Store) UsersByID(ctx context.Context, ids []int64) (map[int64]User, error) {
	out := map[int64]User{}
	if len(ids) == 0 {
		return out, nil
	}
	var us []User
	if err := s.conn(ctx).Where("id IN ?", ids).Find(&us).Error; err != nil {
		return nil, err
	}
	for _, u := range us {
		out[u.ID] = u
	}
	return out, nil
}

// SetTransparency publishes (off false) or withdraws a controller's disclosure page.
func (s *Store) SetTransparency(ctx context.Context, controllerID int64, off bool) error {
	res := s.conn(ctx).Model(&Controller{}).Where("id = ?", controllerID).Update("transparency_off", off)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}
