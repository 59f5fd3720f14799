"use client";

import { useActionState, useEffect, useState } from "react";
import { FormField } from "@/components/form-field";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { createShareLinkAction, updateShareLinkAction } from "@/lib/drive/share-actions";
import { SHARE_MAX_DOWNLOADS, SHARE_PASSWORD_MIN } from "@/lib/drive/share-schemas";
import type { ShareLinkView } from "@/lib/drive/share-types";
import type { FormState } from "@/lib/forms";

type Mode =
  | { kind: "create"; fileId: string }
  | { kind: "create"; folderId: string }
  | { kind: "edit"; link: ShareLinkView };

/** "2026-12-01T09:30" in the browser's time zone, as <input type="datetime-local"> wants it. */
function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// The server gets an instant with its offset, so it never has to guess the visitor's time zone.
function toIso(local: string): string {
  if (!local) return "";
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}

export function ShareLinkForm({
  mode,
  onSaved,
  onCancel,
}: {
  mode: Mode;
  onSaved(link: ShareLinkView): void;
  onCancel?: () => void;
}) {
  const editing = mode.kind === "edit" ? mode.link : null;
  const action = editing ? updateShareLinkAction : createShareLinkAction;
  const [state, formAction, pending] = useActionState<
    FormState<string, { link: ShareLinkView }>,
    FormData
  >(action, {});
  const [expires, setExpires] = useState(toLocalInput(editing?.expiresAt ?? null));
  // Controlled, because React resets uncontrolled fields after every submission, and a refused
  // form must keep what the owner typed.
  const [limit, setLimit] = useState(editing?.maxDownloads?.toString() ?? "");
  const [password, setPassword] = useState("");
  const [passwordMode, setPasswordMode] = useState<"keep" | "set" | "remove">(
    editing?.hasPassword ? "keep" : "set",
  );

  useEffect(() => {
    if (state.ok && state.link) onSaved(state.link);
    // Only a new result should report; onSaved changes identity on every parent render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state]);

  const idPrefix = editing ? `edit-${editing.id}` : "create";
  const showPassword = !editing || passwordMode === "set";
  return (
    <form action={formAction} className="grid gap-3" noValidate>
      {state.message && !state.ok && <Alert>{state.message}</Alert>}
      {editing ? (
        <input type="hidden" name="linkId" value={editing.id} />
      ) : (
        <>
          <input
            type="hidden"
            name="fileId"
            value={mode.kind === "create" && "fileId" in mode ? mode.fileId : ""}
          />
          <input
            type="hidden"
            name="folderId"
            value={mode.kind === "create" && "folderId" in mode ? mode.folderId : ""}
          />
        </>
      )}
      <input type="hidden" name="expiresAt" value={toIso(expires)} />
      <div className="grid gap-3 sm:grid-cols-2">
        <div className="grid content-start gap-1">
          <FormField
            id={`${idPrefix}-expires`}
            name="expiresLocal"
            label="Expires"
            type="datetime-local"
            value={expires}
            onChange={(e) => setExpires(e.target.value)}
            hint="Leave empty for no expiry"
            errors={state.errors?.expiresAt}
          />
          {expires !== "" && (
            <Button
              type="button"
              variant="link"
              size="sm"
              className="h-auto justify-self-start p-0 text-xs"
              onClick={() => setExpires("")}
            >
              Remove expiry
            </Button>
          )}
        </div>
        <FormField
          id={`${idPrefix}-limit`}
          name="maxDownloads"
          label="Download limit"
          type="number"
          inputMode="numeric"
          min={1}
          max={SHARE_MAX_DOWNLOADS}
          placeholder="No limit"
          value={limit}
          onChange={(e) => setLimit(e.target.value)}
          hint="Leave empty for unlimited"
          errors={state.errors?.maxDownloads}
        />
      </div>
      {editing && (
        <fieldset className="grid gap-2">
          <legend className="mb-1 text-sm font-medium">Password</legend>
          <input type="hidden" name="passwordMode" value={passwordMode} />
          <div className="flex flex-wrap gap-x-4 gap-y-2 text-sm">
            {(editing.hasPassword
              ? ([
                  ["keep", "Keep current"],
                  ["set", "Change"],
                  ["remove", "Remove"],
                ] as const)
              : ([
                  ["keep", "No password"],
                  ["set", "Set a password"],
                ] as const)
            ).map(([value, label]) => (
              <Label key={value} className="flex cursor-pointer items-center gap-2 font-normal">
                <input
                  type="radio"
                  name={`${idPrefix}-password-mode`}
                  value={value}
                  checked={passwordMode === value}
                  onChange={() => setPasswordMode(value)}
                  className="accent-primary"
                />
                {label}
              </Label>
            ))}
          </div>
        </fieldset>
      )}
      {showPassword && (
        <FormField
          id={`${idPrefix}-password`}
          name="password"
          label={editing ? "New password" : "Password"}
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          placeholder={editing ? undefined : "Optional"}
          hint={`At least ${SHARE_PASSWORD_MIN} characters${editing ? "" : "; leave empty for none"}`}
          errors={state.errors?.password}
        />
      )}
      <div className="flex flex-wrap justify-end gap-2">
        {onCancel && (
          <Button type="button" variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        )}
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : editing ? "Save changes" : "Create link"}
        </Button>
      </div>
    </form>
  );
}
