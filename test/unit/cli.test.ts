import { main } from '../../src/cli/index';
import { parseArgs, pointFlag, numberFlag, UsageError } from '../../src/cli/args';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('pvpi CLI frame', () => {
  it('rejects an unknown command with exit code 2 and names the known ones', async () => {
    const c = capture();
    expect(await main(['no-such-command'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/unknown command "no-such-command"/);
  });

  it('prints help listing the commands', async () => {
    const c = capture();
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.out[0]).toMatch(/^pvpi:/);
  });

  it('parses flags in both spellings and points in mm', () => {
    const a = parseArgs(['DIR', '--point', '1,-2.5,3e1', '--gauge=11', '--verbose']);
    expect(pointFlag(a, 'point')).toEqual([1, -2.5, 30]);
    expect(numberFlag(a, 'gauge')).toBe(11);
    expect(a.flags.get('verbose')).toBe(true);
    expect(a.positional).toEqual(['DIR']);
  });

  it('gives specific usage errors', () => {
    expect(() => pointFlag(parseArgs(['--point', '1,2']), 'point')).toThrow(UsageError);
    expect(() => numberFlag(parseArgs(['--sk', 'abc']), 'sk')).toThrow(/--sk must be a number/);
    expect(() => numberFlag(parseArgs([]), 'sk')).toThrow(/missing required option --sk/);
  });
});
