-- CreateTable
CREATE TABLE `Job` (
    `id` VARCHAR(30) NOT NULL,
    `ownerId` VARCHAR(30) NOT NULL,
    `kind` VARCHAR(64) NOT NULL,
    `status` ENUM('queued', 'running', 'succeeded', 'failed', 'cancelled') NOT NULL DEFAULT 'queued',
    `phase` VARCHAR(100) NULL,
    `progress` INTEGER NOT NULL DEFAULT 0,
    `error` TEXT NULL,
    `resultRef` VARCHAR(1024) NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `startedAt` DATETIME(3) NULL,
    `finishedAt` DATETIME(3) NULL,
    `updatedAt` DATETIME(3) NOT NULL,

    INDEX `Job_ownerId_createdAt_idx`(`ownerId`, `createdAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `ExecFunction` (
    `id` VARCHAR(191) NOT NULL,
    `appId` VARCHAR(191) NOT NULL,
    `url` VARCHAR(2048) NOT NULL,
    `config` LONGTEXT NOT NULL,
    `concurrencyLimit` INTEGER NULL,
    `syncedAt` BIGINT NOT NULL,

    INDEX `ExecFunction_appId_idx`(`appId`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `ExecEvent` (
    `id` VARCHAR(32) NOT NULL,
    `name` VARCHAR(255) NOT NULL,
    `payload` LONGTEXT NOT NULL,
    `dedupeKey` VARCHAR(255) NULL,
    `receivedAt` BIGINT NOT NULL,

    UNIQUE INDEX `ExecEvent_dedupeKey_key`(`dedupeKey`),
    INDEX `ExecEvent_name_receivedAt_idx`(`name`, `receivedAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `ExecRun` (
    `id` VARCHAR(32) NOT NULL,
    `functionId` VARCHAR(191) NOT NULL,
    `eventId` VARCHAR(32) NOT NULL,
    `event` LONGTEXT NOT NULL,
    `status` ENUM('queued', 'running', 'waiting', 'completed', 'failed', 'cancelled') NOT NULL DEFAULT 'queued',
    `availableAt` BIGINT NOT NULL,
    `leaseOwner` VARCHAR(64) NULL,
    `leaseUntil` BIGINT NULL,
    `attempt` INTEGER NOT NULL DEFAULT 0,
    `disableImmediate` BOOLEAN NOT NULL DEFAULT false,
    `output` LONGTEXT NULL,
    `error` TEXT NULL,
    `parentRunId` VARCHAR(32) NULL,
    `parentStepId` VARCHAR(64) NULL,
    `createdAt` BIGINT NOT NULL,
    `firstStepAt` BIGINT NULL,
    `finishedAt` BIGINT NULL,

    INDEX `ExecRun_status_availableAt_idx`(`status`, `availableAt`),
    INDEX `ExecRun_functionId_status_idx`(`functionId`, `status`),
    INDEX `ExecRun_parentRunId_idx`(`parentRunId`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `ExecStep` (
    `runId` VARCHAR(32) NOT NULL,
    `id` VARCHAR(64) NOT NULL,
    `op` VARCHAR(32) NOT NULL,
    `name` VARCHAR(255) NOT NULL,
    `status` ENUM('pending', 'done') NOT NULL,
    `attempt` INTEGER NOT NULL DEFAULT 0,
    `availableAt` BIGINT NULL,
    `opts` TEXT NULL,
    `result` LONGTEXT NULL,
    `seq` INTEGER NULL,
    `childRunId` VARCHAR(32) NULL,
    `updatedAt` BIGINT NOT NULL,

    INDEX `ExecStep_childRunId_idx`(`childRunId`),
    PRIMARY KEY (`runId`, `id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `ExecCron` (
    `functionId` VARCHAR(191) NOT NULL,
    `schedule` VARCHAR(255) NOT NULL,
    `nextAt` BIGINT NOT NULL,

    INDEX `ExecCron_nextAt_idx`(`nextAt`),
    PRIMARY KEY (`functionId`, `schedule`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `ExecWorker` (
    `id` VARCHAR(64) NOT NULL,
    `host` VARCHAR(255) NOT NULL,
    `pid` INTEGER NOT NULL,
    `startedAt` DATETIME(3) NOT NULL,
    `heartbeatAt` DATETIME(3) NOT NULL,
    `stoppedAt` DATETIME(3) NULL,

    INDEX `ExecWorker_heartbeatAt_idx`(`heartbeatAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `Job` ADD CONSTRAINT `Job_ownerId_fkey` FOREIGN KEY (`ownerId`) REFERENCES `User`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `ExecStep` ADD CONSTRAINT `ExecStep_runId_fkey` FOREIGN KEY (`runId`) REFERENCES `ExecRun`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
