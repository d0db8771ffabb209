import fs from 'node:fs';

/**
 * Reads the paths in a git index file (format versions 2–4): what the status cache lstat()s to tell
 * whether a worktree changed. Returns undefined for anything it does not fully understand (SHA-256 object
 * ids, split or sparse indexes, submodules, paths that are not UTF-8): the caller then asks git instead.
 * Entries marked skip-worktree are left out (git does not look at them either).
 */
export function readIndexPaths(file: string, oidBytes = 20): string[] | undefined {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'DIRC') return undefined;
  const version = buf.readUInt32BE(4);
  const count = buf.readUInt32BE(8);
  if (version < 2 || version > 4) return undefined;
  const paths: string[] = [];
  let offset = 12;
  let previous: Buffer = Buffer.alloc(0);
  const fixed = 40 + oidBytes; // ctime, mtime, dev, ino, mode, uid, gid, size; then the object id
  try {
    for (let i = 0; i < count; i++) {
      const mode = buf.readUInt32BE(offset + 24);
      const flags = buf.readUInt16BE(offset + fixed);
      let cursor = offset + fixed + 2;
      let skipWorktree = false;
      if (flags & 0x4000) {
        if (version < 3) return undefined;
        skipWorktree = (buf.readUInt16BE(cursor) & 0x4000) !== 0;
        cursor += 2;
      }
      let name: Buffer;
      if (version === 4) {
        // The path is the previous one minus `strip` bytes, plus a NUL-terminated suffix (no padding).
        let byte = buf[cursor++]!;
        let strip = byte & 127;
        while (byte & 128) {
          byte = buf[cursor++]!;
          strip = ((strip + 1) << 7) + (byte & 127);
        }
        const end = buf.indexOf(0, cursor);
        if (end < 0 || strip > previous.length) return undefined;
        name = Buffer.concat([previous.subarray(0, previous.length - strip), buf.subarray(cursor, end)]);
        offset = end + 1;
      } else {
        const end = buf.indexOf(0, cursor);
        if (end < 0) return undefined;
        name = buf.subarray(cursor, end);
        // Entries are NUL-padded to a multiple of 8 bytes (at least one NUL).
        offset += Math.floor((end - offset + 8) / 8) * 8;
      }
      if ((mode & 0o170000) === 0o160000) return undefined; // a submodule: its state is not in its mtime
      const text = name.toString('utf8');
      if (text.includes('\uFFFD')) return undefined;
      if (!skipWorktree) paths.push(text);
      previous = name;
    }
    // Extensions follow the entries: a split index ("link") or sparse directories ("sdir") mean the
    // entries above are not the whole story.
    while (offset + 8 <= buf.length - oidBytes) {
      const signature = buf.toString('latin1', offset, offset + 4);
      if (signature === 'link' || signature === 'sdir') return undefined;
      offset += 8 + buf.readUInt32BE(offset + 4);
    }
  } catch {
    return undefined; // truncated or not what we think it is
  }
  return paths;
}
