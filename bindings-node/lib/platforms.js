// Where the native addon comes from. As napi-rs projects do, each platform's addon is a package
// of its own, `adapty-server-<platform>`, which npm installs through the main package's
// optionalDependencies (it skips those whose os, cpu and libc do not match). A development build
// puts `adapty-server.<platform>.node` beside the package instead. This list is the one place
// that names the platforms: bindings-node/scripts/npm-dist.mjs writes the packages from it.

const fs = require('node:fs');
const path = require('node:path');

/** Every platform a release ships an addon for: npm's os, cpu and libc, and Rust's target. */
const PLATFORMS = {
  'linux-x64-gnu': { os: 'linux', cpu: 'x64', libc: 'glibc', target: 'x86_64-unknown-linux-gnu' },
  'linux-x64-musl': { os: 'linux', cpu: 'x64', libc: 'musl', target: 'x86_64-unknown-linux-musl' },
  'linux-arm64-gnu': { os: 'linux', cpu: 'arm64', libc: 'glibc', target: 'aarch64-unknown-linux-gnu' },
  'linux-arm64-musl': { os: 'linux', cpu: 'arm64', libc: 'musl', target: 'aarch64-unknown-linux-musl' },
  'darwin-x64': { os: 'darwin', cpu: 'x64', target: 'x86_64-apple-darwin' },
  'darwin-arm64': { os: 'darwin', cpu: 'arm64', target: 'aarch64-apple-darwin' },
  'win32-x64-msvc': { os: 'win32', cpu: 'x64', target: 'x86_64-pc-windows-msvc' },
};

/** Whether this Linux's C library is musl (Alpine) rather than glibc. */
function isMusl() {
  try {
    return fs.readFileSync('/usr/bin/ldd', 'latin1').includes('musl');
  } catch {
    // No ldd (a distroless image): glibc's Node reports the glibc version it runs on.
    return !process.report?.getReport().header.glibcVersionRuntime;
  }
}

/** This process's platform in the packages' naming, e.g. `linux-x64-gnu` or `darwin-arm64`. */
function currentPlatform() {
  const name = `${process.platform}-${process.arch}`;
  if (process.platform === 'linux') return `${name}-${isMusl() ? 'musl' : 'gnu'}`;
  if (process.platform === 'win32') return `${name}-msvc`;
  return name;
}

/**
 * The addon for this platform: the development build beside the package if there is one, else
 * the platform package. Throws an Error naming the platform when none ships for it, or when its
 * package is missing.
 */
function loadAddon() {
  const platform = currentPlatform();
  const local = path.join(__dirname, '..', `adapty-server.${platform}.node`);
  if (fs.existsSync(local)) return require(local);
  if (!Object.hasOwn(PLATFORMS, platform)) {
    throw new Error(
      `adapty-server has no native addon for this platform, ${platform}; ` + `it ships for ${Object.keys(PLATFORMS).join(', ')}`,
    );
  }
  const pkg = `adapty-server-${platform}`;
  try {
    return require(pkg);
  } catch (e) {
    if (e?.code !== 'MODULE_NOT_FOUND' || !e.message.includes(pkg)) throw e;
    throw new Error(
      `adapty-server's native addon for ${platform}, the package ${pkg}, is not installed. ` +
        'npm installs it as an optional dependency: install without --omit=optional, or, if the ' +
        'lockfile was written on another platform, delete node_modules and package-lock.json ' +
        'and install again (npm/cli#4828)',
      { cause: e },
    );
  }
}

module.exports = { PLATFORMS, currentPlatform, loadAddon };
