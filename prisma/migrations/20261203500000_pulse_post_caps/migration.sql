-- Why Pulse paused a tracker itself (a post cap reached, lib/pulse/caps.ts); null when the owner
-- paused it or it is collecting.
ALTER TABLE `PulseTracker` ADD COLUMN `pausedReason` VARCHAR(400) NULL;
