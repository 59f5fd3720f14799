-- A completed single-PUT upload keeps its row (reserving nothing) until every presigned PUT URL
-- naming its staging key has expired, so the expiry sweep deletes whatever a late PUT stores there.
ALTER TABLE `Upload` ADD COLUMN `completedAt` DATETIME(3) NULL;
