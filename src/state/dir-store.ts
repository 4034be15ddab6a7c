/** The folder backend of StateStore, for local runs. Writes each file atomically (write + rename). */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { StateChange, StateStore } from './store.ts';

export function createDirStore(dir: string): StateStore {
  let queue: Promise<unknown> = Promise.resolve();
  const read = async (path: string) => {
    try {
      return await readFile(join(dir, path), 'utf8');
    } catch {
      return undefined;
    }
  };
  return {
    description: `folder ${dir}`,
    async refresh() {},
    read,
    async list(sub: string) {
      const out: string[] = [];
      const walk = async (abs: string) => {
        let entries;
        try {
          entries = await readdir(abs, { withFileTypes: true });
        } catch {
          return;
        }
        for (const e of entries) {
          const p = join(abs, e.name);
          if (e.isDirectory()) await walk(p);
          else if (!e.name.endsWith('.tmp')) out.push(relative(dir, p).split(sep).join('/'));
        }
      };
      await walk(join(dir, sub));
      return out.sort();
    },
    update(_message: string, change: StateChange) {
      // Serialise updates from this process; separate processes write distinct files or append.
      const run = queue.then(async () => {
        const writes = await change(read);
        for (const [path, content] of Object.entries(writes ?? {})) {
          const abs = join(dir, path);
          await mkdir(dirname(abs), { recursive: true });
          const tmp = `${abs}.${process.pid}.tmp`;
          await writeFile(tmp, content);
          await rename(tmp, abs);
        }
      });
      queue = run.catch(() => {});
      return run;
    },
  };
}
