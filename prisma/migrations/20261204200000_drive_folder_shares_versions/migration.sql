-- Folder share links: a link names a file or a folder (exactly one; the code enforces it).
ALTER TABLE `ShareLink` MODIFY `fileId` VARCHAR(30) NULL;
ALTER TABLE `ShareLink` ADD COLUMN `folderId` VARCHAR(30) NULL;
CREATE INDEX `ShareLink_ownerId_folderId_idx` ON `ShareLink`(`ownerId`, `folderId`);
ALTER TABLE `ShareLink` ADD CONSTRAINT `ShareLink_folderId_fkey` FOREIGN KEY (`folderId`) REFERENCES `Folder`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- Grid view thumbnails, made in the background after an upload completes.
ALTER TABLE `File` ADD COLUMN `thumbnailKey` VARCHAR(255) NULL;

-- File versions: the earlier contents of a file overwritten by an upload of the same name.
CREATE TABLE `FileVersion` (
    `id` VARCHAR(30) NOT NULL,
    `fileId` VARCHAR(30) NOT NULL,
    `ownerId` VARCHAR(30) NOT NULL,
    `size` BIGINT NOT NULL,
    `contentType` VARCHAR(255) NOT NULL,
    `storageKey` VARCHAR(255) NOT NULL,
    `createdAt` DATETIME(3) NOT NULL,
    `replacedAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `FileVersion_storageKey_key`(`storageKey`),
    INDEX `FileVersion_ownerId_fileId_createdAt_idx`(`ownerId`, `fileId`, `createdAt`),
    INDEX `FileVersion_fileId_idx`(`fileId`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

ALTER TABLE `FileVersion` ADD CONSTRAINT `FileVersion_fileId_fkey` FOREIGN KEY (`fileId`) REFERENCES `File`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `FileVersion` ADD CONSTRAINT `FileVersion_ownerId_fkey` FOREIGN KEY (`ownerId`) REFERENCES `User`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
