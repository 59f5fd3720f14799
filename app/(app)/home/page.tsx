import type { Metadata } from "next";
import Link from "next/link";
import { RecentActivity } from "@/components/home/recent-activity";
import { APPS } from "@/components/shell/apps";
import { requireUser } from "@/lib/auth/session";
import { recentActivity } from "@/lib/home/activity";

export const metadata: Metadata = { title: "Home" };

export default async function HomePage() {
  const user = await requireUser("/home");
  const firstName = user.name.split(/\s+/)[0];
  const activity = await recentActivity(user.id);
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Welcome, {firstName}</h1>
        <p className="text-muted-foreground">Your Stratus workspace.</p>
      </div>
      <section aria-labelledby="activity-heading" className="grid gap-3">
        <h2 id="activity-heading" className="text-lg font-semibold tracking-tight">
          Recent activity
        </h2>
        <RecentActivity activity={activity} />
      </section>
      <section aria-labelledby="apps-heading" className="grid gap-3">
        <h2 id="apps-heading" className="text-lg font-semibold tracking-tight">
          Apps
        </h2>
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {APPS.map((app) => (
            <li key={app.name} className="rounded-lg border bg-card p-5">
              <div className="flex items-center gap-2 font-medium">
                <app.icon className="size-5 text-primary" aria-hidden />
                {app.available ? (
                  <Link href={app.href} className="hover:underline">
                    {app.name}
                  </Link>
                ) : (
                  app.name
                )}
                {!app.available && (
                  <span className="ml-auto rounded-full bg-muted px-2 py-0.5 text-xs text-muted-foreground">
                    Coming soon
                  </span>
                )}
              </div>
              <p className="mt-2 text-sm text-muted-foreground">{app.summary}</p>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
