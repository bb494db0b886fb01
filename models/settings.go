package models

import (
	"context"

	"gorm.io/gorm/clause"
)

type setting struct {
	Key   string `gorm:"primaryKey"`
	Value string
}

func (setting) TableName() string { return "settings" }

// EnsureSetting returns the value of key, storing value first when the key has none. Replicas
// racing to store different values all end with the one that won.
func (s *Store) EnsureSetting(ctx context.Context, key, value string) (string, error) {
	if err := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&setting{Key: key, Value: value}).Error; err != nil {
		return "", err
	}
	var row setting
	err := s.conn(ctx).Where("key = ?", key).First(&row).Error
	return row.Value, err
}

// Setting returns the value of key, "" when it has none.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var rows []setting
	err := s.conn(ctx).Where("key = ?", key).Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return "", err
	}
	return rows[0].Value, nil
}
