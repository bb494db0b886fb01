package views_test

import (
	"testing"

	"rightsdesk/events"
	"rightsdesk/views"
)

// Every event type has a name in the audit log's filter, once.
func TestEveryEventTypeHasALabel(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range views.EventTypes {
		if seen[e.Type] {
			t.Errorf("%s named twice", e.Type)
		}
		seen[e.Type] = true
	}
	for _, typ := range events.Types() {
		if !seen[typ] {
			t.Errorf("event type %s has no name in views.EventTypes", typ)
		}
	}
}
