// `kyso-agent policy check FILE` validates an admin policy file and prints what would be in force;
// `kyso-agent policy export-browser --for chrome|edge|firefox` writes the matching browser policy for fleets.
import { COMMAND_TEXTS } from './texts.js';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import extensionIds from '../../extension/ids.json' with { type: 'json' };
import { parsePolicy } from '../core/policy/policy.js';
import { loadPolicy, resolvePolicyPath } from '../headless/index.js';
import { policyJsonSchema } from './policy-schema.js';
import { BROWSER_FAMILIES, browserPolicy, browserPolicyReg, policyLocation, type BrowserFamily } from './browser-policy.js';
import { EXIT, errorText, type CliIo, type Subcommand } from './io.js';

async function check(file: string, io: CliIo): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    io.err(`Không đọc được tệp / Cannot read the file: ${errorText(e)}`);
    return EXIT.failure;
  }
  const r = parsePolicy(text);
  if (!r.ok) {
    io.err(`Chính sách không hợp lệ; agent sẽ chạy với thiết lập an toàn nhất.\nInvalid policy; the agent would run with the safest settings.`);
    for (const line of r.errors) io.err(`  - ${line}`);
    return EXIT.failure;
  }
  for (const w of r.warnings) io.err(`  ! ${w} — bỏ qua / ignored`);
  io.out('Chính sách hợp lệ / Policy is valid:');
  io.out(JSON.stringify(r.policy, null, 2));
  return EXIT.ok;
}

async function exportBrowser(argv: string[], io: CliIo, usage: string): Promise<number> {
  let values: { for?: string; policy?: string; format?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { for: { type: 'string' }, policy: { type: 'string' }, format: { type: 'string' } }, strict: true }));
  } catch (e) {
    io.err(`${errorText(e)}\n${usage}`);
    return EXIT.usage;
  }
  const family = values.for as BrowserFamily | undefined;
  const format = values.format ?? 'json';
  if (!family || !BROWSER_FAMILIES.includes(family) || (format !== 'json' && format !== 'reg')) {
    io.err(usage);
    return EXIT.usage;
  }
  const loaded = await loadPolicy(resolvePolicyPath(values.policy, io.env));
  if (loaded.source === 'safest') {
    io.err(`Chính sách không hợp lệ / Invalid policy: ${loaded.path}`);
    for (const line of loaded.problems) io.err(`  - ${line}`);
    return EXIT.failure;
  }
  // Enterprise builds of the extension named in policy `extension.ids` are force-installed too (Chromium-shaped IDs).
  const json = browserPolicy(family, loaded.policy, extensionIds, loaded.policy.extension.ids.filter((id) => /^[a-p]{32}$/.test(id)));
  if (format === 'reg') {
    io.out(browserPolicyReg(family, json));
  } else {
    io.out(JSON.stringify(json, null, 2));
  }
  io.err(`→ Linux: ${policyLocation(family).linux}\n→ Windows: ${policyLocation(family).windowsKey} (--format reg)`);
  return EXIT.ok;
}

export const policyCommand: Subcommand = {
  ...COMMAND_TEXTS.policy,
  async run(argv: string[], io: CliIo): Promise<number> {
    const [action, ...rest] = argv;
    if (action === 'check' && rest.length === 1) return check(rest[0]!, io);
    if (action === 'export-browser') return exportBrowser(rest, io, this.usage);
    if (action === 'schema' && rest.length === 0) {
      io.out(JSON.stringify(policyJsonSchema(), null, 2));
      return EXIT.ok;
    }
    io.err(this.usage);
    return EXIT.usage;
  },
};
