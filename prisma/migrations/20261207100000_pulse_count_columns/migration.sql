-- Less for MariaDB to write per stored batch (docs/pulse-e2e.md, "Where MariaDB's time goes").
-- Term and language counts lose their updatedAt and its index: every batch's upsert moved each
-- updated row's (trackerId, updatedAt) entry in the index, and no query read the language one.
-- The live stream asks whether counts changed through PulseAggregate.updatedAt, which the same
-- transaction sets whenever it adds to either (lib/pulse/aggregates.ts countsChangedSince).
DROP INDEX `PulseTermCount_trackerId_updatedAt_idx` ON `PulseTermCount`;
ALTER TABLE `PulseTermCount` DROP COLUMN `updatedAt`;
DROP INDEX `PulseLanguageCount_trackerId_updatedAt_idx` ON `PulseLanguageCount`;
ALTER TABLE `PulseLanguageCount` DROP COLUMN `updatedAt`;
-- A post's `ingest` token was how the consumer told its new rows from duplicates before the
-- insert said so itself (INSERT IGNORE … RETURNING); nothing reads it.
ALTER TABLE `PulsePost` DROP COLUMN `ingest`;
