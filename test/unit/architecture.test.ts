// Guards the shape of the repository: the planning core in src/ stays pure (no DOM, no OHIF, no `any`),
// and Node-only modules stay in the places that are allowed to use them.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const srcDir = path.join(__dirname, '..', '..', 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : /\.tsx?$/.test(name) ? [p] : [];
  });
}

const files = walk(srcDir).map((file) => ({
  rel: path.relative(srcDir, file).split(path.sep).join('/'),
  // Strip comments so documentation may mention anything.
  code: readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1'),
}));

const importsOf = (code: string): string[] =>
  [...code.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);

const nodeOnlyAllowed = (rel: string): boolean =>
  rel.startsWith('cli/') || rel.startsWith('node/') || /Node\.ts$/.test(rel) || rel.startsWith('types/');

describe('planning core (src/) purity', () => {
  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(3);
  });

  it.each(files.map((f) => [f.rel, f.code]))('%s imports neither OHIF, Cornerstone, React nor the DOM', (_rel, code) => {
    const bad = importsOf(code).filter((m) => /^(@ohif\/|@cornerstonejs\/|react($|-dom|\/))/.test(m));
    expect(bad).toEqual([]);
    expect(code).not.toMatch(/\b(window|document)\s*\./);
  });

  it.each(files.map((f) => [f.rel, f.code]))('%s uses no `any`', (_rel, code) => {
    expect(code).not.toMatch(/(:\s*any\b|\bas\s+any\b|<any>|any\[\])/);
  });

  it.each(files.map((f) => [f.rel, f.code]))('%s uses Node built-ins only where allowed', (rel, code) => {
    const nodeImports = importsOf(code).filter((m) => /^(node:|fs$|path$|child_process$|os$|worker_threads$|http$|net$)/.test(m));
    if (!nodeOnlyAllowed(rel)) expect(nodeImports).toEqual([]);
  });
});
