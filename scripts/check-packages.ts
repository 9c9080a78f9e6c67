/**
 * `npm run check:packages` (CI runs it after the build): the
 * packages as npm installs them.
 *
 * 1. packs every workspace package (`npm pack`), after checking each build
 *    is newer than its sources;
 * 2. lints each tarball with publint (strict) and @arethetypeswrong/cli
 *    (every resolution mode: node10, node16 CJS and ESM, bundler);
 * 3. installs the tarballs into a fresh project and runs each package
 *    README's example program as ESM (`.mts`) and as CommonJS (`.cts`,
 *    without `require` of ES modules, as on Node 20 before 20.19),
 *    compiled strict with `skipLibCheck: false` under `module: node16`, and
 *    type-checks it under `moduleResolution: bundler`; each run must print
 *    what the README says it prints;
 * 4. runs `dual-package.cjs`: the ESM and CommonJS copies of core in one
 *    process, with a CommonJS NodeAgent running a pod against an ESM Api.
 *
 * Exits 1 listing every failure. `--keep` leaves the scratch directory;
 * `--stale-ok` packs builds older than their sources (with a warning), for
 * a tree where others are editing.
 */
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentPrograms } from '../docs/snippets/tooling/doc-programs.js';
import { packWorkspaces, repoRoot } from './package-check/pack-workspaces.js';
import { runCommand } from './package-check/run-command.js';
import { createScratchProject } from './package-check/scratch-project.js';
import { compileAndRun, NO_REQUIRE_ESM } from './package-check/typescript-programs.js';

const failures: string[] = [];
const fail = (what: string, detail: string) => {
  failures.push(what);
  console.log(`  FAIL ${what}\n${detail.replace(/^/gm, '       ')}`);
};
const ok = (what: string) => console.log(`  ok   ${what}`);
const started = Date.now();
const step = (title: string) => console.log(`\n${title} (${((Date.now() - started) / 1000).toFixed(0)} s)`);

const scratch = await mkdtemp(join(tmpdir(), 'flotilla-packages-'));
try {
  step('pack');
  const packed = await packWorkspaces(scratch, process.argv.includes('--stale-ok'));
  for (const p of packed) {
    console.log(`  ${p.name.padEnd(22)} ${(p.sizeBytes / 1024).toFixed(0).padStart(5)} KiB  ${p.files.length} files`);
    for (const required of ['LICENSE', 'README.md', 'package.json']) {
      if (!p.files.includes(required)) fail(`${p.name}: ${required} in the tarball`, p.files.join('\n'));
    }
    const readme = await readFile(join(repoRoot, 'packages', p.folder, 'README.md'), 'utf8');
    const relative = [...readme.matchAll(/\]\((?![a-z]+:|#)([^)]+)\)/g)].map((m) => m[1]);
    if (relative.length > 0) fail(`${p.name}: README links work on the registry's page`, relative.join('\n'));
  }

  step('publint (strict)');
  const { publint } = await import('publint');
  const { formatMessage } = await import('publint/utils');
  for (const p of packed) {
    const tarball = (await readFile(p.tarball)).buffer as ArrayBuffer;
    const { messages, pkg } = await publint({ pack: { tarball }, strict: true, level: 'suggestion' });
    const serious = messages.filter((m) => m.type !== 'suggestion');
    const text = messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`).join('\n');
    if (serious.length > 0) fail(`publint ${p.name}`, text);
    else ok(`publint ${p.name}${messages.length > 0 ? ` (suggestions: ${text})` : ''}`);
  }

  step('@arethetypeswrong/cli (node10, node16-cjs, node16-esm, bundler)');
  const attw = join(repoRoot, 'node_modules', '.bin', 'attw');
  for (const p of packed) {
    const result = await runCommand(attw, [p.tarball, '--format', 'ascii'], { cwd: scratch });
    if (result.code !== 0) fail(`attw ${p.name}`, result.stdout + result.stderr);
    else ok(`attw ${p.name}`);
  }

  step('consumer project: npm install of the tarballs');
  const project = join(scratch, 'consumer');
  await createScratchProject(project, packed);
  ok(`installed ${packed.length} tarballs into ${project}`);

  step('README examples: ESM and CommonJS (node16, strict), bundler resolution type-check');
  const readmes = packed.map((p) => `packages/${p.folder}/README.md`);
  const programs = (await documentPrograms(readmes)).filter((p) => p.expected !== undefined);
  for (const doc of readmes) {
    if (!programs.some((p) => p.documents.includes(doc))) fail(`${doc}: an example program with its output`, '');
  }
  const list = programs.map((p) => ({ name: p.name, code: p.code }));
  try {
    await compileAndRun(project, list, 'bundler');
    ok(`${list.length} programs type-check under moduleResolution bundler`);
    const results = await compileAndRun(project, list, 'node16');
    for (const p of programs) {
      for (const file of [`${p.name}.mjs`, `${p.name}.cjs`]) {
        const r = results.get(file);
        if (r?.code === 0 && r.stdout === p.expected)
          ok(`${file} (${p.source}) prints what ${p.documents.join(', ')} says`);
        else fail(file, `exit ${r?.code}\nstdout:\n${r?.stdout}\nstderr:\n${r?.stderr}\nexpected:\n${p.expected}`);
      }
    }
  } catch (err) {
    fail('README examples compile against the packed declarations', (err as Error).message);
  }

  step('dual package: ESM and CommonJS copies in one process');
  // Copied into the project: `require` and `import` resolve from the file's own folder.
  await copyFile(join(import.meta.dirname, 'package-check', 'dual-package.cjs'), join(project, 'dual-package.cjs'));
  const dual = await runCommand(process.execPath, [NO_REQUIRE_ESM, 'dual-package.cjs'], { cwd: project });
  const expectedDual = [
    'two copies of core loaded: true',
    'an ESM NotFoundError is a CommonJS NotFoundError: true',
    'isReason of the CommonJS copy recognises it: true',
    'a CommonJS NodeAgent ran a pod from the ESM Api to: Succeeded',
    '',
  ].join('\n');
  if (dual.code === 0 && dual.stdout === expectedDual) ok(dual.stdout.trim().replace(/\n/g, '; '));
  else fail('dual package', `exit ${dual.code}\n${dual.stdout}${dual.stderr}`);
} finally {
  if (process.argv.includes('--keep')) console.log(`\nscratch directory kept: ${scratch}`);
  else await rm(scratch, { recursive: true, force: true });
}

console.log(
  `\n${failures.length === 0 ? 'all package checks passed' : `${failures.length} failed:\n  ${failures.join('\n  ')}`}`,
);
console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
process.exit(failures.length === 0 ? 0 : 1);
