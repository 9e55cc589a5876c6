import { describe, expect, it } from '@jest/globals';
import { InvalidInputError, KeyScheme, decodeId, encodeAlias, encodeId, parseRef, redactSecrets, sha256 } from '../src/index.js';

describe('ids', () => {
  it.each([
    ['plain', 'sales-eu_v2.1', 'sales-eu_v2.1'],
    ['slash', 'a/b', 'a%2Fb'],
    ['space and percent', '50% off', '50%25%20off'],
    ['unicode', 'été', '%C3%A9t%C3%A9'],
    ['emoji', '🚀', '%F0%9F%9A%80'],
    ['dots inside', '..a', '..a'],
  ])('encodes %s reversibly', (_, id, encoded) => {
    expect(encodeId(id, 'product')).toBe(encoded);
    expect(decodeId(encoded, 'product')).toBe(id);
  });

  it('accepts 128 characters and rejects 129', () => {
    expect(encodeId('x'.repeat(128), 'store')).toHaveLength(128);
    expect(() => encodeId('x'.repeat(129), 'store')).toThrow(/Invalid store id .*129 characters/);
  });

  it.each([
    ['empty', '', /it is empty/],
    ['dot', '.', /relative path name/],
    ['dot dot', '..', /relative path name/],
    ['control character', 'a\nb', /control character/],
    ['lone surrogate', '\ud800x', /lone UTF-16 surrogate/],
    ['over-long encoding', '日'.repeat(100), /its encoding is 900 characters, over 255/],
  ])('rejects %s with a message naming the id and the rule', (_, id, problem) => {
    const attempt = () => encodeId(id, 'type');
    expect(attempt).toThrow(InvalidInputError);
    expect(attempt).toThrow(problem);
    expect(attempt).toThrow(/an id is 1-128 characters/);
  });

  it('decodes only the canonical encoding, so one id has one key', () => {
    expect(() => decodeId('%41', 'store')).toThrow(/not the canonical encoding/);
    expect(() => decodeId('%c3%a9', 'store')).toThrow(InvalidInputError);
    expect(() => decodeId('a b', 'store')).toThrow(/not an encoded store id/);
    expect(() => decodeId('%E9', 'store')).toThrow(InvalidInputError); // not UTF-8
  });

  it('reserves alias names that look like version selectors', () => {
    for (const alias of ['latest', '7', 'v7', 'V12']) expect(() => encodeAlias(alias)).toThrow(/reserved/);
    expect(encodeAlias('production')).toBe('production');
  });
});

describe('key scheme', () => {
  const name = { store: 'shop 1', product: 'sales/eu', type: 'xgb' };
  const digest = sha256('bytes');

  it('lays keys out as DESIGN.md says, under an optional prefix', () => {
    const keys = new KeyScheme('/team-a/prod/');
    expect(keys.manifestKey(name, 7)).toBe('team-a/prod/models/shop%201/sales%2Feu/xgb/7/manifest.json');
    expect(keys.aliasKey(name, 'production')).toBe('team-a/prod/models/shop%201/sales%2Feu/xgb/aliases/production.json');
    expect(keys.blobKey(digest)).toBe(`team-a/prod/blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}`);
    expect(new KeyScheme().manifestKey(name, 1)).toBe('models/shop%201/sales%2Feu/xgb/1/manifest.json');
  });

  it('parses every key it makes back into its parts', () => {
    const keys = new KeyScheme('p');
    expect(keys.parse(keys.manifestKey(name, 12))).toEqual({ kind: 'manifest', name, version: 12 });
    expect(keys.parse(keys.aliasKey(name, 'staging'))).toEqual({ kind: 'alias', name, alias: 'staging' });
    expect(keys.parse(keys.blobKey(digest))).toEqual({ kind: 'blob', digest });
  });

  it.each([
    'other/models/a/b/c/1/manifest.json',
    'p/models/a/b/c/01/manifest.json',
    'p/models/a/b/c/1/model.bin',
    'p/models/a/b/c/aliases/latest.json',
    'p/blobs/sha256/ff/abc',
    'p/blobs/md5/ab/ab',
  ])('rejects %s as not a modelreg key', (key) => {
    expect(() => new KeyScheme('p').parse(key)).toThrow(InvalidInputError);
  });

  it('rejects unsafe prefixes', () => {
    for (const prefix of ['a/../b', 'a//b', 'a b', './x']) expect(() => new KeyScheme(prefix)).toThrow(/Invalid prefix/);
  });

  it('rejects invalid versions', () => {
    for (const version of [0, -1, 1.5, Number.NaN]) expect(() => new KeyScheme().manifestKey(name, version)).toThrow(/positive integers/);
  });
});

describe('references', () => {
  it.each([
    ['shop/sales/xgb', { kind: 'latest' }],
    ['shop/sales/xgb@latest', { kind: 'latest' }],
    ['shop/sales/xgb@7', { kind: 'version', version: 7 }],
    ['shop/sales/xgb@v7', { kind: 'version', version: 7 }],
    ['shop/sales/xgb@production', { kind: 'alias', alias: 'production' }],
  ])('parses %s', (input, selector) => {
    expect(parseRef(input)).toEqual({ store: 'shop', product: 'sales', type: 'xgb', selector });
  });

  it('keeps the selector of an already parsed reference', () => {
    for (const input of ['s/p/t@7', 's/p/t@production', 's/p/t@latest']) expect(parseRef(parseRef(input))).toEqual(parseRef(input));
  });

  it('takes ids with "/" or "@" in the object form', () => {
    expect(parseRef({ store: 'a/b', product: 'x@y', type: 't', version: 3 })).toEqual({
      store: 'a/b', product: 'x@y', type: 't', selector: { kind: 'version', version: 3 },
    });
  });

  it.each(['shop/sales', 'shop//xgb', 'a/b/c/d', 'shop/sales/xgb@', 'shop/sales/xgb@0', 'shop/sales/xgb@v0', '../sales/xgb'])(
    'rejects %s with the expected format',
    (input) => {
      expect(() => parseRef(input)).toThrow(InvalidInputError);
    },
  );

  it('quotes a version beyond 2^53 as typed instead of rounding it', () => {
    expect(() => parseRef('shop/sales/xgb@9007199254740993')).toThrow('Invalid version "9007199254740993"');
    expect(() => parseRef({ store: 'shop', product: 'sales', type: 'xgb', version: '9007199254740993' })).toThrow('"9007199254740993"');
  });
});

describe('redactSecrets', () => {
  it('masks user info in URLs, keys in connection strings and signatures in SAS URLs', () => {
    expect(redactSecrets('endpoint http://user:hunter2@host:9000/x failed')).toBe('endpoint http://***@host:9000/x failed');
    expect(redactSecrets('s3://AKIA:wJalr/SECRET@bucket')).not.toContain('wJalr');
    expect(redactSecrets('AccountName=a;AccountKey=c2VjcmV0;Container=m')).toBe('AccountName=a;AccountKey=***;Container=m');
    expect(redactSecrets('https://a.blob.core.windows.net/m?sv=1&sig=SIG')).toBe('https://a.blob.core.windows.net/m?sv=***&sig=***');
  });
});
