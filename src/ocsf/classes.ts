/**
 * The four OCSF 1.1 event classes the Genesys audit events map to, one Amazon Security Lake
 * custom source each (Security Lake takes one event class per custom source).
 */
export const OCSF_VERSION = '1.1.0';
/** Profiles every event declares: `host` brings `actor` into Entity Management, `cloud` names the Genesys org. */
export const OCSF_PROFILES = ['cloud', 'host'] as const;

export interface OcsfClass {
  uid: number;
  name: string;
  /** OCSF's snake_case class name (the schema's key). */
  key: string;
  categoryUid: number;
  categoryName: string;
  /** Security Lake custom source name (ext/<source>/...): at most 20 characters (the provider role's name has it). */
  source: string;
  /** The class as CreateCustomLogSource's eventClasses names it. */
  securityLakeEventClass: string;
}

export const OCSF_CLASSES = {
  accountChange: {
    uid: 3001,
    name: 'Account Change',
    key: 'account_change',
    categoryUid: 3,
    categoryName: 'Identity & Access Management',
    source: 'gcaudit-acct-change',
    securityLakeEventClass: 'ACCOUNT_CHANGE',
  },
  authentication: {
    uid: 3002,
    name: 'Authentication',
    key: 'authentication',
    categoryUid: 3,
    categoryName: 'Identity & Access Management',
    source: 'gcaudit-auth',
    securityLakeEventClass: 'AUTHENTICATION',
  },
  entityManagement: {
    uid: 3004,
    name: 'Entity Management',
    key: 'entity_management',
    categoryUid: 3,
    categoryName: 'Identity & Access Management',
    source: 'gcaudit-entity-mgmt',
    securityLakeEventClass: 'ENTITY_MANAGEMENT_AUDIT',
  },
  apiActivity: {
    uid: 6003,
    name: 'API Activity',
    key: 'api_activity',
    categoryUid: 6,
    categoryName: 'Application Activity',
    source: 'gcaudit-api-activity',
    securityLakeEventClass: 'API_ACTIVITY',
  },
} as const satisfies Record<string, OcsfClass>;

export type OcsfClassName = keyof typeof OCSF_CLASSES;
export const OCSF_CLASS_LIST: readonly OcsfClass[] = Object.values(OCSF_CLASSES);
