// Checks of a manifest as the registry serves it after `changeset publish`: no pnpm protocol
// (`workspace:`, `catalog:`) left in any dependency field; runtime dependencies as caret ranges,
// and a sibling @plh package at exactly `^<its published version>`; no install-time build
// (no preinstall/install/postinstall script, no gypfile), so installs need no compiler and no
// allowBuilds. Returns a list of problems (empty = fine).
const DEP_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies'];
const RUNTIME_FIELDS = ['dependencies', 'optionalDependencies'];
const CARET = /^\^\d+\.\d+\.\d+(-[\w.]+)?$/;

export function manifestProblems(manifest, publishedVersions) {
  const problems = [];
  const where = `${manifest.name}@${manifest.version}`;
  for (const field of DEP_FIELDS) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (/^(workspace|catalog):/.test(range)) problems.push(`${where}: ${field}.${dep} is "${range}" (pnpm protocol leaked)`);
    }
  }
  for (const field of RUNTIME_FIELDS) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (!CARET.test(range)) problems.push(`${where}: ${field}.${dep} is "${range}", expected a caret range ^x.y.z`);
      const sibling = publishedVersions[dep];
      if (sibling !== undefined && range !== `^${sibling}`) {
        problems.push(`${where}: ${field}.${dep} is "${range}", expected "^${sibling}" (the version published with it)`);
      }
    }
  }
  for (const script of ['preinstall', 'install', 'postinstall']) {
    if (manifest.scripts?.[script]) problems.push(`${where}: has a "${script}" script (${manifest.scripts[script]}): installs would build`);
  }
  if (manifest.gypfile) problems.push(`${where}: "gypfile": true (npm would run node-gyp rebuild at install)`);
  return problems;
}
