/**
 * Wire shapes from Genesys (Genesys Cloud's API reference: the AuditLogMessage and
 * AuditQueryExecutionResultsResponse definitions of its swagger).
 * Every field is optional on the wire; enum-like fields are open strings (new values appear).
 */
export interface EntityRef {
  id?: string;
  name?: string;
  selfUri?: string;
}

export interface PropertyChange {
  property?: string;
  oldValues?: string[];
  newValues?: string[];
}

export interface MessageInfo {
  localizableMessageCode?: string;
  message?: string;
  messageWithParams?: string;
  messageParams?: Record<string, string>;
}

/** AuditLogMessage: results of the async query, realtime and related queries. */
export interface AuditLogMessage {
  id?: string;
  userHomeOrgId?: string;
  user?: EntityRef;
  client?: EntityRef;
  remoteIp?: string[];
  serviceName?: string;
  level?: string; // USER | SYSTEM | GENESYS_INTERNAL | unknown
  eventDate?: string;
  message?: MessageInfo;
  action?: string;
  entity?: EntityRef;
  entityType?: string;
  status?: string; // SUCCESS | FAILURE | WARNING | unknown
  application?: string;
  initiatingAction?: { transactionId?: string; actionContext?: string };
  transactionInitiator?: boolean;
  propertyChanges?: PropertyChange[];
  context?: Record<string, string>;
  entityChanges?: Array<{
    entityId?: string;
    entityName?: string;
    entityType?: string;
    oldValues?: string[];
    newValues?: string[];
  }>;
  [unknownField: string]: unknown;
}

/** The topic-shaped eventBody of `v2.audits.entitytype.{id}.entityid.{id}` (EventBridge). */
export interface AuditTopicEventBody {
  id?: string;
  userId?: string;
  username?: { id?: string; name?: string };
  userDisplay?: string;
  clientId?: { id?: string };
  eventTime?: string;
  userHomeOrgId?: string;
  remoteIp?: string[];
  serviceName?: string;
  level?: string;
  message?: MessageInfo;
  action?: string;
  entityType?: string;
  entity?: EntityRef;
  propertyChanges?: PropertyChange[];
  context?: Record<string, string>;
  [unknownField: string]: unknown;
}

/** An EventBridge envelope as Firehose writes it to S3 (one JSON object per line). */
export interface EventBridgeEnvelope {
  version?: string;
  id?: string;
  'detail-type'?: string;
  source?: string;
  account?: string;
  time?: string;
  region?: string;
  resources?: unknown[];
  detail?: {
    topicName?: string;
    version?: string;
    eventBody?: AuditTopicEventBody;
    metadata?: { CorrelationId?: string };
    timestamp?: string;
    [unknownField: string]: unknown;
  };
  [unknownField: string]: unknown;
}
