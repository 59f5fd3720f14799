-- When the grid last asked the worker for this file's thumbnail (files stored before thumbnails
-- existed get theirs lazily, once; lib/drive/thumbnails.ts requestMissingThumbnails).
ALTER TABLE `File` ADD COLUMN `thumbnailAskedAt` DATETIME(3) NULL;
CREATE INDEX `File_ownerId_thumbnailAskedAt_idx` ON `File`(`ownerId`, `thumbnailAskedAt`);
