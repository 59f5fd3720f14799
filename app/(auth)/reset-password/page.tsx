import type { Metadata } from "next";
import Link from "next/link";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { Button } from "@/components/ui/button";
import { resetLinkEmail } from "@/lib/accounts/password-reset";
import { AuthCard } from "@/components/auth/auth-card";

export const metadata: Metadata = { title: "Choose a new password" };

// The link from the reset mail. Opening it uses nothing up (mail scanners follow links); only
// submitting the form does.
export default async function ResetPasswordPage({ searchParams }: PageProps<"/reset-password">) {
  const token = (await searchParams).token;
  const email = typeof token === "string" ? await resetLinkEmail(token) : null;
  if (typeof token !== "string" || !email) {
    return (
      <AuthCard
        title="This link does not work"
        description="It may have expired (links last an hour), been used already or been replaced by a newer one. Ask for a new link."
      >
        <Button asChild>
          <Link href="/forgot-password">Ask for a new link</Link>
        </Button>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Choose a new password" description={<>For {email}.</>}>
      <ResetPasswordForm token={token} email={email} />
    </AuthCard>
  );
}
