import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { nextPathSchema } from "@/lib/auth/schemas";
import { currentUser } from "@/lib/auth/session";
import { AuthCard } from "@/components/auth/auth-card";

export const metadata: Metadata = { title: "Log in" };

export default async function LoginPage({ searchParams }: PageProps<"/login">) {
  const next = nextPathSchema.parse((await searchParams).next);
  if (await currentUser()) redirect(next);
  return (
    <AuthCard title="Log in" description="Welcome back to Stratus.">
      <LoginForm next={next} />
    </AuthCard>
  );
}
