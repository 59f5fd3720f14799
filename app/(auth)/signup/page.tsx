import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignupForm } from "@/components/auth/signup-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { nextPathSchema } from "@/lib/auth/schemas";
import { currentUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign up" };

export default async function SignupPage({ searchParams }: PageProps<"/signup">) {
  const next = nextPathSchema.parse((await searchParams).next);
  if (await currentUser()) redirect(next);
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <span className="text-2xl">Create your account</span>
        </CardTitle>
        <CardDescription>One account for Drive, Images, MapReduce and Pulse.</CardDescription>
      </CardHeader>
      <CardContent>
        <SignupForm next={next} />
      </CardContent>
    </Card>
  );
}
