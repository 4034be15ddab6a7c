// The first thing a user on a too-old Node sees. Runs before every npm script (`npm start`, `npm test`,
// `npm run copydesk …`) and as `preinstall`, in CommonJS ES5-safe syntax so any old Node can
// execute it. Why not `engines` + `engine-strict`: npm then stops before any script with its bare
// `EBADENGINE … Required: {…}`, which names neither the version to get nor how to get it.
//
// The floor is the first Node that runs `node scripts/copydesk.ts` as is: TypeScript type stripping
// without a flag arrived in Node 23.6.0 and was backported to 22.18.0 (on 22.12–22.17 every command
// fails with ERR_UNKNOWN_FILE_EXTENSION ".ts"). https://nodejs.org/api/typescript.html
var floors = { 22: [22, 18], 23: [23, 6] };
var have = process.versions.node.split('.').map(Number);
var ok = have[0] >= 24 || (floors[have[0]] !== undefined && have[1] >= floors[have[0]][1]);
if (!ok) {
  var installing = (process.env.npm_lifecycle_event || '') === 'preinstall';
  console.error(
    '\ncopydesk needs Node.js 24 (or at least 22.18); this is Node ' + process.versions.node + '.\n' +
    'Install Node 24, the version in .nvmrc:\n' +
    '  with nvm:  nvm install      (then `nvm use` in this folder)\n' +
    '  with fnm:  fnm use --install-if-missing\n' +
    '  or download it from https://nodejs.org/en/download\n' +
    'then run ' + (installing ? '`npm ci`' : '`npm ci` (if you have not yet) and your command') + ' again.\n'
  );
  process.exit(1);
}
