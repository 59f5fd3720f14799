import { z } from "zod";
import { parseEnv } from "@/lib/parse-env";

// Every variable the server reads, parsed once. The README's 'Environment' table mirrors this.
const schema = z.object({
  DATABASE_URL: z
    .string({ error: "DATABASE_URL is not set (npm run up writes it to .env.local)" })
    .regex(/^(mysql|mariadb):\/\//, "DATABASE_URL must start with mysql:// or mariadb://"),
  NEXTAUTH_SECRET: z
    .string({ error: "NEXTAUTH_SECRET is not set (npm run up generates it into .env.local)" })
    .min(32, "NEXTAUTH_SECRET must be at least 32 characters"),
  NEXTAUTH_URL: z.url().optional(),
  // How many reverse proxies in front of Stratus append to X-Forwarded-For (see lib/auth/client-ip.ts).
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
});

export type ServerEnv = z.infer<typeof schema>;

let cached: ServerEnv | undefined;

export function serverEnv(): ServerEnv {
  if (cached) return cached;
  cached = parseEnv(schema, process.env, "server");
  return cached;
}

// The same schema, for the start-up check over the whole environment (lib/health/environment.ts).
export const serverEnvSchema = schema;
