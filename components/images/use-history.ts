"use client";

import { useCallback, useEffect, useReducer } from "react";

// Undo and redo for the editor's state (the chain and the output options). Changes that come in a
// stream — a slider being dragged, a colour being picked — share a `group` and become one undo
// step as long as they follow each other within GROUP_MS.

const GROUP_MS = 800;
const MAX_HISTORY = 100;

export type HistoryState<T> = {
  past: T[];
  present: T;
  future: T[];
  group: string | null;
  groupAt: number;
};

export type HistoryAction<T> =
  | { type: "set"; value: T; group?: string; at: number }
  | { type: "undo" }
  | { type: "redo" }
  | { type: "reset"; value: T };

export function historyReducer<T>(
  state: HistoryState<T>,
  action: HistoryAction<T>,
): HistoryState<T> {
  switch (action.type) {
    case "set": {
      if (Object.is(action.value, state.present)) return state;
      const sameGroup =
        action.group !== undefined &&
        action.group === state.group &&
        action.at - state.groupAt < GROUP_MS;
      if (sameGroup) return { ...state, present: action.value, groupAt: action.at };
      return {
        past: [...state.past, state.present].slice(-MAX_HISTORY),
        present: action.value,
        future: [],
        group: action.group ?? null,
        groupAt: action.at,
      };
    }
    case "undo": {
      const previous = state.past.at(-1);
      if (previous === undefined) return state;
      return {
        past: state.past.slice(0, -1),
        present: previous,
        future: [state.present, ...state.future],
        group: null,
        groupAt: 0,
      };
    }
    case "redo": {
      const next = state.future[0];
      if (next === undefined) return state;
      return {
        past: [...state.past, state.present],
        present: next,
        future: state.future.slice(1),
        group: null,
        groupAt: 0,
      };
    }
    case "reset":
      return { past: [], present: action.value, future: [], group: null, groupAt: 0 };
  }
}

export type History<T> = {
  value: T;
  set: (value: T, group?: string) => void;
  undo: () => void;
  redo: () => void;
  /** Starts over from `value` with no undo history (a restored draft, a discarded one). */
  reset: (value: T) => void;
  canUndo: boolean;
  canRedo: boolean;
};

export function useHistory<T>(initial: T): History<T> {
  const [state, dispatch] = useReducer(historyReducer<T>, {
    past: [],
    present: initial,
    future: [],
    group: null,
    groupAt: 0,
  });
  const set = useCallback(
    (value: T, group?: string) => dispatch({ type: "set", value, group, at: Date.now() }),
    [],
  );
  const undo = useCallback(() => dispatch({ type: "undo" }), []);
  const redo = useCallback(() => dispatch({ type: "redo" }), []);
  const reset = useCallback((value: T) => dispatch({ type: "reset", value }), []);
  return {
    value: state.present,
    set,
    undo,
    redo,
    reset,
    canUndo: state.past.length > 0,
    canRedo: state.future.length > 0,
  };
}

/** True where the browser's own undo should win: typing in a text field. */
function editsText(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true;
  if (target instanceof HTMLInputElement) {
    return ["text", "search", "email", "url", "number", "password", "tel"].includes(target.type);
  }
  return false;
}

/** Ctrl+Z / ⌘Z undo; Ctrl+Shift+Z, ⌘⇧Z and Ctrl+Y redo. */
export function useUndoShortcuts(undo: () => void, redo: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || editsText(e.target)) return;
      const key = e.key.toLowerCase();
      if (key === "z" && !e.shiftKey) {
        e.preventDefault();
        undo();
      } else if ((key === "z" && e.shiftKey) || (key === "y" && !e.metaKey)) {
        e.preventDefault();
        redo();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [undo, redo]);
}
