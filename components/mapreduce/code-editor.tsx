"use client";

import { javascript } from "@codemirror/lang-javascript";
import { python } from "@codemirror/lang-python";
import { EditorView } from "@codemirror/view";
import CodeMirror from "@uiw/react-codemirror";
import { useTheme } from "next-themes";
import { useMemo } from "react";

// The job form's code editor: CodeMirror 6, bundled with the app (no CDN, works offline), with
// Python or JavaScript highlighting from the program's file name, and the page's light or dark
// theme.

export type EditorLanguage = "python" | "javascript" | "plain";

export function languageOf(name: string): EditorLanguage {
  const ext = name.toLowerCase().split(".").at(-1);
  if (ext === "py") return "python";
  if (ext === "js" || ext === "mjs" || ext === "cjs") return "javascript";
  return "plain";
}

export default function CodeEditor({
  value,
  onChange,
  language,
  label,
  id,
}: {
  value: string;
  onChange: (value: string) => void;
  language: EditorLanguage;
  label: string;
  id?: string;
}) {
  const { resolvedTheme } = useTheme();
  const extensions = useMemo(
    () => [
      ...(language === "python" ? [python()] : language === "javascript" ? [javascript()] : []),
      EditorView.contentAttributes.of({ "aria-label": label, ...(id ? { id } : {}) }),
      EditorView.lineWrapping,
    ],
    [language, label, id],
  );
  return (
    <CodeMirror
      value={value}
      onChange={onChange}
      extensions={extensions}
      theme={resolvedTheme === "dark" ? "dark" : "light"}
      minHeight="12rem"
      maxHeight="28rem"
      basicSetup={{ foldGutter: false, highlightActiveLineGutter: true }}
      className="overflow-hidden rounded-md border text-sm [&_.cm-editor]:outline-none [&_.cm-focused]:ring-2 [&_.cm-focused]:ring-ring"
    />
  );
}
