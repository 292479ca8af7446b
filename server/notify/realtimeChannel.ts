import type { RealtimeGateway } from '../realtime/gateway.js';
import type { LiveChannel, OutboxEvent } from './channel.js';

/** Pushes staff-facing events (SLA and next-update warnings, incident changes) to the authenticated staff room. */
export function staffRealtimeChannel(gateway: RealtimeGateway): LiveChannel {
  return {
    name: 'realtime-staff',
    accepts: (e) => e.type.startsWith('sla.') || e.type.startsWith('cadence.') || e.type.startsWith('incident.') || e.type.startsWith('maintenance.'),
    async deliver(e: OutboxEvent) {
      gateway.toStaff(e.type, { id: e.id, type: e.type, ...e.payload });
    },
  };
}
