package letters

import (
	"time"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
)

// Sample returns realistic data for letter k in lang, for previews on the admin page and for the
// tests: a Belgian controller with its address and company number, a requester living in France
// (so the guidance names both the APD/GBA and the CNIL), every date set, files, and an outcome for
// every kind. Staff's free text (outcomes, reasons, the question) is in lang, as staff would write it.
// A consent withdrawal has no case, so it has its own data (see consentSample).
func Sample(k Kind, lang string) Data {
	lang = Language(lang)
	if k == ConsentWithdrawn {
		return consentSample(lang)
	}
	t := sampleTexts[lang]
	brussels := deadline.DefaultLocation
	d := Data{
		Reference:     "DSR-2026-000042",
		RequesterName: "Chloé Martin",
		Language:      lang,
		Controller: Party{
			Name: "ESOMUS", Address: "Rue de l'Arbre à la Croix 293\n4460 Horion-Hozémont\nBelgique",
			CompanyNumber: "BE0723595056", Email: "privacy@esomus.com", Phone: "+32 4 265 61 92",
		},
		SiteName: "ESOMUS", SiteDomain: "esomus.com",
		Kinds:         []dsr.Kind{dsr.KindAccess, dsr.KindErasure, dsr.KindObjection},
		ReceivedOn:    deadline.NewDate(2026, 1, 31),
		DueOn:         deadline.NewDate(2026, 3, 2),
		VerifyURL:     "https://privacy.esomus.com/requests/verify/Vq3xJ8sWmZ2",
		VerifyBy:      time.Date(2026, 2, 14, 11, 0, 0, 0, brussels),
		StatusURL:     "https://privacy.esomus.com/r/k7PpT2wLx9",
		LeadAuthority: "BE", Residence: "FR",
		At:            time.Date(2026, 2, 20, 14, 5, 0, 0, brussels),
		Message:       t.question,
		NewRequestURL: "https://privacy.esomus.com/requests/new?site=esomus.com",

		StaffName: "Sam Peeters", Role: "staff",
		Link:        "https://privacy.esomus.com/staff/cases/DSR-2026-000042",
		LinkExpires: time.Date(2026, 3, 12, 11, 0, 0, 0, brussels),
		DaysLeft:    3,
	}
	switch k {
	case InfoRequest:
		d.ReplyBy = deadline.NewDate(2026, 2, 27)
	case ReplyAcknowledged:
		// Paused on 6 February, answered on 11 February: due 5 days later than 2 March.
		d.PausedOn, d.DueOn = deadline.NewDate(2026, 2, 6), deadline.NewDate(2026, 3, 5)
	case Extension:
		d.ExtendedDueOn, d.Reason = deadline.NewDate(2026, 4, 30), t.extension
	case Completed:
		d.Kinds = dsr.Kinds
		for _, dk := range dsr.Kinds {
			d.Outcomes = append(d.Outcomes, Outcome{Kind: dk, Outcome: t.outcomes[dk]})
		}
		d.Files = []File{{Name: "esomus-access-DSR-2026-000042.json", Size: "24 KB", For: dsr.KindAccess}, {Name: "esomus-portability-DSR-2026-000042.csv", Size: "3 KB", For: dsr.KindPortability}}
		d.FilesUntil = time.Date(2026, 3, 22, 14, 5, 0, 0, brussels)
	case Refused:
		d.Ground, d.RefusalGround, d.Reason = dsr.GroundExcessive, dsr.GroundExcessive.Label(), t.refusal
	case RestrictionLifting:
		d.Kinds = []dsr.Kind{dsr.KindRectification, dsr.KindRestriction}
		d.LiftsOn, d.Reason = deadline.NewDate(2026, 4, 15), t.lifting
	case Expired:
		d.At = d.VerifyBy
	case Invite:
		d.Role, d.LinkExpires = "manager", time.Date(2026, 3, 12, 11, 0, 0, 0, brussels)
		d.Link = "https://privacy.esomus.com/staff/password/Zt6QmW3rYh"
	case PasswordReset:
		d.LinkExpires = time.Date(2026, 3, 5, 12, 0, 0, 0, brussels)
		d.Link = "https://privacy.esomus.com/staff/password/Hx2NcV8pLq"
	case ReplyReceived:
		d.Message = t.reply
	case Escalation:
		d.DueOn, d.AssigneeName = deadline.NewDate(2026, 3, 2), "Sam Peeters"
		d.StaffName = "Ada Claes"
	case DeliveryFailed:
		d.FailedSubject = "Your request DSR-2026-000042 is answered"
		d.FailedRecipient = "chloe.martin@example.fr"
		d.FailedReason = "550 5.1.1 <chloe.martin@example.fr>: Recipient address rejected: User unknown in virtual mailbox table"
	}
	return d
}

// consentSample is a visitor withdrawing consent to analytics cookies on the public page: no case,
// no name, no status page, the receipt as reference; the caller knows only the controller's lead
// authority, not where the visitor lives. One third-party provider publishes an opt-out page, the
// other none. Nothing in it is staff's free text, so it is the same in every language.
func consentSample(lang string) Data {
	return Data{
		Reference: "CW-7KD2-M4QX",
		Language:  lang,
		Controller: Party{
			Name: "ESOMUS", Address: "Rue de l'Arbre à la Croix 293\n4460 Horion-Hozémont\nBelgique",
			CompanyNumber: "BE0723595056", Email: "privacy@esomus.com", Phone: "+32 4 265 61 92",
		},
		SiteName: "ESOMUS", SiteDomain: "esomus.com",
		LeadAuthority: "BE",
		At:            time.Date(2026, 2, 20, 14, 5, 0, 0, deadline.DefaultLocation),
		Categories:    []string{"analytics"},
		Cleared:       []string{"STCK_ID", "UID", "U2"},
		Identifiers:   []string{"STCK_ID: 9f2c41d0…"},
		// The usual case: the portal runs on the site's domain, the site has a webhook whose call
		// is under way when the letter is written, and a cookie banner.
		Webhook: "pending",
		Banner:  true,
		OptOuts: []OptOut{
			{Provider: "Google", URL: "https://tools.google.com/dlpage/gaoptout", Cookies: []string{"_ga", "_ga_*"}},
			{Provider: "Zendesk", Cookies: []string{"_zlc"}},
		},
	}
}

// sampleText is what staff would write in a language.
type sampleText struct {
	question, reply, extension, refusal string
	lifting                             string // why a restriction is lifted (Art. 18(3))
	outcomes                            map[dsr.Kind]string
}

var sampleTexts = map[string]sampleText{
	"en": {
		question:  "Which e-mail address did you use to subscribe to our newsletter?",
		reply:     "I used chloe.old@example.fr until 2024.",
		extension: "Your data is spread over three systems and two archives, one of which is kept by a subcontractor.",
		refusal:   "This is the fifth identical request in three months; we answered the previous four in full, and nothing has changed since.",
		lifting:   "The accuracy of your e-mail address, which you contested, has been verified with you: the address we hold is correct.",
		outcomes: map[dsr.Kind]string{
			dsr.KindAccess:            "Website analytics: 14 visits from your device, kept 13 months, used to measure traffic\nNewsletter: your address and subscription date, kept until you unsubscribe",
			dsr.KindRectification:     "CRM: name corrected to Chloé Martin\nNewsletter: address corrected",
			dsr.KindErasure:           "CRM: deleted\nNewsletter: deleted\nBackups: overwritten within 30 days",
			dsr.KindRestriction:       "CRM: record locked; used only to defend legal claims",
			dsr.KindPortability:       "Newsletter: your subscription data, in CSV",
			dsr.KindObjection:         "Marketing e-mails: stopped\nAnalytics profile: deleted",
			dsr.KindConsentWithdrawal: "Analytics cookies (STCK_ID): no longer set\nChat widget (__zlcmid): no longer loaded",
		},
	},
	"fr": {
		question:  "Quelle adresse e-mail avez-vous utilisée pour vous abonner à notre lettre d'information ?",
		reply:     "J'ai utilisé chloe.old@example.fr jusqu'en 2024.",
		extension: "Vos données sont réparties entre trois systèmes et deux archives, dont l'une est conservée par un sous-traitant.",
		refusal:   "Il s'agit de la cinquième demande identique en trois mois ; nous avons répondu intégralement aux quatre précédentes et rien n'a changé depuis.",
		lifting:   "L'exactitude de votre adresse e-mail, que vous contestiez, a été vérifiée avec vous : l'adresse que nous détenons est correcte.",
		outcomes: map[dsr.Kind]string{
			dsr.KindAccess:            "Statistiques du site : 14 visites depuis votre appareil, conservées 13 mois, pour mesurer l'audience\nLettre d'information : votre adresse et la date d'inscription, conservées jusqu'à votre désinscription",
			dsr.KindRectification:     "CRM : nom corrigé en Chloé Martin\nLettre d'information : adresse corrigée",
			dsr.KindErasure:           "CRM : supprimé\nLettre d'information : supprimé\nSauvegardes : écrasées sous 30 jours",
			dsr.KindRestriction:       "CRM : fiche verrouillée ; utilisée uniquement pour la défense de droits en justice",
			dsr.KindPortability:       "Lettre d'information : vos données d'inscription, au format CSV",
			dsr.KindObjection:         "E-mails de prospection : arrêtés\nProfil statistique : supprimé",
			dsr.KindConsentWithdrawal: "Cookies de mesure d'audience (STCK_ID) : plus déposés\nWidget de discussion (__zlcmid) : plus chargé",
		},
	},
	"nl": {
		question:  "Met welk e-mailadres hebt u zich ingeschreven op onze nieuwsbrief?",
		reply:     "Ik gebruikte chloe.old@example.fr tot 2024.",
		extension: "Uw gegevens zijn verspreid over drie systemen en twee archieven, waarvan er één door een verwerker wordt bewaard.",
		refusal:   "Dit is het vijfde identieke verzoek in drie maanden; wij hebben de vorige vier volledig beantwoord en sindsdien is er niets veranderd.",
		lifting:   "De juistheid van uw e-mailadres, die u betwistte, werd samen met u nagegaan: het adres dat wij bewaren is juist.",
		outcomes: map[dsr.Kind]string{
			dsr.KindAccess:            "Websitestatistieken: 14 bezoeken vanaf uw toestel, 13 maanden bewaard, om het bezoek te meten\nNieuwsbrief: uw adres en inschrijvingsdatum, bewaard tot u zich uitschrijft",
			dsr.KindRectification:     "CRM: naam verbeterd in Chloé Martin\nNieuwsbrief: adres verbeterd",
			dsr.KindErasure:           "CRM: gewist\nNieuwsbrief: gewist\nBack-ups: binnen 30 dagen overschreven",
			dsr.KindRestriction:       "CRM: fiche vergrendeld; alleen gebruikt voor de verdediging van rechtsvorderingen",
			dsr.KindPortability:       "Nieuwsbrief: uw inschrijvingsgegevens, in CSV",
			dsr.KindObjection:         "Marketingmails: stopgezet\nStatistisch profiel: gewist",
			dsr.KindConsentWithdrawal: "Statistiekcookies (STCK_ID): worden niet meer geplaatst\nChatwidget (__zlcmid): wordt niet meer geladen",
		},
	},
	"de": {
		question:  "Mit welcher E-Mail-Adresse haben Sie unseren Newsletter abonniert?",
		reply:     "Ich habe bis 2024 chloe.old@example.fr verwendet.",
		extension: "Ihre Daten sind auf drei Systeme und zwei Archive verteilt, von denen eines bei einem Auftragsverarbeiter liegt.",
		refusal:   "Dies ist der fünfte gleichlautende Antrag innerhalb von drei Monaten; die vorigen vier haben wir vollständig beantwortet, und seitdem hat sich nichts geändert.",
		lifting:   "Die Richtigkeit Ihrer E-Mail-Adresse, die Sie bestritten hatten, wurde mit Ihnen überprüft: Die bei uns gespeicherte Adresse ist korrekt.",
		outcomes: map[dsr.Kind]string{
			dsr.KindAccess:            "Website-Statistik: 14 Besuche von Ihrem Gerät, 13 Monate gespeichert, zur Reichweitenmessung\nNewsletter: Ihre Adresse und das Anmeldedatum, gespeichert bis zur Abmeldung",
			dsr.KindRectification:     "CRM: Name berichtigt in Chloé Martin\nNewsletter: Adresse berichtigt",
			dsr.KindErasure:           "CRM: gelöscht\nNewsletter: gelöscht\nSicherungen: innerhalb von 30 Tagen überschrieben",
			dsr.KindRestriction:       "CRM: Datensatz gesperrt; nur zur Verteidigung von Rechtsansprüchen verwendet",
			dsr.KindPortability:       "Newsletter: Ihre Anmeldedaten, im CSV-Format",
			dsr.KindObjection:         "Werbe-E-Mails: eingestellt\nStatistikprofil: gelöscht",
			dsr.KindConsentWithdrawal: "Statistik-Cookies (STCK_ID): werden nicht mehr gesetzt\nChat-Widget (__zlcmid): wird nicht mehr geladen",
		},
	},
}
