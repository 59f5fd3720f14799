import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignupForm } from "@/components/auth/signup-form";
import { nextPathSchema } from "@/lib/auth/schemas";
import { currentUser } from "@/lib/auth/session";
import { AuthCard } from "@/components/auth/auth-card";

export const metadata: Metadata = { title: "Sign up" };

export default async function SignupPage({ searchParams }: PageProps<"/signup">) {
  const next = nextPathSchema.parse((await searchParams).next);
  if (await currentUser()) redirect(next);
  return (
    <AuthCard
      title="Create your account"
      description="One account for Drive, Images, MapReduce and Pulse."
    >
      <SignupForm next={next} />
    </AuthCard>
  );
}
