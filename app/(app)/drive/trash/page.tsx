import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { TrashTable } from "@/components/drive/trash-table";
import { Button } from "@/components/ui/button";
import { requireUser } from "@/lib/auth/session";
import { firstParam, pageSchema } from "@/lib/drive/schemas";
import { listTrash } from "@/lib/drive/trash";

export const metadata: Metadata = { title: "Trash" };

export default async function TrashPage({ searchParams }: PageProps<"/drive/trash">) {
  const user = await requireUser("/drive/trash");
  const page = pageSchema.catch(1).parse(firstParam(await searchParams).page);
  const trash = await listTrash(user.id, { page });
  return (
    <div className="grid gap-5">
      <div className="grid gap-1">
        <Button asChild variant="link" className="h-auto justify-self-start p-0 text-sm">
          <Link href="/drive">
            <ArrowLeft aria-hidden />
            My Drive
          </Link>
        </Button>
        <h1 className="text-2xl font-semibold tracking-tight">Trash</h1>
        <p className="text-sm text-muted-foreground">
          Items in the trash still count towards your storage. They are deleted forever{" "}
          {trash.retentionDays} days after they were moved here.
        </p>
      </div>
      <TrashTable key={trash.page} trash={trash} />
    </div>
  );
}
