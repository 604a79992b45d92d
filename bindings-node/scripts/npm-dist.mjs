// Packs the npm packages of a release, laid out as napi-rs projects publish them: the main package
// `adapty-server` (JavaScript and types, no addon) whose optionalDependencies name one package per
// platform of lib/platforms.js, and the platform packages for the addons given here.
//   node bindings-node/scripts/npm-dist.mjs OUT_DIR [PLATFORM=ADDON_FILE ...]
// e.g. linux-x64-gnu=target/x86_64-unknown-linux-gnu/release/libadapty_server_node.so
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { PLATFORMS } = require('../lib/platforms.js');

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(packageDir, '..');
const [out, ...addons] = process.argv.slice(2);
if (!out) throw new Error('usage: npm-dist.mjs OUT_DIR [PLATFORM=ADDON_FILE ...]');
const outDir = resolve(out);
const stageRoot = join(root, 'target', 'npm-dist-stage');
const main = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const LICENSES = ['LICENSE-MIT', 'LICENSE-APACHE'];

/** The fields every package shares with the main one, as npm's page shows them. */
const common = {
  version: main.version,
  license: main.license,
  author: main.author,
  homepage: main.homepage,
  repository: main.repository,
  bugs: main.bugs,
  engines: main.engines,
};

/** Writes `pkg` and its files into a fresh stage and packs it into OUT_DIR. */
function pack(pkg, copyFiles) {
  const stage = join(stageRoot, pkg.name);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  copyFiles(stage);
  for (const license of LICENSES) copyFileSync(join(root, license), join(stage, license));
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  execFileSync('npm', ['pack', '--silent', '--pack-destination', outDir], { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] });
}

// The WebAssembly build is built, not kept in git: the main package must not go out without it.
const wasmModule = join(packageDir, 'wasm', 'core', 'adapty_server_bg.wasm');
if (!existsSync(wasmModule))
  throw new Error(`${wasmModule} is missing: build it (make dist) or copy make dist's dist/wasm/ there`);

rmSync(stageRoot, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const { devDependencies, scripts, napi, ...published } = main;
const optionalDependencies = Object.fromEntries(Object.keys(PLATFORMS).map((p) => [`adapty-server-${p}`, main.version]));
const files = main.files.filter((f) => !f.endsWith('.node'));
pack({ ...published, files: [...files, ...LICENSES], optionalDependencies }, (stage) => {
  for (const file of files) {
    cpSync(join(packageDir, file), join(stage, file), { recursive: true });
  }
});

for (const arg of addons) {
  const [platform, addon] = arg.split('=');
  const spec = PLATFORMS[platform];
  if (!spec || !addon) throw new Error(`not PLATFORM=ADDON_FILE with a platform of lib/platforms.js: ${arg}`);
  const binary = `adapty-server.${platform}.node`;
  pack(
    {
      name: `adapty-server-${platform}`,
      description: `The ${platform} native addon of adapty-server (npm installs it with adapty-server)`,
      main: binary,
      files: [binary, ...LICENSES],
      os: [spec.os],
      cpu: [spec.cpu],
      ...(spec.libc ? { libc: [spec.libc] } : {}),
      ...common,
    },
    (stage) => copyFileSync(addon, join(stage, binary)),
  );
}
