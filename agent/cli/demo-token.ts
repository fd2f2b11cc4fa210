// `kyso-agent demo-token init [--force]`: creates the SoftHSM2 demo token under the data dir and prints its PIN.
import { COMMAND_TEXTS } from './texts.js';
import { parseArgs } from 'node:util';
import { demoTokenInit } from '../demo/index.js';
import { resolveDataDir } from '../headless/index.js';
import { EXIT, errorText, type CliIo, type Subcommand } from './io.js';

export const demoTokenCommand: Subcommand = {
  ...COMMAND_TEXTS['demo-token'],
  async run(argv: string[], io: CliIo): Promise<number> {
    let values: { force?: boolean; 'data-dir'?: string; json?: boolean };
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({ args: argv, options: { force: { type: 'boolean' }, 'data-dir': { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true, strict: true }));
    } catch (e) {
      io.err(`${errorText(e)}\n${this.usage}`);
      return EXIT.usage;
    }
    if (positionals.length !== 1 || positionals[0] !== 'init') {
      io.err(this.usage);
      return EXIT.usage;
    }
    try {
      const r = await demoTokenInit({ dataDir: resolveDataDir(values['data-dir'], io.env), force: values.force ?? false });
      if (values.json) {
        io.out(JSON.stringify({ status: r.status, label: r.label, pin: r.pin, dir: r.dir, certificates: r.certificates }));
        return EXIT.ok;
      }
      io.out(r.status === 'created' ? `Đã tạo token "${r.label}" / Created token "${r.label}"` : `Token "${r.label}" đã có sẵn / already exists (--force để tạo lại / to recreate)`);
      // The demo PIN is public by design (test keys from a test CA); real token PINs are never printed anywhere.
      io.out(`PIN: ${r.pin}`);
      for (const c of r.certificates) io.out(`  - ${c.commonName} [${c.status}] ${c.thumbprintSha256}`);
      return EXIT.ok;
    } catch (e) {
      io.err(`Không tạo được token thử nghiệm / Cannot create the demo token: ${errorText(e)}`);
      return EXIT.failure;
    }
  },
};
