-- Pulse: each post's language (read from its text) and the model's confidence; per-language
-- counts per minute; the raw-post archive's bookkeeping; the model is the default scorer.
ALTER TABLE `PulseTracker` ALTER COLUMN `scorer` SET DEFAULT 'model';

ALTER TABLE `PulsePost` ADD COLUMN `language` VARCHAR(8) NOT NULL DEFAULT 'und',
    ADD COLUMN `confidence` DOUBLE NULL;

-- Posts stored before: their platform tag is the best there is.
UPDATE `PulsePost` SET `language` = LOWER(SUBSTRING_INDEX(REPLACE(`lang`, '_', '-'), '-', 1))
    WHERE `lang` IS NOT NULL AND `lang` <> '' AND CHAR_LENGTH(SUBSTRING_INDEX(REPLACE(`lang`, '_', '-'), '-', 1)) <= 8;

CREATE INDEX `PulsePost_trackerId_language_id_idx` ON `PulsePost`(`trackerId`, `language`, `id`);

-- CreateTable
CREATE TABLE `PulseLanguageCount` (
    `trackerId` VARCHAR(30) NOT NULL,
    `minute` DATETIME(3) NOT NULL,
    `language` VARCHAR(8) NOT NULL,
    `count` INTEGER NOT NULL DEFAULT 0,
    `positive` INTEGER NOT NULL DEFAULT 0,
    `negative` INTEGER NOT NULL DEFAULT 0,
    `neutral` INTEGER NOT NULL DEFAULT 0,
    `unscored` INTEGER NOT NULL DEFAULT 0,
    `scoreSum` DOUBLE NOT NULL DEFAULT 0,
    `confidenceSum` DOUBLE NOT NULL DEFAULT 0,
    `updatedAt` DATETIME(3) NOT NULL,

    INDEX `PulseLanguageCount_trackerId_updatedAt_idx`(`trackerId`, `updatedAt`),
    PRIMARY KEY (`trackerId`, `minute`, `language`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `PulseLanguageCount` ADD CONSTRAINT `PulseLanguageCount_trackerId_fkey` FOREIGN KEY (`trackerId`) REFERENCES `PulseTracker`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE `PulseArchive` (
    `trackerId` VARCHAR(30) NOT NULL,
    `hour` DATETIME(3) NOT NULL,
    `fileId` VARCHAR(30) NOT NULL,
    `posts` INTEGER NOT NULL,
    `bytes` INTEGER NOT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`trackerId`, `hour`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `PulseArchive` ADD CONSTRAINT `PulseArchive_trackerId_fkey` FOREIGN KEY (`trackerId`) REFERENCES `PulseTracker`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
