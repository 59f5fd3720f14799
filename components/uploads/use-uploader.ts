"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useSyncExternalStore } from "react";
import type { DriveFile } from "@/lib/drive/types";
import { localResumeStore } from "@/lib/drive/upload-client/resume-store";
import { xhrTransport } from "@/lib/drive/upload-client/transport";
import { httpUploadApi } from "@/lib/drive/upload-client/upload-api";
import { UploadManager, type UploaderSnapshot } from "@/lib/drive/upload-client/upload-manager";

// One manager per page, shared by the Upload button and every drop zone, and kept across client
// navigations so uploads go on while the user browses other folders.

const uploadedListeners = new Set<(file: DriveFile) => void>();
let manager: UploadManager | null = null;

export function uploadManager(): UploadManager {
  manager ??= new UploadManager({
    api: httpUploadApi,
    transport: xhrTransport,
    resumeStore: localResumeStore,
    onFileUploaded: (file) => uploadedListeners.forEach((listener) => listener(file)),
  });
  return manager;
}

const EMPTY: UploaderSnapshot = {
  items: [],
  interrupted: [],
  overall: {
    loaded: 0,
    total: 0,
    bytesPerSecond: null,
    secondsLeft: null,
    active: 0,
    done: 0,
    failed: 0,
  },
};

export function useUploader(): { manager: UploadManager; snapshot: UploaderSnapshot } {
  const m = uploadManager();
  const snapshot = useSyncExternalStore(m.subscribe, m.getSnapshot, () => EMPTY);
  useEffect(() => {
    void m.init();
    // On reload or close, this page's uploads become resumable by the next one at once.
    const release = () => m.release();
    window.addEventListener("pagehide", release);
    return () => window.removeEventListener("pagehide", release);
  }, [m]);
  return { manager: m, snapshot };
}

/**
 * Refreshes the server-rendered folder listing whenever a file finishes uploading, unless `skip()`
 * says the page is leaving: a refresh that lands while a navigation is pending re-renders the
 * current page and can cancel the navigation (Image Studio opening the image it just uploaded).
 */
export function useRefreshOnUpload(skip?: () => boolean): void {
  const router = useRouter();
  const skipRef = useRef(skip);
  useEffect(() => {
    skipRef.current = skip;
  });
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    // A burst of small files finishing together needs one refresh, not one each.
    const listener = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        if (skipRef.current?.()) return;
        router.refresh();
      }, 150);
    };
    uploadedListeners.add(listener);
    return () => {
      uploadedListeners.delete(listener);
      if (timer) clearTimeout(timer);
    };
  }, [router]);
}
