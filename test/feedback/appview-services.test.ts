/** The AppView's database servers for tests: missing binaries are a clear error, never a skip. */
import { expect, test } from 'vitest';
import { startAppViewServices } from '../helpers/appview-services.ts';

test('without PostgreSQL or Redis installed, the error names the packages and the command', async () => {
  await expect(startAppViewServices({ pgBinDirs: ['/nonexistent/pg/bin'], redisPaths: ['/nonexistent/redis-server'] })).rejects.toThrow(
    /need postgresql \(initdb, postgres\) and redis-server, which are not installed\. Install them with `apt-get install -y postgresql redis-server`/,
  );
});
