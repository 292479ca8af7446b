import type { AppDeps } from '../app.js';
import type { DeliveryChannel } from './channel.js';

/** The channel registry: every durable notification channel Beacon delivers to. */
export function deliveryChannels(_deps: AppDeps): DeliveryChannel[] {
  return [];
}
