"""How long an event can come back, and so how long every consumer's dedupe records must last.

The bus archive keeps every event ARCHIVE_RETENTION_DAYS for replay; a replayed (or redriven) event
may then wait in a consumer's queue and dead-letter queue up to SQS's maximum retention. A record
that a consumer already handled an event (a notification delivery, a metric marker) must outlive
both, or replaying an old event would notify again or count it twice. So the archive's retention
is the one number: infra/ gives it to the archive, the stores derive their TTLs from it. (Billing
and the Rules markers keep their records for good; SLAs hold their state on the case.)
"""

ARCHIVE_RETENTION_DAYS = 365
MAX_QUEUE_RETENTION_DAYS = 14  # SQS's maximum: no copy of an event waits in a queue longer
DEDUPE_RETENTION_DAYS = ARCHIVE_RETENTION_DAYS + MAX_QUEUE_RETENTION_DAYS
DEDUPE_RETENTION_SECONDS = DEDUPE_RETENTION_DAYS * 86_400
