// Runs before `npm install`/`npm ci` (and is written in CommonJS ES5-safe syntax so that any old
// Node can execute it): stop at once, with what to install, when this Node is too old.
var need = [22, 12];
var have = process.versions.node.split('.').map(Number);
if (have[0] < need[0] || (have[0] === need[0] && have[1] < need[1])) {
  console.error(
    '\ncopydesk needs Node.js 24 LTS (at least ' + need.join('.') + '); this is Node ' + process.versions.node + '.\n' +
    'Install Node 24 (the version is in .nvmrc): `nvm install` or `fnm use` in this folder,\n' +
    'or download it from https://nodejs.org/, then run `npm ci` again.\n'
  );
  process.exit(1);
}
