-- CreateTable
CREATE TABLE `PulseTracker` (
    `id` VARCHAR(30) NOT NULL,
    `ownerId` VARCHAR(30) NOT NULL,
    `name` VARCHAR(100) NOT NULL,
    `keywords` JSON NOT NULL,
    `hashtags` JSON NOT NULL,
    `languages` JSON NOT NULL,
    `sources` JSON NOT NULL,
    `scorer` VARCHAR(16) NOT NULL,
    `status` VARCHAR(16) NOT NULL,
    `mastodonInstance` VARCHAR(255) NULL,
    `mastodonTokenEnc` TEXT NULL,
    `xTokenEnc` TEXT NULL,
    `replayFileId` VARCHAR(30) NULL,
    `replaySpeed` VARCHAR(8) NULL,
    `retentionDays` INTEGER NOT NULL DEFAULT 7,
    `retentionMaxPosts` INTEGER NOT NULL DEFAULT 100000,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    INDEX `PulseTracker_ownerId_createdAt_idx`(`ownerId`, `createdAt`),
    INDEX `PulseTracker_status_idx`(`status`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `PulseCursor` (
    `key` VARCHAR(191) NOT NULL,
    `cursor` VARCHAR(255) NOT NULL,
    `updatedAt` DATETIME(3) NOT NULL,

    PRIMARY KEY (`key`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `PulsePost` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `trackerId` VARCHAR(30) NOT NULL,
    `source` VARCHAR(16) NOT NULL,
    `sourcePostId` VARCHAR(255) NOT NULL,
    `text` TEXT NOT NULL,
    `author` VARCHAR(255) NULL,
    `lang` VARCHAR(35) NULL,
    `url` VARCHAR(2048) NULL,
    `postedAt` DATETIME(3) NOT NULL,
    `minute` DATETIME(3) NOT NULL,
    `receivedAt` DATETIME(3) NOT NULL,
    `score` DOUBLE NULL,
    `label` VARCHAR(10) NOT NULL,
    `hashtags` TEXT NOT NULL,
    `terms` TEXT NOT NULL,
    `ingest` VARCHAR(24) NOT NULL,

    INDEX `PulsePost_trackerId_receivedAt_idx`(`trackerId`, `receivedAt`),
    INDEX `PulsePost_trackerId_label_id_idx`(`trackerId`, `label`, `id`),
    UNIQUE INDEX `PulsePost_trackerId_source_sourcePostId_key`(`trackerId`, `source`, `sourcePostId`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `PulseAggregate` (
    `trackerId` VARCHAR(30) NOT NULL,
    `minute` DATETIME(3) NOT NULL,
    `count` INTEGER NOT NULL DEFAULT 0,
    `positive` INTEGER NOT NULL DEFAULT 0,
    `negative` INTEGER NOT NULL DEFAULT 0,
    `neutral` INTEGER NOT NULL DEFAULT 0,
    `unscored` INTEGER NOT NULL DEFAULT 0,
    `scoreSum` DOUBLE NOT NULL DEFAULT 0,
    `updatedAt` DATETIME(3) NOT NULL,

    INDEX `PulseAggregate_trackerId_updatedAt_idx`(`trackerId`, `updatedAt`),
    PRIMARY KEY (`trackerId`, `minute`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `PulseTermCount` (
    `trackerId` VARCHAR(30) NOT NULL,
    `minute` DATETIME(3) NOT NULL,
    `kind` VARCHAR(8) NOT NULL,
    `term` VARCHAR(100) NOT NULL,
    `count` INTEGER NOT NULL,
    `updatedAt` DATETIME(3) NOT NULL,

    INDEX `PulseTermCount_trackerId_updatedAt_idx`(`trackerId`, `updatedAt`),
    PRIMARY KEY (`trackerId`, `kind`, `minute`, `term`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `PulseTracker` ADD CONSTRAINT `PulseTracker_ownerId_fkey` FOREIGN KEY (`ownerId`) REFERENCES `User`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `PulsePost` ADD CONSTRAINT `PulsePost_trackerId_fkey` FOREIGN KEY (`trackerId`) REFERENCES `PulseTracker`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `PulseAggregate` ADD CONSTRAINT `PulseAggregate_trackerId_fkey` FOREIGN KEY (`trackerId`) REFERENCES `PulseTracker`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `PulseTermCount` ADD CONSTRAINT `PulseTermCount_trackerId_fkey` FOREIGN KEY (`trackerId`) REFERENCES `PulseTracker`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
