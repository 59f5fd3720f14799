import type { ReactNode } from "react";
import { FileIcon, FolderIcon } from "./file-icon";

// The pieces every list of Drive items is made of (the Drive table, the trash, a shared
// folder's page): one look for an item's icon, name and the line under it, and for a row's
// selection box.

export type ItemGlyphOf = { kind: "folder" } | { kind: "file"; contentType: string; name: string };

/** The item's icon, then its name (a link, a button or plain text) over a muted line. */
export function ItemIdentity({
  item,
  name,
  sub,
}: {
  item: ItemGlyphOf;
  name: ReactNode;
  sub?: ReactNode;
}) {
  return (
    <div className="flex min-w-0 flex-1 items-center gap-2.5">
      {item.kind === "folder" ? (
        <FolderIcon />
      ) : (
        <FileIcon contentType={item.contentType} name={item.name} />
      )}
      <div className="grid min-w-0">
        {name}
        {sub}
      </div>
    </div>
  );
}

/** The plain name of an item, cut to its column with the whole name on hover. */
export function ItemName({ name }: { name: string }) {
  return (
    <span className="truncate font-medium" title={name}>
      {name}
    </span>
  );
}

/** The first cell of a selectable row. */
export function SelectCell({
  name,
  checked,
  onChange,
}: {
  name: string;
  checked: boolean;
  onChange(on: boolean): void;
}) {
  return (
    <td className="py-2 pl-3 pr-1 align-middle">
      <input
        type="checkbox"
        className="size-4 accent-primary"
        aria-label={`Select ${name}`}
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
      />
    </td>
  );
}
