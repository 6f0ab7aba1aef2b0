import path from 'node:path';
import { localPathForKey } from '../../activities/support/safe-path';

describe('localPathForKey', () => {
  const dir = '/data/out';

  it('maps keys below the prefix into the directory', () => {
    expect(localPathForKey(dir, 'exports/', 'exports/wf/run/piece-1.gz')).toBe(path.join(dir, 'wf/run/piece-1.gz'));
    expect(localPathForKey(dir, '', 'a.gz')).toBe(path.join(dir, 'a.gz'));
  });

  it.each([
    ['exports/../../etc/passwd'],
    ['exports/a/../../b'],
    ['exports//abs'],
    ['exports/./x'],
    ['exports/a\\..\\b'],
    ['exports/'],
    ['exports/dir/'],
    ['exports/nul\0byte'],
    ['other/x.gz'],
  ])('refuses %j', (key) => {
    expect(localPathForKey(dir, 'exports/', key)).toBeUndefined();
  });
});
