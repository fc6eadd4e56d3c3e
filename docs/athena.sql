-- The Casetrail data lake in Athena: one row per event, exactly as the bus carried it.
-- Replace <bucket> with the stack's DataLakeBucketName output. Partitions are projected from the
-- S3 layout (events/tenant=T/customer=B/year=YYYY/month=MM/day=DD/, B the customer bucket 0..31 or
-- none: see domain/erasure.py), so no crawler or MSCK REPAIR is needed; a query names its tenant.
CREATE EXTERNAL TABLE IF NOT EXISTS casetrail_events (
  `version` string,
  `id` string,
  `detail-type` string,
  `source` string,
  `account` string,
  `time` string,
  `region` string,
  `resources` array<string>,
  `detail` struct<
    eventId: string,
    eventType: string,
    approximateChangeTime: string,
    tenantId: string,
    caseId: string,
    caseVersion: int,
    changedFieldIds: array<string>,
    changes: array<struct<fieldId: string, oldValue: string, newValue: string>>,
    performedBy: struct<principalId: string, name: string, role: string>,
    claimCheck: struct<bucket: string, key: string, bytes: bigint, sha256: string>,
    `case`: struct<
      caseId: string, referenceNumber: string, title: string, customerId: string, status: string,
      priority: string, category: string, assignee: string, queue: string, tags: array<string>,
      version: int, createdAt: string, updatedAt: string, resolvedAt: string, closedAt: string,
      reopenCount: int
    >
  >
)
PARTITIONED BY (`tenant` string, `customer` string, `year` string, `month` string, `day` string)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
WITH SERDEPROPERTIES ('ignore.malformed.json' = 'false')
LOCATION 's3://<bucket>/events/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.tenant.type' = 'injected',
  'projection.customer.type' = 'enum', 'projection.customer.values' = '0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,none',
  'projection.year.type' = 'integer', 'projection.year.range' = '2026,2100',
  'projection.month.type' = 'integer', 'projection.month.range' = '1,12', 'projection.month.digits' = '2',
  'projection.day.type' = 'integer', 'projection.day.range' = '1,31', 'projection.day.digits' = '2',
  'storage.location.template' = 's3://<bucket>/events/tenant=${tenant}/customer=${customer}/year=${year}/month=${month}/day=${day}/'
);

-- Cases a tenant created in November 2026 (deduplicate: delivery is at least once).
SELECT count(DISTINCT detail.caseId) AS cases_created
FROM casetrail_events
WHERE tenant = 'demo' AND year = '2026' AND month = '11' AND detail.eventType = 'CASE.CREATED';

-- Events too large for the bus (entry over 240 KiB) reach the lake trimmed: ids, eventType, times,
-- versions, changedFieldIds, performedBy and detail.claimCheck, without case/changes/relatedItem.
-- Their full detail is one JSON object on one line in the EventDetailsBucketName bucket, under
-- event-details/T#<tenant>/cases/<caseId>/<eventId>.json; this table reads them (Athena reads the
-- prefix recursively). Replace <details-bucket> with that output.
CREATE EXTERNAL TABLE IF NOT EXISTS casetrail_event_details (
  eventId string,
  eventType string,
  approximateChangeTime string,
  tenantId string,
  caseId string,
  caseVersion int,
  changedFieldIds array<string>,
  changes array<struct<fieldId: string, oldValue: string, newValue: string>>,
  `case` struct<caseId: string, referenceNumber: string, title: string, status: string, priority: string, queue: string>
)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
LOCATION 's3://<details-bucket>/event-details/';

-- Every change of November 2026 with its full changes, whether it travelled whole or by claim check.
SELECT e.detail.eventId, e.detail.eventType, coalesce(d.changes, e.detail.changes) AS changes
FROM casetrail_events e
LEFT JOIN casetrail_event_details d ON d.eventId = e.detail.eventId AND e.detail.claimCheck IS NOT NULL
WHERE e.year = '2026' AND e.month = '11';
