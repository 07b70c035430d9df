import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";
import type { Reporter } from "vitest/reporters";

const root = fileURLToPath(new URL(".", import.meta.url));

/** CI reads a plain "N passed, N failed" closing line; vitest's own summary is not one it parses. */
const plainSummary: Reporter = {
  onTestRunEnd(modules) {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === "passed") counts.passed++;
        else if (state === "failed") counts.failed++;
        else counts.skipped++;
      }
      // A file that failed to load has no tests, yet it must not read as a pass.
      if (m.state() === "failed" && m.children.size === 0) counts.failed++;
    }
    console.log(`ui: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  },
};

export default defineConfig({
  root,
  // Relative asset paths: Tauri serves the bundle from its own protocol, not from a web root.
  base: "./",
  plugins: [react()],
  // Tauri prints its own output to the same terminal; keep vite's visible.
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    watch: { ignored: ["**/src-tauri/**", "**/target/**"] },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
    reporters: ["default", plainSummary],
  },
});
