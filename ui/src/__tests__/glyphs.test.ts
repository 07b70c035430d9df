// No emoji in what the UI renders: Linux desktops often have no emoji font, and an emoji then
// shows as an empty box. Icons are drawn as inline SVG instead.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "__tests__" || name === "test" ? [] : sources(path);
    return /\.(tsx?|css)$/.test(name) ? [path] : [];
  });
}

describe("glyphs", () => {
  it("has no emoji characters anywhere in ui/src", () => {
    const root = join(__dirname, "..");
    const found = sources(root).flatMap((path) =>
      readFileSync(path, "utf8")
        .split("\n")
        .flatMap((line, i) => (/\p{Extended_Pictographic}/u.test(line) ? [`${path.slice(root.length + 1)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
  });
});
