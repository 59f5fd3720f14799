/** @type {import('next').NextConfig} */
const nextConfig = {
  // The e2e build goes to its own folder so a running `npm run up` server keeps its build.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  // The container image (Dockerfile) runs Next's standalone server: a traced, minimal node_modules
  // and server.js. Only that build asks for it, so `next start` (npm run up) keeps working.
  ...(process.env.NEXT_OUTPUT === "standalone" && { output: "standalone" }),
  // Native and driver packages are loaded by Node at run time, not bundled.
  serverExternalPackages: ["@node-rs/argon2", "mariadb", "@prisma/adapter-mariadb"],
  // Pulse's consumer (served at /api/inngest too) reads its model and language data from disk.
  outputFileTracingIncludes: {
    "/api/inngest": [
      "./lib/pulse/sentiment/model/weights.bin",
      "./lib/pulse/sentiment/model/model.json",
      "./lib/pulse/language/eld-small.bin",
    ],
    // Image Studio's render processes (lib/images/render-pool.ts) run this script with `node`;
    // the sharp it imports is traced already, as the routes import it too.
    "/api/images/preview": ["./lib/images/render-process.mjs"],
    "/api/images/thumbnails": ["./lib/images/render-process.mjs"],
    // The zip process (lib/drive/zip.ts) runs this script with `node`: the server bundles
    // client-zip into its chunks, so the package itself must be copied for the script to import.
    "/api/drive/zip": ["./lib/drive/zip-process.mjs", "./node_modules/client-zip/**/*"],
  },
  // MapReduce lived at /jobs before it was named after itself everywhere: old links and
  // bookmarks (and the e-mails already sent) still land on the same page.
  async redirects() {
    return [
      { source: "/jobs", destination: "/mapreduce", permanent: true },
      { source: "/jobs/:path*", destination: "/mapreduce/:path*", permanent: true },
    ];
  },
};

export default nextConfig;
