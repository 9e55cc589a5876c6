import { describe, expect, it } from '@jest/globals';
import { S3Client } from '@aws-sdk/client-s3';
import { invalidInputFrom } from '@modelreg/core/testing';
import { S3Store, type S3StoreOptions } from '../src/index.js';

const constructionError = (options: unknown) => invalidInputFrom(() => new S3Store(options as S3StoreOptions));

describe('S3Store options', () => {
  it.each([
    ['bucket', { bucket: '' }, /bucket: must be a bucket name/],
    ['a part size under the S3 minimum', { bucket: 'models', partSize: 1024 }, /partSize: must be at least 5242880 bytes/],
    ['a queue size of zero', { bucket: 'models', queueSize: 0 }, /queueSize:/],
    ['a non-http endpoint', { bucket: 'models', endpoint: 'ftp://files.example' }, /endpoint: must be an http:\/\/ or https:\/\/ URL/],
    ['a prefix with a ".." segment', { bucket: 'models', prefix: 'team/../other' }, /prefix: Invalid prefix/],
    ['an unknown checksum mode', { bucket: 'models', checksums: 'always' }, /checksums:/],
    ['credentials without a secret', { bucket: 'models', credentials: { accessKeyId: 'AKIA' } }, /credentials: must be \{ accessKeyId, secretAccessKey/],
    ['a misspelt option', { bucket: 'models', partsize: 8 * 1024 * 1024 }, /partsize/],
    ['a client that is not an S3Client', { bucket: 'models', client: {} }, /client: must be an S3Client/],
  ])('rejects %s in the constructor, naming the field', (_case, options, message) => {
    expect(constructionError(options).message).toMatch(message);
  });

  it('refuses the removed downloadConcurrency, saying what replaced it', () => {
    const message = constructionError({ bucket: 'models', downloadConcurrency: 4 }).message;
    expect(message).toMatch(/^Invalid S3Store options: downloadConcurrency: was removed: /);
    expect(message).toMatch(/set rangeConcurrency \(and rangeBytes, rangeThresholdBytes\) in the registry config or the loader options/);
  });

  it('refuses connection settings next to a client, naming each one', () => {
    const client = new S3Client({ region: 'us-east-1' });
    const error = constructionError({ bucket: 'models', client, endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1' });
    expect(error.message).toMatch(/endpoint: cannot be combined with client/);
    expect(error.message).toMatch(/region: cannot be combined with client/);
  });

  it('uses a given client as it is and describes where it stores', () => {
    const client = new S3Client({ region: 'us-east-1' });
    const store = new S3Store({ bucket: 'models', prefix: '/team-a/', client });
    expect(store.client).toBe(client);
    expect(store.prefix).toBe('team-a/');
    expect(store.description).toBe('s3://models/team-a');
    expect(new S3Store({ bucket: 'models', endpoint: 'http://127.0.0.1:9000' }).description).toBe('s3://models at http://127.0.0.1:9000');
  });

  it('defaults to the checksums S3-compatible servers accept when an endpoint is set, and to the SDK default on AWS', async () => {
    const compatible = new S3Store({ bucket: 'models', endpoint: 'http://127.0.0.1:9000' });
    const aws = new S3Store({ bucket: 'models', region: 'eu-west-1' });
    const explicit = new S3Store({ bucket: 'models', endpoint: 'http://127.0.0.1:9000', checksums: 'when_supported' });
    expect(await compatible.client.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(await compatible.client.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
    expect(await compatible.client.config.region()).toBe('us-east-1');
    expect(await aws.client.config.requestChecksumCalculation()).toBe('WHEN_SUPPORTED');
    expect(await explicit.client.config.requestChecksumCalculation()).toBe('WHEN_SUPPORTED');
  });
});
