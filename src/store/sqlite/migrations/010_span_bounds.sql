-- 010_span_bounds: the latest occurredAt among each span of 1,024 consecutive seqs of an account.
--
-- Free text finds its candidates by row key (seq order) but pages them by occurredAt, and an event
-- may arrive after events that occurred later than it. A page built from the newest candidates is
-- exact only once no older candidate can have occurred after its last row. Until now that was
-- proven by scanning the time index over the page's whole time window (or by looking up every
-- candidate), which cost more than the page itself for a term spread over months. These bounds
-- prove it from a few rows: only candidates in spans whose bound reaches the page's last
-- occurredAt are looked up (span-bounds.ts). A bound is never lowered (retention may leave it
-- above the events left, and deletes it with the span's last event), so it stays an upper bound:
-- at worst a candidate is looked up for nothing. A row per 1,024 events: ~5,000 for 5M events.
CREATE TABLE event_span_bounds (
  account_key INTEGER NOT NULL,
  span INTEGER NOT NULL, -- seq >> 10
  latest_occurred_at INTEGER NOT NULL,
  PRIMARY KEY (account_key, span)
) WITHOUT ROWID;
-- Events still in the ingest journal are recorded when drained, as every insert into events is.
INSERT INTO event_span_bounds (account_key, span, latest_occurred_at)
  SELECT account_key, seq >> 10, max(occurred_at) FROM events GROUP BY account_key, seq >> 10;
