#!/usr/bin/env node
// mkcpio.mjs: packs files into a cpio "newc" archive, the initramfs format
// the HyperLab kernel reads (include/abi.h). Usage:
//
//   node tools/mkcpio.mjs OUT.cpio FILE... [NAME=FILE]...
//
// Each FILE goes in under its base name (NAME=FILE: under NAME, which may
// hold slashes, as "etc/xen/guest1.cfg=dom0/guest1.cfg"), in the order given, as a regular
// file with mode 0755, owner 0, mtime 0 and inode numbers counting from 1,
// so the same files always give the same bytes. The archive ends with the
// TRAILER!!! entry that newc requires.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const NEWC_MAGIC = '070701';
const MODE_REGULAR_755 = 0o100755;

const hex8 = (n) => n.toString(16).padStart(8, '0');
const pad4 = (n) => (4 - (n % 4)) % 4;

/** One entry: the 110-byte header, the name and its NUL, padding, data, padding. */
function entry(name, data, inode, mode) {
  const nameBytes = Buffer.from(name + '\0');
  const fields = [inode, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0];
  const header = Buffer.from(NEWC_MAGIC + fields.map(hex8).join(''), 'ascii');
  return Buffer.concat([
    header, nameBytes, Buffer.alloc(pad4(header.length + nameBytes.length)),
    data, Buffer.alloc(pad4(data.length)),
  ]);
}

const [out, ...files] = process.argv.slice(2);
if (!out) {
  console.error('usage: node tools/mkcpio.mjs OUT.cpio FILE...');
  process.exit(2);
}
const names = new Set();
const parts = files.map((argument, i) => {
  const equals = argument.indexOf('=');
  const file = equals < 0 ? argument : argument.slice(equals + 1);
  const name = equals < 0 ? basename(file) : argument.slice(0, equals);
  if (names.has(name)) {
    console.error(`mkcpio: two files named ${name}`);
    process.exit(1);
  }
  names.add(name);
  return entry(name, readFileSync(file), i + 1, MODE_REGULAR_755);
});
parts.push(entry('TRAILER!!!', Buffer.alloc(0), 0, 0));
writeFileSync(out, Buffer.concat(parts));
