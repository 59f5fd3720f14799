-- CreateTable
CREATE TABLE `PulseAlertRule` (
    `id` VARCHAR(30) NOT NULL,
    `trackerId` VARCHAR(30) NOT NULL,
    `kind` VARCHAR(8) NOT NULL,
    `threshold` DOUBLE NOT NULL,
    `windowMinutes` INTEGER NOT NULL,
    `baselineMinutes` INTEGER NOT NULL,
    `minPosts` INTEGER NOT NULL,
    `cooldownMinutes` INTEGER NOT NULL,
    `enabled` BOOLEAN NOT NULL DEFAULT true,
    `lastFiredAt` DATETIME(3) NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    INDEX `PulseAlertRule_trackerId_idx`(`trackerId`),
    INDEX `PulseAlertRule_enabled_idx`(`enabled`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `PulseAlertEvent` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `ruleId` VARCHAR(30) NOT NULL,
    `firedAt` DATETIME(3) NOT NULL,
    `value` DOUBLE NOT NULL,
    `baseline` DOUBLE NOT NULL,
    `posts` INTEGER NOT NULL,
    `message` VARCHAR(500) NOT NULL,
    `emailed` BOOLEAN NOT NULL DEFAULT false,

    INDEX `PulseAlertEvent_ruleId_firedAt_idx`(`ruleId`, `firedAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `PulseAlertRule` ADD CONSTRAINT `PulseAlertRule_trackerId_fkey` FOREIGN KEY (`trackerId`) REFERENCES `PulseTracker`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `PulseAlertEvent` ADD CONSTRAINT `PulseAlertEvent_ruleId_fkey` FOREIGN KEY (`ruleId`) REFERENCES `PulseAlertRule`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
