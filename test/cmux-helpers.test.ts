/** Pure helpers of the cmux backend: titles, send chunks, read-back recognition, launcher script, CLI answers. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cmuxSendChunks, launcherCommandLine, launcherScript, probeFor, sanitizeWorkspaceTitle, textArrived,
} from '../backends/cmux-text.js';
import { cmuxErrorMessage, resolveCmuxBinary } from '../backends/cmux-cli.js';

describe('cmux text helpers', () => {
  it('sanitises workspace titles to [A-Za-z0-9_-]', () => {
    expect(sanitizeWorkspaceTitle('wm-feat/x.1 ü')).toBe('wm-feat-x-1--');
    expect(sanitizeWorkspaceTitle('ok_Name-2')).toBe('ok_Name-2');
  });

  it('cuts text so no send carries a two-character \\n, \\r or \\t', () => {
    expect(cmuxSendChunks('plain text')).toEqual(['plain text']);
    expect(cmuxSendChunks("printf 'a\\nb\\tc'")).toEqual(["printf 'a\\", 'nb\\', "tc'"]);
    expect(cmuxSendChunks('a\\\\n')).toEqual(['a\\\\', 'n']);
    expect(cmuxSendChunks('ends with \\')).toEqual(['ends with \\']);
    expect(cmuxSendChunks('')).toEqual([]);
    for (const chunk of cmuxSendChunks('x\\ny\\rz\\t\\n')) expect(chunk).not.toMatch(/\\[nrt]/);
    expect(cmuxSendChunks('x\\ny\\rz\\t\\n').join('')).toBe('x\\ny\\rz\\t\\n');
  });

  it('recognises arrived text, ignoring wraps, and folded paste placeholders', () => {
    const text = 'please refactor the parser module and add tests for it';
    const probe = probeFor(text);
    expect(textArrived('$ ', `$ please refactor the parser module and add te\nsts for it`, probe)).toBe(true);
    expect(textArrived('$ ', '$ ', probe)).toBe(false);
    // Already on screen before (an earlier identical prompt): only a new occurrence counts.
    expect(textArrived(`> ${text}\n> `, `> ${text}\n> `, probe)).toBe(false);
    expect(textArrived(`> ${text}\n> `, `> ${text}\n> ${text}`, probe)).toBe(true);
    expect(textArrived('❯ ', '❯ [Pasted text #1 +12 lines]', probeFor('a\nb'))).toBe(true);
  });

  it('writes a launcher that removes itself, changes directory, exports env and execs argv verbatim', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workmux-launcher-'));
    try {
      const cwd = path.join(dir, "it's here");
      fs.mkdirSync(cwd);
      const script = path.join(dir, 'launch.sh');
      fs.writeFileSync(script, launcherScript({
        cwd,
        env: { WM_VALUE: `it's "$HOME" and \`x\`` },
        command: ['sh', '-c', 'printf "%s|%s|%s" "$PWD" "$WM_VALUE" "$1"', 'sh', 'arg with\nnewline'],
      }));
      const out = execFileSync('/bin/sh', [script], { encoding: 'utf8' });
      expect(out).toBe(`${cwd}|it's "$HOME" and \`x\`|arg with\nnewline`);
      expect(fs.existsSync(script)).toBe(false);
      expect(() => launcherScript({ cwd, env: { 'BAD-NAME': 'x' }, command: ['true'] })).toThrow(/invalid environment variable name/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('types a launcher line any interactive shell reads the same way', () => {
    expect(launcherCommandLine('/run/user/1/workmux/cmux-launch-abc.sh')).toBe(" exec /bin/sh '/run/user/1/workmux/cmux-launch-abc.sh'");
    expect(() => launcherCommandLine("/tmp/it's.sh")).toThrow();
  });
});

describe('cmux CLI answers and binary', () => {
  it('extracts the error line without its prefixes', () => {
    expect(cmuxErrorMessage({ stdout: '', stderr: 'ERROR: Access denied - only processes started inside cmux can connect\n' }))
      .toBe('Access denied - only processes started inside cmux can connect');
    expect(cmuxErrorMessage({ stdout: '', stderr: "Note: legacy verb\nError: Unknown flag '--name'\n" })).toBe("Unknown flag '--name'");
    expect(cmuxErrorMessage({ stdout: 'ERROR: No active window\n', stderr: '' })).toBe('No active window');
    expect(cmuxErrorMessage({ stdout: '', stderr: '' })).toBe('no output');
  });

  it('uses a configured path as is, else the app bundle, else cmux on PATH', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workmux-cmux-bin-'));
    try {
      const bin = path.join(dir, 'cmux');
      fs.writeFileSync(bin, '#!/bin/sh\n', { mode: 0o755 });
      expect(resolveCmuxBinary(bin, {})).toEqual({ binary: bin, shown: bin });
      expect(resolveCmuxBinary(path.join(dir, 'other'), { PATH: dir })).toEqual({ binary: undefined, shown: path.join(dir, 'other') });
      const appBundle = '/Applications/cmux.app/Contents/Resources/bin/cmux';
      expect(resolveCmuxBinary(undefined, { PATH: `/nonexistent:${dir}` })).toEqual({ binary: bin, shown: appBundle });
      expect(resolveCmuxBinary(undefined, { PATH: '/nonexistent' })).toEqual({ binary: undefined, shown: appBundle });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
