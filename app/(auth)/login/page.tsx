import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { nextPathSchema } from "@/lib/auth/schemas";
import { currentUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Log in" };

export default async function LoginPage({ searchParams }: PageProps<"/login">) {
  const next = nextPathSchema.parse((await searchParams).next);
  if (await currentUser()) redirect(next);
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <span className="text-2xl">Log in</span>
        </CardTitle>
        <CardDescription>Welcome back to Stratus.</CardDescription>
      </CardHeader>
      <CardContent>
        <LoginForm next={next} />
      </CardContent>
    </Card>
  );
}
