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
      let entries;
      try {
        entries = await readdir(join(dir, sub), { recursive: true, withFileTypes: true });
      } catch {
        return [];
      }
      return entries
        .filter((e) => e.isFile() && !e.name.endsWith('.tmp'))
        .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
        .sort();
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
