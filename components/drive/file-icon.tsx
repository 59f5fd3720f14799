import {
  File,
  FileArchive,
  FileAudio,
  FileCode,
  FileImage,
  FileSpreadsheet,
  FileText,
  FileVideo,
  Folder,
  type LucideIcon,
} from "lucide-react";
import { cn } from "@/lib/utils";

type Kind = { icon: LucideIcon; label: string; tone: string };

const ARCHIVE =
  /^application\/(zip|x-7z-compressed|x-tar|gzip|x-gzip|x-bzip2|x-xz|x-rar-compressed|vnd\.rar)$/;
const SHEET = /(spreadsheet|excel|csv)/;
const CODE =
  /^(application\/(json|javascript|xml|x-sh|typescript)|text\/(html|css|javascript|x-[a-z]+))$/;
const DOC =
  /^(application\/(pdf|msword|rtf|vnd\.openxmlformats-officedocument\.wordprocessingml\.document|vnd\.oasis\.opendocument\.text)|text\/)/;

function extension(name: string): string {
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 ? name.slice(dot + 1) : "";
  // Only short, plain extensions make a useful label ("PNG image", not "PHOTO-FINAL-V2 image").
  return /^[a-z0-9]{1,6}$/i.test(ext) ? ext.toUpperCase() : "";
}

/** What kind of file this is, for the icon and the Type column. */
export function fileKind(contentType: string, name: string): Kind {
  const type = contentType.toLowerCase();
  const ext = extension(name);
  if (type.startsWith("image/"))
    return {
      icon: FileImage,
      label: `${ext || "Image"} image`,
      tone: "text-emerald-600 dark:text-emerald-400",
    };
  if (type.startsWith("video/"))
    return {
      icon: FileVideo,
      label: `${ext || "Video"} video`,
      tone: "text-rose-600 dark:text-rose-400",
    };
  if (type.startsWith("audio/"))
    return {
      icon: FileAudio,
      label: `${ext || "Audio"} audio`,
      tone: "text-fuchsia-600 dark:text-fuchsia-400",
    };
  if (ARCHIVE.test(type))
    return {
      icon: FileArchive,
      label: `${ext || "Compressed"} archive`,
      tone: "text-amber-600 dark:text-amber-400",
    };
  if (SHEET.test(type))
    return {
      icon: FileSpreadsheet,
      label: "Spreadsheet",
      tone: "text-green-700 dark:text-green-400",
    };
  if (CODE.test(type))
    return {
      icon: FileCode,
      label: ext ? `${ext} file` : "Code",
      tone: "text-sky-600 dark:text-sky-400",
    };
  if (type === "application/pdf")
    return { icon: FileText, label: "PDF document", tone: "text-red-600 dark:text-red-400" };
  if (DOC.test(type))
    return {
      icon: FileText,
      label: ext ? `${ext} document` : "Text",
      tone: "text-blue-600 dark:text-blue-400",
    };
  return { icon: File, label: ext ? `${ext} file` : "File", tone: "text-muted-foreground" };
}

export function FileIcon({
  contentType,
  name,
  className,
}: {
  contentType: string;
  name: string;
  className?: string;
}) {
  const { icon: Icon, tone } = fileKind(contentType, name);
  return <Icon className={cn("size-5 shrink-0", tone, className)} aria-hidden />;
}

export function FolderIcon({ className }: { className?: string }) {
  return (
    <Folder className={cn("size-5 shrink-0 fill-primary/15 text-primary", className)} aria-hidden />
  );
}
