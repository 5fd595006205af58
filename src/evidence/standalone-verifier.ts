import * as path from 'node:path';
import { PROJECT_ROOT } from '../paths';

/** The auditor's verifier (auditor/verify.mjs: one file, Node built-ins only), copied into every evidence package. */
export const STANDALONE_VERIFIER = path.join(PROJECT_ROOT, 'auditor', 'verify.mjs');
export const STANDALONE_VERIFIER_FILE = 'verify.mjs';
