-- The listener's staged batches (lib/pulse/inbox.ts): the posts of one `stratus/pulse.posts`
-- event, stored by the listener before it sends the event, which then carries only this row's id.
-- The consumer deletes the row in the transaction that stores its posts.
CREATE TABLE `PulseInbox` (
    `id` VARCHAR(64) NOT NULL,
    `trackerId` VARCHAR(30) NOT NULL,
    `count` INTEGER NOT NULL,
    `posts` LONGTEXT NOT NULL,
    `createdAt` DATETIME(3) NOT NULL,

    INDEX `PulseInbox_trackerId_idx`(`trackerId`),
    INDEX `PulseInbox_createdAt_idx`(`createdAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

ALTER TABLE `PulseInbox` ADD CONSTRAINT `PulseInbox_trackerId_fkey` FOREIGN KEY (`trackerId`) REFERENCES `PulseTracker`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
