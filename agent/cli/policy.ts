// `kyso-agent policy check FILE`: validates an admin policy file and prints what would be in force.
import { readFile } from 'node:fs/promises';
import { parsePolicy } from '../core/policy/policy.js';
import { EXIT, errorText, type CliIo, type Subcommand } from './io.js';

export const policyCommand: Subcommand = {
  summary: 'Kiểm tra tệp chính sách / Check a policy file',
  usage: 'kyso-agent policy check FILE',
  async run(argv: string[], io: CliIo): Promise<number> {
    const [action, file, ...rest] = argv;
    if (action !== 'check' || !file || rest.length > 0) {
      io.err(this.usage);
      return EXIT.usage;
    }
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
    io.out('Chính sách hợp lệ / Policy is valid:');
    io.out(JSON.stringify(r.policy, null, 2));
    return EXIT.ok;
  },
};
