import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The house's walls are lint rules (eslint.config.js). Each is shown failing on a planted
// violation at the path where it would be written, and passing on the allowed form.

const root = fileURLToPath(new URL("..", import.meta.url));
const eslint = new ESLint({ cwd: root });

async function rulesHit(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe("architecture walls", { timeout: 120_000 }, () => {
  it("keeps the Drive's tables inside lib/drive", async () => {
    const code = `import { db } from "@/lib/db/client";\nexport const n = () => db.file.count();\n`;
    expect((await rulesHit("lib/images/planted.ts", code)).join("\n")).toMatch(
      /no-restricted-syntax: The Drive's tables are touched only by lib\/drive/,
    );
    const tx = `export const n = (tx: { folder: { count(): number } }) => tx.folder.count();\n`;
    expect(await rulesHit("inngest/functions/planted.ts", tx)).toHaveLength(1);
    expect(await rulesHit("lib/drive/planted.ts", code)).toEqual([]);
  });

  it("keeps lib/ from importing the inngest/ folder, but not the inngest package", async () => {
    const bad = `import { inngest } from "@/inngest/index";\nexport const x = inngest;\n`;
    expect((await rulesHit("lib/pulse/planted.ts", bad)).join("\n")).toMatch(
      /lib\/ never imports inngest\//,
    );
    const relative = `import { x as y } from "../../inngest/functions/send-email";\nexport const x = y;\n`;
    expect(await rulesHit("lib/pulse/listener/planted.ts", relative)).toHaveLength(1);
    const pkg = `import { serve } from "inngest/next";\nexport const x = serve;\n`;
    expect(await rulesHit("lib/pulse/planted.ts", pkg)).toEqual([]);
  });

  it("keeps the database, storage and logger out of components", async () => {
    for (const mod of ["@/lib/db/client", "@/lib/storage/objects", "@/lib/log/logger"]) {
      const code = `import * as m from "${mod}";\nexport const x = m;\n`;
      expect((await rulesHit("components/ui/planted.tsx", code)).join("\n")).toMatch(
        /Components run in the browser too/,
      );
    }
  });

  it("keeps one app's components from importing another's", async () => {
    const code = `import { ChainEditor } from "@/components/images/chain-editor";\nexport const x = ChainEditor;\n`;
    expect((await rulesHit("components/pulse/planted.tsx", code)).join("\n")).toMatch(
      /components\/pulse is one app's UI/,
    );
    const relative = `import { ChainEditor } from "../images/chain-editor";\nexport const x = ChainEditor;\n`;
    expect(await rulesHit("components/drive/planted.tsx", relative)).toHaveLength(1);
    const shared = `import { Button } from "@/components/ui/button";\nexport const x = Button;\n`;
    expect(await rulesHit("components/pulse/planted.tsx", shared)).toEqual([]);
  });
});
