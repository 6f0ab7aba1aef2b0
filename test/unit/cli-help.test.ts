import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main';

/** Every command of the tree with its full name ("schedule create export"). */
function walk(cmd: Command, prefix: string[] = []): { name: string; cmd: Command }[] {
  return cmd.commands.flatMap((c) => {
    const path = [...prefix, c.name()];
    return [{ name: path.join(' '), cmd: c }, ...walk(c, path)];
  });
}

/** What `--help` prints (helpInformation plus the text added after it). */
function helpOf(cmd: Command): string {
  let out = '';
  cmd.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
  cmd.outputHelp();
  return out;
}

describe('--help of every command', () => {
  const program = buildProgram();
  const mine = ['worker', 'export', 'import', 'sync', 'activate', 'status', 'cancel', 'list', 'schedule'];
  const commands = walk(program).filter(({ name }) => mine.includes(name.split(' ')[0] ?? ''));

  it('covers the whole command tree', () => {
    expect(commands.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        ...mine,
        'schedule create',
        'schedule create export',
        'schedule create sync',
        'schedule create activate',
        'schedule list',
        'schedule describe',
        'schedule pause',
        'schedule unpause',
        'schedule trigger',
        'schedule delete',
      ]),
    );
  });

  it.each(
    mine.concat([
      'schedule create export',
      'schedule create sync',
      'schedule create activate',
      'schedule list',
      'schedule describe',
      'schedule pause',
      'schedule unpause',
      'schedule trigger',
      'schedule delete',
    ]),
  )('%s: usage, a description of every option and an example', (name) => {
    const entry = commands.find((c) => c.name === name);
    expect(entry).toBeDefined();
    const text = helpOf(entry!.cmd);
    expect(text).toContain(`Usage: audienceflow ${name}`);
    expect(text).toMatch(/\nExamples?:\n {2}audienceflow /);
    for (const o of entry!.cmd.options)
      expect({ flag: o.flags, description: o.description.length > 10 }).toEqual({ flag: o.flags, description: true });
  });

  it('states the defaults of options that have one', () => {
    const text = (name: string) => helpOf(commands.find((c) => c.name === name)!.cmd);
    expect(text('export')).toMatch(/--poll-initial <duration>[\s\S]*\(default: 1s\)/);
    expect(text('export')).toMatch(/--s3 <url>[\s\S]*\(default: \$AUDIENCEFLOW_S3_URL\)/);
    expect(text('list')).toMatch(/--limit <n>[\s\S]*\(default: "20"\)/);
    expect(text('schedule create export')).toMatch(/--overlap <policy>[\s\S]*\(default: "skip"\)/);
    expect(text('import')).toMatch(/same host/);
  });
});
