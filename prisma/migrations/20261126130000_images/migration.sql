-- CreateTable
CREATE TABLE `ImagePreset` (
    `id` VARCHAR(30) NOT NULL,
    `ownerId` VARCHAR(30) NOT NULL,
    `name` VARCHAR(100) NOT NULL,
    `chain` LONGTEXT NOT NULL,
    `output` TEXT NOT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    UNIQUE INDEX `ImagePreset_ownerId_name_key`(`ownerId`, `name`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `ImageBatchItem` (
    `id` VARCHAR(30) NOT NULL,
    `jobId` VARCHAR(30) NOT NULL,
    `position` INTEGER NOT NULL,
    `fileId` VARCHAR(30) NOT NULL,
    `name` VARCHAR(255) NOT NULL,
    `status` ENUM('queued', 'running', 'succeeded', 'failed') NOT NULL DEFAULT 'queued',
    `error` TEXT NULL,
    `resultFileId` VARCHAR(30) NULL,
    `updatedAt` DATETIME(3) NOT NULL,

    UNIQUE INDEX `ImageBatchItem_jobId_position_key`(`jobId`, `position`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `ImagePreset` ADD CONSTRAINT `ImagePreset_ownerId_fkey` FOREIGN KEY (`ownerId`) REFERENCES `User`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `ImageBatchItem` ADD CONSTRAINT `ImageBatchItem_jobId_fkey` FOREIGN KEY (`jobId`) REFERENCES `Job`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
