package handlers

import (
	"testing"

	"rightsdesk/models"
)

// TestDomainOf: a consent withdrawal on the portal under any of the site's domains expires the
// cookies set for that domain.
func TestDomainOf(t *testing.T) {
	site := models.Site{Domain: "shop.acme.example", OtherDomains: "www.acme-shop.be\nacme.nl"}
	for host, want := range map[string]string{
		"privacy.acme-shop.be:8443": "www.acme-shop.be", "acme.nl": "acme.nl", "rights.acme.example": "shop.acme.example",
		"portal.other.example": "shop.acme.example", "127.0.0.1:8080": "shop.acme.example",
	} {
		if got := domainOf(site, host); got != want {
			t.Errorf("domainOf(%q) = %q, want %q", host, got, want)
		}
	}
}
