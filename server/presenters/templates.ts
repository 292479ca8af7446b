import type { TemplateRow } from '../domain/templates/listTemplates.js';

/** The incident template object of the staff API (and the console). */
export function presentTemplate(t: TemplateRow) {
  return {
    id: t.id,
    name: t.name,
    title: t.title,
    message: t.message,
    severity: t.severity,
    status: t.status,
    components: t.components,
    custom_tweet: t.customTweet,
    deliver_notifications: t.deliverNotifications,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}
