-- CreateTable
CREATE TABLE `ShareAttempt` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `shareLinkId` VARCHAR(30) NOT NULL,
    `ip` VARCHAR(45) NOT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `ShareAttempt_shareLinkId_ip_createdAt_idx`(`shareLinkId`, `ip`, `createdAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `ShareAttempt` ADD CONSTRAINT `ShareAttempt_shareLinkId_fkey` FOREIGN KEY (`shareLinkId`) REFERENCES `ShareLink`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
