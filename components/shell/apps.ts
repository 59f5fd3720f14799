import { BarChart3, Cpu, HardDrive, Image as ImageIcon, type LucideIcon } from "lucide-react";

// The four applications. `available` flips to true as each one ships; until then the shell
// shows them as "coming soon" and never links to a page that does not exist.
export type AppEntry = {
  name: string;
  href: string;
  icon: LucideIcon;
  summary: string;
  available: boolean;
};

export const APPS: AppEntry[] = [
  {
    name: "Drive",
    href: "/drive",
    icon: HardDrive,
    summary:
      "Upload files straight to object storage, organise them in folders, preview and share.",
    available: true,
  },
  {
    name: "Images",
    href: "/images",
    icon: ImageIcon,
    summary: "Chain filters with a live preview and apply them in the background.",
    available: true,
  },
  {
    name: "MapReduce",
    href: "/mapreduce",
    icon: Cpu,
    summary: "Run MapReduce jobs on your data with live progress per phase.",
    available: true,
  },
  {
    name: "Pulse",
    href: "/pulse",
    icon: BarChart3,
    summary: "Track keywords on live social feeds and chart their sentiment as posts arrive.",
    available: true,
  },
];
