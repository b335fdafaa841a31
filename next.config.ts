import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite ships WASM + data files that break when bundled; argon2 is a native addon.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "pino", "pino-pretty"],
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
};

export default nextConfig;
