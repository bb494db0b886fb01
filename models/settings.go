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
