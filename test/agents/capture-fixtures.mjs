#!/usr/bin/env node
/**
 * Regenerates test/fixtures/<agent>/* from a REAL agent run (the dev dependency) against its loopback API mock,
 * in a private tmux server. Usage: `node test/agents/capture-fixtures.mjs [claude|gemini|codex ...]` (default: all).
 *
 * The harness drives the agent through known phases (starting → idle → working → idle → waiting for permission
 * → idle → ... → exited); every sample is labelled with the phase the harness put the agent in, which is the
 * ground truth the classifier tests and the accuracy benchmark compare against.
 *
 * The harnesses are TypeScript: Vite (already a dev dependency through vitest) loads them.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const vite = await createServer({
  root,
  configFile: false,
  server: { middlewareMode: true, hmr: false, ws: false },
  appType: 'custom',
  logLevel: 'error',
});

/** Per agent: the harness module, how to start a session, and the scripted run. */
const AGENTS = {
  claude: { harness: 'claude-harness.ts', start: (h) => h.startClaudeSession({ cols: 110, rows: 36 }), bin: (h) => h.claudeBin, scenario: claudeScenario },
  gemini: { harness: 'gemini-harness.ts', start: (h) => h.startGeminiSession({ cols: 110, rows: 36 }), bin: (h) => h.geminiBin, scenario: geminiScenario },
  codex: { harness: 'codex-harness.ts', start: (h) => h.startCodexSession({ cols: 110, rows: 36 }), bin: (h) => h.codexBin, scenario: codexScenario },
};

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(AGENTS);
try {
  for (const agent of wanted) {
    if (!AGENTS[agent]) throw new Error(`unknown agent ${agent}; known: ${Object.keys(AGENTS).join(', ')}`);
    await capture(agent, AGENTS[agent]);
  }
} finally {
  await vite.close();
}

async function capture(agent, spec) {
  const outDir = path.join(root, 'test/fixtures', agent);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const harness = await vite.ssrLoadModule(path.join(root, 'test/agents', spec.harness));
  const session = await spec.start(harness);
  const { tmux, pane } = session;
  const started = Date.now();
  const samples = [];
  /** `phase` = the harness step running when the title was seen (steps switch when their sampling starts). */
  const titles = [];
  let phase = 'starting';
  let sampling = true;

  const snapshot = async () => {
    const [title, command, screen] = await Promise.all([tmux.title(pane), tmux.currentCommand(pane), tmux.capture(pane, 200)]);
    return { title, command, screen };
  };
  /** Title + foreground command every 250 ms, kept where either changed: the real title sequence. */
  const titleLoop = (async () => {
    while (sampling) {
      try {
        const [title, command] = await Promise.all([tmux.title(pane), tmux.currentCommand(pane)]);
        const last = titles[titles.length - 1];
        if (!last || last.title !== title || last.command !== command) titles.push({ ms: Date.now() - started, phase, title, command });
      } catch {
        // the server is going away at the end
      }
      await sleep(250);
    }
  })();
  const until = async (what, predicate, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const snap = await snapshot();
      if (predicate(snap)) return snap;
      if (Date.now() > deadline) throw new Error(`${agent}: timed out waiting for ${what}; screen:\n${snap.screen}`);
      await sleep(200);
    }
  };
  /** `count` labelled samples `everyMs` apart; the last screen is also written to `<file>.txt`. */
  const sample = async (label, count, everyMs, file) => {
    phase = label;
    let snap;
    for (let i = 0; i < count; i++) {
      snap = await snapshot();
      samples.push({ phase: label, step: file, ...snap });
      if (i < count - 1) await sleep(everyMs);
    }
    if (file) fs.writeFileSync(path.join(outDir, `${file}.txt`), snap.screen);
    return snap;
  };
  /** The agent is back at the shell: samples of the exited state. */
  const sampleExit = async () => {
    await until('the shell again', (s) => s.command === 'bash', 20_000);
    await sleep(1000);
    await sample('exited', 3, 300, 'exited');
  };
  try {
    await spec.scenario({ session, tmux, pane, mock: session.mock, until, sample, sampleExit });
  } finally {
    sampling = false;
    await titleLoop;
    const version = execFileSync(spec.bin(harness), ['--version'], { encoding: 'utf8' }).trim();
    const meta = { agent, version, capturedAt: new Date().toISOString(), cols: 110, rows: 36 };
    fs.writeFileSync(path.join(outDir, 'titles.json'), JSON.stringify({ ...meta, titles }, null, 1) + '\n');
    fs.writeFileSync(path.join(outDir, 'samples.json'), JSON.stringify({ ...meta, samples }, null, 1) + '\n');
    await session.dispose();
    console.log(`${agent}: wrote ${samples.length} samples and ${titles.length} title changes to ${path.relative(root, outDir)}`);
  }
}

async function claudeScenario({ session, tmux, pane, mock, until, sample, sampleExit }) {
  const isIdleTitle = (s) => s.title.startsWith('✳');
  const footerIdle = (s) => /\? for shortcuts/.test(s.screen);
  await session.launch();
  await until('the claude process', (s) => s.command === 'claude', 10_000);
  await sample('starting', 1, 0, 'starting');
  await until('the idle title', isIdleTitle);
  await sleep(1500);
  await sample('idle', 3, 300, 'idle');

  // A turn the mock holds for 6 s: the agent works meanwhile.
  mock.options.delayMs = 6000;
  await tmux.typeLine(pane, 'say hello');
  await mock.waitForRequest('text', 1);
  await sleep(800);
  await sample('working', 8, 500, 'working');
  await until('the end of the turn', (s) => isIdleTitle(s) && /✻ \w+ for/.test(s.screen) && footerIdle(s));
  await sleep(1500);
  await sample('idle', 3, 300, 'finished');

  // A tool call that needs permission: the title stays idle, only the screen tells.
  mock.options.delayMs = 0;
  await tmux.typeLine(pane, `run: touch ${path.join(session.cwd, 'created-by-claude.txt')}`);
  await mock.waitForRequest('tool_use', 1);
  await until('the permission prompt', (s) => /Do you want to proceed\?/.test(s.screen));
  await sleep(1000);
  await sample('waiting', 4, 400, 'permission');
  await tmux.tmux('send-keys', '-t', pane, 'Enter');
  await mock.waitForRequest('tool_result_answer', 1);
  await until('idle after the tool ran', (s) => isIdleTitle(s) && footerIdle(s) && !/Do you want to proceed\?/.test(s.screen.split('\n').slice(-15).join('\n')));
  await sleep(1500);
  await sample('idle', 3, 300, 'approved');

  // Rate limited: Claude retries with a visible countdown while the title keeps spinning.
  mock.options.rateLimited = true;
  await tmux.typeLine(pane, 'say hello again');
  await until('the API error retry line', (s) => /API error/.test(s.screen), 60_000);
  await sleep(500);
  await sample('working', 4, 400, 'api-error');
  mock.options.rateLimited = false;
  await tmux.tmux('send-keys', '-t', pane, 'Escape');
  await until('idle after interrupting', (s) => isIdleTitle(s) && !/esc to interrupt/.test(s.screen), 30_000);
  // An interrupt can put the prompt back into the composer (no `? for shortcuts` then): clear it.
  await tmux.tmux('send-keys', '-t', pane, 'C-u');
  await until('an empty composer', footerIdle, 10_000);
  await sleep(1000);
  await sample('idle', 2, 300, 'interrupted');

  await tmux.typeLine(pane, '/exit');
  await sampleExit();
}

async function geminiScenario({ session, tmux, pane, mock, until, sample, sampleExit }) {
  const ready = (s) => /^◇\s+Ready/.test(s.title);
  await session.launch();
  await until('the gemini process', (s) => s.command === 'node', 10_000);
  await sample('starting', 1, 0, 'starting');
  await until('the Ready title', ready, 60_000);
  await sleep(1500);
  await sample('idle', 3, 300, 'idle');

  mock.options.delayMs = 6000;
  await tmux.typeLine(pane, 'say hello');
  await mock.waitForRequest('stream-text', 1);
  await sleep(800);
  await sample('working', 8, 500, 'working');
  await until('the end of the turn', (s) => ready(s) && /Mock answer: done\./.test(s.screen));
  await sleep(1500);
  await sample('idle', 3, 300, 'finished');

  // A shell call that needs permission: the title says Action Required, the input box disappears.
  mock.options.delayMs = 0;
  await tmux.typeLine(pane, `run: touch ${path.join(session.cwd, 'created-by-gemini.txt')}`);
  await mock.waitForRequest('stream-tool', 1);
  await until('the permission prompt', (s) => /Allow execution of/.test(s.screen));
  await sleep(1000);
  await sample('waiting', 4, 400, 'permission');
  await tmux.tmux('send-keys', '-t', pane, 'Enter');
  await mock.waitForRequest('stream-tool-answer', 1);
  await until('idle after the tool ran', (s) => ready(s) && /The command ran\./.test(s.screen));
  await sleep(1500);
  await sample('idle', 3, 300, 'approved');

  await tmux.typeLine(pane, '/quit');
  await sampleExit();
}

/** Codex: no permission step (its sandbox lets workspace commands run unasked); idle, a turn, exit by Ctrl-C. */
async function codexScenario({ session, tmux, pane, mock, until, sample, sampleExit }) {
  const composer = (s) => /^› /m.test(s.screen);
  await session.launch();
  await until('the codex process', (s) => s.command === 'node', 10_000);
  await sample('starting', 1, 0, 'starting');
  await until('the composer', (s) => composer(s) && /OpenAI Codex/.test(s.screen), 60_000);
  await sleep(1500);
  await sample('idle', 3, 300, 'idle');

  mock.options.delayMs = 6000;
  await tmux.typeLine(pane, 'say hello');
  await mock.waitForRequest('text', 1);
  await sleep(800);
  await sample('working', 8, 500, 'working');
  await until('the end of the turn', (s) => /Mock answer: done\./.test(s.screen) && !/esc to interrupt\)/.test(s.screen));
  await sleep(1500);
  await sample('idle', 3, 300, 'finished');

  // One Ctrl-C at an idle, empty composer exits.
  await tmux.tmux('send-keys', '-t', pane, 'C-c');
  await sampleExit();
}
