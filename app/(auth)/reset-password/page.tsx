import type { Metadata } from "next";
import Link from "next/link";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { resetLinkEmail } from "@/lib/accounts/password-reset";

export const metadata: Metadata = { title: "Choose a new password" };

// The link from the reset mail. Opening it uses nothing up (mail scanners follow links); only
// submitting the form does.
export default async function ResetPasswordPage({ searchParams }: PageProps<"/reset-password">) {
  const token = (await searchParams).token;
  const email = typeof token === "string" ? await resetLinkEmail(token) : null;
  if (typeof token !== "string" || !email) {
    return (
      <Card>
        <CardHeader>
          <CardTitle>
            <span className="text-2xl">This link does not work</span>
          </CardTitle>
          <CardDescription>
            It may have expired (links last an hour), been used already or been replaced by a newer
            one. Ask for a new link.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <Button asChild>
            <Link href="/forgot-password">Ask for a new link</Link>
          </Button>
        </CardContent>
      </Card>
    );
  }
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <span className="text-2xl">Choose a new password</span>
        </CardTitle>
        <CardDescription className="[overflow-wrap:anywhere]">For {email}.</CardDescription>
      </CardHeader>
      <CardContent>
        <ResetPasswordForm token={token} email={email} />
      </CardContent>
    </Card>
  );
}
