import type { Metadata } from "next";
import { NewJobForm } from "@/components/mapreduce/new-job-form";
import { BackHeader } from "@/components/shell/back-header";
import { requireUser } from "@/lib/auth/session";
import { firstParam } from "@/lib/drive/schemas";
import { emrConfig } from "@/lib/mapreduce/emr/config";
import { EMR_SUPPORTED_BUILTINS } from "@/lib/mapreduce/emr/step";
import { listPickableFiles, listPickableFolders } from "@/lib/mapreduce/files";
import { formFromRecipe } from "@/lib/mapreduce/form-schemas";
import { getMapReduceJob } from "@/lib/mapreduce/store";

export const metadata: Metadata = { title: "New job" };

export default async function NewJobPage({ searchParams }: PageProps<"/mapreduce/new">) {
  const user = await requireUser("/mapreduce/new");
  const { from, input } = firstParam(await searchParams);
  const [files, folders, source] = await Promise.all([
    listPickableFiles(user.id),
    listPickableFolders(user.id),
    typeof from === "string" ? getMapReduceJob(user.id, from) : null,
  ]);
  // Drive's "Use in MapReduce" (?input=<fileId>): preselected only if it is one of the user's
  // pickable files, so a foreign or stale id is simply ignored.
  const preselected = typeof input === "string" && files.some((f) => f.id === input) ? [input] : [];
  const initial = source
    ? formFromRecipe({ ...source.recipe, name: `${source.recipe.name} (copy)` })
    : null;
  let emrAvailable = false;
  try {
    emrAvailable = emrConfig() !== null;
  } catch {
    emrAvailable = false;
  }

  return (
    <div className="mx-auto grid w-full max-w-3xl gap-5">
      <BackHeader
        href="/mapreduce"
        back="MapReduce"
        title={source ? `Clone “${source.recipe.name}”` : "New job"}
      />
      <NewJobForm
        files={files}
        folders={folders}
        initial={initial}
        preselected={preselected}
        emr={{ available: emrAvailable, kinds: EMR_SUPPORTED_BUILTINS }}
      />
    </div>
  );
}
