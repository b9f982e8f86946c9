"""Textes français des constats (voir :mod:`analysis.messages`)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "_resolved": ("Plus observé depuis le {resolved}, probablement corrigé :", ""),
    "sendgrid-domain-not-authenticated": (
        "{messages} messages ({share} % du courrier SendGrid) envoyés au nom de {header_from} "
        "via SendGrid échouent à DMARC : SendGrid les signe à son propre nom (sendgrid.net) et "
        "utilise sa propre adresse de retour, car le domaine n'est pas authentifié dans le "
        "compte SendGrid. SPF et DKIM « passent », mais pour SendGrid, pas pour {domain}.",
        "L'éditeur du logiciel doit configurer l'authentification de domaine (Domain "
        "Authentication) pour {header_from} dans le compte SendGrid ; le cabinet publie ensuite "
        "les trois enregistrements DNS (CNAME em…, s1._domainkey, s2._domainkey) indiqués.",
    ),
    "sendgrid-authenticated-other-domain/fails": (
        "{messages} messages envoyés au nom de {header_from} via SendGrid échouent à DMARC : "
        "SendGrid les signe comme {signing_domains} (retour {envelope_domains}), un domaine qui "
        "ne correspond pas à {header_from}. Le compte SendGrid utilise par défaut un autre "
        "domaine authentifié.",
        "L'éditeur du logiciel doit authentifier {header_from} lui-même dans SendGrid (un "
        "domaine parent ne couvre pas un sous-domaine) et l'utiliser pour ce courrier.",
    ),
    "sendgrid-authenticated-other-domain/tree-walk": (
        "{messages} messages envoyés au nom de {header_from} via SendGrid sont signés comme "
        "{signing_domains}. Les destinataires qui utilisent encore la Public Suffix List "
        "l'acceptent, mais pas ceux qui suivent la nouvelle norme DMARC (RFC 9989), car "
        "{signing_domains} n'a pas son propre enregistrement DMARC.",
        "Soit l'éditeur authentifie {header_from} lui-même dans SendGrid, soit le cabinet "
        "publie aussi un enregistrement DMARC pour {signing_domains}.",
    ),
    "sendgrid-strict-spf/passes": (
        "L'enregistrement DMARC de {domain} exige un alignement SPF strict (aspf=s). L'adresse "
        "de retour de SendGrid {envelope_domains} ne peut jamais être identique à {header_from} : "
        "SPF ne compte jamais pour {messages} messages. Ils passent encore grâce à DKIM, mais "
        "sans seconde chance si la signature est cassée.",
        "Retirer aspf=s de l'enregistrement DMARC (le mode relâché est la valeur par défaut), ou "
        "demander à l'éditeur une adresse de retour personnalisée égale à {header_from}.",
    ),
    "sendgrid-strict-spf/fails": (
        "L'enregistrement DMARC de {domain} exige un alignement SPF strict (aspf=s). L'adresse "
        "de retour de SendGrid {envelope_domains} ne peut jamais être identique à {header_from}, "
        "et la signature DKIM n'aide pas non plus : {failing} messages sur {messages} échouent "
        "à DMARC.",
        "Retirer aspf=s de l'enregistrement DMARC, ou demander à l'éditeur une adresse de retour "
        "égale à {header_from} et une signature DKIM correcte dans SendGrid.",
    ),
    "m365-dkim-not-enabled/passes": (
        "{messages} messages de Microsoft 365 ne sont signés que comme {signing_domains}, pas "
        "comme {domain} : la signature DKIM du domaine du cabinet n'est pas activée. Ils passent "
        "DMARC grâce au seul SPF, qui échoue dès que le courrier est transféré.",
        "Dans le portail Microsoft 365 Defender (paramètres d'authentification, DKIM), publier "
        "les deux CNAME selector1/selector2 pour {domain} et activer la signature DKIM.",
    ),
    "m365-dkim-not-enabled/fails": (
        "{messages} messages de Microsoft 365 ne sont signés que comme {signing_domains}, pas "
        "comme {domain}, et {failing} d'entre eux échouent à DMARC : la signature DKIM n'est pas "
        "activée et SPF ne les couvre pas.",
        "Activer DKIM pour {domain} dans le portail Microsoft 365 Defender (publier d'abord les "
        "CNAME selector1/selector2) et vérifier que l'enregistrement SPF inclut "
        "spf.protection.outlook.com.",
    ),
    "google-dkim-not-enabled/passes": (
        "{messages} messages de Google Workspace ne sont signés que comme {signing_domains}, pas "
        "comme {domain} : DKIM n'est pas configuré pour le domaine du cabinet. Ils passent DMARC "
        "grâce au seul SPF, qui échoue dès que le courrier est transféré.",
        "Dans la console d'administration Google (Applications, Gmail, Authentifier les e-mails), "
        "générer une clé DKIM pour {domain}, publier l'enregistrement TXT google._domainkey et "
        "lancer l'authentification.",
    ),
    "google-dkim-not-enabled/fails": (
        "{messages} messages de Google Workspace ne sont signés que comme {signing_domains}, pas "
        "comme {domain}, et {failing} d'entre eux échouent à DMARC.",
        "Configurer DKIM pour {domain} dans la console d'administration Google et vérifier que "
        "l'enregistrement SPF inclut _spf.google.com.",
    ),
    "sender-aligned": (
        "{sender_name} envoie correctement au nom de {domain} : {pass_pct} % de {messages} "
        "messages passent DMARC (DKIM aligné {dkim_pct} %, SPF aligné {spf_pct} %).",
        "Rien à faire.",
    ),
    "sender-not-aligned": (
        "{sender_name} envoie au nom de {domain}, mais seuls {pass_pct} % de {messages} messages "
        "passent DMARC ({failing} échouent ; DKIM aligné {dkim_pct} %, SPF aligné {spf_pct} %).",
        "Configurer la signature DKIM de {domain} chez {sender_name}, et inclure {sender_name} "
        "dans l'enregistrement SPF s'il utilise l'adresse de retour du cabinet.",
    ),
    "forwarding": (
        "{messages} messages sont arrivés comme copies transférées (via {relays}). SPF ne peut "
        "pas passer après un transfert ; la signature DKIM d'origine a survécu sur "
        "{dkim_survived} d'entre eux ({survived_pct} %).",
        "Rien à faire : c'est normal pour le courrier transféré et les listes de diffusion.",
    ),
    "spoofing": (
        "{messages} messages de {sources} sources inconnues ont utilisé {domain} sans passer SPF "
        "ni DKIM : quelqu'un d'autre envoie au nom du cabinet. Avec la politique actuelle "
        "(p={policy}), les destinataires en ont bloqué {blocked} ({blocked_pct} %).",
        "Vérifier que tous les vrais expéditeurs sont alignés, puis passer la politique DMARC à "
        "p=quarantine et plus tard à p=reject pour que ce courrier soit bloqué.",
    ),
    "spoofing/quarantine": (
        "{messages} messages de {sources} sources inconnues ont utilisé {domain} sans passer SPF "
        "ni DKIM : quelqu'un d'autre envoie au nom du cabinet. Avec la politique actuelle "
        "(p={policy}), les destinataires en ont bloqué {blocked} ({blocked_pct} %).",
        "La politique demande déjà de mettre ce courrier en quarantaine, mais les destinataires "
        "en laissent passer une grande partie (vérifier pct=100). Une fois tous les vrais "
        "expéditeurs alignés, passer à p=reject.",
    ),
    "spoofing/reject": (
        "{messages} messages de {sources} sources inconnues ont utilisé {domain} sans passer SPF "
        "ni DKIM : quelqu'un d'autre envoie au nom du cabinet. Avec la politique actuelle "
        "(p={policy}), les destinataires en ont bloqué {blocked} ({blocked_pct} %).",
        "La politique demande déjà de rejeter ce courrier ; les destinataires qui l'ont distribué "
        "ont appliqué leur propre politique locale. Rien à changer dans le DNS : garder "
        "p=reject et pct=100.",
    ),
    "spoofing/info": (
        "{messages} messages de {sources} sources inconnues ont utilisé {domain} sans passer SPF "
        "ni DKIM ; les destinataires en ont bloqué {blocked_pct} % ({blocking_receivers}).",
        "Rien à faire : la politique DMARC protège le domaine.",
    ),
    "unknown-sender-passing": (
        "{messages} messages de {sources} sources que dmarcwatch ne reconnaît pas passent DMARC "
        "au nom de {domain} (signés comme {signing_domains} ; retour {envelope_domains} ; noms "
        "d'hôte {rdns}). Un service que personne n'a déclaré envoie avec les clés du cabinet.",
        "Identifier ce service. S'il est le vôtre, rien ne casse ; sinon, retirer son entrée de "
        "l'enregistrement SPF et révoquer sa clé DKIM.",
    ),
    "receiver-rejected/legitimate": (
        "{receiver} a refusé {messages} messages de {domain} envoyés par {senders} ; "
        "{dmarc_failed} d'entre eux échouent à DMARC avec p={policy}. Ces messages ne sont pas "
        "arrivés.",
        "Corriger l'alignement de {senders} (voir les autres constats) ; d'ici là, envisager "
        "p=none.",
    ),
    "receiver-rejected/forwarded": (
        "{receiver} a refusé {messages} copies transférées de courrier de {domain} dont la "
        "signature n'a pas survécu au transfert ({senders}).",
        "En général rien à faire : les messages d'origine ont été distribués.",
    ),
    "receiver-rejected/spoofed": (
        "{receiver} a refusé {messages} messages usurpant {domain}.",
        "Rien à faire : la politique DMARC fonctionne.",
    ),
    "receiver-quarantined/legitimate": (
        "{receiver} a placé dans les indésirables {messages} messages de {domain} envoyés par "
        "{senders} ; {dmarc_failed} d'entre eux échouent à DMARC avec p={policy}.",
        "Corriger l'alignement de {senders} (voir les autres constats).",
    ),
    "receiver-quarantined/forwarded": (
        "{receiver} a placé {messages} copies transférées de courrier de {domain} dans les "
        "indésirables ({senders}).",
        "En général rien à faire : les messages d'origine ont été distribués.",
    ),
    "receiver-quarantined/spoofed": (
        "{receiver} a placé {messages} messages usurpant {domain} dans les indésirables.",
        "Rien à faire : la politique DMARC fonctionne.",
    ),
    "reporter-disagrees": (
        "Pour {messages} messages, le verdict DMARC des destinataires diffère de la vérification "
        "de dmarcwatch ({reporter_pass} acceptés bien que non alignés, {reporter_fail} refusés "
        "bien qu'alignés ; {tree_explains} expliqués par la recherche arborescente RFC 9989). "
        "Expéditeurs : {senders}.",
        "En général rien à faire : les destinataires appliquent leurs propres règles. Si cela "
        "dure, comparer avec les autres constats.",
    ),
    "tree-walk-differs": (
        "{messages} messages envoyés au nom de {header_from} par {senders} ne passent DMARC que "
        "parce que les destinataires utilisent encore la Public Suffix List : les domaines "
        "authentifiés ({identities}) appartiennent à un autre domaine organisationnel selon la "
        "nouvelle norme DMARC (RFC 9989), qui cherche les enregistrements DMARC dans le DNS.",
        "Publier aussi un enregistrement DMARC sur le domaine parent, ou signer et envoyer avec "
        "{header_from} lui-même.",
    ),
    "policy-readiness/ready": (
        "{domain} est prêt pour une politique plus stricte : chaque expéditeur connu a passé "
        "DMARC pour au moins 99 % de son courrier pendant les {days} derniers jours.",
        "Changer l'enregistrement DMARC de p={policy} à p={next}, puis surveiller les rapports "
        "pendant deux semaines.",
    ),
    "policy-readiness/enforced": (
        "{domain} est protégé par p=reject et chaque expéditeur connu passe DMARC.",
        "Rien à faire. DMARC (RFC 9989) conseille p=quarantine pour les domaines dont les "
        "utilisateurs écrivent à des listes de diffusion.",
    ),
    "policy-readiness/enforced-blocked": (
        "{domain} est en p=reject, mais des expéditeurs connus échouent à DMARC et leur courrier "
        "est refusé : {blockers}.",
        "Corriger ces expéditeurs immédiatement (voir les autres constats), ou revenir à p=none "
        "jusqu'à ce qu'ils passent.",
    ),
    "policy-readiness/not-enough-data": (
        "Pas encore assez de rapports pour juger {domain} : {days} jours de données, "
        "{needed_days} nécessaires.",
        "Attendre que les rapports couvrent {needed_days} jours.",
    ),
    "policy-readiness/blocked": (
        "{domain} ne peut pas encore quitter p={policy} pour une politique plus stricte. "
        "Expéditeurs sous 99 % de réussite DMARC : {blockers}.",
        "Corriger d'abord ces expéditeurs (voir les autres constats) ; garder p={policy} "
        "jusqu'à ce qu'ils passent pendant {needed_days} jours.",
    ),
    "no-reports/never": (
        "Aucun rapport DMARC agrégé n'a jamais été reçu pour {domain}.",
        "Vérifier que l'enregistrement DMARC de {domain} contient une adresse rua=mailto: qui "
        "atteint la boîte de dmarcwatch ; si cette adresse est dans un autre domaine, celui-ci "
        "doit publier l'enregistrement d'autorisation {domain}._report._dmarc.<son domaine>.",
    ),
    "no-reports/stopped": (
        "Aucun rapport DMARC agrégé pour {domain} depuis {days} jours (dernière période "
        "{last_report}).",
        "Vérifier que l'enregistrement DMARC de {domain} contient toujours la bonne adresse "
        "rua=mailto: et, pour une adresse d'un autre domaine, son autorisation _report._dmarc.",
    ),
}
