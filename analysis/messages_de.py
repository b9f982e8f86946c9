"""Deutsche Texte der Befunde (siehe :mod:`analysis.messages`)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "_resolved": ("Seit {resolved} nicht mehr beobachtet, vermutlich behoben:", ""),
    "sendgrid-domain-not-authenticated": (
        "{messages} Nachrichten ({share} % der SendGrid-Mails), die über SendGrid als "
        "{header_from} verschickt wurden, bestehen DMARC nicht: SendGrid signiert sie mit dem "
        "eigenen Namen (sendgrid.net) und verwendet die eigene Rücklaufadresse, weil die Domain "
        "im SendGrid-Konto nicht authentifiziert ist. SPF und DKIM «bestehen», aber für "
        "SendGrid, nicht für {domain}.",
        "Der Softwarehersteller muss im SendGrid-Konto die Domain-Authentifizierung (Domain "
        "Authentication) für {header_from} einrichten; die Praxis veröffentlicht danach die drei "
        "angezeigten DNS-Einträge (CNAME em…, s1._domainkey, s2._domainkey).",
    ),
    "sendgrid-authenticated-other-domain/fails": (
        "{messages} Nachrichten, die über SendGrid als {header_from} verschickt wurden, bestehen "
        "DMARC nicht: SendGrid signiert sie als {signing_domains} (Rücklauf {envelope_domains}), "
        "eine Domain, die nicht zu {header_from} passt. Das SendGrid-Konto verwendet eine andere "
        "authentifizierte Domain als Standard.",
        "Der Softwarehersteller muss {header_from} selbst in SendGrid authentifizieren (eine "
        "übergeordnete Domain deckt keine Subdomain ab) und für diese Mails verwenden.",
    ),
    "sendgrid-authenticated-other-domain/tree-walk": (
        "{messages} Nachrichten, die über SendGrid als {header_from} verschickt wurden, sind als "
        "{signing_domains} signiert. Empfänger mit der Public Suffix List akzeptieren das, "
        "Empfänger nach dem neuen DMARC-Standard (RFC 9989) nicht, weil {signing_domains} keinen "
        "eigenen DMARC-Eintrag hat.",
        "Entweder authentifiziert der Softwarehersteller {header_from} selbst in SendGrid, oder "
        "die Praxis veröffentlicht auch bei {signing_domains} einen DMARC-Eintrag.",
    ),
    "sendgrid-strict-spf/passes": (
        "Der DMARC-Eintrag von {domain} verlangt strikte SPF-Ausrichtung (aspf=s). SendGrids "
        "Rücklaufadresse {envelope_domains} kann nie genau {header_from} sein, SPF zählt also "
        "für {messages} Nachrichten nie. Sie bestehen noch dank DKIM, haben aber keine zweite "
        "Chance, wenn die Signatur bricht.",
        "aspf=s aus dem DMARC-Eintrag entfernen (locker ist der Standard) oder beim "
        "Softwarehersteller einen eigenen Rücklaufpfad gleich {header_from} einrichten lassen.",
    ),
    "sendgrid-strict-spf/fails": (
        "Der DMARC-Eintrag von {domain} verlangt strikte SPF-Ausrichtung (aspf=s). SendGrids "
        "Rücklaufadresse {envelope_domains} kann nie genau {header_from} sein, und die "
        "DKIM-Signatur hilft auch nicht: {failing} von {messages} Nachrichten bestehen DMARC "
        "nicht.",
        "aspf=s aus dem DMARC-Eintrag entfernen oder beim Softwarehersteller einen Rücklaufpfad "
        "gleich {header_from} und eine korrekte DKIM-Signatur in SendGrid einrichten lassen.",
    ),
    "m365-dkim-not-enabled/passes": (
        "{messages} Nachrichten aus Microsoft 365 sind nur als {signing_domains} signiert, nicht "
        "als {domain}: die DKIM-Signatur für die Praxis-Domain ist nicht eingeschaltet. Sie "
        "bestehen DMARC allein über SPF, das bei jeder Weiterleitung bricht.",
        "Im Microsoft 365 Defender-Portal (E-Mail-Authentifizierung, DKIM) die beiden "
        "CNAME-Einträge selector1/selector2 für {domain} veröffentlichen und DKIM einschalten.",
    ),
    "m365-dkim-not-enabled/fails": (
        "{messages} Nachrichten aus Microsoft 365 sind nur als {signing_domains} signiert, nicht "
        "als {domain}, und {failing} davon bestehen DMARC nicht: DKIM ist nicht eingeschaltet und "
        "SPF trägt sie nicht.",
        "DKIM für {domain} im Microsoft 365 Defender-Portal einschalten (zuerst die CNAMEs "
        "selector1/selector2 veröffentlichen) und prüfen, dass der SPF-Eintrag "
        "spf.protection.outlook.com einschliesst.",
    ),
    "google-dkim-not-enabled/passes": (
        "{messages} Nachrichten aus Google Workspace sind nur als {signing_domains} signiert, "
        "nicht als {domain}: DKIM ist für die Praxis-Domain nicht eingerichtet. Sie bestehen "
        "DMARC allein über SPF, das bei jeder Weiterleitung bricht.",
        "In der Google Admin-Konsole (Apps, Gmail, E-Mails authentifizieren) einen DKIM-Schlüssel "
        "für {domain} erzeugen, den TXT-Eintrag google._domainkey veröffentlichen und die "
        "Authentifizierung starten.",
    ),
    "google-dkim-not-enabled/fails": (
        "{messages} Nachrichten aus Google Workspace sind nur als {signing_domains} signiert, "
        "nicht als {domain}, und {failing} davon bestehen DMARC nicht.",
        "DKIM für {domain} in der Google Admin-Konsole einrichten und prüfen, dass der "
        "SPF-Eintrag _spf.google.com einschliesst.",
    ),
    "sender-aligned": (
        "{sender_name} sendet korrekt als {domain}: {pass_pct} % von {messages} Nachrichten "
        "bestehen DMARC (DKIM ausgerichtet {dkim_pct} %, SPF ausgerichtet {spf_pct} %).",
        "Nichts zu tun.",
    ),
    "sender-not-aligned": (
        "{sender_name} sendet als {domain}, aber nur {pass_pct} % von {messages} Nachrichten "
        "bestehen DMARC ({failing} nicht; DKIM ausgerichtet {dkim_pct} %, SPF ausgerichtet "
        "{spf_pct} %).",
        "Bei {sender_name} die DKIM-Signatur für {domain} einrichten und {sender_name} in den "
        "SPF-Eintrag aufnehmen, falls die Rücklaufadresse der Praxis verwendet wird.",
    ),
    "forwarding": (
        "{messages} Nachrichten kamen als weitergeleitete Kopien an (über {relays}). SPF kann "
        "nach einer Weiterleitung nicht bestehen; die ursprüngliche DKIM-Signatur blieb bei "
        "{dkim_survived} davon erhalten ({survived_pct} %).",
        "Nichts zu tun: das ist bei Weiterleitungen und Mailinglisten normal.",
    ),
    "spoofing": (
        "{messages} Nachrichten von {sources} unbekannten Quellen verwendeten {domain}, ohne SPF "
        "oder DKIM zu bestehen: jemand anderes sendet im Namen der Praxis. Mit der aktuellen "
        "Richtlinie (p={policy}) blockierten die Empfänger {blocked} davon ({blocked_pct} %).",
        "Sicherstellen, dass alle echten Absender ausgerichtet sind, dann die DMARC-Richtlinie "
        "auf p=quarantine und später p=reject setzen, damit solche Mails blockiert werden.",
    ),
    "spoofing/quarantine": (
        "{messages} Nachrichten von {sources} unbekannten Quellen verwendeten {domain}, ohne SPF "
        "oder DKIM zu bestehen: jemand anderes sendet im Namen der Praxis. Mit der aktuellen "
        "Richtlinie (p={policy}) blockierten die Empfänger {blocked} davon ({blocked_pct} %).",
        "Die Richtlinie verlangt bereits Quarantäne für solche Mails, doch die Empfänger lassen "
        "einen grossen Teil durch (pct=100 prüfen). Sobald alle echten Absender ausgerichtet "
        "sind, auf p=reject wechseln.",
    ),
    "spoofing/reject": (
        "{messages} Nachrichten von {sources} unbekannten Quellen verwendeten {domain}, ohne SPF "
        "oder DKIM zu bestehen: jemand anderes sendet im Namen der Praxis. Mit der aktuellen "
        "Richtlinie (p={policy}) blockierten die Empfänger {blocked} davon ({blocked_pct} %).",
        "Die Richtlinie verlangt bereits die Ablehnung solcher Mails; Empfänger, die sie "
        "zugestellt haben, wendeten ihre eigene lokale Richtlinie an. Im DNS ist nichts zu "
        "ändern: p=reject und pct=100 beibehalten.",
    ),
    "spoofing/info": (
        "{messages} Nachrichten von {sources} unbekannten Quellen verwendeten {domain}, ohne SPF "
        "oder DKIM zu bestehen; die Empfänger blockierten {blocked_pct} % davon "
        "({blocking_receivers}).",
        "Nichts zu tun: die DMARC-Richtlinie schützt die Domain.",
    ),
    "unknown-sender-passing": (
        "{messages} Nachrichten von {sources} Quellen, die dmarcwatch nicht kennt, bestehen DMARC "
        "als {domain} (signiert als {signing_domains}; Rücklauf {envelope_domains}; Hostnamen "
        "{rdns}). Ein Dienst, den niemand aufgeführt hat, sendet mit den Schlüsseln der Praxis.",
        "Herausfinden, welcher Dienst das ist. Gehört er Ihnen, bricht nichts; sonst seinen "
        "Eintrag aus dem SPF-Eintrag entfernen und seinen DKIM-Schlüssel widerrufen.",
    ),
    "receiver-rejected/legitimate": (
        "{receiver} hat {messages} Nachrichten von {domain} (gesendet über {senders}) "
        "abgewiesen; {dmarc_failed} davon bestanden DMARC bei p={policy} nicht. Diese "
        "Nachrichten kamen nicht an.",
        "Die Ausrichtung von {senders} korrigieren (siehe die anderen Befunde); bis dahin p=none "
        "erwägen.",
    ),
    "receiver-rejected/forwarded": (
        "{receiver} hat {messages} weitergeleitete Kopien von Mails von {domain} abgewiesen, "
        "deren Signatur die Weiterleitung nicht überstand ({senders}).",
        "Meist nichts zu tun: die ursprünglichen Nachrichten wurden zugestellt.",
    ),
    "receiver-rejected/spoofed": (
        "{receiver} hat {messages} gefälschte Nachrichten mit {domain} abgewiesen.",
        "Nichts zu tun: die DMARC-Richtlinie wirkt.",
    ),
    "receiver-quarantined/legitimate": (
        "{receiver} hat {messages} Nachrichten von {domain} (gesendet über {senders}) in "
        "den Spam-Ordner gelegt; {dmarc_failed} davon bestanden DMARC bei p={policy} nicht.",
        "Die Ausrichtung von {senders} korrigieren (siehe die anderen Befunde).",
    ),
    "receiver-quarantined/forwarded": (
        "{receiver} hat {messages} weitergeleitete Kopien von Mails von {domain} in den "
        "Spam-Ordner gelegt ({senders}).",
        "Meist nichts zu tun: die ursprünglichen Nachrichten wurden zugestellt.",
    ),
    "receiver-quarantined/spoofed": (
        "{receiver} hat {messages} gefälschte Nachrichten mit {domain} in den Spam-Ordner gelegt.",
        "Nichts zu tun: die DMARC-Richtlinie wirkt.",
    ),
    "reporter-disagrees": (
        "Bei {messages} Nachrichten weicht das DMARC-Urteil der Empfänger von der Prüfung durch "
        "dmarcwatch ab ({reporter_pass} trotz fehlender Ausrichtung angenommen, {reporter_fail} "
        "trotz Ausrichtung abgelehnt; {tree_explains} durch die RFC-9989-Baumsuche erklärt). "
        "Absender: {senders}.",
        "Meist nichts zu tun: Empfänger wenden eigene Regeln an. Wenn es anhält, mit den anderen "
        "Befunden vergleichen.",
    ),
    "tree-walk-differs": (
        "{messages} Nachrichten, die {senders} als {header_from} verschickt, bestehen DMARC nur, "
        "weil die Empfänger noch die Public Suffix List verwenden: die authentifizierten Domains "
        "({identities}) gehören nach dem neuen DMARC-Standard (RFC 9989), der DMARC-Einträge im "
        "DNS sucht, zu einer anderen Organisationsdomain.",
        "Auch bei der übergeordneten Domain einen DMARC-Eintrag veröffentlichen oder mit "
        "{header_from} selbst signieren und senden.",
    ),
    "policy-readiness/ready": (
        "{domain} ist bereit für eine strengere Richtlinie: jeder bekannte Absender hat in den "
        "letzten {days} Tagen für mindestens 99 % seiner Mails DMARC bestanden.",
        "Den DMARC-Eintrag von p={policy} auf p={next} ändern und die Berichte zwei Wochen lang "
        "beobachten.",
    ),
    "policy-readiness/enforced": (
        "{domain} ist mit p=reject geschützt, und jeder bekannte Absender besteht DMARC.",
        "Nichts zu tun. DMARC (RFC 9989) empfiehlt p=quarantine für Domains, deren Benutzer an "
        "Mailinglisten schreiben.",
    ),
    "policy-readiness/enforced-blocked": (
        "{domain} steht auf p=reject, aber bekannte Absender bestehen DMARC nicht, und ihre Mails "
        "werden abgewiesen: {blockers}.",
        "Diese Absender sofort korrigieren (siehe die anderen Befunde) oder die Richtlinie bis "
        "dahin auf p=none senken.",
    ),
    "policy-readiness/not-enough-data": (
        "Noch zu wenige Berichte, um {domain} zu beurteilen: {days} Tage Daten, {needed_days} "
        "nötig.",
        "Warten, bis die Berichte {needed_days} Tage abdecken.",
    ),
    "policy-readiness/blocked": (
        "{domain} kann p={policy} noch nicht verschärfen. Absender unter 99 % DMARC-Erfolg: "
        "{blockers}.",
        "Zuerst diese Absender korrigieren (siehe die anderen Befunde); p={policy} behalten, bis "
        "sie {needed_days} Tage lang bestehen.",
    ),
    "no-reports/never": (
        "Für {domain} ist noch nie ein DMARC-Sammelbericht eingegangen.",
        "Prüfen, dass der DMARC-Eintrag von {domain} eine rua=mailto:-Adresse enthält, die das "
        "Postfach von dmarcwatch erreicht; liegt sie in einer anderen Domain, muss diese den "
        "Autorisierungseintrag {domain}._report._dmarc.<ihre Domain> veröffentlichen.",
    ),
    "no-reports/stopped": (
        "Seit {days} Tagen kein DMARC-Sammelbericht für {domain} (letzter Berichtszeitraum "
        "{last_report}).",
        "Prüfen, dass der DMARC-Eintrag von {domain} noch die richtige rua=mailto:-Adresse "
        "enthält und, bei einer Adresse in einer anderen Domain, deren "
        "_report._dmarc-Autorisierung.",
    ),
}
