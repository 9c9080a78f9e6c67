import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CommandResult, mustRun, runCommand } from './run-command.js';

/** A TypeScript program as a reader would paste it into a file. */
export interface Program {
  /** A file-name-safe name, e.g. `core-api`. */
  name: string;
  code: string;
}

/** How the scratch project compiles and loads the programs. */
export type ProgramFlavour =
  /** `module: node16`: each program as an `.mts` file run as ESM and as a `.cts` file run as CommonJS. */
  | 'node16'
  /** `moduleResolution: bundler`: type-checked only, as a bundler's project would be. */
  | 'bundler';

const compilerOptions = {
  strict: true,
  skipLibCheck: false,
  target: 'es2022',
  types: ['node'],
  noEmitOnError: true,
};

/**
 * Node 20 before 20.19 cannot `require` an ES module (ERR_REQUIRE_ESM); this
 * flag gives later versions the same limit, so a CommonJS build that pulls
 * in an ESM-only dependency fails here as it would for those users.
 */
export const NO_REQUIRE_ESM = '--no-experimental-require-module';

const flavours: Record<
  ProgramFlavour,
  { files: { ext: string; out?: string; nodeFlags?: string[] }[]; options: Record<string, unknown> }
> = {
  node16: {
    files: [
      { ext: 'mts', out: 'mjs' },
      { ext: 'cts', out: 'cjs', nodeFlags: [NO_REQUIRE_ESM] },
    ],
    options: { module: 'node16', moduleResolution: 'node16' },
  },
  bundler: { files: [{ ext: 'ts' }], options: { module: 'esnext', moduleResolution: 'bundler', noEmit: true } },
};

/**
 * Writes `programs` into `<projectDir>/<flavour>/`, type-checks them with
 * the project's TypeScript (strict, `skipLibCheck: false`, so the packages'
 * declarations are checked too) in one compiler run, and, unless the
 * flavour is type-check only, runs each output file with Node. Resolves
 * with each run's result by output file name (`core-api.mjs`,
 * `core-api.cjs`).
 *
 * @throws Error with the compiler's output when the programs do not compile.
 */
export async function compileAndRun(
  projectDir: string,
  programs: readonly Program[],
  flavour: ProgramFlavour,
  /** Which outputs to run (default all): `['mjs']` runs the ESM build only. */
  run?: readonly string[],
): Promise<Map<string, CommandResult>> {
  const { files, options } = flavours[flavour];
  const dir = join(projectDir, flavour);
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'src'), { recursive: true });
  for (const p of programs) for (const { ext } of files) await writeFile(join(dir, 'src', `${p.name}.${ext}`), p.code);
  const tsconfig = {
    compilerOptions: { ...compilerOptions, ...options, rootDir: 'src', outDir: 'out' },
    include: ['src'],
  };
  await writeFile(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  await mustRun(join(projectDir, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: dir });
  const outs = files.filter((f) => f.out !== undefined && (!run || run.includes(f.out)));
  const outputs = programs.flatMap((p) => outs.map((f) => ({ file: `${p.name}.${f.out}`, flags: f.nodeFlags ?? [] })));
  const results = new Map<string, CommandResult>();
  // Two at a time: the machine's cores, and each program starts its own small cluster.
  for (let i = 0; i < outputs.length; i += 2) {
    await Promise.all(
      outputs.slice(i, i + 2).map(async ({ file, flags }) => {
        const result = await runCommand(process.execPath, [...flags, join('out', file)], {
          cwd: dir,
          timeoutMs: 60_000,
        });
        results.set(file, result);
      }),
    );
  }
  return results;
}
