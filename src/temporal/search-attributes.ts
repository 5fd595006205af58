import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes that make runs tell-apart-able in the Web UI and in `gcaudit status`:
 * e.g. `GcauditKind="collect-day" AND GcauditDay="2026-11-21"`.
 * Safe to import from workflow code (no I/O).
 */
export const ORG = defineSearchAttributeKey('GcauditOrg', SearchAttributeType.KEYWORD);
export const DAY = defineSearchAttributeKey('GcauditDay', SearchAttributeType.KEYWORD);
export const KIND = defineSearchAttributeKey('GcauditKind', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [ORG, DAY, KIND];
