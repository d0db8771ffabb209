/**
 * The classifier on REAL agent output (Claude Code, Gemini CLI): samples captured by
 * test/agents/capture-fixtures.mjs, each labelled with the phase the harness drove the agent into (the ground truth).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyPane, identifyAgent, type Classification, type PaneObservation } from '../src/agents/classify.js';
import { AGENT_SIGNALS, signalsFor } from '../src/agents/signals.js';

interface Sample {
  phase: string;
  step: string;
  title: string;
  command: string;
  screen: string;
}

const fixtureDir = path.join(import.meta.dirname, 'fixtures/claude');
const { samples } = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'samples.json'), 'utf8')) as { samples: Sample[] };
const { titles } = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'titles.json'), 'utf8')) as {
  titles: { title: string; command: string }[];
};
const screen = (name: string) => fs.readFileSync(path.join(fixtureDir, `${name}.txt`), 'utf8');
const sampleOf = (step: string) => samples.find((sample) => sample.step === step)!;

/** Samples were taken after each phase had settled (≥ 1 s still for idle ones). */
const SETTLED_MS = 5_000;
const observe = (sample: Sample, extra: Partial<PaneObservation> = {}): PaneObservation => ({
  title: sample.title,
  screen: sample.screen,
  command: sample.command,
  agentHint: 'claude',
  screenStillMs: SETTLED_MS,
  ...extra,
});

const fixturesRoot = path.join(import.meta.dirname, 'fixtures');
const capturedAgents = fs.readdirSync(fixturesRoot).filter((name) => fs.existsSync(path.join(fixturesRoot, name, 'samples.json')));
const samplesOf = (agent: string) =>
  (JSON.parse(fs.readFileSync(path.join(fixturesRoot, agent, 'samples.json'), 'utf8')) as { samples: Sample[] }).samples;

describe.each(capturedAgents)('classifyPane on the captured %s session', (agent) => {
  it('labels every sample with the phase it was captured in', () => {
    const agentSamples = samplesOf(agent);
    let previous: Classification | undefined;
    const wrong: string[] = [];
    for (const sample of agentSamples) {
      const result = classifyPane(observe(sample, { agentHint: agent }), previous);
      expect(result.agent).toBe(agent);
      if (result.state !== sample.phase) wrong.push(`${sample.step}: ${sample.phase} → ${result.state} (${result.reason})`);
      previous = result;
    }
    expect(wrong).toEqual([]);
    const phases = new Set(agentSamples.map((sample) => sample.phase));
    // Every capture covers a whole life; Codex's has no permission step (its sandbox runs workspace commands unasked).
    for (const phase of ['starting', 'idle', 'working', 'exited']) expect(phases).toContain(phase);
  });
});

describe('classifyPane on captured Claude Code samples', () => {
  it('tells a permission prompt from idle although both show the idle title', () => {
    const permission = sampleOf('permission');
    const idle = sampleOf('finished');
    expect(permission.title.startsWith('✳')).toBe(true);
    expect(idle.title.startsWith('✳')).toBe(true);
    const previous: Classification = { agent: 'claude', state: 'working', reason: 'title:spinner' };
    expect(classifyPane(observe(permission), previous)).toMatchObject({ state: 'waiting', reason: 'screen:permission' });
    expect(classifyPane(observe(idle), previous)).toMatchObject({ state: 'idle', reason: 'screen:prompt-footer' });
  });

  it('sees working from the footer while the API error retry line is shown', () => {
    expect(classifyPane(observe(sampleOf('api-error')), undefined)).toMatchObject({ state: 'working', reason: 'screen:interrupt-hint' });
  });

  it('believes idle only after the screen has been still for the configured moment', () => {
    const finished = sampleOf('finished');
    const working: Classification = { agent: 'claude', state: 'working', reason: 'screen:interrupt-hint' };
    const moving = classifyPane(observe(finished, { screenStillMs: 200 }), working, { idleAfterMs: 1000 });
    expect(moving).toMatchObject({ state: 'working', reason: 'screen:prompt-footer:settling' });
    const still = classifyPane(observe(finished, { screenStillMs: 1000 }), working, { idleAfterMs: 1000 });
    expect(still.state).toBe('idle');
  });

  it('detects the exit: title cleared and the shell in the foreground again', () => {
    const running: Classification = { agent: 'claude', state: 'idle', reason: 'screen:prompt-footer' };
    const exited = sampleOf('exited');
    expect(exited.title).toBe('');
    expect(classifyPane(observe(exited, { agentHint: undefined }), running)).toEqual({
      agent: 'claude',
      state: 'exited',
      reason: 'process:shell',
    });
  });

  it('does not call the exit early while the agent process still runs with an exit line on screen', () => {
    const exited = sampleOf('exited');
    const previous: Classification = { agent: 'claude', state: 'idle', reason: 'screen:prompt-footer' };
    const stillRunning = classifyPane(observe(exited, { command: 'claude' }), previous);
    expect(stillRunning.state).toBe('idle');
  });

  it('reports a dead pane as exited', () => {
    const result = classifyPane(observe(sampleOf('working'), { dead: true }), undefined);
    expect(result).toEqual({ agent: 'claude', state: 'exited', reason: 'pane:dead' });
  });

  it('is starting while the shell has not yet run the agent workmux started', () => {
    const beforeLaunch = { ...sampleOf('starting'), command: 'bash', title: 'vm' };
    expect(classifyPane(observe(beforeLaunch), undefined)).toMatchObject({ agent: 'claude', state: 'starting' });
  });
});

describe('title rules on the captured Claude Code title sequence', () => {
  const claude = signalsFor('claude')!;
  const stateOfTitle = (title: string) => claude.titleRules.find((rule) => rule.pattern.test(title))?.state;

  it('reads every spinner frame as working and ✳ as idle', () => {
    const agentTitles = titles.filter((entry) => entry.command === 'claude' && /^\S /.test(entry.title));
    expect(agentTitles.length).toBeGreaterThan(5);
    for (const { title } of agentTitles) {
      expect(stateOfTitle(title), title).toBe(title.startsWith('✳') ? 'idle' : 'working');
    }
  });

  it('identifies Claude by its ✳ title even after the session title replaced "Claude Code"', () => {
    const sessionTitle = titles.find((entry) => entry.title.startsWith('✳') && !entry.title.endsWith('Claude Code'));
    expect(sessionTitle).toBeDefined();
    expect(identifyAgent({ title: sessionTitle!.title, screen: '', command: '', screenStillMs: 0 }, undefined)).toBe('claude');
  });
});

describe('the generic shell profile', () => {
  const idleScreen = screen('idle');
  it('calls a shell prompt idle and a foreground command working', () => {
    const base = { title: 'host', screen: idleScreen, screenStillMs: SETTLED_MS };
    expect(classifyPane({ ...base, command: 'bash' }, undefined)).toMatchObject({ agent: 'shell', state: 'idle' });
    expect(classifyPane({ ...base, command: 'make' }, undefined)).toMatchObject({ agent: 'shell', state: 'working' });
  });

  it('calls a started command exited once its shell is back', () => {
    const base = { title: 'host', screen: '', screenStillMs: SETTLED_MS, agentHint: 'npm test' };
    const running = classifyPane({ ...base, command: 'node' }, undefined);
    expect(running).toMatchObject({ agent: 'npm test', state: 'working' });
    expect(classifyPane({ ...base, command: 'zsh' }, running)).toMatchObject({ state: 'exited', reason: 'process:shell' });
  });
});

describe('classifyPane on captured Gemini CLI samples', () => {
  const gemini = samplesOf('gemini');
  const geminiSample = (step: string) => gemini.find((sample) => sample.step === step)!;
  const previous: Classification = { agent: 'gemini', state: 'idle', reason: 'title:ready' };

  it('sees working although the always-visible input box is the lowest line', () => {
    const working = geminiSample('working');
    const lines = working.screen.trimEnd().split('\n');
    const composerLine = lines.findIndex((line) => line.includes('Type your message'));
    const thinkingLine = lines.findIndex((line) => line.includes('esc to cancel'));
    expect(composerLine).toBeGreaterThan(thinkingLine);
    expect(classifyPane(observe(working, { agentHint: undefined }), previous)).toMatchObject({ agent: 'gemini', state: 'working', reason: 'screen:thinking' });
  });

  it('identifies Gemini by its title while its process is plain node', () => {
    const idle = geminiSample('idle');
    expect(idle.command).toBe('node');
    expect(classifyPane(observe(idle, { agentHint: undefined }), undefined)).toMatchObject({ agent: 'gemini', state: 'idle' });
  });

  it('reads the permission dialog as waiting', () => {
    const result = classifyPane(observe(geminiSample('permission'), { agentHint: undefined }), previous);
    expect(result).toMatchObject({ agent: 'gemini', state: 'waiting', reason: 'screen:permission' });
  });
});

describe('classifyPane on captured Codex samples', () => {
  const codex = samplesOf('codex');
  const codexSample = (step: string) => codex.find((sample) => sample.step === step)!;

  it('sees working from the Working line although composer and footer are drawn below it', () => {
    const working = codexSample('working');
    const previous: Classification = { agent: 'codex', state: 'idle', reason: 'screen:composer' };
    expect(classifyPane(observe(working, { agentHint: 'codex' }), previous)).toMatchObject({ state: 'working', reason: 'screen:working-line' });
  });

  it('reads the idle screen (title is just the folder) as idle for the agent workmux started', () => {
    const idle = codexSample('finished');
    expect(idle.title).not.toMatch(/^[\u2800-\u28FF]/);
    const previous: Classification = { agent: 'codex', state: 'working', reason: 'screen:working-line' };
    expect(classifyPane(observe(idle, { agentHint: 'codex' }), previous)).toMatchObject({ agent: 'codex', state: 'idle' });
  });

  it('leaves the resume hint on screen after the exit', () => {
    expect(codexSample('exited').screen).toMatch(/codex resume [0-9a-f-]{36}/);
  });
});

describe('signal tables', () => {
  it('has a profile for every agent the issue names', () => {
    expect(AGENT_SIGNALS.map((signals) => signals.name)).toEqual(['claude', 'codex', 'gemini', 'opencode', 'aider']);
  });
});
