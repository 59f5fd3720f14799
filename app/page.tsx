import { ArrowRight } from "lucide-react";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Logo } from "@/components/logo";
import { APPS } from "@/components/shell/apps";
import { ThemeToggle } from "@/components/theme-toggle";
import { Button } from "@/components/ui/button";
import { currentUser } from "@/lib/auth/session";

export default async function LandingPage() {
  if (await currentUser()) redirect("/home");
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="mx-auto flex w-full max-w-5xl items-center justify-between px-4 py-4">
        <Logo />
        <nav className="flex items-center gap-2">
          <ThemeToggle />
          <Button variant="ghost" asChild>
            <Link href="/login">Log in</Link>
          </Button>
          <Button asChild>
            <Link href="/signup">Sign up</Link>
          </Button>
        </nav>
      </header>
      <main className="mx-auto w-full max-w-5xl flex-1 px-4 py-12 sm:py-20">
        <section className="max-w-2xl">
          <h1 className="text-4xl font-bold tracking-tight sm:text-5xl">
            Your own cloud workspace, on your own machine.
          </h1>
          <p className="mt-4 text-lg text-muted-foreground">
            Stratus bundles four cloud applications in one self-hostable app: file storage, image
            processing, MapReduce and live social analytics. Start on one server; move the database,
            storage and background jobs to managed services by configuration alone.
          </p>
          <div className="mt-8 flex flex-wrap gap-3">
            <Button size="lg" asChild>
              <Link href="/signup">
                Create an account <ArrowRight aria-hidden />
              </Link>
            </Button>
            <Button size="lg" variant="outline" asChild>
              <Link href="/login">Log in</Link>
            </Button>
          </div>
        </section>
        <section aria-labelledby="apps-heading" className="mt-16">
          <h2 id="apps-heading" className="sr-only">
            Applications
          </h2>
          <ul className="grid gap-4 sm:grid-cols-2">
            {APPS.map((app) => (
              <li key={app.name} className="rounded-lg border bg-card p-5">
                <div className="flex items-center gap-2 font-medium">
                  <app.icon className="size-5 text-primary" aria-hidden />
                  {app.name}
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
      </main>
      <footer className="border-t py-6 text-center text-xs text-muted-foreground">
        Stratus — self-hosted cloud workspace
      </footer>
    </div>
  );
}
