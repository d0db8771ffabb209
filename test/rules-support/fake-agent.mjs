#!/usr/bin/env node
/**
 * A fake coding agent for rule-engine tests. It prints what the test tells it to (the real agent strings),
 * logs every line that arrives on its stdin, and exits like Codex: on Ctrl-C or `/quit` it prints its token
 * usage and `To continue this session, run codex resume <uuid>`. `fake-agent resume <uuid>` resumes.
 *
 * Env: FAKE_AGENT_LOG (JSON lines of what arrived on stdin), FAKE_AGENT_CTL (a file the test appends JSON
 * commands to: {"print": "text"} | {"redraw": ["line", ...], "times": n, "every": ms}), FAKE_PROMPT (`› `).
 * Raw mode with its own composer line: Enter submits, Ctrl-C / Ctrl-D exit, the draft survives output.
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';

const [, , mode, resumeId] = process.argv;
const prompt = process.env.FAKE_PROMPT ?? '› ';
const log = process.env.FAKE_AGENT_LOG;
const ctl = process.env.FAKE_AGENT_CTL;
const session = mode === 'resume' && resumeId ? resumeId : randomUUID();

const record = (entry) => log && fs.appendFileSync(log, `${JSON.stringify({ session, at: Date.now(), ...entry })}\n`);
// Raw mode turns off the tty's newline translation: write CR LF ourselves.
const out = (text) => process.stdout.write(text.replace(/\r?\n/g, '\r\n'));

out(mode === 'resume' ? `Resumed session ${session}\n` : `fake agent ${session}\n`);
record({ event: mode === 'resume' ? 'resumed' : 'started' });
out(prompt);

// A composer of its own (raw mode), like the agents' TUIs: the draft stays on the prompt line while
// output is printed above it.
let draft = '';
const redrawPrompt = () => out(`\r\x1b[2K${prompt}${draft}`);
process.stdin.setRawMode?.(true);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  for (const ch of chunk) {
    if (ch === '\x03' || ch === '\x04') return exit();
    if (ch === '\r' || ch === '\n') {
      const line = draft;
      draft = '';
      record({ line });
      if (line === '/quit') return exit();
      out(`\r\x1b[2K${prompt}${line}\nyou said: ${line}\n`);
      redrawPrompt();
    } else if (ch === '\x7f' || ch === '\b') {
      draft = draft.slice(0, -1);
      redrawPrompt();
    } else if (ch >= ' ') {
      draft += ch;
      out(ch);
    }
  }
});

let exiting = false;
function exit() {
  if (exiting) return;
  exiting = true;
  process.stdin.setRawMode?.(false);
  record({ event: 'exit' });
  out('\r\nToken usage: total=1,234 input=1,000 (+ 200 cached) output=34\n');
  out(`To continue this session, run codex resume ${session}\n`);
  process.exit(0);
}

// Control channel: JSON commands appended to FAKE_AGENT_CTL by the test.
let offset = 0;
let pending = '';
function poll() {
  if (!ctl || !fs.existsSync(ctl)) return;
  const size = fs.statSync(ctl).size;
  if (size <= offset) return;
  const fd = fs.openSync(ctl, 'r');
  const buffer = Buffer.alloc(size - offset);
  fs.readSync(fd, buffer, 0, buffer.length, offset);
  fs.closeSync(fd);
  offset = size;
  pending += buffer.toString('utf8');
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) if (line.trim()) run(JSON.parse(line));
}

function run(command) {
  if (command.print !== undefined) {
    out(`\r\x1b[2K${command.print}\n${prompt}${draft}`);
    record({ event: 'printed', text: command.print });
  }
  if (command.redraw) {
    // A TUI repainting the same screen in place: clear, home, print everything again.
    let left = command.times ?? 5;
    const paint = () => {
      out(`\x1b[H\x1b[2J${command.redraw.join('\n')}\n${prompt}${draft}`);
      if (--left > 0) setTimeout(paint, command.every ?? 100);
    };
    paint();
  }
}
setInterval(poll, 20);
