-- CreateTable
CREATE TABLE `PulseSourceState` (
    `trackerId` VARCHAR(30) NOT NULL,
    `source` VARCHAR(16) NOT NULL,
    `state` VARCHAR(16) NOT NULL,
    `message` VARCHAR(1000) NOT NULL,
    `updatedAt` DATETIME(3) NOT NULL,

    PRIMARY KEY (`trackerId`, `source`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `PulseSourceState` ADD CONSTRAINT `PulseSourceState_trackerId_fkey` FOREIGN KEY (`trackerId`) REFERENCES `PulseTracker`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
