import type { Metadata } from "next";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { verifyEmail } from "@/lib/accounts/email-verification";
import { currentUser } from "@/lib/auth/session";
import { AuthCard } from "@/components/auth/auth-card";

export const metadata: Metadata = { title: "Confirm your e-mail" };

// The link from the verification mail. Following it is the confirmation: the token proves the
// mailbox, and a mail scanner that follows it first has that mailbox too.
export default async function VerifyEmailPage({ searchParams }: PageProps<"/verify-email">) {
  const token = (await searchParams).token;
  const ok = typeof token === "string" && (await verifyEmail(token));
  const signedIn = (await currentUser()) !== null;
  return (
    <AuthCard
      title={ok ? "Address confirmed" : "This link does not work"}
      description={
        ok
          ? "Thank you. Stratus can now send you job results and other mail."
          : "It may have expired (links last 24 hours) or been used already. Sign in and ask for a new one from the banner."
      }
    >
      <Button asChild>
        <Link href={signedIn ? "/home" : "/login"}>{signedIn ? "Go to Stratus" : "Log in"}</Link>
      </Button>
    </AuthCard>
  );
}
