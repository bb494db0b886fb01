package models

import (
	"errors"

	"rightsdesk/events"
)

// SetDetail makes d what event e records: its type, its detail as JSON and its message, the
// sentence events.English says of d. AppendEvent calls it, so no event is written with a message
// its detail does not say.
func (e *Event) SetDetail(d events.Detail) error {
	if d == nil {
		return errors.New("event without a detail")
	}
	raw, err := events.Encode(d)
	if err != nil {
		return err
	}
	e.Type, e.Detail, e.Message = d.Type(), raw, events.English(d)
	return nil
}

// Decoded returns what e records, and false for an event with no detail (written before
// migration 00034 in words the data migration could not read: pages show its message) or one
// that cannot be read.
func (e Event) Decoded() (events.Detail, bool) {
	if e.Detail == "" {
		return nil, false
	}
	d, err := events.Decode(e.Type, e.Detail)
	return d, err == nil
}

// LegacyMessage returns the English message of an event whose detail cannot be read — written
// before migration 00034 in words the data migration 00035 could not read — which requester pages
// show in its place, and false for an event with a readable detail: pages say that one from its
// detail, in their language.
func (e Event) LegacyMessage() (string, bool) {
	if _, ok := e.Decoded(); ok {
		return "", false
	}
	return e.Message, true
}
