import { ApiError, badRequest, notFound } from './errors-body';
import { CLIENT_ROLES, ClientRoles } from './authorization';
import type { Simulator } from './simulator';

/**
 * /_sim/*: the simulator's own test hooks (ground truth, clock, fault knobs, stream delivery,
 * downloads). No authentication: this is a local sandbox's control plane, never part of the
 * Genesys API the collector talks to. The download route stands in for a presigned S3 URL.
 */
export async function control(
  sim: Simulator,
  download: (token: string) => string | undefined,
  method: string,
  path: string,
  params: URLSearchParams,
  body: unknown,
): Promise<{ status: number; body: unknown; raw?: string }> {
  const b = (body ?? {}) as Record<string, unknown>;
  if (method === 'GET' && path.startsWith('/_sim/download/')) {
    const json = download(path.slice('/_sim/download/'.length));
    if (json === undefined) throw notFound();
    return { status: 200, body: undefined, raw: json };
  }
  switch (`${method} ${path}`) {
    case 'GET /_sim/health':
      return { status: 200, body: { ok: true, orgId: sim.orgId, now: sim.clock.now().toISOString() } };
    case 'GET /_sim/truth': {
      const day = params.get('day');
      if (!day) throw badRequest('day: expected YYYY-MM-DD');
      return { status: 200, body: sim.truth(day) };
    }
    case 'GET /_sim/anomaly-days':
      return {
        status: 200,
        body: sim.anomalyDays({ from: params.get('from') ?? undefined, to: params.get('to') ?? undefined }),
      };
    case 'GET /_sim/clock':
      return { status: 200, body: { now: sim.clock.now().toISOString(), frozen: sim.clock.frozen } };
    case 'POST /_sim/clock': {
      if (b.real === true) sim.clock.useRealTime();
      if (b.now !== undefined) sim.setNow(b.now as string);
      if (b.advanceMs !== undefined) {
        if (typeof b.advanceMs !== 'number') throw badRequest('advanceMs: expected a number');
        sim.advance(b.advanceMs);
      }
      return { status: 200, body: { now: sim.clock.now().toISOString(), frozen: sim.clock.frozen } };
    }
    case 'GET /_sim/faults':
      return { status: 200, body: sim.faults() };
    case 'POST /_sim/faults':
      return { status: 200, body: sim.setFaults(b as never) };
    case 'POST /_sim/rate-limit': {
      if (typeof b.perMinute !== 'number' || b.perMinute < 1) throw badRequest('perMinute: expected a number >= 1');
      sim.setRateLimit(b.perMinute);
      return { status: 200, body: { perMinute: b.perMinute } };
    }
    case 'GET /_sim/access-truth':
      return { status: 200, body: sim.accessTruth() };
    case 'POST /_sim/client-roles': {
      if (!CLIENT_ROLES.includes(b.roles as ClientRoles))
        throw badRequest(`roles: expected one of ${CLIENT_ROLES.join(', ')}`);
      const permissions = b.permissions;
      if (permissions !== undefined && (!Array.isArray(permissions) || permissions.some((p) => typeof p !== 'string')))
        throw badRequest('permissions: expected an array of strings');
      sim.setClientRoles(b.roles as ClientRoles, permissions as string[] | undefined);
      return { status: 200, body: { roles: b.roles, permissions } };
    }
    case 'GET /_sim/stats':
      return { status: 200, body: sim.stats() };
    case 'POST /_sim/firehose/flush': {
      if (!sim.firehose)
        throw new ApiError(409, 'request.conflict', 'The simulator was started without a Firehose destination');
      const range = typeof b.day === 'string' ? { day: b.day } : { from: b.from as string, to: b.to as string };
      if (!('day' in range) && (range.from === undefined || range.to === undefined))
        throw badRequest('expected {day} or {from, to}');
      return { status: 200, body: await sim.firehose.flush(range) };
    }
  }
  throw notFound();
}
