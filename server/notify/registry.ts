import type { AppDeps } from '../deps.js';
import type { DeliveryChannel } from './channel.js';
import { emailChannels } from './emailChannel.js';
import { webhookChannel } from './webhookChannel.js';
import { twitterChannel } from './twitterChannel.js';

/** The channel registry: every durable notification channel Beacon delivers to. */
export function deliveryChannels(_deps: AppDeps): DeliveryChannel[] {
  return [webhookChannel(_deps), twitterChannel(_deps), ...emailChannels(_deps)];
}
