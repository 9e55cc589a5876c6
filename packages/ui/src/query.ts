import type { ModelName } from '@modelreg/core';
import { parseOptions } from '@modelreg/core/backend';
import { z } from 'zod';
import { HttpError } from './http-error.js';

/** Reads a route's query parameters with its schema; a bad one is a 400 naming the parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, params: URLSearchParams): z.output<S> {
  return parseOptions(schema, Object.fromEntries(params), 'query parameters', (message) => new HttpError(400, message));
}

/** The largest page a listing serves. */
export const MAX_PAGE = 500;

export const pageSchema = {
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
  /** Case-insensitive text every listed row must contain. */
  q: z.string().max(200).default(''),
};

export const lineSchema = { store: z.string().min(1), product: z.string().min(1), type: z.string().min(1) };

/** A version: a number, an alias or `latest`, as in a reference after the `@`. */
export const versionSchema = { ...lineSchema, version: z.string().min(1).default('latest') };

export function lineOf(query: ModelName): ModelName {
  return { store: query.store, product: query.product, type: query.type };
}

export interface Page<T> {
  total: number;
  offset: number;
  limit: number;
  rows: T[];
}

export function page<T>(rows: readonly T[], offset: number, limit: number): Page<T> {
  return { total: rows.length, offset, limit, rows: rows.slice(offset, offset + limit) };
}

export function matchesText(q: string, ...texts: string[]): boolean {
  if (q === '') return true;
  const needle = q.toLowerCase();
  return texts.some((text) => text.toLowerCase().includes(needle));
}
