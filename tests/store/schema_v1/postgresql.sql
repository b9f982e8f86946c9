-- dmarcwatch store schema version 1 (postgresql), as the first release created it.
-- Frozen: never edit. tests/store/test_migrations.py migrates it to the latest version.

CREATE TABLE blobs (
	sha256 CHAR(64) NOT NULL, 
	size BIGINT NOT NULL, 
	compression TEXT NOT NULL, 
	data BYTEA NOT NULL, 
	first_seen TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (sha256)
);

CREATE TABLE mailbox_state (
	mailbox TEXT NOT NULL, 
	folder TEXT NOT NULL, 
	uidvalidity BIGINT NOT NULL, 
	PRIMARY KEY (mailbox, folder)
);

CREATE TABLE meta (
	key TEXT NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY (key)
);

CREATE TABLE rdns_cache (
	ip TEXT NOT NULL, 
	name TEXT, 
	resolved_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (ip)
);

CREATE TABLE mailbox_messages (
	mailbox TEXT NOT NULL, 
	folder TEXT NOT NULL, 
	uidvalidity BIGINT NOT NULL, 
	uid BIGINT NOT NULL, 
	blob_sha256 CHAR(64), 
	outcome TEXT NOT NULL, 
	handled_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (mailbox, folder, uidvalidity, uid), 
	FOREIGN KEY(blob_sha256) REFERENCES blobs (sha256)
);

CREATE TABLE rejects (
	id SERIAL NOT NULL, 
	blob_sha256 CHAR(64) NOT NULL, 
	location TEXT NOT NULL, 
	source TEXT NOT NULL, 
	reason TEXT NOT NULL, 
	reject_class TEXT NOT NULL, 
	size BIGINT NOT NULL, 
	first_seen TIMESTAMP WITH TIME ZONE NOT NULL, 
	last_seen TIMESTAMP WITH TIME ZONE NOT NULL, 
	times_seen INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_rejects_blob_location UNIQUE (blob_sha256, location), 
	FOREIGN KEY(blob_sha256) REFERENCES blobs (sha256)
);

CREATE TABLE reports (
	id SERIAL NOT NULL, 
	org_name TEXT NOT NULL, 
	email TEXT NOT NULL, 
	report_id TEXT NOT NULL, 
	policy_domain TEXT NOT NULL, 
	begin_ts BIGINT NOT NULL, 
	end_ts BIGINT NOT NULL, 
	schema TEXT NOT NULL, 
	version TEXT, 
	extra_contact_info TEXT, 
	generator TEXT, 
	errors TEXT NOT NULL, 
	adkim TEXT NOT NULL, 
	aspf TEXT NOT NULL, 
	p TEXT NOT NULL, 
	sp TEXT NOT NULL, 
	np TEXT NOT NULL, 
	pct INTEGER, 
	fo TEXT NOT NULL, 
	testing TEXT, 
	discovery_method TEXT, 
	warnings TEXT NOT NULL, 
	record_count INTEGER NOT NULL, 
	message_count BIGINT NOT NULL, 
	source TEXT NOT NULL, 
	location TEXT NOT NULL, 
	blob_sha256 CHAR(64) NOT NULL, 
	content_sha256 CHAR(64), 
	ingested_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_reports_key UNIQUE (org_name, report_id, policy_domain, begin_ts, end_ts), 
	FOREIGN KEY(blob_sha256) REFERENCES blobs (sha256)
);

CREATE INDEX ix_reports_blob ON reports (blob_sha256);

CREATE INDEX ix_reports_domain_begin ON reports (policy_domain, begin_ts);

CREATE TABLE dkim_results (
	report_pk INTEGER NOT NULL, 
	record_seq INTEGER NOT NULL, 
	seq INTEGER NOT NULL, 
	domain TEXT NOT NULL, 
	selector TEXT, 
	result TEXT NOT NULL, 
	human_result TEXT, 
	PRIMARY KEY (report_pk, record_seq, seq), 
	FOREIGN KEY(report_pk) REFERENCES reports (id) ON DELETE CASCADE
);

CREATE TABLE reasons (
	report_pk INTEGER NOT NULL, 
	record_seq INTEGER NOT NULL, 
	seq INTEGER NOT NULL, 
	type TEXT NOT NULL, 
	comment TEXT, 
	PRIMARY KEY (report_pk, record_seq, seq), 
	FOREIGN KEY(report_pk) REFERENCES reports (id) ON DELETE CASCADE
);

CREATE TABLE records (
	report_pk INTEGER NOT NULL, 
	seq INTEGER NOT NULL, 
	source_ip TEXT NOT NULL, 
	count BIGINT NOT NULL, 
	disposition TEXT NOT NULL, 
	dkim TEXT NOT NULL, 
	spf TEXT NOT NULL, 
	header_from TEXT NOT NULL, 
	envelope_from TEXT, 
	envelope_to TEXT, 
	PRIMARY KEY (report_pk, seq), 
	FOREIGN KEY(report_pk) REFERENCES reports (id) ON DELETE CASCADE
);

CREATE TABLE spf_results (
	report_pk INTEGER NOT NULL, 
	record_seq INTEGER NOT NULL, 
	seq INTEGER NOT NULL, 
	domain TEXT NOT NULL, 
	scope TEXT, 
	result TEXT NOT NULL, 
	human_result TEXT, 
	PRIMARY KEY (report_pk, record_seq, seq), 
	FOREIGN KEY(report_pk) REFERENCES reports (id) ON DELETE CASCADE
);

INSERT INTO meta (key, value) VALUES ('schema_version', '1');
