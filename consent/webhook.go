package consent

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"rightsdesk/models"
)

// Webhook headers. The delivery id is the same on every retry, so that a site can drop a call it
// already acted on.
const (
	HeaderSignature = "Rightsdesk-Signature" // t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
	HeaderDelivery  = "Rightsdesk-Delivery"
	EventWithdrawn  = "consent.withdrawn"
)

// Event is the body of a webhook call and of each withdrawal in an API answer.
type Event struct {
	Type        string       `json:"type,omitempty"`
	Delivery    int64        `json:"delivery,omitempty"`
	Site        string       `json:"site,omitempty"`
	Receipt     string       `json:"receipt"`
	WithdrawnAt time.Time    `json:"withdrawn_at"`
	Scope       string       `json:"scope"`
	Categories  []string     `json:"categories"`
	Identifiers []Identifier `json:"identifiers"`
}

// Identifier is a cookie value a withdrawal applies to, with how the portal learned it.
type Identifier struct {
	Cookie     string `json:"cookie"`
	Value      string `json:"value"`
	Provenance string `json:"provenance"`
}

// EventOf describes a withdrawal for the site.
func EventOf(w models.ConsentWithdrawal) Event {
	e := Event{Receipt: w.Receipt, WithdrawnAt: w.WithdrawnAt.UTC(), Scope: w.Scope,
		Categories: w.CategoryList(), Identifiers: []Identifier{}}
	for _, id := range w.Identifiers {
		e.Identifiers = append(e.Identifiers, Identifier{Cookie: id.CookieName, Value: id.Value, Provenance: string(id.Provenance)})
	}
	return e
}

// WebhookBody is the JSON a site receives for a withdrawal.
func WebhookBody(w models.ConsentWithdrawal, site string, delivery int64) ([]byte, error) {
	e := EventOf(w)
	e.Type, e.Delivery, e.Site = EventWithdrawn, delivery, site
	return json.Marshal(e)
}

// Sign returns the signature header of body sent at t. The timestamp is signed with the body so
// that a captured call cannot be replayed later with a fresh one.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Errors of Verify.
var (
	ErrSignatureMalformed = errors.New("webhook signature header malformed")
	ErrSignatureMismatch  = errors.New("webhook signature does not match the body")
	ErrSignatureStale     = errors.New("webhook signature too old or from the future")
)

// Verify checks a signature header as a site's receiver should: the HMAC over the timestamp and the
// exact body, in constant time, and the timestamp within tolerance of now.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sig) != sha256.Size*2 {
		return ErrSignatureMalformed
	}
	if !hmac.Equal([]byte(sig), []byte(mac(secret, ts, body))) {
		return ErrSignatureMismatch
	}
	if d := now.Sub(time.Unix(t, 0)); d > tolerance || d < -tolerance {
		return ErrSignatureStale
	}
	return nil
}
