import type { RealtimeGateway } from '../realtime/gateway.js';
import type { Channel, OutboxEvent } from './channel.js';

/** Pushes staff-facing events (SLA warnings, incident changes) to the authenticated staff room. */
export function staffRealtimeChannel(gateway: RealtimeGateway): Channel {
  return {
    name: 'realtime-staff',
    accepts: (e) => e.type.startsWith('sla.') || e.type.startsWith('incident.') || e.type.startsWith('maintenance.'),
    async deliver(e: OutboxEvent) {
      gateway.toStaff(e.type, { id: e.id, type: e.type, ...e.payload });
    },
  };
}
