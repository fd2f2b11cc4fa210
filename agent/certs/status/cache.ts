// The status cache: answers kept until their nextUpdate, in memory and on disk in the data dir, bounded in count and size.
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StatusReport } from '../../core/status/port.js';

/** What is stored: the report with its evidence as base64. */
interface Stored {
  expiresAt: number;
  report: Omit<StatusReport, 'evidence' | 'fromCache'>;
  evidence?: { chain: string[]; ocspResponses: string[]; crls: string[]; anchored: boolean };
}

export interface CacheOptions {
  /** Directory for the on-disk copy (created 0700); absent: memory only. */
  dir?: string;
  maxEntries: number;
  /** Entries whose evidence is larger are kept without their CRLs on disk. */
  maxEntryBytes: number;
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const unb64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

export class StatusCache {
  private readonly memory = new Map<string, Stored>();
  private loaded: Promise<void> | undefined;

  constructor(private readonly options: CacheOptions) {}

  /** A live answer for `key` (sha256 of the certificate), or undefined. Memory first: a warm hit costs no I/O. */
  async get(key: string, now: Date): Promise<StatusReport | undefined> {
    if (!this.memory.has(key)) await this.load();
    const hit = this.memory.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= now.getTime()) {
      this.memory.delete(key);
      return undefined;
    }
    const report: StatusReport = { ...hit.report, fromCache: true };
    if (hit.evidence) {
      report.evidence = {
        chain: hit.evidence.chain.map(unb64), ocspResponses: hit.evidence.ocspResponses.map(unb64), crls: hit.evidence.crls.map(unb64), anchored: hit.evidence.anchored,
      };
    }
    return report;
  }

  async put(key: string, report: StatusReport, expiresAt: Date): Promise<void> {
    const { evidence, fromCache: _fromCache, ...rest } = report;
    const stored: Stored = { expiresAt: expiresAt.getTime(), report: rest };
    if (evidence) {
      stored.evidence = { chain: evidence.chain.map(b64), ocspResponses: evidence.ocspResponses.map(b64), crls: evidence.crls.map(b64), anchored: evidence.anchored };
      if (JSON.stringify(stored).length > this.options.maxEntryBytes) stored.evidence.crls = [];
    }
    this.memory.delete(key);
    this.memory.set(key, stored);
    while (this.memory.size > this.options.maxEntries) {
      const oldest = this.memory.keys().next().value as string;
      this.memory.delete(oldest);
      if (this.options.dir) await rm(join(this.options.dir, `${oldest}.json`), { force: true });
    }
    if (!this.options.dir) return;
    await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
    const file = join(this.options.dir, `${key}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(stored), { mode: 0o600 });
    await rename(tmp, file);
  }

  /** Reads the on-disk entries once (bounded: at most maxEntries files of at most maxEntryBytes each). */
  private load(): Promise<void> {
    this.loaded ??= (async () => {
      const dir = this.options.dir;
      if (!dir) return;
      let names: string[];
      try {
        names = (await readdir(dir)).filter((n) => /^[0-9a-f]{64}\.json$/.test(n)).slice(0, this.options.maxEntries);
      } catch {
        return;
      }
      for (const name of names) {
        try {
          const text = await readFile(join(dir, name), 'utf8');
          if (text.length > this.options.maxEntryBytes * 2) continue;
          const stored = JSON.parse(text) as Stored;
          if (typeof stored.expiresAt === 'number' && stored.report && !this.memory.has(name.slice(0, 64))) this.memory.set(name.slice(0, 64), stored);
        } catch {
          // a damaged entry is just a miss
        }
      }
    })();
    return this.loaded;
  }
}
