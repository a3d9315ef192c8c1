import { execSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/index';

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('pvpi dose-rate', () => {
  it('prints one dose rate (cGy/h) per along:away point, 2D formalism, and nothing else', async () => {
    const r = await run(['dose-rate', '--model', '6711', '--sk', '1', '--along-away', '0:1,0:2,2:0,1.5:1.5']);
    expect(r.code).toBe(0);
    expect(r.err).toEqual([]);
    expect(r.out).toHaveLength(4);
    const v = r.out.map(Number);
    expect(v[0]).toBeCloseTo(0.965, 6); // Λ·S_K at 1 cm, 90°
    expect(v[1] / 0.19747189088114664).toBeCloseTo(1, 5); // hand value, r = 2 cm, 90°
    // On the axis at 2 cm: Λ·[1/(r² − L²/4)]/G_L(1,90°)·g(2)·F(2,0°), by hand
    const g0 = (2 * Math.atan(0.15)) / 0.3;
    expect(v[2] / ((0.965 * (1 / (4 - 0.0225)) * 0.814 * 0.442) / g0)).toBeCloseTo(1, 5);
    expect(v[3]).toBeGreaterThan(0);
  });

  it('scales with S_K, accepts mCi (1.270 U/mCi) and the 1D formalism', async () => {
    const a = await run(['dose-rate', '--model', 'I25.S06', '--mci', '0.5', '--along-away', '0:1']);
    expect(Number(a.out[0])).toBeCloseTo(1.012 * 0.635, 6);
    const b = await run(['dose-rate', '--model', '6711', '--sk', '2', '--along-away', '0:1', '--formalism', '1D']);
    expect(Number(b.out[0])).toBeCloseTo(2 * 0.965 * 0.944, 6);
  });

  it('rejects bad input with a usage error (exit 2)', async () => {
    expect((await run(['dose-rate', '--model', '6711', '--sk', '1', '--along-away', '0;1'])).code).toBe(2);
    expect((await run(['dose-rate', '--model', 'nope', '--sk', '1', '--along-away', '0:1'])).err[0]).toMatch(/unknown seed model/);
    expect((await run(['dose-rate', '--model', '6711', '--along-away', '0:1'])).code).toBe(2);
  });
});

describe('the installed `pvpi` command (bin/pvpi.js → build/core)', () => {
  it('prints the same numbers through npx as the contract says, one per line on stdout', () => {
    const root = path.resolve(__dirname, '..', '..', '..');
    if (!fs.existsSync(path.join(root, 'build', 'core', 'cli', 'index.js'))) {
      try {
        execSync('npx tsc -p tsconfig.build.json', { cwd: root, stdio: 'ignore' });
      } catch {
        // tsc emits even with type errors elsewhere
      }
    }
    const r = spawnSync('npx', ['--no-install', 'pvpi', 'dose-rate', '--model', '6711', '--sk', '1', '--along-away', '0:1,0.5:1.5'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(Number(lines[0])).toBeCloseTo(0.965, 6);
    expect(Number(lines[1])).toBeGreaterThan(0);
  }, 60_000);
});
