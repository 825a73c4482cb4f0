// Every conformance check, in the order they run and report. Adding a check is one function and
// one line here.

import { UsageError } from '../errors';
import { PAGINATION_PROPERTIES } from '../pagination/properties';
import { metaKey, pageSize, pageUrls } from './list-checks';
import type { Check } from './observation';
import {
  contentType,
  encoding,
  fieldsPresent,
  jsonBody,
  responseSchema,
  statusCode,
  undocumentedFields,
} from './response-checks';
import { authRequired, fetchMatchesList, pageSizeBounds, unknownId } from './scenario-checks';

export const CHECKS: readonly Check[] = [
  statusCode,
  contentType,
  jsonBody,
  encoding,
  responseSchema,
  fieldsPresent,
  undocumentedFields,
  metaKey,
  pageSize,
  pageUrls,
  fetchMatchesList,
  unknownId,
  pageSizeBounds,
  authRequired,
];

const isKnown = (id: string) =>
  CHECKS.some((c) => c.id === id) || PAGINATION_PROPERTIES.some((p) => p.id === id);

export function selectChecks(only: readonly string[] | undefined): Check[] {
  if (!only?.length) return [...CHECKS];
  const unknown = only.filter((id) => !isKnown(id));
  if (unknown.length) throw new UsageError(`unknown check ${unknown.join(', ')} (see --list-checks)`);
  return CHECKS.filter((c) => only.includes(c.id));
}
