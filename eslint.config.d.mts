// Types for eslint.config.mjs's named export, read by lib/layers.test.ts.
import type { Linter } from "eslint";

declare const config: Linter.Config[];
export default config;
export declare const layers: Record<"infra" | "domains" | "composition" | "testing", string[]>;
