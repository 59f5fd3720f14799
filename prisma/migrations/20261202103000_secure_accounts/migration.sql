-- AlterTable
ALTER TABLE `User` ADD COLUMN `sessionVersion` INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN `emailVerifiedAt` DATETIME(3) NULL;

-- Accounts made before verification existed keep receiving their mail.
UPDATE `User` SET `emailVerifiedAt` = `createdAt`;

-- AlterTable
ALTER TABLE `LoginAttempt` ADD COLUMN `kind` VARCHAR(16) NOT NULL DEFAULT 'signin';

-- CreateIndex
CREATE INDEX `LoginAttempt_email_ip_createdAt_idx` ON `LoginAttempt`(`email`, `ip`, `createdAt`);

-- CreateIndex
CREATE INDEX `LoginAttempt_kind_ip_createdAt_idx` ON `LoginAttempt`(`kind`, `ip`, `createdAt`);

-- AlterTable
ALTER TABLE `ShareLink` ADD COLUMN `lockedUntil` DATETIME(3) NULL;

-- CreateIndex
CREATE INDEX `ShareAttempt_shareLinkId_createdAt_idx` ON `ShareAttempt`(`shareLinkId`, `createdAt`);

-- CreateTable
CREATE TABLE `RevokedSession` (
    `sid` VARCHAR(64) NOT NULL,
    `expiresAt` DATETIME(3) NOT NULL,

    INDEX `RevokedSession_expiresAt_idx`(`expiresAt`),
    PRIMARY KEY (`sid`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `EmailToken` (
    `id` VARCHAR(30) NOT NULL,
    `userId` VARCHAR(30) NOT NULL,
    `tokenHash` VARCHAR(64) NOT NULL,
    `purpose` VARCHAR(16) NOT NULL,
    `email` VARCHAR(254) NOT NULL,
    `expiresAt` DATETIME(3) NOT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `EmailToken_tokenHash_key`(`tokenHash`),
    INDEX `EmailToken_userId_createdAt_idx`(`userId`, `createdAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `EmailToken` ADD CONSTRAINT `EmailToken_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
