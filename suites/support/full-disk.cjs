// Preloaded (node --require) into a command under test: the disk fills up under its journal. Writes
// to files whose path holds $FULL_DISK_PATH succeed $FULL_DISK_AFTER times; the next one writes half
// of what it was given (a torn line, as a full disk leaves it) and fails with ENOSPC, and so does
// every one after it. Everything else writes as usual.

const fs = require('node:fs');
const { syncBuiltinESMExports } = require('node:module');

const part = process.env.FULL_DISK_PATH;
const after = Number(process.env.FULL_DISK_AFTER ?? '0');
const watched = new Set();
let written = 0;

const open = fs.openSync;
fs.openSync = function openSync(path, ...rest) {
  const fd = open.call(this, path, ...rest);
  if (part && String(path).includes(part) && String(path).endsWith('.jsonl')) watched.add(fd);
  return fd;
};

const write = fs.writeSync;
fs.writeSync = function writeSync(fd, data, ...rest) {
  if (!watched.has(fd)) return write.call(this, fd, data, ...rest);
  if (written++ < after) return write.call(this, fd, data, ...rest);
  if (written === after + 1) {
    const bytes = Buffer.from(data);
    write.call(this, fd, bytes.subarray(0, Math.floor(bytes.length / 2)));
  }
  const error = new Error('ENOSPC: no space left on device, write');
  error.code = 'ENOSPC';
  throw error;
};

const close = fs.closeSync;
fs.closeSync = function closeSync(fd) {
  watched.delete(fd);
  return close.call(this, fd);
};

// The commands import node:fs as an ES module: its named exports follow the patched functions.
syncBuiltinESMExports();
