-- Drive full-text search: one row per indexable file (its extracted text, the version of the
-- bytes it came from, where it stands) and the postings the MapReduce inverted index produced.

-- CreateTable
CREATE TABLE `SearchDocument` (
    `fileId` VARCHAR(30) NOT NULL,
    `ownerId` VARCHAR(30) NOT NULL,
    `storageKey` VARCHAR(255) NOT NULL,
    `state` VARCHAR(16) NOT NULL,
    `message` VARCHAR(500) NULL,
    `textKey` VARCHAR(255) NULL,
    `textBytes` INTEGER NOT NULL DEFAULT 0,
    `words` INTEGER NOT NULL DEFAULT 0,
    `claim` VARCHAR(40) NULL,
    `claimedAt` DATETIME(3) NULL,
    `indexedAt` DATETIME(3) NULL,
    `updatedAt` DATETIME(3) NOT NULL,

    INDEX `SearchDocument_ownerId_state_idx`(`ownerId`, `state`),
    INDEX `SearchDocument_claim_idx`(`claim`),
    PRIMARY KEY (`fileId`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `SearchPosting` (
    `ownerId` VARCHAR(30) NOT NULL,
    `term` VARCHAR(64) NOT NULL,
    `fileId` VARCHAR(30) NOT NULL,
    `tf` INTEGER NOT NULL,

    INDEX `SearchPosting_fileId_idx`(`fileId`),
    PRIMARY KEY (`ownerId`, `term`, `fileId`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `SearchDocument` ADD CONSTRAINT `SearchDocument_fileId_fkey` FOREIGN KEY (`fileId`) REFERENCES `File`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `SearchPosting` ADD CONSTRAINT `SearchPosting_fileId_fkey` FOREIGN KEY (`fileId`) REFERENCES `File`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
