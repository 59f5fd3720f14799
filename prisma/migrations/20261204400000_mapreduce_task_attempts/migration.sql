-- CreateTable
CREATE TABLE `MapReduceTaskAttempt` (
    `jobId` VARCHAR(30) NOT NULL,
    `taskId` VARCHAR(16) NOT NULL,
    `attempt` INTEGER NOT NULL,
    `state` ENUM('pending', 'running', 'succeeded', 'failed', 'cancelled') NOT NULL DEFAULT 'running',
    `log` MEDIUMTEXT NULL,
    `error` TEXT NULL,
    `signature` VARCHAR(64) NULL,
    `startedAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `finishedAt` DATETIME(3) NULL,

    PRIMARY KEY (`jobId`, `taskId`, `attempt`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `MapReduceTaskAttempt` ADD CONSTRAINT `MapReduceTaskAttempt_jobId_taskId_fkey` FOREIGN KEY (`jobId`, `taskId`) REFERENCES `MapReduceTask`(`jobId`, `taskId`) ON DELETE CASCADE ON UPDATE CASCADE;
