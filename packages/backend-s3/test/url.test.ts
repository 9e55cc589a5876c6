import { describe, expect, it } from '@jest/globals';
import { InvalidInputError } from '@modelreg/core';
import { invalidInputFrom } from '@modelreg/core/testing';
import { S3Store, storeFromUrl } from '../src/index.js';

const open = (url: string, env: NodeJS.ProcessEnv = {}) => storeFromUrl(url, { env, baseDir: '/srv/project' });
const rejection = (url: string, env: NodeJS.ProcessEnv = {}) => invalidInputFrom(() => open(url, env));

describe('storeFromUrl (s3)', () => {
  it('reads bucket, prefix, endpoint, region and path style from the URL, and describes the store without them', async () => {
    const store = open('s3://models/team-a/prod?endpoint=http%3A%2F%2F127.0.0.1%3A9000&region=eu-west-1');
    expect(store).toBeInstanceOf(S3Store);
    expect([store.bucket, store.prefix]).toEqual(['models', 'team-a/prod/']);
    expect(store.description).toBe('s3://models/team-a/prod at http://127.0.0.1:9000');
    expect(await store.client.config.region()).toBe('eu-west-1');
    expect(store.client.config.forcePathStyle).toBe(true); // the default with an endpoint
    expect(open('s3://models?endpoint=http://127.0.0.1:9000&forcePathStyle=false').client.config.forcePathStyle).toBe(false);
  });

  it('uses AWS S3 without an endpoint, and takes one from AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL', () => {
    const aws = open('s3://models');
    expect(aws.description).toBe('s3://models');
    expect(aws.client.config.forcePathStyle).toBe(false);
    expect(open('s3://models/p', { AWS_ENDPOINT_URL: 'http://10.0.0.1:7480' }).description).toBe('s3://models/p at http://10.0.0.1:7480');
    const both = { AWS_ENDPOINT_URL_S3: 'http://10.0.0.2:7480', AWS_ENDPOINT_URL: 'http://10.0.0.1:7480' };
    expect(open('s3://models/p', both).description).toBe('s3://models/p at http://10.0.0.2:7480');
    expect(open('s3://models/p?endpoint=http://10.0.0.3:9000', both).description).toBe('s3://models/p at http://10.0.0.3:9000');
  });

  it('names what is wrong with a URL', () => {
    expect(rejection('s3://').message).toContain('names no bucket');
    expect(rejection('s3://bucket/p?endpont=http://x').message).toContain('Unknown parameter "endpont"');
    expect(rejection('s3://bucket/p?forcePathStyle=maybe').message).toContain('forcePathStyle in registry URL s3://bucket/p must be true or false');
    expect(rejection('s3://bucket/p?endpoint=ftp://x').message).toContain('Invalid S3Store options: endpoint');
    expect(rejection('az://account/container').message).toContain('Not an S3 registry URL');
  });

  it('refuses credentials in the URL, pointing to the SDK credential chain and never echoing them', () => {
    for (const url of ['s3://AKIAEXAMPLEKEY:wJalrXUtnFEMI/K7MDENG+bPxRfiCY@models/prefix', 's3://AKIAEXAMPLEKEY:plainsecret@models', 's3://AKIAEXAMPLEKEY@models']) {
      const error = rejection(url);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error.message).toMatch(/cannot carry credentials.*AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE/);
      for (const secret of ['AKIAEXAMPLEKEY', 'wJalrXUtnFEMI', 'K7MDENG', 'plainsecret']) expect(error.message).not.toContain(secret);
    }
  });
});
