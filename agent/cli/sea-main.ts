// Entry of the self-contained executable (Node single-executable application, docs/admin.md "Linux package"):
// the same CLI as bin/kyso-agent.mjs, bundled to one CommonJS file by scripts/package.mjs.
import { run } from './main.js';

// In a single-executable application argv[1] repeats the executable's path, as for `node script`.
void run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  },
);
