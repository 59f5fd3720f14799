-- CreateTable
CREATE TABLE `MapReduceJob` (
    `jobId` VARCHAR(30) NOT NULL,
    `name` VARCHAR(120) NOT NULL,
    `spec` TEXT NOT NULL,
    `options` TEXT NOT NULL,
    `inputs` LONGTEXT NOT NULL,
    `programs` TEXT NOT NULL,
    `target` VARCHAR(8) NOT NULL DEFAULT 'local',
    `inputBytes` BIGINT NOT NULL DEFAULT 0,
    `mapTotal` INTEGER NOT NULL DEFAULT 0,
    `reduceTotal` INTEGER NOT NULL DEFAULT 0,
    `counters` LONGTEXT NULL,
    `partitions` TEXT NULL,
    `mapStartedAt` DATETIME(3) NULL,
    `mapFinishedAt` DATETIME(3) NULL,
    `reduceStartedAt` DATETIME(3) NULL,
    `reduceFinishedAt` DATETIME(3) NULL,
    `outputFolderId` VARCHAR(30) NULL,
    `outputs` TEXT NULL,
    `zipKey` VARCHAR(255) NULL,
    `emr` TEXT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    PRIMARY KEY (`jobId`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `MapReduceTask` (
    `jobId` VARCHAR(30) NOT NULL,
    `taskId` VARCHAR(16) NOT NULL,
    `kind` VARCHAR(8) NOT NULL,
    `state` ENUM('pending', 'running', 'succeeded', 'failed', 'cancelled') NOT NULL DEFAULT 'pending',
    `attempts` INTEGER NOT NULL DEFAULT 0,
    `inputName` VARCHAR(1024) NULL,
    `inputBytes` BIGINT NOT NULL DEFAULT 0,
    `counters` TEXT NULL,
    `status` VARCHAR(255) NULL,
    `log` MEDIUMTEXT NULL,
    `error` TEXT NULL,
    `startedAt` DATETIME(3) NULL,
    `finishedAt` DATETIME(3) NULL,
    `durationMs` INTEGER NULL,

    PRIMARY KEY (`jobId`, `taskId`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `MapReduceJob` ADD CONSTRAINT `MapReduceJob_jobId_fkey` FOREIGN KEY (`jobId`) REFERENCES `Job`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `MapReduceTask` ADD CONSTRAINT `MapReduceTask_jobId_fkey` FOREIGN KEY (`jobId`) REFERENCES `MapReduceJob`(`jobId`) ON DELETE CASCADE ON UPDATE CASCADE;
