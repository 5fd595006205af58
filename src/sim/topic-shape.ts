import { AuditTopicEventBody, EventBridgeEnvelope } from '../model/audit-log-message';
import { SimEvent, eventMessage } from './event';

/**
 * An audit as the `v2.audits.entitytype.{id}.entityid.{id}` topic carries it: a different shape
 * from AuditLogMessage (userId, username, clientId, eventTime), and without status,
 * application, initiatingAction, transactionInitiator or entityChanges.
 */
export function topicBody(e: SimEvent): AuditTopicEventBody {
  const m = eventMessage(e);
  return {
    id: m.id,
    userId: m.user?.id,
    userHomeOrgId: m.userHomeOrgId,
    username: { id: m.user?.id, name: e.userName },
    clientId: { id: m.client?.id ?? '' },
    remoteIp: m.remoteIp,
    serviceName: m.serviceName,
    level: m.level,
    eventTime: m.eventDate,
    message: m.message,
    action: m.action,
    entityType: m.entityType,
    entity: m.entity,
    propertyChanges: m.propertyChanges,
    context: m.context,
  };
}

export function envelope(
  e: SimEvent,
  orgId: string,
  source: string,
  envelopeId: string,
  correlationId: string,
): EventBridgeEnvelope {
  const arrival = new Date(e.time + e.arrivalDelayMs);
  return {
    version: '0',
    id: envelopeId,
    'detail-type': 'v2.audits.entitytype.{id}.entityid.{id}',
    source: `aws.partner/genesys.com/cloud/${orgId}/${source}`,
    account: '123456789012',
    time: `${arrival.toISOString().slice(0, 19)}Z`,
    region: 'us-east-1',
    resources: [],
    detail: {
      topicName: `v2.audits.entitytype.${e.entityType}.entityid.${e.entityId}`,
      version: '2',
      eventBody: topicBody(e),
      metadata: { CorrelationId: correlationId },
      timestamp: arrival.toISOString(),
    },
  };
}
