"""Testi italiani delle constatazioni (vedi :mod:`analysis.messages`)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "_resolved": ("Non più osservato dal {resolved}, probabilmente risolto:", ""),
    "sendgrid-domain-not-authenticated": (
        "{messages} messaggi ({share} % della posta SendGrid) inviati come {header_from} tramite "
        "SendGrid non superano DMARC: SendGrid li firma con il proprio nome (sendgrid.net) e usa "
        "il proprio indirizzo di ritorno, perché il dominio non è autenticato nell'account "
        "SendGrid. SPF e DKIM risultano «pass», ma per SendGrid, non per {domain}.",
        "Il fornitore del software deve configurare la Domain Authentication per {header_from} "
        "nell'account SendGrid che invia la posta dello studio; lo studio pubblica poi i tre "
        "record DNS indicati da SendGrid (CNAME em…, s1._domainkey, s2._domainkey).",
    ),
    "sendgrid-authenticated-other-domain/fails": (
        "{messages} messaggi inviati come {header_from} tramite SendGrid non superano DMARC: "
        "SendGrid li firma come {signing_domains} (indirizzo di ritorno {envelope_domains}), un "
        "dominio che non corrisponde a {header_from}. L'account SendGrid usa come predefinito un "
        "altro dominio autenticato.",
        "Il fornitore del software deve autenticare in SendGrid proprio {header_from} (un dominio "
        "padre non copre i suoi sottodomini) e fare in modo che la posta di {header_from} lo usi.",
    ),
    "sendgrid-authenticated-other-domain/tree-walk": (
        "{messages} messaggi inviati come {header_from} tramite SendGrid sono firmati come "
        "{signing_domains}. I destinatari che usano ancora la Public Suffix List lo accettano, "
        "ma quelli che seguono il nuovo standard DMARC (RFC 9989) no, perché {signing_domains} "
        "non ha un proprio record DMARC.",
        "O il fornitore del software autentica proprio {header_from} in SendGrid, oppure lo "
        "studio pubblica un record DMARC anche su {signing_domains}.",
    ),
    "sendgrid-strict-spf/passes": (
        "Il record DMARC di {domain} richiede un allineamento SPF rigoroso (aspf=s). L'indirizzo "
        "di ritorno di SendGrid {envelope_domains} non può mai corrispondere esattamente a "
        "{header_from}, quindi SPF non conta mai per {messages} messaggi. Superano comunque DMARC "
        "grazie a DKIM, ma non hanno una seconda possibilità se la firma non è più valida.",
        "Togliete aspf=s dal record DMARC (il valore predefinito è relaxed), oppure chiedete al "
        "fornitore del software di impostare in SendGrid un indirizzo di ritorno personalizzato "
        "uguale a {header_from}.",
    ),
    "sendgrid-strict-spf/fails": (
        "Il record DMARC di {domain} richiede un allineamento SPF rigoroso (aspf=s). L'indirizzo "
        "di ritorno di SendGrid {envelope_domains} non può mai corrispondere esattamente a "
        "{header_from}, e nemmeno la firma DKIM aiuta: {failing} messaggi su {messages} non "
        "superano DMARC.",
        "Togliete aspf=s dal record DMARC, oppure chiedete al fornitore del software di impostare "
        "un indirizzo di ritorno personalizzato uguale a {header_from} e di correggere la firma "
        "DKIM in SendGrid.",
    ),
    "m365-dkim-not-enabled/passes": (
        "{messages} messaggi da Microsoft 365 sono firmati solo come {signing_domains}, non come "
        "{domain}: la firma DKIM per il dominio dello studio non è attivata. Superano DMARC solo "
        "grazie a SPF, che non funziona più appena la posta viene inoltrata.",
        "Nel portale Microsoft 365 Defender (impostazioni di autenticazione della posta, DKIM) "
        "pubblicate i due record CNAME selector1/selector2 per {domain} e attivate la firma DKIM.",
    ),
    "m365-dkim-not-enabled/fails": (
        "{messages} messaggi da Microsoft 365 sono firmati solo come {signing_domains}, non come "
        "{domain}, e {failing} di essi non superano DMARC: la firma DKIM per il dominio dello "
        "studio non è attivata e SPF non basta a farli passare.",
        "Attivate DKIM per {domain} nel portale Microsoft 365 Defender (pubblicate prima i CNAME "
        "selector1/selector2) e verificate che il record SPF includa "
        "spf.protection.outlook.com.",
    ),
    "google-dkim-not-enabled/passes": (
        "{messages} messaggi da Google Workspace sono firmati solo come {signing_domains}, non "
        "come {domain}: DKIM non è configurato per il dominio dello studio. Superano DMARC solo "
        "grazie a SPF, che non funziona più appena la posta viene inoltrata.",
        "Nella Console di amministrazione Google (App, Gmail, Autentica email) generate una "
        "chiave DKIM per {domain}, pubblicate il record TXT google._domainkey e avviate "
        "l'autenticazione.",
    ),
    "google-dkim-not-enabled/fails": (
        "{messages} messaggi da Google Workspace sono firmati solo come {signing_domains}, non "
        "come {domain}, e {failing} di essi non superano DMARC.",
        "Configurate DKIM per {domain} nella Console di amministrazione Google (App, Gmail, "
        "Autentica email) e verificate che il record SPF includa _spf.google.com.",
    ),
    "sender-aligned": (
        "{sender_name} invia correttamente come {domain}: il {pass_pct} % dei {messages} "
        "messaggi supera DMARC (DKIM allineato {dkim_pct} %, SPF allineato {spf_pct} %).",
        "Nessun intervento necessario.",
    ),
    "sender-not-aligned": (
        "{sender_name} invia come {domain}, ma solo il {pass_pct} % dei {messages} messaggi "
        "supera DMARC ({failing} non lo superano; DKIM allineato {dkim_pct} %, SPF allineato "
        "{spf_pct} %).",
        "Configurate presso {sender_name} la firma DKIM per {domain} e includete {sender_name} "
        "nel record SPF se usa l'indirizzo di ritorno dello studio.",
    ),
    "forwarding": (
        "{messages} messaggi sono arrivati ai destinatari come copie inoltrate (tramite "
        "{relays}). Dopo un inoltro, SPF non può essere superato; la firma DKIM originale è "
        "rimasta valida in {dkim_survived} di essi ({survived_pct} %).",
        "Nessun intervento necessario: è normale per la posta inoltrata e le mailing list.",
    ),
    "spoofing": (
        "{messages} messaggi da {sources} fonti sconosciute hanno usato {domain} senza superare "
        "SPF né DKIM: qualcun altro invia a nome dello studio. Con il criterio attuale "
        "(p={policy}) i destinatari ne hanno bloccati {blocked} ({blocked_pct} %).",
        "Verificate che tutti i mittenti legittimi siano allineati, poi portate il criterio "
        "DMARC a p=quarantine e in seguito a p=reject, perché i destinatari blocchino questi "
        "messaggi.",
    ),
    "spoofing/quarantine": (
        "{messages} messaggi da {sources} fonti sconosciute hanno usato {domain} senza superare "
        "SPF né DKIM: qualcun altro invia a nome dello studio. Con il criterio attuale "
        "(p={policy}) i destinatari ne hanno bloccati {blocked} ({blocked_pct} %).",
        "Il criterio chiede già ai destinatari di mettere in quarantena questi messaggi, eppure "
        "ne lasciano passare molti (verificate che ci sia pct=100). Quando tutti i mittenti "
        "legittimi saranno allineati, passate a p=reject.",
    ),
    "spoofing/reject": (
        "{messages} messaggi da {sources} fonti sconosciute hanno usato {domain} senza superare "
        "SPF né DKIM: qualcun altro invia a nome dello studio. Con il criterio attuale "
        "(p={policy}) i destinatari ne hanno bloccati {blocked} ({blocked_pct} %).",
        "Il criterio chiede già ai destinatari di rifiutare questi messaggi; chi li ha consegnati "
        "ha applicato un proprio criterio locale. Nel DNS non c'è nulla da cambiare: mantenete "
        "p=reject e pct=100.",
    ),
    "spoofing/info": (
        "{messages} messaggi da {sources} fonti sconosciute hanno usato {domain} senza superare "
        "SPF né DKIM; i destinatari ne hanno bloccato il {blocked_pct} % ({blocking_receivers}).",
        "Nessun intervento necessario: il criterio DMARC protegge il dominio.",
    ),
    "unknown-sender-passing": (
        "{messages} messaggi da {sources} fonti che dmarcwatch non riconosce superano DMARC come "
        "{domain} (firmati come {signing_domains}; indirizzo di ritorno {envelope_domains}; nomi "
        "host {rdns}). Un servizio che nessuno ha dichiarato invia con le chiavi dello studio.",
        "Scoprite di quale servizio si tratta. Se è vostro, non c'è nulla da correggere; "
        "altrimenti togliete la sua voce dal record SPF e revocate la sua chiave DKIM.",
    ),
    "receiver-rejected/legitimate": (
        "{messages} messaggi di {domain} inviati da {senders} sono stati rifiutati da "
        "{receiver}; {dmarc_failed} di essi non hanno superato DMARC con p={policy}. Questi "
        "messaggi non sono arrivati.",
        "Correggete l'allineamento di {senders} (vedi le altre constatazioni); nel frattempo "
        "valutate p=none.",
    ),
    "receiver-rejected/forwarded": (
        "{messages} copie inoltrate di messaggi di {domain}, la cui firma non è rimasta valida "
        "dopo l'inoltro, sono state rifiutate da {receiver} ({senders}).",
        "Di solito non serve alcun intervento: i messaggi originali sono stati consegnati.",
    ),
    "receiver-rejected/spoofed": (
        "{messages} messaggi falsificati che usavano {domain} sono stati rifiutati da {receiver}.",
        "Nessun intervento necessario: il criterio DMARC funziona.",
    ),
    "receiver-quarantined/legitimate": (
        "{messages} messaggi di {domain} inviati da {senders} sono stati messi nella cartella "
        "spam da {receiver}; {dmarc_failed} di essi non hanno superato DMARC con p={policy}.",
        "Correggete l'allineamento di {senders} (vedi le altre constatazioni).",
    ),
    "receiver-quarantined/forwarded": (
        "{messages} copie inoltrate di messaggi di {domain} sono state messe nella cartella spam "
        "da {receiver} ({senders}).",
        "Di solito non serve alcun intervento: i messaggi originali sono stati consegnati.",
    ),
    "receiver-quarantined/spoofed": (
        "{messages} messaggi falsificati che usavano {domain} sono stati messi nella cartella "
        "spam da {receiver}.",
        "Nessun intervento necessario: il criterio DMARC funziona.",
    ),
    "reporter-disagrees": (
        "Per {messages} messaggi il verdetto DMARC dei destinatari differisce dalla verifica di "
        "dmarcwatch ({reporter_pass} considerati superati dal destinatario pur non essendo "
        "allineati, {reporter_fail} considerati non superati pur essendo allineati; "
        "{tree_explains} spiegati dalla ricerca ad albero della RFC 9989). Mittenti: {senders}.",
        "Di solito non serve alcun intervento: i destinatari applicano regole proprie. Se la "
        "situazione persiste, confrontate con le altre constatazioni.",
    ),
    "tree-walk-differs": (
        "{messages} messaggi inviati come {header_from} da {senders} superano DMARC solo perché "
        "i destinatari usano ancora la Public Suffix List: i domini autenticati ({identities}) "
        "appartengono a un altro dominio organizzativo secondo il nuovo standard DMARC "
        "(RFC 9989), che cerca invece i record DMARC nel DNS.",
        "Pubblicate un record DMARC anche sul dominio padre, oppure firmate e inviate con "
        "{header_from} stesso.",
    ),
    "policy-readiness/ready": (
        "{domain} è pronto per un criterio più severo: negli ultimi {days} giorni ogni mittente "
        "noto ha superato DMARC per almeno il 99 % della sua posta.",
        "Modificate il record DMARC da p={policy} a p={next}, poi tenete d'occhio i rapporti per "
        "due settimane.",
    ),
    "policy-readiness/enforced": (
        "{domain} è protetto con p=reject e ogni mittente noto supera DMARC.",
        "Nessun intervento necessario. Notate che DMARC (RFC 9989) consiglia p=quarantine per i "
        "domini i cui utenti scrivono a mailing list.",
    ),
    "policy-readiness/enforced-blocked": (
        "{domain} usa p=reject, ma alcuni mittenti noti non superano DMARC, quindi i destinatari "
        "rifiutano la loro posta: {blockers}.",
        "Correggete subito questi mittenti (vedi le altre constatazioni), oppure abbassate il "
        "criterio a p=none finché non superano DMARC.",
    ),
    "policy-readiness/not-enough-data": (
        "Non ci sono ancora abbastanza rapporti per valutare {domain}: {days} giorni di dati, ne "
        "servono {needed_days}.",
        "Attendete che i rapporti coprano {needed_days} giorni.",
    ),
    "policy-readiness/blocked": (
        "{domain} non può ancora passare da p={policy} a un criterio più severo. Mittenti con meno "
        "del 99 % di messaggi che superano DMARC: {blockers}.",
        "Correggete prima questi mittenti (vedi le altre constatazioni); mantenete p={policy} "
        "finché non superano DMARC per {needed_days} giorni.",
    ),
    "no-reports/never": (
        "Per {domain} non è mai arrivato alcun rapporto aggregato DMARC.",
        "Verificate che il record DMARC di {domain} contenga un indirizzo rua=mailto: che arrivi "
        "alla casella di posta di dmarcwatch; se l'indirizzo è in un altro dominio, quel dominio "
        "deve pubblicare il record di autorizzazione {domain}._report._dmarc.<suo dominio>.",
    ),
    "no-reports/stopped": (
        "Nessun rapporto aggregato DMARC per {domain} da {days} giorni (ultimo periodo coperto: "
        "{last_report}).",
        "Verificate che il record DMARC di {domain} contenga ancora l'indirizzo rua=mailto: "
        "corretto e, per un indirizzo in un altro dominio, il relativo record di autorizzazione "
        "_report._dmarc.",
    ),
}
