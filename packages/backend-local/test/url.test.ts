import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidInputError } from '@modelreg/core';
import { LocalStore, storeFromUrl } from '../src/index.js';

const context = { env: {}, baseDir: '/srv/project' };

describe('storeFromUrl (local)', () => {
  it('opens a folder path, a relative one against baseDir, and describes the store by its folder', () => {
    const relative = storeFromUrl('registry-dir', context);
    expect(relative).toBeInstanceOf(LocalStore);
    expect(relative.root).toBe(join('/srv/project', 'registry-dir'));
    expect(relative.description).toBe('/srv/project/registry-dir');
    expect(storeFromUrl('/var/models', context).description).toBe('/var/models');
    expect(storeFromUrl('../shared/models', context).root).toBe('/srv/shared/models');
  });

  it('opens a file:/// URL', () => {
    expect(storeFromUrl(pathToFileURL('/var/my models').href, context).root).toBe('/var/my models');
    expect(storeFromUrl('FILE:///var/models', context).description).toBe('/var/models');
  });

  it('refuses a file URL on another host and a URL of another scheme', () => {
    expect(() => storeFromUrl('file://fileserver/models', context)).toThrow(InvalidInputError);
    expect(() => storeFromUrl('file://fileserver/models', context)).toThrow(/Invalid file registry URL: expected a folder path or file:\/\/\/abs\/path/);
    expect(() => storeFromUrl('s3://bucket/prefix', context)).toThrow(/Registry URL s3:\/\/\.\.\. is not a local folder/);
  });
});
