/** @type {import('next').NextConfig} */
const nextConfig = {
  // The e2e build goes to its own folder so a running `npm run up` server keeps its build.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  // Native and driver packages are loaded by Node at run time, not bundled.
  serverExternalPackages: ["@node-rs/argon2", "mariadb", "@prisma/adapter-mariadb"],
};

export default nextConfig;
