#!/usr/bin/env node
// Builds the mediasoup worker offline from the installed mediasoup package against Debian's system
// libraries (no prebuilt download, no pip, no wrapdb), caches the binary outside the repository and
// places it where mediasoup looks by default, so no MEDIASOUP_WORKER_BIN is needed at run time.
//
// Cache key: mediasoup version + compiler version + hash of this recipe (this file). Editing the recipe
// therefore rebuilds. Cache dir: $VITALIVE_CACHE_DIR, else $XDG_CACHE_HOME/vitalive, else ~/.cache/vitalive.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const mediasoupDir = path.join(root, 'node_modules', 'mediasoup');
const target = path.join(mediasoupDir, 'worker', 'out', 'Release', 'mediasoup-worker');

function log(msg) {
  process.stdout.write(`[mediasoup-worker] ${msg}\n`);
}

function fail(msg) {
  process.stderr.write(`[mediasoup-worker] ERROR: ${msg}\n`);
  process.exit(1);
}

// quiet: keep the output unless the command fails (meson writes its errors to stdout).
function run(cmd, args, { quiet = false, ...opts } = {}) {
  const res = spawnSync(cmd, args, { stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8', ...opts });
  if (res.error) fail(`${cmd} could not start: ${res.error.message}`);
  if (res.status !== 0) {
    if (quiet) process.stderr.write(`${res.stdout}${res.stderr}`);
    fail(`${cmd} ${args.join(' ')} exited with ${res.status ?? res.signal}`);
  }
}

function capture(cmd, args) {
  const res = spawnSync(cmd, args, { encoding: 'utf8' });
  if (res.error || res.status !== 0) return null;
  return res.stdout.trim();
}

// Stub subprojects: each exposes a Debian system library under the variable names mediasoup's
// meson.build reads. `*_lib` variables are passed to link_whole, so they are empty static libraries.
const placeholderLib = (name) => `${name} = static_library('${name}_placeholder', 'placeholder.c')\n`;
const STUBS = {
  openssl: {
    meson: `project('openssl', 'c', 'cpp')\nopenssl_dep = dependency('openssl')\n${placeholderLib('libcrypto_lib')}${placeholderLib('libssl_lib')}`,
  },
  nlohmann_json: {
    meson: `project('nlohmann_json', 'c', 'cpp')\nnlohmann_json_dep = dependency('nlohmann_json')\n`,
  },
  libuv: {
    meson: `project('libuv', 'c', 'cpp')\nlibuv_dep = dependency('libuv')\n${placeholderLib('libuv')}`,
    options: `option('build_tests', type: 'boolean', value: false)\noption('build_benchmarks', type: 'boolean', value: false)\n`,
  },
  libsrtp2: {
    // Debian installs srtp.h under include/srtp2/, mediasoup includes <srtp.h>.
    meson: `project('libsrtp2', 'c', 'cpp')\n_srtp = dependency('libsrtp2')\nlibsrtp2_dep = declare_dependency(dependencies: _srtp, compile_args: ['-I' + _srtp.get_variable(pkgconfig: 'includedir') / 'srtp2'])\n${placeholderLib('libsrtp2')}`,
    options: `option('crypto-library', type: 'string', value: 'openssl')\noption('crypto-library-kdf', type: 'string', value: 'disabled')\noption('tests', type: 'string', value: 'disabled')\n`,
  },
  usrsctp: {
    meson: `project('usrsctp', 'c', 'cpp')\nusrsctp_dep = dependency('usrsctp')\n${placeholderLib('usrsctp')}`,
    options: `option('sctp_build_programs', type: 'boolean', value: false)\n`,
  },
  'abseil-cpp': {
    meson: `project('abseil-cpp', 'c', 'cpp')\nabsl_container_dep = declare_dependency(dependencies: [dependency('absl_flat_hash_map'), dependency('absl_hash'), dependency('absl_raw_hash_set')])\nabsl_strings_dep = dependency('absl_strings')\nabsl_types_dep = dependency('absl_optional')\n${placeholderLib('absl_container_lib')}`,
  },
  catch2: {
    // Only the worker's own test binaries use Catch2; they are never built here.
    meson: `project('catch2', 'c', 'cpp')\ncatch2_dep = declare_dependency()\n`,
  },
};

function writeStubs(workerDir) {
  const subprojects = path.join(workerDir, 'subprojects');
  for (const entry of fs.readdirSync(subprojects)) {
    fs.rmSync(path.join(subprojects, entry), { recursive: true, force: true });
  }
  for (const [name, stub] of Object.entries(STUBS)) {
    const dir = path.join(subprojects, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'meson.build'), stub.meson);
    fs.writeFileSync(path.join(dir, 'placeholder.c'), 'int vitalive_placeholder_symbol;\n');
    if (stub.options) fs.writeFileSync(path.join(dir, 'meson_options.txt'), stub.options);
  }
}

// Debian bookworm ships meson 1.0.1; mediasoup 3.12 asks for >= 1.1.0 but builds with 1.0.1.
function relaxMesonVersion(workerDir) {
  const file = path.join(workerDir, 'meson.build');
  const text = fs.readFileSync(file, 'utf8');
  const relaxed = text.replace(/meson_version:\s*'>=\s*1\.1\.0'/, "meson_version: '>= 1.0.0'");
  fs.writeFileSync(file, relaxed);
}

function cacheRoot() {
  if (process.env.VITALIVE_CACHE_DIR) return process.env.VITALIVE_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'vitalive');
}

function installBinary(cached) {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  fs.copyFileSync(cached, tmp);
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, target);
}

function main() {
  if (!fs.existsSync(path.join(mediasoupDir, 'package.json'))) {
    log('mediasoup is not installed; nothing to build');
    return;
  }
  const version = JSON.parse(fs.readFileSync(path.join(mediasoupDir, 'package.json'), 'utf8')).version;

  // Make sure compilers and libraries are present (silent when they are).
  run('bash', [path.join(here, 'setup.sh'), 'build']);

  const compiler = capture('c++', ['--version'])?.split('\n')[0];
  if (!compiler) fail('no C++ compiler found after setup');
  const recipe = createHash('sha256')
    .update(fs.readFileSync(fileURLToPath(import.meta.url)))
    .digest('hex')
    .slice(0, 16);
  const compilerKey = createHash('sha256').update(compiler).digest('hex').slice(0, 12);
  const key = `${version}-${compilerKey}-${recipe}`;
  const cacheDir = path.join(cacheRoot(), 'mediasoup-worker', key);
  const cached = path.join(cacheDir, 'mediasoup-worker');

  if (fs.existsSync(cached)) {
    installBinary(cached);
    log(`reused cached worker ${key} (mediasoup ${version}, ${compiler})`);
    return;
  }

  const started = Date.now();
  log(`building mediasoup ${version} worker with ${compiler}; this takes several minutes the first time`);
  const buildDir = fs.mkdtempSync(path.join(cacheRoot(), `build-${version}-`));
  try {
    const workerDir = path.join(buildDir, 'worker');
    fs.cpSync(path.join(mediasoupDir, 'worker'), workerDir, {
      recursive: true,
      filter: (src) => !src.includes(`${path.sep}out${path.sep}`) && !src.endsWith(`${path.sep}out`),
    });
    writeStubs(workerDir);
    relaxMesonVersion(workerDir);
    log('configuring (meson)');
    run('meson', ['setup', '--buildtype', 'release', '-Db_ndebug=true', 'build'], {
      cwd: workerDir,
      quiet: true,
    });
    log('compiling (ninja); progress is [done/total]');
    run('ninja', ['-C', 'build', 'mediasoup-worker'], { cwd: workerDir });
    const built = path.join(workerDir, 'build', 'mediasoup-worker');
    if (!fs.existsSync(built)) fail(`ninja finished but ${built} does not exist`);
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.copyFileSync(built, tmp);
    fs.renameSync(tmp, cached);
  } finally {
    fs.rmSync(buildDir, { recursive: true, force: true });
  }
  installBinary(cached);
  log(`built and cached ${key} in ${((Date.now() - started) / 60000).toFixed(1)} min`);
}

fs.mkdirSync(cacheRoot(), { recursive: true });
main();
